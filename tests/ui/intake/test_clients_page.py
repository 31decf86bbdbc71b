"""Finding clients: search as you type, the lazily paged list, a volunteer's own intakes and lookup."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from clinic import models as m
from tests.fixtures.intake import CANARY, close_message_boxes, draft, message_boxes, show, shows
from ui.clients.page import ClientsPage
from ui.context import AppContext
from ui.kit.tasks import TaskRunner


@pytest.fixture
def page_for(qtbot, make_ctx):
    """page_for(name) -> a shown, unlocked ClientsPage for that staff member."""
    def make(name: str) -> ClientsPage:
        page = ClientsPage(make_ctx(name))
        show(qtbot, page)
        page.on_unlocked()
        return page
    yield make
    close_message_boxes()


def names(model) -> list[str]:
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def test_search_as_you_type_is_accent_insensitive(qtbot, page_for, type_text, qtmodeltester):
    """Typing 'garcia' finds 'García' after a short pause; Enter opens the file."""
    page = page_for("coordinator")
    for given, family in (("María", "García"), ("Ana", "Ruiz"), ("Luis", "Gómez")):
        page.ctx.v.intakes.record(draft(given, family))
    page.refresh()
    assert page.clients_model.rowCount() == 3 and page.count_label.text() == "3 clients"
    page.search.setFocus()
    type_text(page.search, "garcia")
    assert page.clients_model.rowCount() == 3, "debounced"
    qtbot.waitUntil(lambda: names(page.clients_model) == ["María García"], timeout=5000)
    assert page.count_label.text() == "1 match"
    qtmodeltester.check(page.clients_model)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.view.file is not None and page.view.file.client.display_name == "María García"
    page.back_to_list()
    page.search.clear()
    page.refresh()
    assert page.clients_model.rowCount() == 3
    index = page.clients_model.index(2, 1)
    rect = page.table.visualRect(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.view.file.client.display_name == index.data()


def test_the_whole_list_is_paged_lazily_in_name_order(page_for, qtmodeltester):
    """With more clients than a page, rows arrive a page at a time, in name order, until exhausted."""
    page = page_for("attorney")
    drafts = [draft(f"Given{i:03d}", f"Family{i:03d}") for i in range(450)]
    page.ctx.v.intakes.record_many(drafts)
    page.refresh()
    model = page.clients_model
    assert model.rowCount() < 450 and model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 450 and page.count_label.text() == "450 clients"
    listed = names(model)
    assert len(set(listed)) == 450
    assert [model.row_at(r)[0].ref for r in range(3)] != []
    qtmodeltester.check(model)


def test_double_click_or_open_client_signal_opens_the_file(qtbot, page_for):
    """ctx.signals.open_client(id) shows that client's file in the pane beside the list."""
    page = page_for("attorney")
    receipt = page.ctx.v.intakes.record(draft("Ana", "Ruiz", dt.date(1990, 1, 2)))
    page.ctx.signals.open_client.emit(receipt.client_id)
    assert page.view.file.client.id == receipt.client_id
    assert page.title() == "Clients"


def test_list_refreshes_when_clients_change(page_for):
    """A 'clients' change (an intake saved elsewhere) reloads the list."""
    page = page_for("coordinator")
    page.ctx.v.intakes.record(draft("Ana", "Ruiz"))
    page.ctx.signals.changed.emit("clients")
    assert names(page.clients_model) == ["Ana Ruiz"]


def test_volunteer_sees_only_own_intakes_of_today(qtbot, page_for, make_ctx, qtmodeltester):
    """'My intakes today' lists what this volunteer recorded; Enter opens one; others' stay closed."""
    other = make_ctx("volunteer2").v.intakes.record(draft("Eva", "Otra"))
    page = page_for("volunteer")
    assert page.title() == "My intakes today"
    assert page.stack.currentWidget() is page._volunteer_panel
    mine = page.ctx.v.intakes.record(draft("Ana", "Ruiz"))
    page.ctx.signals.changed.emit("clients")
    assert names(page.mine_model) == ["Ana Ruiz"]
    assert page.mine_model.index(0, 0).data() == mine.client_ref
    qtmodeltester.check(page.mine_model)
    page.mine_table.setFocus()
    page.mine_table.setCurrentIndex(page.mine_model.index(0, 0))
    qtbot.keyClick(page.mine_table, Qt.Key.Key_Return)
    assert page.view.file is not None and page.view.file.client.id == mine.client_id

    page.ctx.signals.open_client.emit(other.client_id)
    assert [b.text() for b in message_boxes()] == [
        "Volunteers can open only intakes they recorded in the last 24 hours. Ask a coordinator or attorney."]
    assert page.view.file is None and not shows(page.view, "Otra")


