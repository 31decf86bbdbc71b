"""One generic table model over frozen rows, columns declared as data, a lazy variant and a sort proxy."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from clinic.i18n import _
from ui.kit.pagedrows import PagedRows

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the column's Python value, for sorting
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the whole row object

DEFAULT_ALIGNMENT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
NUMBER_ALIGNMENT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
PAGE_SIZE = 200
PAGES_KEPT = 10  # a lazy model holds at most this many pages (2,000 rows; a screen shows ~40)

AnyIndex = QModelIndex | QPersistentModelIndex


def _default_display(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Column:
    """A column declared as data. `title` is an untranslated N_() msgid, translated when shown."""

    title: str
    value: Callable[[Any], Any]
    display: Callable[[Any], str] | None = None
    alignment: Qt.AlignmentFlag = DEFAULT_ALIGNMENT

    def text(self, row: Any) -> str:
        return (self.display or _default_display)(self.value(row))


class _ColumnsModel(QAbstractTableModel):
    """What both models share: columns, headers, cells, row lookup. Holds rows; never queries anything."""

    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[Any] = []

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def rows(self) -> tuple[Any, ...]:
        return tuple(self._rows)

    def row_at(self, index: AnyIndex | int) -> Any:
        """The row object at a row number or an index of this model (map a proxy's index first)."""
        return self._rows[index if isinstance(index, int) else index.row()]

    def retranslate(self) -> None:
        """Re-read headers and cells after the language changed (labels are translated when shown)."""
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self._rows and self._columns:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, len(self._columns) - 1),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole],
            )

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            not index.isValid()
            or index.row() >= len(self._rows)
            or index.column() >= len(self._columns)
        ):
            return None
        column = self._columns[index.column()]
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.alignment
        if role == SORT_ROLE:
            return column.value(row)
        if role == ROW_ROLE:
            return row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self._columns[section].title)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._columns[section].alignment
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


class RowTableModel(_ColumnsModel):
    """A table of the frozen rows it is given."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[Any] = (), parent=None):
        super().__init__(columns, parent)
        self._rows = list(rows)
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace the rows, keeping the current sort order."""
        self.beginResetModel()
        self._rows = list(rows)
        if self._sorted_by is not None:
            self._rows = [self._rows[i] for i in self._positions(*self._sorted_by)]
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column's Python values; the order is kept across set_rows(). -1: leave as is."""
        if not 0 <= column < len(self._columns):
            self._sorted_by = None
            return
        self._sorted_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        positions = self._positions(column, order)
        new_row = [0] * len(positions)
        for new, old in enumerate(positions):
            new_row[old] = new
        self._rows = [self._rows[i] for i in positions]
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent, [self.index(new_row[i.row()], i.column()) for i in persistent]
        )
        self.layoutChanged.emit()

    def _positions(self, column: int, order: Qt.SortOrder) -> list[int]:
        value = self._columns[column].value
        return sorted_positions([value(row) for row in self._rows], order)


