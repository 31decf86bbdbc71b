"""Save to banner: a saved intake updates its one row and the count, never reloads the whole client list."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.fixtures.intake import close_message_boxes, draft, show
from ui.clients.page import ClientsPage
from ui.intake.page import IntakePage
from ui.kit.tablemodel import Column, LazyRowTableModel

FAMILIES = ("Alvarado", "Benítez", "Castro", "Domínguez", "Espinoza", "Fuentes", "Gallegos", "Herrera")


@pytest.fixture
def screens(qtbot, make_ctx):
    """A coordinator's Clients and New intake pages on one context, over eight clients."""
    ctx = make_ctx("coordinator")
    for n, family in enumerate(FAMILIES):
        ctx.vault.intakes.record(draft("Ana", family, dt.date(1980, 1, n + 1)))
    clients, intake = ClientsPage(ctx), IntakePage(ctx)
    show(qtbot, clients)
    clients.on_unlocked()
    show(qtbot, intake)
    yield ctx, clients, intake
    close_message_boxes()


def _names(model) -> list[str]:
    return [model.row_at(model.index(r, 0))[0].display_name for r in range(model.rowCount())]


def _save(intake: IntakePage, given: str, family: str) -> None:
    intake.form.given_names.setText(given)
    intake.form.family_name_1.setText(family)
    intake.form.consent.setChecked(True)
    intake.save()
    assert intake.banner.isVisible(), "the intake must be saved for this test to mean anything"


def test_a_save_puts_its_one_row_in_place_without_resetting_the_list(screens):
    """No modelReset and no count query: the new client's row appears in name order, the count goes up by one."""
    ctx, clients, intake = screens
    model = clients.clients_model
    resets, inserted, counted = [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    real_count = type(ctx.vault.clients).count
    ctx.vault.clients.count = lambda: counted.append(1) or real_count(ctx.vault.clients)
    assert clients.count_label.text() == "8 clients"
    _save(intake, "Ana", "Calderón")
    assert resets == [] and counted == []
    assert inserted == [(2, 2)]  # after Benítez, before Castro
    assert _names(model)[1:4] == ["Ana Benítez", "Ana Calderón", "Ana Castro"]
    assert clients.count_label.text() == "9 clients"


def test_a_returning_clients_row_is_updated_in_place(screens, qtmodeltester):
    """An intake for someone already listed changes that row (its open cases), adds no row and keeps the count."""
    ctx, clients, intake = screens
    model = clients.clients_model
    castro = next(r for r in range(model.rowCount()) if model.row_at(model.index(r, 0))[0].display_name == "Ana Castro")
    before = model.row_at(model.index(castro, 0))[0]
    changed, resets = [], []
    model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(top.row()))
    model.modelReset.connect(lambda: resets.append(1))
    intake.form.given_names.setText("Ana")
    intake.form.family_name_1.setText("Castro")
    intake.look_for_duplicates()
    intake.duplicates_list.setCurrentRow(
        next(i for i, mt in enumerate(intake._matches) if mt.id == before.id))
    intake.choose_same_person()
    intake.form.consent.setChecked(True)
    intake.save()
    assert intake.banner.isVisible()
    after = model.row_at(model.index(castro, 0))[0]
    assert changed == [castro] and resets == [] and model.rowCount() == len(FAMILIES)
    assert after.id == before.id and after.open_cases == before.open_cases + 1
    assert clients.count_label.text() == "8 clients"
    qtmodeltester.check(model)


def test_a_row_past_the_rows_fetched_waits_for_its_page(qapp):
    """A lazy list that has not fetched everything leaves a later row to the fetch that reaches it."""
    rows = [(f"n{i:03}", i) for i in range(0, 100, 2)]

    def fetch(after, limit):
        start = 0 if after is None else rows.index(after) + 1
        return rows[start:start + limit]

    model = LazyRowTableModel((Column("Name", lambda r: r[0]),), fetch, page_size=10, keep_pages=2)
    model.fetchMore()
    model.fetchMore()  # 20 of 50 rows
    assert model.put_row(("n099", 99), key=lambda r: r[1]) is None and model.rowCount() == 20
    assert model.put_row(("n005", 5), key=lambda r: r[1]) == 3
    rows.insert(3, ("n005", 5))
    while model.canFetchMore():
        model.fetchMore()
    assert [model.row_at(model.index(r, 0)) for r in range(model.rowCount())] == rows
    # The first pages were dropped meanwhile (two kept); read again, the longer page comes back whole.
    assert [model.index(r, 0).data() for r in range(12)] == [r[0] for r in rows[:12]]


def _search(clients: ClientsPage, text: str) -> None:
    clients.search.setText(text)
    clients.refresh()


def test_a_save_with_a_search_on_screen_adds_its_one_row_when_the_search_finds_it(screens):
    """A search shown: a new client it finds is added after the matches, one not found changes nothing; the
    search is never run again, the list never reset."""
    ctx, clients, intake = screens
    model = clients.clients_model
    _search(clients, "ana c")
    assert _names(model) == ["Ana Castro"] and clients.count_label.text() == "1 match"
    searches, resets = [], []
    real_search = type(ctx.vault.clients).search
    ctx.vault.clients.search = lambda *a, **k: searches.append(1) or real_search(ctx.vault.clients, *a, **k)
    model.modelReset.connect(lambda: resets.append(1))
    _save(intake, "Ana", "Calderón")
    assert _names(model) == ["Ana Castro", "Ana Calderón"] and clients.count_label.text() == "2 matches"
    _save(intake, "Berta", "Calvo")
    assert _names(model) == ["Ana Castro", "Ana Calderón"]
    assert searches == [] and resets == []


def test_a_returning_client_in_the_search_shown_is_replaced_in_its_place(screens):
    """An intake for a client the search lists updates that row where it is (its open cases), adds none."""
    ctx, clients, intake = screens
    model = clients.clients_model
    _search(clients, "ana")
    castro = _names(model).index("Ana Castro")
    before = model.row_at(model.index(castro, 0))[0]
    intake.form.given_names.setText("Ana")
    intake.form.family_name_1.setText("Castro")
    intake.look_for_duplicates()
    intake.duplicates_list.setCurrentRow(next(i for i, mt in enumerate(intake._matches) if mt.id == before.id))
    intake.choose_same_person()
    intake.form.consent.setChecked(True)
    intake.save()
    assert intake.banner.isVisible()
    after = model.row_at(model.index(castro, 0))[0]
    assert after.id == before.id and after.open_cases == before.open_cases + 1 and model.rowCount() == len(FAMILIES)
