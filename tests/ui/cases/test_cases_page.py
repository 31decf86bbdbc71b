"""The case list: filters, marks for urgent cases and near hearings, opening a case, refresh, clearing."""

from __future__ import annotations

import datetime as dt
import enum

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush

from clinic import models as m
from clinic.i18n import set_language
from tests.fixtures.cases import widget_texts
from ui.cases.page import CasesPage


@pytest.fixture
def page(qtbot, make_ctx, english):
    def open_page(role: str = "attorney", *, show: bool = True) -> CasesPage:
        widget = CasesPage(make_ctx(role))
        qtbot.addWidget(widget)
        widget.resize(1280, 800)
        if show:
            widget.show()
        widget.on_unlocked()
        return widget

    return open_page


def families(p: CasesPage) -> set[str]:
    return {row.client_name.split()[-1] for row in p.model.rows}


def choose(combo, value) -> None:
    combo.setCurrentIndex(combo.findData(value.value if isinstance(value, enum.Enum) else value))


def test_the_list_shows_every_case_soonest_hearing_first(page):
    """Unfiltered, every case is listed, soonest hearing or deadline first, cases without one last."""
    p = page()
    assert [r.client_name for r in p.model.rows] == ["José Núñez", "Pedro Ramírez", "María García",
                                                     "Ngozi Okafor"]
    assert p.count.text() == "4 cases"


@pytest.mark.parametrize("combo, value, expected", [
    ("status", m.CaseStatus.ACCEPTED, {"Okafor"}),
    ("status", m.CaseStatus.OPEN, {"Núñez", "García", "Ramírez"}),
    ("need", m.Need.HOUSING, {"García"}),
    ("urgency", m.Urgency.URGENT, {"Núñez", "Ramírez"}),
    ("hearing", 7, {"Núñez"}),
    ("hearing", 14, {"Núñez", "Ramírez"}),
])
def test_filters_narrow_the_list(page, combo, value, expected):
    """Each filter narrows the list to the matching cases."""
    p = page()
    choose(getattr(p, combo), value)
    assert families(p) == expected


def test_filters_combine_and_all_restores(page):
    """Filters combine with AND; choosing All again brings every case back."""
    p = page()
    choose(p.urgency, m.Urgency.URGENT)
    choose(p.need, m.Need.DETENTION)
    assert families(p) == {"Ramírez"}
    p.urgency.setCurrentIndex(0)
    p.need.setCurrentIndex(0)
    assert len(p.model.rows) == 4


def test_assigned_to_me(page):
    """'Assigned to me' keeps only the acting attorney's cases."""
    p = page("attorney")
    p.mine.setChecked(True)
    assert families(p) == {"García"}


def test_text_filter_finds_names_without_accents(page, qtbot, type_text):
    """The find box searches names and notes, accent-insensitively, after a short pause."""
    p = page()
    type_text(p.text, "nunez")
    qtbot.waitUntil(lambda: families(p) == {"Núñez"})
    p.text.clear()
    qtbot.waitUntil(lambda: len(p.model.rows) == 4)
    type_text(p.text, "Intake note about García")
    qtbot.waitUntil(lambda: families(p) == {"García"})


def test_urgent_cases_and_near_hearings_are_marked_with_colour_and_text(page):
    """Urgent rows and hearings within 7 days get a colour and a ⚠ text marker; others neither."""
    p = page()
    by_family = {row.client_name.split()[-1]: i for i, row in enumerate(p.model.rows)}
    urgency_col, date_col = 4, 5

    def cell(family, col, role=Qt.ItemDataRole.DisplayRole):
        return p.model.index(by_family[family], col).data(role)

    assert cell("Núñez", urgency_col).startswith("⚠") and "Urgent" in cell("Núñez", urgency_col)
    assert cell("Núñez", date_col).startswith("⚠") and "(in 3 days)" in cell("Núñez", date_col)
    assert isinstance(cell("Núñez", 0, Qt.ItemDataRole.BackgroundRole), QBrush)
    assert "Urgent" in cell("Núñez", 1, Qt.ItemDataRole.ToolTipRole)
    assert not cell("Ramírez", date_col).startswith("⚠")  # in 10 days, but urgent:
    assert cell("Ramírez", 0, Qt.ItemDataRole.BackgroundRole) is not None
    assert cell("García", 0, Qt.ItemDataRole.BackgroundRole) is None
    assert "⚠" not in cell("García", urgency_col) + cell("García", date_col)
    assert cell("Okafor", date_col) == ""


@pytest.mark.qt_log_level_fail("WARNING")
def test_case_model_and_proxy_pass_the_model_tester(page, qtmodeltester):
    """The case table model and its sort proxy follow Qt's model rules."""
    p = page(show=False)
    qtmodeltester.check(p.model)
    qtmodeltester.check(p.proxy)


