"""Table models over frozen rows: Qt's model rules, lazy paging, translation and sorting."""

import datetime as dt
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QTableView

from clinic.i18n import N_, translator_for
from ui.kit.tablemodel import (
    NUMBER_ALIGNMENT,
    ROW_ROLE,
    SORT_ROLE,
    Column,
    LazyRowTableModel,
    RowTableModel,
    SortProxy,
)

# Qt's C++ model tester reports problems as warnings: make them fail the test.
pytestmark = pytest.mark.qt_log_level_fail("WARNING")


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    born: dt.date | None
    cases: int


COLUMNS = (
    Column(N_("Immigration"), lambda r: r.name),
    Column(N_("Date of birth"), lambda r: r.born, display=lambda d: d.isoformat() if d else ""),
    Column(N_("Open cases"), lambda r: r.cases, alignment=NUMBER_ALIGNMENT),
)

ROWS = [
    Row(1, "Zapata", dt.date(1990, 1, 2), 1),
    Row(2, "Ávila", None, 0),
    Row(3, "avila", dt.date(1985, 5, 6), 2),
    Row(4, "Benítez", dt.date(2001, 7, 8), 10),
]


def _rows(n):
    return [Row(i, f"Person {i:05d}", None, i % 7) for i in range(n)]


def _keyset(rows, calls=None):
    """A fetch_page over a list, paging by the id of the last row, like a keyset query."""

    def fetch_page(after, limit):
        if calls is not None:
            calls.append((after.id if after else None, limit))
        start = 0 if after is None else next(i for i, r in enumerate(rows) if r.id == after.id) + 1
        return rows[start : start + limit]

    return fetch_page


def test_empty_model_passes_the_model_tester(qtmodeltester):
    """An empty RowTableModel follows Qt's model rules."""
    qtmodeltester.check(RowTableModel(COLUMNS))


def test_populated_model_and_set_rows_pass_the_model_tester(qtmodeltester):
    """A populated RowTableModel follows Qt's model rules, also across set_rows()."""
    model = RowTableModel(COLUMNS, ROWS)
    qtmodeltester.check(model)
    model.set_rows(_rows(50))
    model.set_rows([])
    model.set_rows(ROWS[:2])
    assert model.rowCount() == 2 and model.rows == tuple(ROWS[:2])


def test_lazy_model_fetches_1000_rows_in_pages_of_200(qtmodeltester):
    """The lazy model passes the tester while fetching 1,000 rows, 200 at a time, by keyset."""
    rows = _rows(1000)
    calls = []
    model = LazyRowTableModel(COLUMNS, _keyset(rows, calls))
    qtmodeltester.check(model)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 1000 and model.rows == tuple(rows)
    assert [after for after, _ in calls] == [None, 199, 399, 599, 799, 999]
    assert {limit for _, limit in calls} == {200}
    assert model.exhausted


def test_lazy_model_stops_after_a_short_page():
    """A page shorter than the page size means the end: no further fetch."""
    calls = []
    model = LazyRowTableModel(COLUMNS, _keyset(_rows(250), calls))
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 250 and not model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert len(calls) == 2


def test_lazy_reset_passes_the_model_tester(qtmodeltester):
    """reset() and the fetches after it follow Qt's model rules."""
    model = LazyRowTableModel(COLUMNS, _keyset(_rows(300)))
    qtmodeltester.check(model)
    model.fetchMore(QModelIndex())
    model.reset(_keyset(_rows(5)))
    model.fetchMore(QModelIndex())
    assert model.rows == tuple(_rows(5))


def test_lazy_reset_starts_over_with_a_new_fetcher():
    """reset() empties the model and the next fetch starts from the top with the new fetcher."""
    model = LazyRowTableModel(COLUMNS, _keyset(_rows(300)))
    model.fetchMore(QModelIndex())
    other = [Row(9000 + i, f"Other {i}", None, 0) for i in range(3)]
    model.reset(_keyset(other))
    assert model.rowCount() == 0 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rows == tuple(other)


def test_lazy_failing_fetch_is_not_retried_until_reset():
    """A fetcher that raises stops further fetching (no retry on every repaint) until reset()."""
    attempts = []

    def broken(after, limit):
        attempts.append(after)
        raise RuntimeError("vault locked")

    model = LazyRowTableModel(COLUMNS, broken)
    with pytest.raises(RuntimeError):
        model.fetchMore(QModelIndex())
    assert not model.canFetchMore(QModelIndex())
    model.reset(_keyset(_rows(3)))
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 3 and attempts == [None]


def test_cells_use_display_and_alignment():
    """Cells show Column.display of the value ('' for None); roles give the value, the row, the alignment."""
    model = RowTableModel(COLUMNS, ROWS)
    assert model.data(model.index(0, 1)) == "1990-01-02"
    assert model.data(model.index(1, 1)) == ""
    assert model.data(model.index(3, 2)) == "10"
    assert model.data(model.index(3, 2), SORT_ROLE) == 10
    assert model.data(model.index(3, 0), ROW_ROLE) is ROWS[3]
    assert model.data(model.index(3, 2), Qt.ItemDataRole.TextAlignmentRole) == NUMBER_ALIGNMENT
    assert model.row_at(model.index(2, 0)) is ROWS[2] and model.row_at(2) is ROWS[2]


