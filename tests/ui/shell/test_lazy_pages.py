"""Unlock to workspace: only the page shown is built; every other page is built, and loads, when first shown."""


import pytest

from tests.fixtures.app import unlock as type_and_unlock
from ui.context import Page
from ui.intake.page import IntakePage
from ui.pages import TITLES

ADMIN_PAGES = ["intake", "clients", "cases", "deadlines", "referrals", "partners", "incidents", "preparedness", "conflicts", "reports", "admin"]


@pytest.fixture
def built(monkeypatch) -> list[str]:
    """The class name of every page constructed from now on, in order."""
    names: list[str] = []
    original = Page.__init__

    def counting(self, *args, **kwargs):
        names.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Page, "__init__", counting)
    return names


def unlock(qtbot, win, role: str) -> None:
    """Unlock, then let the event loop build the first page (on the turn after the workspace opens)."""
    type_and_unlock(qtbot, win, role)
    qtbot.waitUntil(lambda: win.pages.is_built("intake"), timeout=5_000)


def _sidebar(win) -> list[str]:
    return [win.sidebar.item(i).text() for i in range(win.sidebar.count())]


def test_entering_the_workspace_builds_only_the_page_shown(qtbot, window, ctx, built):
    """After unlock only the first page exists; the sidebar still lists every page the role allows, named."""
    unlock(qtbot, window, "admin")
    assert built == ["IntakePage"]
    assert list(window.pages) == ADMIN_PAGES and list(window.pages.built()) == ["intake"]
    assert window.page_stack.count() == len(ADMIN_PAGES)
    assert window.page_stack.currentWidget() is window.pages.built()["intake"]
    assert _sidebar(window) == ["New intake", "Clients", "Cases", "Deadlines", "Referrals", "Partners", "Hotline", "Preparedness",
                                "Conflicts", "Reports", "Administration"]


def test_the_first_page_is_built_on_the_turns_after_the_workspace_opens(qtbot, window, ctx, built):
    """Opening the workspace and building the first page are separate GUI-thread turns, not one long block;
    the intake form is built a section a turn, hidden until it is whole, then shown with the focus order of
    a form built at once."""
    window._in_turns._timer.setInterval(100)  # slow steps, so the test sees the page between two
    type_and_unlock(qtbot, window, "admin")
    assert ctx.vault is not None and window.screens.currentWidget() is window.workspace
    assert built == [] and window.sidebar.currentRow() == 0
    qtbot.waitUntil(lambda: built == ["IntakePage"], timeout=5_000)
    staged = window._in_turns._page
    assert staged is not None and not window.pages.is_built("intake") and not staged.isVisible()
    qtbot.waitUntil(lambda: window.pages.is_built("intake"), timeout=5_000)
    page = window.pages.built()["intake"]
    assert page is staged and window.page_stack.currentWidget() is page and page.isVisible()
    assert built == ["IntakePage"]
    whole = IntakePage(ctx)
    assert _focus_chain(page) == _focus_chain(whole)


def _focus_chain(page) -> list[str]:
    """The Tab order from the first field to the Save button, as widget classes and accessible names."""
    chain, widget = [], page.form.given_names
    while widget is not page.save_button and len(chain) < 500:
        chain.append(f"{type(widget).__name__}:{widget.accessibleName()}:{widget.objectName()}")
        widget = widget.nextInFocusChain()
    return chain


def test_asking_for_the_first_page_while_it_is_built_finishes_it_at_once(qtbot, window, ctx, built):
    """A screen asking for the intake page (the Hotline's "start an intake") mid-build gets it whole, once."""
    window._in_turns._timer.setInterval(100)
    type_and_unlock(qtbot, window, "admin")
    qtbot.waitUntil(lambda: built == ["IntakePage"], timeout=5_000)
    assert window._in_turns._page is not None
    page = window.pages["intake"]
    assert page.form.consent is not None and window.page_stack.currentWidget() is page
    qtbot.wait(50)
    assert built == ["IntakePage"] and window.pages["intake"] is page


def test_a_lock_while_the_first_page_is_built_in_turns_drops_it(qtbot, window, ctx, built):
    """The panic key between two steps of the intake form: no page is placed, nothing runs after the lock."""
    window._in_turns._timer.setInterval(100)
    type_and_unlock(qtbot, window, "admin")
    qtbot.waitUntil(lambda: built == ["IntakePage"], timeout=5_000)
    assert window._in_turns._page is not None
    window.lock()
    qtbot.wait(50)
    assert window._in_turns._page is None and not window.pages.built()
    assert ctx.vault is None and window.screens.currentWidget() is window.unlock_screen


