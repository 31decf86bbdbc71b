"""Change a report's verification: the new status, how it was checked, why, and the reports it matches.

A refusal keeps the dialog open with everything typed and marks the field; Ctrl+Enter submits.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from clinic import incident_model as im
from clinic.errors import UserError, ValidationError
from clinic.i18n import _
from ui.context import AppContext
from ui.incidents.rows import choose, chosen, enum_combo, retranslate_combo
from ui.kit.errors import show_error
from ui.kit.forms import FieldErrors, labelled, set_accessible
from ui.kit.ops import VaultOp


class VerifyDialog(QDialog):
    changed = Signal(object)  # the Incident as it now is

    def __init__(self, ctx: AppContext, ref: str, preset: im.Status, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("verifyIncident")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.ref = ctx, ref
        self.errors = FieldErrors()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.status = enum_combo(im.Status, preset)
        self.method = enum_combo(im.Method, im.Method.OTHER_REPORTS if preset is im.Status.CORROBORATED
                                 else im.Method.CALLBACK)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.reason.fontMetrics().lineSpacing() * 4 + 14)
        self.reason.installEventFilter(self)
        self.reason.textChanged.connect(lambda: self.errors.clear(self.reason))
        self.links = QLineEdit()
        self.links.textEdited.connect(lambda _t: self.errors.clear(self.links))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        self._labels = [labelled(form, "", w) for w in (self.status, self.method, self.reason, self.links)]
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        ctx.signals.locked.connect(self.close)
        self.resize(560, 320)
        self.retranslate()
        self.status.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Verification of {ref}").format(ref=self.ref))
        self.intro.setText(_("Only verified or corroborated reports count in public reports. Say how you checked "
                             "and why."))
        for label, text in zip(self._labels, (_("&Status"), _("&How it was checked"), _("&Why"),
                                              _("Same event as (&references)")), strict=True):
            label.setText(text)
            set_accessible(label.buddy(), text)
        self.links.setPlaceholderText(_("I-…, I-… (needed for corroborated)"))
        retranslate_combo(self.status, im.Status)
        retranslate_combo(self.method, im.Method)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save (Ctrl+Enter)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.submit()
            return True
        return super().eventFilter(watched, event)

    def set_status(self, status: im.Status) -> None:
        choose(self.status, status)

    def submit(self) -> None:
        self.errors.clear()
        linked = tuple(r.strip() for r in self.links.text().replace(";", ",").split(",") if r.strip())
        status, method, reason = chosen(self.status, im.Status), chosen(self.method, im.Method), \
            self.reason.toPlainText()
        VaultOp(self.ctx, self, lambda v: v.incidents.verify(self.ref, status=status, reason=reason, method=method,
                                                             linked=linked)) \
            .failure(lambda exc: self._refused(exc, linked)).success(self._done).run()

    def _refused(self, exc: UserError, linked: tuple[str, ...]) -> None:
        if isinstance(exc, ValidationError):
            widget = {"reason": self.reason, "link": self.links}.get(exc.field)
        else:  # e.g. a linked reference that does not exist
            widget = self.links if linked else None
        if widget is None:
            show_error(self, exc)
        else:
            self.errors.mark(widget, exc.message)

    def _done(self, incident: im.Incident) -> None:
        self.changed.emit(incident)
        self.accept()