def test_sorting_by_a_column_keeps_rows_whole(page):
    """Sorting by client name orders the rows and the selected case stays selected."""
    p = page()
    p.select_case(p.model.rows[0].id)
    chosen = p.selected_case_id()
    p.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    names = [p.proxy.index(r, 1).data() for r in range(p.proxy.rowCount())]
    assert names == sorted(names)
    assert p.selected_case_id() == chosen


def test_enter_opens_the_case_file_and_back_returns(page, qtbot, template):
    """Enter on a row opens its case file beside the list; Back empties it and shows the list."""
    p = page()
    p.table.setFocus()
    p.select_case(template.cases["García"])
    qtbot.keyClick(p.table, Qt.Key.Key_Return)
    assert p.stack.currentIndex() == 1 and p.view.case_id == template.cases["García"]
    assert "María García" in p.view.title.text()
    p.back_button.click()
    assert p.stack.currentIndex() == 0 and p.view.case_id is None
    assert p.selected_case_id() == template.cases["García"]


def test_double_click_opens_the_case_file(page, qtbot, template):
    """A double-click on a row opens that case."""
    p = page()
    p.select_case(template.cases["Okafor"])
    index = p.table.currentIndex()
    rect = p.table.visualRect(index)
    qtbot.mouseClick(p.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(p.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert p.view.case_id == template.cases["Okafor"]


def test_open_case_signal_opens_a_case(page, template):
    """ctx.signals.open_case(id) opens that case, even when the filters hide it."""
    p = page()
    choose(p.status, m.CaseStatus.ACCEPTED)
    p.ctx.signals.open_case.emit(template.cases["Núñez"])
    assert p.stack.currentIndex() == 1 and p.view.case_id == template.cases["Núñez"]


def test_refreshes_when_cases_change(page):
    """A new intake elsewhere (changed 'clients') appears; a status change (changed 'cases') moves rows."""
    p = page()
    p.ctx.v.intakes.record(m.IntakeDraft(given_names="Lucía", family_name_1="Hernández",
                                         consent_to_store=True, needs=(m.Need.FOOD,),
                                         next_date=dt.date.today() + dt.timedelta(days=1)))
    p.ctx.signals.changed.emit("clients")
    assert "Hernández" in families(p)
    choose(p.status, m.CaseStatus.OPEN)
    case_id = next(r.id for r in p.model.rows if r.client_name.endswith("Hernández"))
    p.ctx.v.cases.set_status(case_id, m.CaseStatus.CLOSED, "Referred to the food bank",
                             closure_category="A")
    p.ctx.signals.changed.emit("cases")
    assert "Hernández" not in families(p)


def test_a_volunteer_gets_no_case_list(page):
    """Without permission to view clients the page lists nothing and asks the core for nothing."""
    p = page("volunteer")
    assert p.model.rowCount() == 0


def test_clear_empties_the_list_the_find_box_and_the_case_file(page, type_text, template):
    """clear() (on lock) leaves no client name anywhere in the page."""
    p = page()
    type_text(p.text, "García")
    p.open_case(template.cases["Núñez"])
    p.view.sealed.reveal()
    p.ctx.vault.lock()  # the app locks first, then clears every page: clear() needs no vault
    p.clear()
    assert not [t for t in widget_texts(p) if "García" in t or "Núñez" in t or "CANARY" in t]
    assert p.stack.currentIndex() == 0


def test_retranslate_switches_to_spanish(page):
    """After set_language('es') and retranslate(), titles, filters and cells read in Spanish."""
    p = page()
    set_language("es")
    p.retranslate()
    assert p.title() == "Casos"
    assert p.labels[p.status].text() == "&Estado"
    assert p.status.itemText(0) == "Cualquiera"
    assert p.model.headerData(1, Qt.Orientation.Horizontal) == "Cliente"
    assert p.count.text() == "4 casos"


def test_the_default_shows_open_work_soonest_deadline_first(page, template, make_ctx):  # noqa: F811
    """Issue 14: rejected and closed cases are not the first thing seen; Any still lists them."""
    attorney = make_ctx("attorney")
    attorney.v.cases.set_status(template.cases["Núñez"], m.CaseStatus.REJECTED, "Outside the service area",
                                rejection_reason="out_of_service_area")
    p = page()
    assert p.status.currentData() == "open-work" and p.status.currentText() == "Open work (open or accepted)"
    assert [r.client_name for r in p.model.rows] == ["Pedro Ramírez", "María García", "Ngozi Okafor"]
    p.status.setCurrentIndex(0)
    assert "Núñez" in families(p) and len(p.model.rows) == 4
