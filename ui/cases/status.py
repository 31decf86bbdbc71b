"""What changes a case file: the status dialog, and the attorney-only panel with its edit dialog."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic import models as m
from clinic.access import Can
from clinic.i18n import _
from ui.context import AppContext
from ui.kit import clipboard, theme
from ui.kit.forms import FieldErrors, labelled, set_accessible
from ui.kit.ops import VaultOp


class _EditDialog(QDialog):
    """A form with OK/Cancel that saves through the core on OK and stays open on a ValidationError."""

    def __init__(self, parent: QWidget | None):
        super().__init__(parent)
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        # Enter in the reason box adds a line; Ctrl+Enter submits, as in the intake notes.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._submit)

    def _fields(self) -> dict[str, QWidget]:
        raise NotImplementedError

    def _save(self) -> None:
        raise NotImplementedError

    def _submit(self) -> None:
        self.errors.clear()
        VaultOp(self.ctx, self, lambda _v: self._save()).failure(lambda exc: self.errors.present(exc, self._fields(), self)) \
            .success(lambda _none: self.accept()).run()

    def clear(self) -> None:
        """Forget what was typed and close (the app is locking or another case opened)."""
        self.errors.clear()
        for edit in self.findChildren(QPlainTextEdit):
            edit.clear()
        self.reject()


class StatusDialog(_EditDialog):
    """Choose a new status and give a reason; the core decides when a reason is required."""

    saved = Signal(object)  # the updated clinic.models.Case

    def __init__(self, ctx: AppContext, case: m.Case, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.case = ctx, case
        self.setObjectName("statusDialog")
        self.status = QComboBox()
        for status in m.CaseStatus:
            if status is not case.status:
                self.status.addItem(_(m.CASE_STATUS_LABELS[status]), status.value)
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setMinimumHeight(90)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.status_label = labelled(self.form, "", self.status)
        self.reason_label = labelled(self.form, "", self.reason)
        self.form.addRow(self.hint)
        self.status.currentIndexChanged.connect(lambda _i: self.errors.clear())
        self.setMinimumWidth(460)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Change the case status"))
        self.status_label.setText(_("New &status"))
        self.reason_label.setText(_("&Reason"))
        set_accessible(self.status, self.status_label.text())
        set_accessible(self.reason, self.reason_label.text())
        self.hint.setText(_("A reason is required to reject or close a case. It is kept in the "
                            "status history."))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Change status"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        for i in range(self.status.count()):
            self.status.setItemText(i, _(m.CASE_STATUS_LABELS[m.CaseStatus(self.status.itemData(i))]))

    def choose(self, status: m.CaseStatus) -> None:
        self.status.setCurrentIndex(self.status.findData(status.value))

    def _fields(self) -> dict[str, QWidget]:
        return {"reason": self.reason, "status": self.status}

    def _save(self) -> None:
        case = self.ctx.v.cases.set_status(self.case.id, m.CaseStatus(self.status.currentData()),
                                           self.reason.toPlainText())
        self.saved.emit(case)


class SealedValueDialog(_EditDialog):
    """Record a new value for one attorney-only field; the earlier value stays in the sealed history."""

    saved = Signal(object, str)  # (clinic.models.SealedField, the new value)

    def __init__(self, ctx: AppContext, client_id: int, field: m.SealedField, current: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.client_id, self.field = ctx, client_id, field
        self.setObjectName("sealedValueDialog")
        self.value = QPlainTextEdit()
        self.value.setTabChangesFocus(True)
        self.value.setPlainText(current)
        self.value.setMinimumHeight(120)
        self.value_label = labelled(self.form, "", self.value)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.form.addRow(self.note)
        self.setMinimumWidth(480)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Edit an attorney-only value"))
        self.value_label.setText(_(m.SEALED_LABELS[self.field]))
        set_accessible(self.value, self.value_label.text())
        self.note.setText(_("Only attorneys can read this value. The change is recorded in the audit "
                            "log."))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def _fields(self) -> dict[str, QWidget]:
        return {"sealed": self.value}

    def _save(self) -> None:
        text = self.value.toPlainText()
        self.ctx.v.sealed.set(self.client_id, self.field, text)
        self.saved.emit(self.field, text)


def value_label() -> QLabel:
    """A read-only, selectable label for client data: plain text, never markup."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    return label


