"""Forget a client, from their file: attorneys and admins delete one client entirely, with a reason.

A strong confirmation: the person types the client's reference. The core enforces who may
(Can.FORGET_CLIENT), refuses while a case of the client is on legal hold, refuses a reason that names
the client (it stays in the audit log, which keeps ids only), deletes and then wipes the freed space.
That runs on the GUI thread under a busy cursor, like the purge: it writes through this thread's
connection, and its VACUUM can take seconds on a large vault.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import clinic
from clinic.access import Can
from clinic.errors import ValidationError
from clinic.i18n import _
from ui.kit.errors import show_error
from ui.kit.forms import FieldErrors, labelled
from ui.kit.ops import VaultOp


def forget_button(ctx, view: QWidget, ref: str) -> QPushButton | None:
    """The file's "Forget this client…" button, or None for a role that may not."""
    if not ctx.can(Can.FORGET_CLIENT):
        return None
    button = QPushButton(_("F&orget this client…"))
    button.setObjectName("forgetClient")
    button.setToolTip(_("Delete this client entirely, at their request. It cannot be undone."))
    button.clicked.connect(lambda _c=False: ForgetDialog(view, ctx, ref).open())
    return button


class ForgetDialog(QDialog):
    """What goes, a reason without names, and the reference typed again; then the core deletes."""

    forgotten = Signal(str)

    def __init__(self, parent: QWidget, ctx, ref: str):
        super().__init__(parent)
        self.setObjectName("forgetClientDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.ref = ctx, ref
        self.errors = FieldErrors()
        self.setWindowTitle(_("Forget a client"))
        intro = QLabel(_("This deletes client {ref} entirely: every intake, case, note, document, letter and "
                         "attorney-only value, and wipes the freed space. It cannot be undone, except from an "
                         "older backup. Nothing is deleted while a case of this client is on legal hold.")
                       .format(ref=ref))
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.reason = QLineEdit()
        self.reason.setObjectName("forgetReason")
        self.reason.setPlaceholderText(_("Kept in the audit log: do not write the client's name"))
        self.typed = QLineEdit()
        self.typed.setObjectName("forgetTypedRef")
        form = QFormLayout()
        labelled(form, _("&Reason"), self.reason)
        labelled(form, _("&Type the reference {ref} to confirm:").format(ref=ref), self.typed)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Forget the client"))
        self.ok_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        self.typed.textChanged.connect(lambda _t: self.ok_button.setEnabled(self.confirmed()))
        self.buttons.accepted.connect(self.forget)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)  # the height follows the wrapped intro

    def confirmed(self) -> bool:
        return self.typed.text().strip().upper() == self.ref.upper()

    def forget(self) -> None:
        if not self.confirmed():
            return
        self.errors.clear()
        ref, reason = self.ref, self.reason.text()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            op = VaultOp(self.ctx, self, lambda v: clinic.purge.forget(v, ref, reason=reason)) \
                .failure(self._refused).changes("clients")
            op.run()
        finally:
            QGuiApplication.restoreOverrideCursor()
        if op.ok:
            self.forgotten.emit(ref)
            self.accept()

    def _refused(self, exc) -> None:
        """A refused reason is marked at its field; a legal hold or anything else is said in a message."""
        if not (isinstance(exc, ValidationError) and self.errors.mark_validation(exc, {"reason": self.reason})):
            show_error(self, exc)
