"""The Deadlines screen: own cases soonest first, overdue marked, Enter opens the case; everyone's for a
supervising attorney only; Spanish; the model passes Qt's model tester; clear() leaves no name."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from clinic import models as m
from clinic.i18n import set_language
from tests.fixtures.cases import widget_texts
from ui.deadlines.page import DeadlinesPage

TODAY = dt.date.today()


@pytest.fixture
def dated(make_ctx, template):
    """The attorney's García case gets an overdue filing and a hearing; Núñez (the admin's) a check-in."""
    att, admin = make_ctx("attorney"), make_ctx("admin")
    garcia, nunez = template.cases["García"], template.cases["Núñez"]
    att.v.cases.add_deadline(garcia, m.DeadlineDraft(m.DeadlineKind.FILING, TODAY - dt.timedelta(days=2), "Answer"))
    att.v.cases.add_deadline(garcia, m.DeadlineDraft(m.DeadlineKind.HEARING, TODAY + dt.timedelta(days=4)))
    att.v.cases.assign(nunez, admin.v.user.id)
    att.v.cases.add_deadline(nunez, m.DeadlineDraft(m.DeadlineKind.CHECK_IN, TODAY + dt.timedelta(days=1)))
    return att, admin


def whats(p: DeadlinesPage) -> list[str]:
    return [p.model.index(i, 2).data() for i in range(p.model.rowCount())]


def test_own_dates_soonest_first_with_the_overdue_one_marked(page, dated, qtmodeltester):
    """The attorney sees only García's dates (and the date the intake gave), the overdue one bold."""
    att, _admin = dated
    p = page(ctx=att)
    rows = p.model.rows
    assert {r.client_name for r in rows} == {"María García"}
    assert [r.due_date for r in rows] == sorted(r.due_date for r in rows)
    assert whats(p)[:2] == ["Filing deadline", "Court hearing"]
    assert p.model.index(0, 1).data() == "Overdue by 2 days" and p.model.index(1, 1).data() == "In 4 days"
    assert p.model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert p.model.index(1, 0).data(Qt.ItemDataRole.FontRole) is None
    assert "1 overdue" in p.count.text()
    assert not p.scope.isVisible() and p.table.isColumnHidden(5)
    qtmodeltester.check(p.model)


def test_enter_opens_the_case(page, dated, qtbot, template):
    """Enter on a row asks the main window to open that case."""
    att, _admin = dated
    p = page(ctx=att)
    p.table.setFocus()
    p.table.selectRow(1)
    with qtbot.waitSignal(att.signals.open_case, timeout=1000) as opened:
        qtbot.keyClick(p.table, Qt.Key.Key_Return)
    assert opened.args == [template.cases["García"]]


def test_a_supervising_attorney_switches_to_everyone(page, dated, make_ctx, template):
    """Not offered to a plain attorney; once an admin makes them supervising, Everyone's lists Núñez too."""
    att, admin = dated
    admin.v.deadlines.set_supervising(att.v.user.id, True)
    p = page(ctx=att)
    assert p.scope.isVisible()
    p.scope.setCurrentIndex(p.scope.findData("everyone"))
    names = {r.client_name for r in p.model.rows}
    assert {"María García", "José Núñez"} <= names and not p.table.isColumnHidden(5)
    assert "Ana Admin" in {r.assigned_name for r in p.model.rows}


def test_the_window_cuts_to_the_next_days(page, dated):
    """'Overdue and the next 7 days' keeps the overdue filing and the hearing, drops later dates."""
    att, _admin = dated
    p = page(ctx=att)
    p.dates.setCurrentIndex(p.dates.findData(7))
    assert all(r.days_left <= 7 for r in p.model.rows) and len(p.model.rows) == 2


def test_a_new_deadline_elsewhere_refreshes_the_list(page, dated, template):
    """changed("cases") (a deadline added in the case view) reloads the list."""
    att, _admin = dated
    p = page(ctx=att)
    before = len(p.model.rows)
    att.v.cases.add_deadline(template.cases["García"], m.DeadlineDraft(m.DeadlineKind.OTHER, TODAY))
    att.signals.changed.emit("cases")
    assert len(p.model.rows) == before + 1 and "Today" in [p.model.index(i, 1).data() for i in range(before + 1)]


def test_spanish(page, dated):
    """After a language change the screen, the kinds and the days read in Spanish."""
    att, _admin = dated
    p = page(ctx=att)
    set_language("es")
    p.retranslate()
    assert p.title() == "Plazos" and whats(p)[0] == "Plazo para presentar documentos"
    assert p.model.index(0, 1).data() == "Vencida hace 2 días"
    assert p.model.headerData(3, Qt.Orientation.Horizontal) == "Número de cliente"


def test_clear_leaves_no_client_name(page, dated):
    """clear() (on lock) empties the list: no name anywhere on the screen."""
    att, _admin = dated
    p = page(ctx=att)
    att.vault.lock()
    p.clear()
    assert p.model.rowCount() == 0 and not [t for t in widget_texts(p) if "García" in t]


def test_a_coordinator_has_no_deadlines_screen(page):
    """Without REVIEW_CASES the page lists nothing and asks the core for nothing."""
    p = page("coordinator")
    assert p.model.rowCount() == 0