def test_headers_are_translated_when_shown(qtbot, spanish):
    """Column titles are msgids translated at display time, and retranslate() announces the change."""
    model = RowTableModel(COLUMNS, ROWS)
    expected = translator_for("es").gettext("Immigration")
    assert expected != "Immigration"
    assert model.headerData(0, Qt.Orientation.Horizontal) == expected
    with qtbot.waitSignals([model.headerDataChanged, model.dataChanged], timeout=1000):
        model.retranslate()


def _sorted_names(proxy):
    return [proxy.data(proxy.index(r, 0)) for r in range(proxy.rowCount())]


def test_sort_proxy_passes_the_model_tester(qtmodeltester):
    """A SortProxy over a RowTableModel follows Qt's model rules while sorting."""
    proxy = SortProxy()
    proxy.setSourceModel(RowTableModel(COLUMNS, ROWS))
    qtmodeltester.check(proxy)
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    proxy.sort(1, Qt.SortOrder.DescendingOrder)


def test_sort_proxy_ignores_case_and_accents():
    """Strings sort casefolded and accent-insensitively: Ávila and avila sit together before Benítez."""
    proxy = SortProxy()
    proxy.setSourceModel(RowTableModel(COLUMNS, ROWS))
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert _sorted_names(proxy) == ["avila", "Ávila", "Benítez", "Zapata"]


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
def test_sort_proxy_puts_none_last_in_both_orders(order):
    """Rows without a value (no date of birth) come last whichever way the column is sorted."""
    proxy = SortProxy()
    proxy.setSourceModel(RowTableModel(COLUMNS, ROWS))
    proxy.sort(1, order)
    births = [proxy.data(proxy.index(r, 1)) for r in range(proxy.rowCount())]
    dated = ["1985-05-06", "1990-01-02", "2001-07-08"]
    assert births == (dated if order == Qt.SortOrder.AscendingOrder else dated[::-1]) + [""]


def test_sort_proxy_compares_numbers_as_numbers():
    """Numbers sort by value (2 before 10), not as text."""
    proxy = SortProxy()
    proxy.setSourceModel(RowTableModel(COLUMNS, ROWS))
    proxy.sort(2, Qt.SortOrder.AscendingOrder)
    assert [proxy.data(proxy.index(r, 2)) for r in range(4)] == ["0", "1", "2", "10"]


def test_sorting_keeps_selection_on_the_same_row(qtbot):
    """A persistent index (what a selection holds) follows its row when the table is re-sorted."""
    model = RowTableModel(COLUMNS, ROWS)
    proxy = SortProxy()
    proxy.setSourceModel(model)
    held = QPersistentModelIndex(proxy.index(0, 0))  # Zapata, first in source order
    proxy.sort(0, Qt.SortOrder.AscendingOrder)
    assert held.row() == 3 and held.data() == "Zapata"


def test_set_rows_keeps_the_sort_order():
    """New rows given to a sorted model come in sorted by the same column and order."""
    model = RowTableModel(COLUMNS, ROWS)
    proxy = SortProxy()
    proxy.setSourceModel(model)
    proxy.sort(2, Qt.SortOrder.DescendingOrder)
    model.set_rows([Row(7, "x", None, 3), Row(8, "y", None, 30), Row(9, "z", None, None)])
    assert [proxy.data(proxy.index(r, 2)) for r in range(3)] == ["30", "3", ""]


def test_header_click_sorts_through_the_view(qtbot):
    """A QTableView with sorting enabled sorts through SortProxy like a header click would."""
    proxy = SortProxy()
    proxy.setSourceModel(RowTableModel(COLUMNS, ROWS))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert _sorted_names(proxy) == ["Zapata", "Benítez", "Ávila", "avila"]


def test_lazy_model_holds_a_bounded_window_and_refetches_a_dropped_page(qtmodeltester):
    """Scrolled through 2,000 rows it holds only its last pages; reading the top again fetches that page
    after the same row as the first time, with the same rows; the tester still passes."""
    rows = _rows(2000)
    calls = []
    model = LazyRowTableModel(COLUMNS, _keyset(rows, calls), keep_pages=3)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        model.index(model.rowCount() - 1, 0).data()
    assert model.rowCount() == 2000 and model.pages_held == 3
    calls.clear()
    assert model.index(5, 0).data() == "Person 00005" and calls == [(None, 200)]
    assert model.index(450, 0).data() == "Person 00450" and calls[-1] == (399, 200)
    assert model.pages_held == 3 and model.row_at(1999) == rows[1999]
    qtmodeltester.check(model)


def test_lazy_model_shows_an_empty_cell_when_a_refetched_page_came_back_short(qtmodeltester):
    """Rows deleted since a page was dropped leave empty cells, never an exception inside the view."""
    rows = _rows(550)
    model = LazyRowTableModel(COLUMNS, _keyset(rows), keep_pages=1)
    for _ in range(3):
        model.fetchMore(QModelIndex())
    assert model.exhausted and model.index(0, 0).data() == "Person 00000"  # the last page is dropped
    del rows[420:500]  # page 3, fetched again after row 399, now holds 70 rows
    assert model.index(500, 0).data() is None and model.index(410, 0).data() == "Person 00410"
    qtmodeltester.check(model)