def test_a_lock_before_the_first_page_is_built_builds_nothing(qtbot, window, ctx, built):
    """The panic key in the turn between opening the workspace and building its first page: no page."""
    type_and_unlock(qtbot, window, "admin")
    window.lock()
    qtbot.wait(50)
    assert built == [] and ctx.vault is None and window.screens.currentWidget() is window.unlock_screen


def test_each_page_is_built_once_when_first_shown_and_loads_its_data(qtbot, window, ctx, built, ui_template):
    """Choosing a sidebar row builds that page (once), shows it, and it has loaded what it lists."""
    unlock(qtbot, window, "admin")
    for row, key in enumerate(ADMIN_PAGES):
        before = list(built)
        window.sidebar.setCurrentRow(row)
        page = window.pages.built()[key]
        assert window.page_stack.currentWidget() is page and page.isVisible()
        assert built == before + ([] if key == "intake" else [type(page).__name__])
        assert window.sidebar.item(row).text() == page.title() == TITLES[key](ctx)
    pages = window.pages.built()
    assert pages["clients"].count_label.text() == "1 client"
    assert pages["cases"].model.rowCount() == len(ctx.vault.clients.get(ui_template.canary_id).cases) > 0
    assert pages["admin"].model.rowCount() == len(ctx.vault.staff.list())
    window.sidebar.setCurrentRow(1)  # shown again: nothing new is built
    assert len(built) == len(ADMIN_PAGES)


def test_a_volunteer_sidebar_names_the_unbuilt_page_as_it_will_be(qtbot, window, ctx, built):
    """A volunteer's Clients entry says "My intakes today" before and after the page exists."""
    unlock(qtbot, window, "volunteer")
    before = _sidebar(window)
    window.sidebar.setCurrentRow(1)
    assert built == ["IntakePage", "ClientsPage"]
    assert _sidebar(window) == before
    assert before[:2] == [window.pages["intake"].title(), window.pages["clients"].title()]


def test_opening_a_client_builds_the_clients_page_and_shows_the_file(qtbot, window, ctx, built, ui_template):
    """"Open this client" from anywhere works although the Clients page did not exist yet."""
    unlock(qtbot, window, "admin")
    ctx.signals.open_client.emit(ui_template.canary_id)
    clients = window.pages.built()["clients"]
    assert window.page_stack.currentWidget() is clients
    assert clients.view.file is not None and clients.view.file.client.id == ui_template.canary_id
    case_id = ctx.vault.clients.get(ui_template.canary_id).cases[0].id
    ctx.signals.open_case.emit(case_id)
    cases = window.pages.built()["cases"]
    assert window.page_stack.currentWidget() is cases and cases.selected_case_id() == case_id
    assert built.count("ClientsPage") == 1 and built.count("CasesPage") == 1


def test_switching_language_renames_pages_not_yet_built(qtbot, window, ctx, built):
    """ES in the top bar renames every sidebar entry, built or not, and builds nothing."""
    unlock(qtbot, window, "admin")
    window.switch_language("es")
    assert built == ["IntakePage"]
    assert "Administración" in _sidebar(window) and "Administration" not in _sidebar(window)
    window.switch_language("en")


def test_the_letter_code_loads_once_in_the_background_after_unlock(qtbot, window, ctx, monkeypatch):
    """A moment after unlock the letter code and fonts are loaded on the runner (one synthetic letter, thrown
    away), once per process, and never while locked: the first real letter then costs what later ones do."""
    import clinic
    from clinic.letters import render
    from ui.kit import warmup

    ran = []

    def spy():
        ran.append(render.warm_letters())
        return ran[-1]

    monkeypatch.setattr(warmup, "_warm", False)
    monkeypatch.setattr(warmup, "WARM_AFTER_MS", 10)
    monkeypatch.setattr(clinic, "warm_letters", spy, raising=False)
    assert warmup.warm_letters_now(ctx, window) is None and not warmup._warm  # locked: nothing
    unlock(qtbot, window, "admin")
    qtbot.waitUntil(lambda: ran == [True], timeout=10_000)
    assert warmup.warm_letters_now(ctx, window) is None  # once per process
    window.lock()
    unlock(qtbot, window, "admin")
    qtbot.wait(50)
    assert ran == [True]
