"""The one error presenter: a UserError is shown, Cancelled is ignored, anything else is logged safely."""

from __future__ import annotations

import logging
import secrets
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from clinic.errors import Cancelled, UserError
from clinic.i18n import _

log = logging.getLogger(__name__)

UNEXPECTED_OBJECT_NAME = "unexpectedErrorDialog"
_ROOT = Path(__file__).resolve().parents[2]


def app_title() -> str:
    return _("Clinic Intake")


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox | None:
    """Present `exc` to the person. GUI thread only. Returns the (non-blocking) dialog, if one is shown.

    With a live parent the dialog is window-modal and opened without a nested event loop; without one
    (start-up, the excepthook with no active window) it falls back to a blocking exec(), so tests
    always pass a parent.
    """
    if isinstance(exc, Cancelled):
        return None
    if isinstance(exc, UserError):
        return _present(
            parent, QMessageBox.Icon.Warning, exc.message, object_name="userErrorDialog"
        )
    ref = secrets.token_hex(3)
    log.error("unexpected error, ref %s\n%s", ref, format_exception_safely(exc))
    if QApplication.instance() is None:
        return None
    # One at a time: an error in a paint handler must not open a dialog per frame.
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == UNEXPECTED_OBJECT_NAME and widget.isVisible():
            return None
    message = _(
        "Something went wrong. Your saved work is safe. If it happens again, tell your clinic "
        "coordinator what you were doing and give them this reference: {ref}"
    ).format(ref=ref)
    return _present(parent, QMessageBox.Icon.Critical, message, object_name=UNEXPECTED_OBJECT_NAME)


def _present(parent: QWidget | None, icon: QMessageBox.Icon, text: str, *, object_name: str):
    live_parent = parent if parent is not None and shiboken6.isValid(parent) else None
    box = QMessageBox(icon, app_title(), text, QMessageBox.StandardButton.Ok, live_parent)
    box.setObjectName(object_name)
    box.setTextFormat(Qt.TextFormat.PlainText)  # a message is text, never markup
    if live_parent is None:
        box.exec()
        return box
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box


def format_exception_safely(exc: BaseException) -> str:
    """The exception's class and its frames (file, line, function), following causes.

    Never the message, the arguments, the source lines or local values: any of them can hold client data.
    """
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if parts:
            parts.append("caused by / during handling of:")
        parts.append(_class_name(type(current)))
        parts.extend(_frames(current.__traceback__))
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return "\n".join(parts)


def _class_name(cls: type) -> str:
    module = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", cls.__name__)
    return name if module == "builtins" else f"{module}.{name}"


def _frames(tb: TracebackType | None) -> list[str]:
    summary = traceback.StackSummary.extract(
        traceback.walk_tb(tb), lookup_lines=False, capture_locals=False
    )
    return [f'  File "{_short_path(f.filename)}", line {f.lineno}, in {f.name}' for f in summary]


def _short_path(filename: str) -> str:
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(_ROOT))
    except (ValueError, OSError):
        pass
    parts = path.parts
    if "site-packages" in parts:
        return str(Path(*parts[parts.index("site-packages") + 1 :]))
    return path.name


class _Relay(QObject):
    """Carries exceptions from other threads to the GUI thread."""

    raised = Signal(object)


def install_excepthook(app: QApplication | None = None) -> Callable[[], None]:
    """Route uncaught exceptions (sys.excepthook, threading.excepthook) to show_error.

    Returns a function that restores the previous hooks. Exceptions from other threads are carried to
    the GUI thread and presented there. Not for tests: pytest-qt captures exceptions itself.
    """
    app = app or QApplication.instance()
    relay = _Relay(app)
    relay.raised.connect(_show_on_gui, Qt.ConnectionType.QueuedConnection)
    previous_sys, previous_threading = sys.excepthook, threading.excepthook

    def sys_hook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous_sys(exc_type, exc, tb)
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        if threading.current_thread() is threading.main_thread():
            _show_on_gui(exc)
        else:
            _forward(relay, exc)

    def threading_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        _forward(relay, args.exc_value)

    sys.excepthook, threading.excepthook = sys_hook, threading_hook

    def restore() -> None:
        sys.excepthook, threading.excepthook = previous_sys, previous_threading
        if shiboken6.isValid(relay):
            relay.deleteLater()

    return restore


def _forward(relay: _Relay, exc: BaseException) -> None:
    try:
        relay.raised.emit(exc)
        return
    except RuntimeError:  # the relay went with the app
        pass
    if not isinstance(exc, (Cancelled, UserError)):
        log.error("uncaught after the app closed\n%s", format_exception_safely(exc))


def _show_on_gui(exc: BaseException) -> None:
    try:
        show_error(QApplication.activeWindow(), exc)
    except Exception as failure:  # the presenter itself failed: log, never recurse
        log.error("show_error failed\n%s", format_exception_safely(failure))
