"""Legal hold from the case view: attorneys place (with a reason) and lift it; others see no button."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

import clinic
from clinic.errors import PermissionDenied
from clinic.i18n import set_language
from tests.fixtures.cases import close_error_dialogs, error_dialogs


def test_an_attorney_places_and_lifts_a_hold_and_each_is_audited(view, template, make_ctx, qtbot):
    """Legal hold… asks a reason; the case says it is held; Lift asks first; both are in the audit log."""
    w = view("attorney", template.cases["García"])
    hold = w.hold
    assert hold.button.isVisibleTo(w) and not hold.label.isVisibleTo(w)
    dialog = hold.act()
    dialog.reason.setText("")
    dialog.place()  # no reason: marked at the field, nothing placed
    assert dialog.isVisible() and not clinic.Retention(w.ctx.v).holds()
    dialog.reason.setText("Subpoena 2026-114")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert [h.case_id for h in clinic.Retention(w.ctx.v).holds()] == [template.cases["García"]]
    assert hold.label.isVisibleTo(w) and "Subpoena 2026-114" in hold.label.text()
    assert "Lift" in hold.button.text()
    box = hold.act()
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert clinic.Retention(w.ctx.v).holds()
    box = hold.act()
    box.button(QMessageBox.StandardButton.Ok).click()
    assert not clinic.Retention(w.ctx.v).holds() and not hold.label.isVisibleTo(w)
    actions = [e.action for e in make_ctx("admin").v.settings.audit_log()]
    assert "case.hold" in actions and "case.release" in actions


def test_an_over_long_reason_is_marked_at_its_field(view, template):
    """The core's check of the reason reaches the field (an over-long reason), one sentence, nothing held."""
    w = view("attorney", template.cases["García"])
    dialog = w.hold.ask_place()
    dialog.reason.setMaxLength(5000)
    dialog.reason.setText("x" * 400)
    dialog.place()
    assert dialog.isVisible() and not clinic.Retention(w.ctx.v).holds() and not error_dialogs()
    close_error_dialogs()


def test_a_coordinator_sees_the_hold_but_no_button_and_the_core_refuses(view, template, make_ctx):
    """Held by an attorney: the coordinator reads 'On legal hold' but has no button; the core refuses them."""
    clinic.Retention(make_ctx("attorney").v).hold(template.cases["García"], "Litigation pending")
    w = view("coordinator", template.cases["García"])
    assert w.hold.label.isVisibleTo(w) and not w.hold.button.isVisibleTo(w)
    with pytest.raises(PermissionDenied):
        clinic.Retention(w.ctx.v).release(template.cases["García"])


def test_a_volunteer_sees_neither_and_the_core_refuses_them(make_ctx, template):
    """A volunteer has no case view at all; placing a hold through the core is refused."""
    ctx = make_ctx("volunteer")
    with pytest.raises(PermissionDenied):
        clinic.Retention(ctx.v).hold(template.cases["García"], "a reason")
    with pytest.raises(PermissionDenied):
        clinic.Retention(ctx.v).holds()


def test_in_spanish(view, template):
    """The button and the dialog speak Spanish."""
    set_language("es")
    w = view("attorney", template.cases["García"])
    w.retranslate()
    assert "retención legal" in w.hold.button.text().lower().replace("&", "")
    dialog = w.hold.ask_place()
    assert "retención legal" in dialog.windowTitle().lower()
    dialog.reject()
