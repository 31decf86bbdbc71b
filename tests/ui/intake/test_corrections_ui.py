"""Issue 14 on screen: correcting a client's details from the client file, and a case's hearings and deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from clinic import models as m
from tests.fixtures.intake import all_texts, close_message_boxes, draft
from ui.clients.edit import ClientDetailsDialog
from ui.clients.view import ClientFileView


@pytest.fixture
def recorded(make_ctx):
    volunteer = make_ctx("volunteer")
    return volunteer.v.intakes.record(draft("María", "Garcia", dt.date(1987, 3, 14),
                                            phones=(m.Phone("555 0101"),), address="12 Main St"))


@pytest.fixture
def file_view(qtbot, make_ctx):
    def make(name: str):
        ctx = make_ctx(name)
        view = ClientFileView(ctx)
        qtbot.addWidget(view)
        view.resize(1000, 760)
        view.show()
        return view, ctx
    yield make
    close_message_boxes()


def test_a_coordinator_corrects_a_name_from_the_file_and_sees_the_old_value_in_the_history(
        qtbot, file_view, recorded, type_text):
    """Correct details… opens the form filled in; Save changes the file and lists the correction."""
    view, ctx = file_view("coordinator")
    view.load(recorded.client_id)
    assert view.correct_button is not None
    qtbot.waitUntil(view.correct_button.isVisible)
    qtbot.mouseClick(view.correct_button, Qt.MouseButton.LeftButton)
    dialog = view.details_dialog
    assert isinstance(dialog, ClientDetailsDialog) and dialog.edits["family_name_1"].text() == "Garcia"
    dialog.edits["family_name_1"].clear()
    type_text(dialog.edits["family_name_1"], "García")
    dialog.phones[0].number.setText("555 0199")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    dialog.address.setFocus()
    qtbot.keyClick(dialog.address, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter saves
    assert not dialog.isVisible(), [dialog.errors.message(w) for w in dialog.errors.marked]
    texts = "\n".join(all_texts(view))
    assert "María García" in texts and "555 0199" in texts
    assert "Corrections (2)" in texts and "Garcia" in texts  # the old values, the phones' choices in words
    assert "555 0101 · Safe to call · Safe to text · Do NOT leave a message" in texts
    assert ctx.v.clients.get(recorded.client_id).client.family_name_1 == "García"


def test_every_refused_field_is_marked_at_once_and_nothing_typed_is_lost(qtbot, file_view, recorded):
    view, ctx = file_view("attorney")
    view.load(recorded.client_id)
    view.correct_button.click()
    dialog = view.details_dialog
    dialog.edits["given_names"].clear()
    dialog.born.setText("31/02/1990")
    dialog.phones[0].number.setText("call me")
    dialog.submit()
    assert dialog.isVisible()
    assert set(dialog.errors.marked) == {dialog.edits["given_names"], dialog.born, dialog.phones[0].number}
    assert "not a real date" in dialog.errors.message(dialog.born)
    assert dialog.phones[0].number.text() == "call me" and dialog.born.text() == "31/02/1990"
    assert ctx.v.clients.history(recorded.client_id) == []


def test_a_volunteer_gets_no_correct_button(file_view, recorded):
    view, _ctx = file_view("volunteer")
    view.load(recorded.client_id)
    assert view.correct_button is None


def test_value_labels_carry_their_field_and_value_for_a_screen_reader(file_view, recorded):
    """Issue 14: a reader announced "Date of birth" but never the date."""
    view, _ctx = file_view("attorney")
    view.load(recorded.client_id)
    names = [lab.accessibleName() for lab in view.findChildren(QLabel)]
    assert "Date of birth: Mar 14, 1987" in names and "Address: 12 Main St" in names


def test_the_second_phone_of_a_correction_gets_its_error_and_the_focus(qtbot, file_view, recorded):
    """The core names `phones[1].label`: the second phone's label is marked and focused."""
    view, _ctx = file_view("attorney")
    view.load(recorded.client_id)
    view.correct_button.click()
    dialog = view.details_dialog
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    dialog.phones[1].number.setText("555 0102")
    dialog.phones[1].label.setText("x" * (m.MAX_NAME + 1))
    dialog.submit()
    assert dialog.errors.marked == (dialog.phones[1].label,)
    assert dialog.focusWidget() is dialog.phones[1].label
    dialog.phones[1].label.setText("work")
    dialog.phones[1].number.setText("call me")
    dialog.submit()
    assert dialog.errors.marked == (dialog.phones[1].number,)