class SealedSection(QGroupBox):
    """A client's attorney-only values: which are recorded, revealed on request (the core audits each
    reveal), hidden again by clear(), and edited one field at a time by attorneys."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.client_id: int | None = None
        self.recorded: set[m.SealedField] = set()
        self.revealed: dict[m.SealedField, str] | None = None
        self._dialog: SealedValueDialog | None = None
        theme.set_flag(self, theme.SEALED, True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.reveal_button = QPushButton()
        self.reveal_button.clicked.connect(self.toggle)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # long labels, long values
        self.labels: dict[m.SealedField, QLabel] = {}
        self.values: dict[m.SealedField, QLabel] = {}
        self.edit_buttons: dict[m.SealedField, QPushButton] = {}
        for field in m.SealedField:
            label, value, edit = QLabel(), value_label(), QPushButton()
            font = label.font()
            font.setBold(True)
            label.setFont(font)
            edit.clicked.connect(lambda _c=False, f=field: self.edit(f))
            cell = QHBoxLayout()
            cell.addWidget(value, 1)
            cell.addWidget(edit, 0, Qt.AlignmentFlag.AlignTop)
            self.form.addRow(label, cell)
            self.labels[field], self.values[field], self.edit_buttons[field] = label, value, edit
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.reveal_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(self.form)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Attorney-only"))
        for field in m.SealedField:
            name = _(m.SEALED_LABELS[field])
            self.labels[field].setText(name)
            set_accessible(self.values[field], name)
            self.edit_buttons[field].setText(_("Edit"))
            set_accessible(self.edit_buttons[field], _("Edit {field}").format(field=name))
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.retranslate()
        self.render()

    def show_client(self, client_id: int, recorded: tuple[m.SealedField, ...]) -> None:
        """Show what is recorded for a client; another client drops what was revealed."""
        if client_id != self.client_id:
            self.clear()
        self.client_id, self.recorded = client_id, set(recorded)
        self.render()

    def render(self) -> None:
        privileged = self.client_id is not None and self.ctx.can(Can.VIEW_SEALED)
        shown = privileged and self.revealed is not None
        self.reveal_button.setVisible(privileged)
        self.reveal_button.setText(_("&Hide values") if self.revealed is not None else _("&Reveal values"))
        if self.client_id is None:
            self.note.setText("")
        elif privileged:
            self.note.setText(_("Revealing shows these values on screen and is recorded in the audit log. "
                                "They are hidden again when you leave this case."))
        else:
            self.note.setText(_("Only attorneys can see these values. Listed here is what was recorded."))
        for row, field in enumerate(m.SealedField):
            if shown and field in self.revealed:
                text = self.revealed[field]
            else:
                text = _("Recorded, hidden") if field in self.recorded else _("Not recorded")
            self.values[field].setText(text if self.client_id is not None else "")
            self.form.setRowVisible(row, field in self.recorded or shown)
            self.edit_buttons[field].setVisible(shown)
        clipboard.guard().set_sensitive(self, (self.revealed or {}).values() if shown else ())

    def toggle(self) -> None:
        if self.revealed is not None:
            self.revealed = None
            self.render()
        else:
            self.reveal()

    def reveal(self) -> None:
        """Ask the core for the values; it checks the role and audits every reveal."""
        if self.client_id is None:
            return
        VaultOp(self.ctx, self, lambda v: v.sealed.reveal(self.client_id)).success(self._revealed).run()

    def _revealed(self, values: dict) -> None:
        self.revealed = values
        self.render()

    def edit(self, field: m.SealedField) -> SealedValueDialog | None:
        """Open the editor for one field (after a reveal, so the person sees what they replace)."""
        if self.client_id is None or self.revealed is None:
            return None
        self._dialog = SealedValueDialog(self.ctx, self.client_id, field, self.revealed.get(field, ""), self)
        self._dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialog.saved.connect(self._saved)
        self._dialog.open()
        return self._dialog

    def _saved(self, field: m.SealedField, value: str) -> None:
        if self.revealed is not None:
            self.revealed[field] = value
        self.recorded.add(field)
        self.render()

    def clear(self) -> None:
        """Forget the client and every revealed value; close the editor. Needs no vault."""
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.clear()
        self._dialog = None
        self.client_id, self.recorded, self.revealed = None, set(), None
        self.render()
