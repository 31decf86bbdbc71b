"""Forget a client from their file: attorneys and admins, a reason, the reference typed again; audited."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

import clinic
from clinic.errors import NotFound, PermissionDenied
from clinic.i18n import set_language
from tests.fixtures.intake import close_message_boxes, draft, message_boxes, show
from ui.clients.forget import ForgetDialog
from ui.clients.page import ClientsPage


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
    set_language("en")


def _open_forget(page, client_id: int) -> ForgetDialog:
    page.open_client(client_id)
    button = page.view.findChild(QPushButton, "forgetClient")
    assert button is not None and button.isVisibleTo(page.view)
    button.click()
    dialog = page.view.findChild(ForgetDialog, "forgetClientDialog")
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_an_attorney_forgets_a_client_after_typing_the_reference(qtbot, page_for, make_ctx, type_text):
    """OK stays disabled until the reference is typed; then the client is gone, the file closed, audited by id."""
    page = page_for("attorney")
    receipt = page.ctx.v.intakes.record(draft("Qxolvido", "Zapata", dt.date(1990, 1, 2)))
    dialog = _open_forget(page, receipt.client_id)
    assert any(receipt.client_ref in label.text() for label in dialog.findChildren(QLabel))
    type_text(dialog.reason, "the client asked in writing")
    assert not dialog.ok_button.isEnabled()
    type_text(dialog.typed, receipt.client_ref[:-1])
    assert not dialog.ok_button.isEnabled()
    type_text(dialog.typed, receipt.client_ref[-1].lower())
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    with pytest.raises(NotFound):
        page.ctx.v.clients.get(receipt.client_id)
    assert page.view.file is None and not message_boxes()
    entries = [e for e in make_ctx("admin").v.settings.audit_log() if e.action == "client.forget"]
    assert [e.target for e in entries] == [f"client:{receipt.client_id}"]
    assert "Qxolvido" not in repr(entries)


def test_a_reason_naming_the_client_is_marked_and_nothing_is_deleted(page_for):
    """The core refuses a reason with the client's name: marked at the field, the client stays."""
    page = page_for("admin")
    receipt = page.ctx.v.intakes.record(draft("Qxnombre", "Zapata", dt.date(1990, 1, 2)))
    dialog = _open_forget(page, receipt.client_id)
    dialog.reason.setText("Qxnombre asked for it")
    dialog.typed.setText(receipt.client_ref)
    dialog.forget()
    assert dialog.isVisible() and not message_boxes()
    assert page.ctx.v.clients.get(receipt.client_id)


def test_a_case_on_legal_hold_stops_the_forget_with_one_sentence(page_for):
    """Held by an attorney: the forget is refused (a message), nothing deleted."""
    page = page_for("attorney")
    receipt = page.ctx.v.intakes.record(draft("Qxretenida", "Zapata", dt.date(1990, 1, 2)))
    clinic.Retention(page.ctx.v).hold(receipt.case_id, "Subpoena 2026-7")
    dialog = _open_forget(page, receipt.client_id)
    dialog.reason.setText("the client asked")
    dialog.typed.setText(receipt.client_ref)
    dialog.forget()
    assert any("legal hold" in box.text() for box in message_boxes())
    assert page.ctx.v.clients.get(receipt.client_id)


@pytest.mark.parametrize("role", ["coordinator", "volunteer"])
def test_other_roles_see_no_button_and_the_core_refuses_them(page_for, make_ctx, role):
    """A coordinator's file view has no Forget; a volunteer none either; the core refuses both."""
    receipt = make_ctx("admin").v.intakes.record(draft("Qxajena", "Zapata", dt.date(1990, 1, 2)))
    page = page_for(role)
    page.open_client(receipt.client_id)
    close_message_boxes()  # a volunteer is told they cannot open files
    assert page.view.findChild(QPushButton, "forgetClient") is None
    with pytest.raises(PermissionDenied):
        clinic.purge.forget(page.ctx.v, receipt.client_ref, reason="the client asked")


def test_in_spanish(page_for):
    """The button and the dialog speak Spanish."""
    set_language("es")
    page = page_for("attorney")
    receipt = page.ctx.v.intakes.record(draft("Qxespanol", "Zapata", dt.date(1990, 1, 2)))
    dialog = _open_forget(page, receipt.client_id)
    assert dialog.windowTitle() == "Olvidar a un cliente" and dialog.ok_button.text() == "Olvidar al cliente"
    dialog.reject()
