"""Legal hold on a case, from the case view: a line saying the case is held, and Place/Lift for attorneys.

The core enforces who may (Can.LEGAL_HOLD: attorneys and admins) and keeps the reason in the audit log, so
the dialog asks for a reason that does not name the client. No purge or forget touches a held case.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import clinic
from clinic.access import Can
from clinic.errors import ValidationError
from clinic.i18n import _
from ui.kit.errors import show_error
from ui.kit.format import format_when
from ui.kit.forms import FieldErrors, labelled
from ui.kit.ops import VaultOp


class HoldControl(QObject):
    """A label (the case view puts it under the facts) saying the case is held, to whoever sees the case, and
    one button (in the header row) for those who may place or lift holds."""

    def __init__(self, ctx, parent: QWidget):
        super().__init__(parent)
        self.ctx = ctx
        self.case_id: int | None = None
        self.hold = None
        self.label = QLabel()
        self.label.setObjectName("legalHoldLabel")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setStyleSheet("QLabel#legalHoldLabel { color: #8a1c1c; font-weight: bold; }")
        self.button = QPushButton()
        self.button.setObjectName("legalHoldButton")
        self.button.clicked.connect(self.act)
        ctx.signals.language_changed.connect(self._language_changed)  # a bound slot: dropped with the view
        self.clear()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def set_case(self, case_id: int) -> None:
        self.case_id = case_id
        if not self.ctx.can(Can.VIEW_CLIENTS):
            self.clear()
            return
        holds = VaultOp(self.ctx, self.button, lambda v: clinic.Retention(v).holds()).run() or []
        self.hold = next((h for h in holds if h.case_id == case_id), None)
        self.retranslate()

    def clear(self) -> None:
        self.case_id, self.hold = None, None
        self.retranslate()

    def retranslate(self) -> None:
        held = self.hold is not None
        self.label.setText(_("On legal hold since {when}: {reason}").format(
            when=format_when(dt.datetime.fromisoformat(self.hold.placed_at)), reason=self.hold.reason) if held else "")
        self.label.setVisible(held)
        self.button.setText(_("Lift legal &hold…") if held else _("Legal &hold…"))
        self.button.setToolTip(_("While a case is on legal hold, no purge or forget deletes anything of its "
                                 "client."))
        self.button.setVisible(self.case_id is not None and self.ctx.can(Can.LEGAL_HOLD))

    def act(self) -> QWidget | None:
        if self.case_id is None:
            return None
        return self.ask_lift() if self.hold is not None else self.ask_place()

    def ask_place(self) -> HoldDialog:
        dialog = HoldDialog(self.button, self.ctx, self.case_id)
        dialog.placed.connect(lambda: self._changed())
        dialog.open()
        return dialog

    def ask_lift(self) -> QMessageBox:
        case_id = self.case_id
        box = QMessageBox(QMessageBox.Icon.Question, _("Lift the legal hold"),
                          _("Lift the legal hold on this case? Its records can then be deleted by a purge or "
                            "a forget again."),
                          QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, self.button)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.button(QMessageBox.StandardButton.Ok).setText(_("Lift the hold"))
        box.buttonClicked.connect(lambda b: self.lift(case_id)
                                  if box.standardButton(b) == QMessageBox.StandardButton.Ok else None)
        box.open()
        return box

    def lift(self, case_id: int) -> None:
        op = VaultOp(self.ctx, self.button, lambda v: clinic.Retention(v).release(case_id))
        op.run()
        if op.ok:
            self._changed()

    def _changed(self) -> None:
        if self.case_id is not None:
            self.set_case(self.case_id)
            self.ctx.signals.changed.emit("cases")


class HoldDialog(QDialog):
    """A reason (kept in the audit log, so no client names), then Place hold."""

    placed = Signal()

    def __init__(self, parent: QWidget, ctx, case_id: int):
        super().__init__(parent)
        self.setObjectName("legalHoldDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.case_id = ctx, case_id
        self.errors = FieldErrors()
        self.setWindowTitle(_("Place a legal hold"))
        intro = QLabel(_("No purge or forget deletes anything of this client while the hold is on. The reason "
                         "is kept in the audit log: do not write the client's name in it."))
        intro.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("holdReason")
        self.reason.setMaxLength(300)
        form = QFormLayout()
        labelled(form, _("&Reason"), self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Place the hold"))
        self.buttons.accepted.connect(self.place)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)  # the height follows the wrapped intro

    def place(self) -> None:
        self.errors.clear()
        reason, case_id = self.reason.text(), self.case_id
        op = VaultOp(self.ctx, self, lambda v: clinic.Retention(v).hold(case_id, reason)).failure(self._refused)
        op.run()
        if op.ok:
            self.placed.emit()
            self.accept()

    def _refused(self, exc) -> None:
        """A refused reason is marked at its field; anything else is said in a message."""
        if not (isinstance(exc, ValidationError) and self.errors.mark_validation(exc, {"reason": self.reason})):
            show_error(self, exc)