def test_volunteer_lookup_says_already_a_client_and_opens_nothing(qtbot, page_for, make_ctx, type_text,
                                                                  qtmodeltester):
    """The lookup shows name, date of birth and last visit only, says 'already a client', opens nothing."""
    make_ctx("coordinator").v.intakes.record(draft("María", "García", dt.date(1987, 3, 14),
                                                   address=f"{CANARY} St", notes=CANARY))
    page = page_for("volunteer")
    page.lookup.setFocus()
    type_text(page.lookup, "garcia")
    qtbot.waitUntil(lambda: page.lookup_model.rowCount() == 1, timeout=5000)
    assert [page.lookup_model.index(0, c).data() for c in range(3)][:2] == ["María García", "Mar 14, 1987"]
    assert page.lookup_model.columnCount() == 3
    assert page.lookup_status.text().startswith("Already a client")
    qtmodeltester.check(page.lookup_model)
    page.lookup_table.activated.emit(page.lookup_model.index(0, 0))
    assert page.view.file is None and not shows(page, CANARY)
    page.lookup.setText("zzzz")
    page.run_lookup()
    assert page.lookup_status.text() == "No client found with that name."


def test_clear_removes_every_canary(qtbot, page_for, make_ctx, type_text):
    """clear() (on lock) empties the search, every list and the open file."""
    make_ctx("volunteer").v.intakes.record(draft(f"Ana {CANARY}", "Ruiz", notes=CANARY))
    page = page_for("attorney")
    type_text(page.search, CANARY.lower())
    qtbot.waitUntil(lambda: page.clients_model.rowCount() == 1, timeout=5000)
    page.open_client(page.clients_model.row_at(0)[0].id)
    assert shows(page, CANARY)
    page.clear()
    assert not shows(page, CANARY) and page.clients_model.rowCount() == 0


def test_volunteer_page_clear_removes_every_canary(qtbot, page_for, type_text):
    """clear() empties a volunteer's own list, the lookup and the open file."""
    page = page_for("volunteer")
    receipt = page.ctx.v.intakes.record(draft(f"Ana {CANARY}", "Ruiz"))
    page.refresh()
    page.open_client(receipt.client_id)
    type_text(page.lookup, "ana")
    page.run_lookup()
    assert shows(page, CANARY)
    page.clear()
    assert not shows(page, CANARY)


def test_spanish_titles_and_dates(page_for, spanish):
    """In Spanish the volunteer's page is 'Mis entrevistas de hoy' and headers are Spanish."""
    page = page_for("volunteer")
    assert page.title() == "Mis entrevistas de hoy"
    assert page.mine_model.headerData(1, Qt.Orientation.Horizontal) == "Nombre"


def test_search_text_is_data_not_syntax(qtbot, page_for, type_text):
    """Quotes, AND( and * typed in the search box neither fail nor match everything."""
    page = page_for("coordinator")
    page.ctx.v.intakes.record(draft("Ana", "Ruiz"))
    for text in ('"', "AND(", "*", "NEAR ana"):
        page.search.setText(text)
        page.refresh()
        assert not message_boxes()


