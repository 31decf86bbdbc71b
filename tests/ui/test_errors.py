"""The error presenter: what people see, what the log holds (never client data), and the excepthooks."""

import logging
import sys
import threading

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

import ui.kit.errors
from clinic.errors import Cancelled, UserError
from clinic.i18n import translator_for
from ui.kit.errors import (
    UNEXPECTED_OBJECT_NAME,
    format_exception_safely,
    install_excepthook,
    show_error,
)

CANARY = "María Canary-Guzmán 1987-03-14"


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _message_boxes():
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


def _raise_with_client_data():
    client_name = CANARY  # a local value that must never reach the log
    try:
        {}[client_name]
    except KeyError as inner:
        raise ValueError(f"could not save {client_name}") from inner


def _caught():
    try:
        _raise_with_client_data()
    except ValueError as exc:
        exc.add_note(CANARY)
        return exc
    raise AssertionError("did not raise")


def test_user_error_is_shown_as_a_warning(parent):
    """A UserError opens a window-modal warning with its message and the app's title."""
    box = show_error(parent, UserError("That passphrase is not right."))
    assert box is not None
    assert box.icon() == QMessageBox.Icon.Warning
    assert box.text() == "That passphrase is not right."
    assert box.windowTitle() == "Clinic Intake"
    assert box.isVisible()
    box.close()


def test_cancelled_shows_nothing(parent, caplog):
    """Cancelled opens no dialog and logs nothing."""
    caplog.set_level(logging.DEBUG)
    assert show_error(parent, Cancelled()) is None
    assert _message_boxes() == []
    assert caplog.records == []


def test_unexpected_error_log_has_class_and_frames_but_no_client_data(parent, caplog):
    """The log of an unexpected error names classes, files and functions, never messages or values."""
    caplog.set_level(logging.DEBUG)
    box = show_error(parent, _caught())
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ValueError" in logged and "KeyError" in logged
    assert "_raise_with_client_data" in logged and "tests/ui/test_errors.py" in logged
    assert "María" not in logged and "Canary" not in logged and "1987" not in logged
    assert CANARY not in box.text()
    box.close()


def test_format_exception_safely_follows_causes_without_messages():
    """format_exception_safely lists the exception and its cause, no messages or source lines."""
    text = format_exception_safely(_caught())
    assert text.splitlines()[0] == "ValueError"
    assert "KeyError" in text
    assert "{}[client_name]" not in text and CANARY not in text


def test_unexpected_error_dialog_is_generic_and_translated(parent, spanish):
    """An unexpected error shows a reassuring generic message in the person's language, with a reference."""
    box = show_error(parent, RuntimeError(CANARY))
    expected_start = translator_for("es").gettext("Clinic Intake")
    assert box.windowTitle() == expected_start
    assert box.text().startswith("Algo salió mal. Su trabajo guardado está a salvo.")
    assert box.icon() == QMessageBox.Icon.Critical
    assert CANARY not in box.text()
    box.close()


def test_only_one_unexpected_dialog_at_a_time(parent, caplog):
    """A burst of unexpected errors opens one dialog, though each is logged."""
    first = show_error(parent, RuntimeError("a"))
    second = show_error(parent, RuntimeError("b"))
    assert first is not None and second is None
    assert [w.objectName() for w in _message_boxes()] == [UNEXPECTED_OBJECT_NAME]
    assert sum("RuntimeError" in r.getMessage() for r in caplog.records) == 2
    first.close()


def test_without_parent_falls_back_to_a_modal_exec(qapp, monkeypatch):
    """With no live parent, the dialog is run with exec() (start-up, before any window exists)."""
    executed = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: executed.append(self.text()) or 0)
    show_error(None, UserError("No vault here."))
    assert executed == ["No vault here."]


@pytest.fixture
def presented(monkeypatch):
    seen = []
    monkeypatch.setattr(
        ui.kit.errors, "show_error", lambda parent, exc: seen.append((exc, threading.current_thread()))
    )
    return seen


def test_excepthook_presents_uncaught_exceptions(qapp, presented):
    """Once installed, sys.excepthook hands uncaught exceptions to show_error; restore() undoes it."""
    previous = sys.excepthook
    restore = install_excepthook()
    try:
        exc = _caught()
        sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        restore()
    assert presented == [(exc, threading.main_thread())]
    assert sys.excepthook is previous


def test_thread_exceptions_are_presented_on_the_gui_thread(qtbot, presented):
    """An exception escaping a Python thread is shown from the GUI thread, not the failing one."""
    restore = install_excepthook()
    try:
        thread = threading.Thread(target=_raise_with_client_data)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: len(presented) == 1, timeout=5000)
    finally:
        restore()
    exc, shown_on = presented[0]
    assert isinstance(exc, ValueError) and shown_on is threading.main_thread()
