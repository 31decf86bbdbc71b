"""The case file: intake summary, attorney-only values revealed on request, notes, status, clearing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from clinic import models as m
from clinic.errors import PermissionDenied
from clinic.i18n import set_language
from tests.fixtures.cases import SEALED_CANARY, close_error_dialogs, error_dialogs, widget_texts
from ui.cases.view import CaseFileView


def test_opening_a_case_shows_the_intake_summary(view, template):
    """The header names the client and the intake summary shows what the volunteer recorded."""
    w = view("attorney", template.cases["Núñez"])
    assert "José Núñez" in w.title.text()
    assert "Immigration" in w.facts.text() and "Urgent" in w.facts.text()
    assert w.intake_values["volunteer"].text() == "Ana Admin"
    assert w.intake_values["channel"].text() == "Phone"
    assert w.household.values["size"].text() == "3"
    assert w.household.values["income"].text() == "Wages: $1,800 per month"
    assert w.household.values["annual"].text() == "$21,600"
    assert w.intake_values["detained_family_member"].text() == "Yes"
    assert w.intake_values["notes"].text() == "Intake note about Núñez"
    assert w.sealed.property("sealed") is True


def test_attorney_reveals_sealed_values_and_the_reveal_is_audited(view, template, make_ctx):
    """Reveal shows the values read-only and adds a sealed.reveal audit entry; Hide forgets them."""
    w = view("attorney", template.cases["Núñez"])
    a_number = w.sealed.values[m.SealedField.A_NUMBER]
    assert w.sealed.reveal_button.isVisibleTo(w) and a_number.text() == "Recorded, hidden"
    w.sealed.reveal_button.click()
    assert a_number.text() == SEALED_CANARY
    assert w.sealed.values[m.SealedField.IMMIGRATION_STATUS].text() == "TPS pending"
    assert not a_number.textInteractionFlags() & Qt.TextInteractionFlag.TextEditable
    audit = make_ctx("admin").v.settings.audit_log()
    assert any(e.action == "sealed.reveal" and e.target == f"client:{template.clients['Núñez']}"
               for e in audit)
    w.sealed.reveal_button.click()
    assert SEALED_CANARY not in widget_texts(w)


def test_attorney_edits_a_sealed_value(view, template, qtbot, type_text):
    """Edit, after a reveal, records a new sealed value through the core and shows it."""
    w = view("attorney", template.cases["Núñez"])
    w.sealed.reveal()
    dialog = w.sealed.edit(m.SealedField.ENTRY_HISTORY)
    type_text(dialog.value, "Entró en 2019 por Nogales")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    assert w.sealed.values[m.SealedField.ENTRY_HISTORY].text() == "Entró en 2019 por Nogales"
    assert w.ctx.v.sealed.reveal(template.clients["Núñez"])[m.SealedField.ENTRY_HISTORY] == \
        "Entró en 2019 por Nogales"


def test_coordinator_sees_no_reveal_button_and_the_core_refuses(view, template):
    """A coordinator sees which fields were recorded but no Reveal; forcing it is refused by the core."""
    w = view("coordinator", template.cases["Núñez"])
    assert not w.sealed.reveal_button.isVisibleTo(w)
    assert w.sealed.values[m.SealedField.A_NUMBER].text() == "Recorded, hidden"
    assert not w.status_button.isVisibleTo(w) and not w.assign_button.isVisibleTo(w)
    with pytest.raises(PermissionDenied):
        w.ctx.v.sealed.reveal(template.clients["Núñez"])
    w.sealed.reveal()
    assert error_dialogs()
    assert SEALED_CANARY not in widget_texts(w)
    close_error_dialogs()


def test_notes_are_added_and_listed_in_time_order(view, template, qtbot, type_text):
    """Ctrl+Enter and the button add notes; they are listed oldest first with author and body."""
    w = view("coordinator", template.cases["García"])
    w.note_edit.setFocus()
    type_text(w.note_edit, "Primera llamada: audiencia confirmada")
    qtbot.keyClick(w.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    type_text(w.note_edit, "Second note")
    w.add_note_button.click()
    texts = [w.notes_model.index(r, 0).data() for r in range(w.notes_model.rowCount())]
    assert len(texts) == 2 and texts[0].startswith("Cora Coordinator · ")
    assert texts[0].endswith("Primera llamada: audiencia confirmada") and texts[1].endswith("Second note")
    assert [n.body for n in w.ctx.v.cases.notes(template.cases["García"])] == \
        ["Primera llamada: audiencia confirmada", "Second note"]
    assert w.note_edit.toPlainText() == ""


def test_an_empty_note_is_marked_at_the_field(view, template):
    """An empty note is refused by the core and the message shows at the note field."""
    w = view("attorney", template.cases["García"])
    w.note_edit.setPlainText("   ")
    w.add_note()
    assert w.note_errors.is_marked(w.note_edit)
    assert w.note_edit.toPlainText() == "   " and w.notes_model.rowCount() == 0


def test_rejecting_needs_a_reason_and_the_change_appears_in_history(view, template, type_text):
    """Rejected without a reason: error at the field, dialog and text kept; with one: saved, listed."""
    w = view("attorney", template.cases["Núñez"])
    dialog = w.change_status()
    dialog.choose(m.CaseStatus.REJECTED)
    dialog.rejection.setCurrentIndex(dialog.rejection.findData("out_of_service_area"))
    type_text(dialog.reason, "   ")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and dialog.errors.is_marked(dialog.reason)
    assert dialog.reason.toPlainText() == "   " and dialog.status.currentData() == m.CaseStatus.REJECTED
    type_text(dialog.reason, "Fuera del área de servicio")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    assert "Rejected" in w.facts.text()
    rows = w.history_model.rows
    assert rows[-1].new_status is m.CaseStatus.REJECTED and rows[-1].reason.endswith("área de servicio")
    assert w.history_model.index(len(rows) - 1, 3).data() == "Rejected"


def test_assign_to_me_and_to_a_chosen_attorney(view, template):
    """Assign to me sets the acting attorney; the list assigns anyone, or nobody."""
    w = view("attorney", template.cases["Okafor"])
    w.assign_me_button.click()
    assert w.ctx.v.cases.get(template.cases["Okafor"]).assigned_name == "Ada Attorney"
    assert not w.assign_me_button.isEnabled()
    w.assignee.setCurrentIndex(w.assignee.findData(None))
    w.assign_button.click()
    assert w.ctx.v.cases.get(template.cases["Okafor"]).assigned_to is None


def test_clear_leaves_no_client_data_and_closes_dialogs(view, template, type_text):
    """clear() empties every child widget (revealed values, notes, typed text) and closes dialogs."""
    w = view("attorney", template.cases["Núñez"])
    w.sealed.reveal()
    type_text(w.note_edit, "unsaved NOTE-CANARY")
    w.ctx.v.cases.add_note(template.cases["Núñez"], "saved NOTE-CANARY")
    w.load(template.cases["Núñez"])
    dialog = w.change_status()
    type_text(dialog.reason, "REASON-CANARY")
    editor = w.sealed.edit(m.SealedField.A_NUMBER)
    assert editor.value.toPlainText() == SEALED_CANARY
    assert any(SEALED_CANARY in t for t in widget_texts(w))
    w.clear()
    assert not editor.isVisible() and editor.value.toPlainText() == ""
    leftovers = [t for t in widget_texts(w) if any(c in t for c in (SEALED_CANARY, "CANARY", "Núñez",
                                                                       "TPS pending", "Intake note about"))]
    assert leftovers == []
    assert not dialog.isVisible() and dialog.reason.toPlainText() == ""
    assert w.case_id is None


def test_another_case_hides_revealed_values(view, template):
    """Opening another case forgets what was revealed for the previous one."""
    w = view("attorney", template.cases["Núñez"])
    w.sealed.reveal()
    w.load(template.cases["García"])
    assert w.sealed.values[m.SealedField.CRIMINAL_HISTORY].text() == "Recorded, hidden"
    assert SEALED_CANARY not in widget_texts(w)


@pytest.mark.qt_log_level_fail("WARNING")
def test_notes_and_history_models_pass_the_model_tester(make_ctx, template, qtbot, qtmodeltester):
    """The notes and status history models follow Qt's model rules."""
    w = CaseFileView(make_ctx("attorney"))
    qtbot.addWidget(w)
    w.ctx.v.cases.add_note(template.cases["Okafor"], "note")
    w.load(template.cases["Okafor"])
    qtmodeltester.check(w.notes_model)
    qtmodeltester.check(w.history_model)


def test_retranslate_switches_to_spanish(view, template):
    """After set_language('es') and retranslate(), labels and values read in Spanish."""
    w = view("attorney", template.cases["Núñez"])
    set_language("es")
    w.retranslate()
    assert w.notes_box.title() == "Notas"
    assert w.intake_values["channel"].text() == "Teléfono"
    assert "Inmigración" in w.facts.text()


def test_ctrl_enter_in_the_reason_submits_the_status_dialog(view, template, qtbot, type_text):
    """Enter adds a line to the reason; Ctrl+Enter changes the status (issue 14)."""
    w = view("attorney", template.cases["Núñez"])
    dialog = w.change_status()
    dialog.choose(m.CaseStatus.REJECTED)
    dialog.rejection.setCurrentIndex(dialog.rejection.findData("out_of_service_area"))
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    dialog.reason.setFocus()
    type_text(dialog.reason, "Fuera del área")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible() and "\n" in dialog.reason.toPlainText()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    assert w.history_model.rows[-1].new_status is m.CaseStatus.REJECTED