def test_escape_or_back_returns_to_the_list_and_forgets_the_file(qtbot, page_for, type_text):
    """Esc on an open file goes back to the list, with the file (and anything revealed) cleared."""
    page = page_for("attorney")
    receipt = page.ctx.v.intakes.record(draft("Ana", "Ruiz", sealed={m.SealedField.A_NUMBER: CANARY}))
    page.refresh()
    page.table.setFocus()
    page.table.setCurrentIndex(page.clients_model.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page._file_panel and page.view.file.client.id == receipt.client_id
    page.view.reveal()
    assert shows(page, CANARY)
    qtbot.keyClick(page.view.scroll, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page._staff_panel
    assert page.view.file is None and not shows(page, CANARY)
    assert page.table.hasFocus()


class HeldRunner(TaskRunner):
    """Keeps each background job until the test runs it, in whatever order the test chooses."""

    def __init__(self):
        super().__init__()
        self.jobs = []

    def _start(self, job) -> None:
        self.jobs.append(job)


def test_searches_run_in_the_background_and_a_late_result_is_dropped(qtbot, open_vault):
    """The search box never queries on the GUI thread; an older search finishing last, or a search
    finishing after lock, changes nothing on screen."""
    vault = open_vault("coordinator")
    for given, family in (("María", "García"), ("Ana", "Ruiz")):
        vault.intakes.record(draft(given, family))
    runner = HeldRunner()
    page = ClientsPage(AppContext(vault.home, runner=runner, vault=vault))
    show(qtbot, page)
    page.on_unlocked()
    for text in ("garcia", "ruiz"):
        page.search.setText(text)
        page.refresh()
    assert len(runner.jobs) == 2 and page.clients_model.rowCount() == 2, "nothing shown before the worker"
    runner.jobs[1].run()
    assert names(page.clients_model) == ["Ana Ruiz"]
    runner.jobs[0].run()  # "garcia", finishing last
    assert names(page.clients_model) == ["Ana Ruiz"] and page.count_label.text() == "1 match"
    page.search.setText("garcia")
    page.refresh()
    page.clear()
    runner.jobs[2].run()
    assert page.clients_model.rowCount() == 0


def test_a_file_is_read_on_a_worker_and_only_the_last_one_asked_for_is_shown(qtbot, open_vault):
    """Issue 13: opening a file reads it off the GUI thread (the list stays until it arrives); opening
    another before the first answers shows the second only; a lock meanwhile shows nothing."""
    vault = open_vault("coordinator")
    first, second = (vault.intakes.record(draft(given, family)) for given, family in
                     (("María", "García"), ("Ana", "Ruiz")))
    runner = HeldRunner()
    page = ClientsPage(AppContext(vault.home, runner=runner, vault=vault))
    show(qtbot, page)
    page.on_unlocked()
    runner.jobs.clear()
    assert page.open_client(first.client_id) and page.open_client(second.client_id)
    assert len(runner.jobs) == 2 and page.view.file is None
    assert page.stack.currentWidget() is not page._file_panel, "the list stays until the file arrives"
    runner.jobs[1].run()
    assert page.view.file.client.id == second.client_id and page.stack.currentWidget() is page._file_panel
    runner.jobs[0].run()  # the first file, answering last: dropped
    assert page.view.file.client.id == second.client_id
    page.back_to_list()
    page.open_client(first.client_id)
    page.clear()  # a lock
    runner.jobs[2].run()
    assert page.view.file is None and page.stack.currentWidget() is not page._file_panel


# ----- issue 14: keyboard ------------------------------------------------------------------------------


def test_tabbing_into_the_list_selects_the_first_row_and_enter_opens_it(qtbot, page_for):
    page = page_for("coordinator")
    for given, family in (("Ana", "Ruiz"), ("Luis", "Gómez")):
        page.ctx.v.intakes.record(draft(given, family))
    page.refresh()
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Tab)
    assert page.table.hasFocus()
    assert page.table.selectionModel().selectedRows(), "a row is selected, so Enter has a target"
    first = page.table.currentIndex().row()
    assert first == 0
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.view.file is not None
    assert page.view.file.client.display_name == page.clients_model.index(0, 1).data()


def test_down_and_enter_in_the_lookup_reach_the_results_and_enter_explains(qtbot, page_for, make_ctx,
                                                                          type_text):
    make_ctx("coordinator").v.intakes.record(draft("María", "García", dt.date(1987, 3, 14)))
    page = page_for("volunteer")
    page.lookup.setFocus()
    type_text(page.lookup, "garcia")
    qtbot.keyClick(page.lookup, Qt.Key.Key_Down)
    assert page.lookup_table.hasFocus() and page.lookup_table.currentIndex().row() == 0
    qtbot.keyClick(page.lookup_table, Qt.Key.Key_Return)
    assert page.view.file is None
    texts = [b.text() for b in message_boxes()]
    assert len(texts) == 1 and "cannot open" in texts[0]
    close_message_boxes()
    page.lookup.setFocus()
    qtbot.keyClick(page.lookup, Qt.Key.Key_Return)
    assert page.lookup_table.hasFocus()