class LazyRowTableModel(_ColumnsModel):
    """A table that grows a page at a time as the view scrolls, for lists of any length.

    `fetch_page(after_row, limit)` returns up to `limit` rows following `after_row` (None: from the
    start) in the list's order: keyset pagination done by the caller. It runs on the GUI thread while
    the view scrolls, so it must be one quick indexed query. Sort in that query, not with a SortProxy:
    a proxy would sort only the rows fetched so far. Only the `keep_pages` pages read most recently
    are held; a view reading a dropped page fetches it again (after the same row as the first time).
    """

    def __init__(
        self,
        columns: Sequence[Column],
        fetch_page: Callable[[Any | None, int], Sequence[Any]],
        *,
        page_size: int = PAGE_SIZE,
        keep_pages: int = PAGES_KEPT,
        parent=None,
    ):
        super().__init__(columns, parent)
        self._fetch_page = fetch_page
        self._page_size = page_size
        self._keep_pages = keep_pages
        self._rows = self._new_rows()
        self._exhausted = False
        self._busy = False

    def _new_rows(self) -> PagedRows:
        return PagedRows(lambda after, limit: self._fetch_page(after, limit), self._page_size,
                          self._keep_pages)

    @property
    def exhausted(self) -> bool:
        """Whether every row has been fetched (or fetching failed; reset() to try again)."""
        return self._exhausted

    @property
    def pages_held(self) -> int:
        """How many pages of rows are in memory (at most keep_pages)."""
        return self._rows.pages_held

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and 0 <= index.row() < len(self._rows) and self._rows[index.row()] is None:
            return None
        return super().data(index, role)

    def reset(self, fetch_page: Callable[[Any | None, int], Sequence[Any]] | None = None) -> None:
        """Drop the rows and start over, with a new fetcher if given (the search text changed)."""
        self._busy = True
        try:
            self.beginResetModel()
            if fetch_page is not None:
                self._fetch_page = fetch_page
            self._rows = self._new_rows()
            self._exhausted = False
            self.endResetModel()
        finally:
            self._busy = False

    def put_row(self, row: Any, *, key: Callable[[Any], Any]) -> int | None:
        """Show one new or changed row in its place, without a reset; its position, or None.

        `key(row)` orders rows as the fetcher's query does. A row with the key of one fetched is replaced;
        a new one is inserted among the rows fetched, appended once every row is fetched, or else left
        for the fetch that reaches it.
        """
        found = self._rows.find(key(row), key)
        if found is not None and found[1]:
            self._rows.replace(found[0], row)
            self.dataChanged.emit(self.index(found[0], 0), self.index(found[0], self.columnCount() - 1))
            return found[0]
        if found is None and not self._exhausted:
            return None
        at = len(self._rows) if found is None else found[0]
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.insert(at, row)
        self.endInsertRows()
        return at

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        # Not re-entrant: a view or tester reacting to rowsInserted/modelReset may ask mid-change.
        if parent.isValid() or self._exhausted or self._busy:
            return
        self._busy = True
        try:
            self._fetch_next_page()
        finally:
            self._busy = False

    def _fetch_next_page(self) -> None:
        try:
            page = list(self._fetch_page(self._rows.last(), self._page_size))
        except BaseException:
            self._exhausted = True  # a failing fetcher must not be retried on every repaint
            raise
        if len(page) < self._page_size:
            self._exhausted = True
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.append_page(page)
            self.endInsertRows()


def sort_key(value: Any) -> Any:
    """Strings compare case- and accent-insensitively ("Ávila" next to "avila"); others as they are."""
    if isinstance(value, str):
        decomposed = unicodedata.normalize("NFKD", value)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
        return (folded, value)
    return value


def sorted_positions(values: Sequence[Any], order: Qt.SortOrder) -> list[int]:
    """Positions of `values` in sorted order: by sort_key, None last in either order, stable."""
    present = [i for i, v in enumerate(values) if v is not None]
    missing = [i for i, v in enumerate(values) if v is None]
    descending = order == Qt.SortOrder.DescendingOrder
    try:
        present.sort(key=lambda i: sort_key(values[i]), reverse=descending)
    except TypeError:  # mixed types in one column: order by type name, then text
        present.sort(key=lambda i: (type(values[i]).__name__, str(values[i])), reverse=descending)
    return present + missing


class SortProxy(QSortFilterProxyModel):
    """Sorts a RowTableModel by the Python values of its Columns; None sorts last in either order.

    The comparison happens in Python's sort over the rows (RowTableModel.sort), not in a lessThan()
    called once per comparison: that costs ~50 ms instead of ~3 s for 50,000 rows. A LazyRowTableModel
    is not sorted here: its order is its query's. Filtering works as in any QSortFilterProxyModel.
    """

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, RowTableModel):
            source.sort(column, order)
