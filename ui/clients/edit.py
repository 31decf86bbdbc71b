"""Correcting a client's details after intake (the core keeps each old value), and the corrections list."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

import clinic
from clinic import models as m
from clinic.errors import UserError, ValidationError
from clinic.i18n import N_, _
from ui.context import AppContext
from ui.kit.format import format_date, format_when, language_name
from ui.kit.forms import DateEdit, FieldErrors, labelled, parse_date, set_accessible
from ui.kit.ops import VaultOp
from ui.kit.tablemodel import Column, RowTableModel

_NAME_ROWS = (("given_names", N_("&Given names")), ("family_name_1", N_("&First family name")),
              ("family_name_2", N_("S&econd family name")), ("preferred_name", N_("&Preferred name")))


class _PhoneEditor(QWidget):
    """One phone in the correction form: number, label, and the three safety choices."""

    def __init__(self, phone: m.Phone | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.number, self.label = QLineEdit(), QLineEdit()
        self.call, self.text_ok, self.message = QCheckBox(), QCheckBox(), QCheckBox()
        self.number.setMinimumWidth(self.number.fontMetrics().horizontalAdvance("+1 (213) 555-0101 ") + 12)
        top, choices = QHBoxLayout(), QHBoxLayout()  # the number and its label, then the three choices
        top.addWidget(self.number, 2)
        top.addWidget(self.label, 1)
        for box in (self.call, self.text_ok, self.message):
            choices.addWidget(box)
        choices.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(choices)
        phone = phone or m.Phone("", safe_to_leave_message=False)
        self.number.setText(phone.number)
        self.label.setText(phone.label)
        self.call.setChecked(phone.safe_to_call)
        self.text_ok.setChecked(phone.safe_to_text)
        self.message.setChecked(phone.safe_to_leave_message)

    def retranslate(self, n: int) -> None:
        self.label.setPlaceholderText(_("Label (mobile, work…)"))
        self.call.setText(_("Safe to call"))
        self.text_ok.setText(_("Safe to text"))
        self.message.setText(_("May we leave a message"))
        set_accessible(self.number, _("Phone {n}").format(n=n))
        set_accessible(self.label, _("Phone {n}: label").format(n=n))
        for box in (self.call, self.text_ok, self.message):
            set_accessible(box, _("Phone {n}: {what}").format(n=n, what=box.text()))

    def phone(self) -> m.Phone | None:
        number = self.number.text().strip()
        if not number:
            return None
        return m.Phone(number, self.label.text().strip(), self.call.isChecked(), self.text_ok.isChecked(),
                       self.message.isChecked())


class ClientDetailsDialog(QDialog):
    """The client's own details, filled in; Save shows every refused field at once and keeps the typing."""

    saved = Signal(object)  # the corrected clinic.models.Client

    def __init__(self, ctx: AppContext, client: m.Client, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.client = ctx, client
        self.setObjectName("clientDetailsDialog")
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        for key, _msgid in _NAME_ROWS:
            self.edits[key] = QLineEdit(getattr(client, key))
            self.labels[key] = labelled(self.form, "", self.edits[key])
        self.born = DateEdit()
        self.born.set_date(client.date_of_birth)
        self.labels["date_of_birth"] = labelled(self.form, "", self.born)
        self.language = QComboBox()
        for code in m.LANGUAGE_LABELS:
            self.language.addItem("", code)
        self.language.setCurrentIndex(max(0, self.language.findData(client.language)))
        self.labels["language"] = labelled(self.form, "", self.language)
        self.interpreter = QCheckBox()
        self.interpreter.setChecked(client.interpreter_needed)
        self.form.addRow("", self.interpreter)
        self.address = QPlainTextEdit(client.address)
        self.address.setTabChangesFocus(True)
        self.address.setMaximumHeight(70)
        self.labels["address"] = labelled(self.form, "", self.address)
        self.phones = [_PhoneEditor(p) for p in client.phones]
        if len(self.phones) < m.MAX_PHONES:
            self.phones.append(_PhoneEditor(None))
        self.phone_labels = []
        for row in self.phones:  # the row holds number, label and choices; its label focuses the number
            label = QLabel()
            label.setBuddy(row.number)
            self.form.addRow(label, row)
            self.phone_labels.append(label)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.submit)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.retranslate()
        self.resize(max(640, self.sizeHint().width()), self.sizeHint().height())

    def retranslate(self) -> None:
        self.setWindowTitle(_("Correct the client's details"))
        for key, msgid in _NAME_ROWS:
            self.labels[key].setText(_(msgid))
            set_accessible(self.edits[key], _(msgid))
        self.labels["date_of_birth"].setText(_("Date of &birth"))
        set_accessible(self.born, _("Date of birth"))
        self.born.retranslate()
        self.labels["language"].setText(_("Preferred &language"))
        set_accessible(self.language, _("Preferred language"))
        for i in range(self.language.count()):
            self.language.setItemText(i, language_name(self.language.itemData(i)))
        self.interpreter.setText(_("&Interpreter needed"))
        self.labels["address"].setText(_("Safe mailing &address"))
        set_accessible(self.address, _("Safe mailing address"))
        for n, (label, row) in enumerate(zip(self.phone_labels, self.phones, strict=True), start=1):
            label.setText(_("Phone &{n}").format(n=n) if n < 10 else _("Phone {n}").format(n=n))
            row.retranslate(n)
        self.hint.setText(_("Every change is kept in the client's history with the old value, your name "
                            "and the time. Attorney-only information is corrected in the case file."))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save corrections"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    # ----- saving ------------------------------------------------------------------------------------

    def details(self) -> m.ClientDetails:
        return m.ClientDetails(
            **{k: e.text().strip() for k, e in self.edits.items()},
            date_of_birth=self.born.date(), phones=tuple(p for p in (r.phone() for r in self.phones) if p),
            address=self.address.toPlainText().strip(), language=self.language.currentData(),
            interpreter_needed=self.interpreter.isChecked())

    def _fields(self) -> dict[str, QWidget]:
        """Each widget by the path a ValidationError gives: `phones[1].label` is the label of the second
        phone in details() (empty rows are left out of it)."""
        fields: dict[str, QWidget] = {**self.edits, "date_of_birth": self.born, "language": self.language,
                                      "address": self.address, "phones": self.phones[0].number}
        typed = [row for row in self.phones if row.phone() is not None]
        for i, row in enumerate(typed):
            fields |= {f"phones[{i}]": row.number, f"phones[{i}].label": row.label}
        return fields

    def _problems(self) -> list[UserError]:
        found: list[UserError] = []
        if not self.born.is_empty() and not self.born.is_valid():
            found.append(ValidationError("date_of_birth", self.born.error_message()))
        found += [e for e in clinic.client_details_problems(self.details())
                  if not (found and e.field == "date_of_birth")]
        return found

    def submit(self) -> None:
        """Mark every refused field (the first gets the focus); else save through the core and close."""
        self.errors.clear()
        problems = self._problems()
        if not problems:
            details = self.details()
            VaultOp(self.ctx, self, lambda v: v.clients.update(self.client.id, details)) \
                .success(self.saved.emit).failure(problems.append).run()
        if problems:
            fields = self._fields()
            for exc in problems:
                self.errors.present(exc, fields, self)
            return
        self.accept()

    def clear(self) -> None:
        """Forget what was typed and close (the app is locking)."""
        self.errors.clear()
        for edit in (*self.edits.values(), self.born, *(r.number for r in self.phones),
                     *(r.label for r in self.phones)):
            edit.clear()
        self.address.clear()
        self.reject()


# ----- the corrections, as the client file lists them ---------------------------------------------

_FIELD_NAMES = {"deadline_kind": N_("Kind of date"), "due_date": N_("Date"), "deadline_note": N_("Note"),
                "done": N_("Done")}


def _field_name(c: m.Change) -> str:
    name = _(_FIELD_NAMES[c.field]) if c.field in _FIELD_NAMES else clinic.intake_rules.label(c.field)
    if c.target.startswith("deadline:"):
        return _("Deadline {n}: {field}").format(n=c.target.partition(":")[2], field=name)
    return name


def _phones(text: str) -> str:
    """The phones a correction stored (JSON), one per line with the safety choices in words."""
    try:
        phones = json.loads(text)
        return "\n".join(" · ".join(x for x in (
            p["number"], p["label"], _("Safe to call") if p["call"] else _("Do NOT call"),
            _("Safe to text") if p["text"] else _("Do NOT text"),
            _("May leave a message") if p["message"] else _("Do NOT leave a message")) if x) for p in phones) or "—"
    except (ValueError, TypeError, KeyError):
        return text


def _value(field: str, text: str) -> str:
    if field == "phones":
        return _phones(text)
    if not text:
        return "—"
    if field in ("date_of_birth", "due_date"):
        day = parse_date(text)
        return format_date(day) if day else text
    if field == "language":
        return language_name(text)
    if field in ("interpreter_needed", "done"):
        return _("Yes") if text == "yes" else _("No")
    if field == "deadline_kind" and text in set(m.DeadlineKind):
        return _(m.DEADLINE_KIND_LABELS[m.DeadlineKind(text)])
    return text


CHANGE_COLUMNS = (
    Column(N_("When"), lambda c: c.at, display=format_when),
    Column(N_("By"), lambda c: c.by_name),
    Column(N_("What"), lambda c: c, display=_field_name),
    Column(N_("Before"), lambda c: c, display=lambda c: _value(c.field, c.old_value)),
    Column(N_("After"), lambda c: c, display=lambda c: _value(c.field, c.new_value)),
)


def corrections_box(changes: list[m.Change], model: RowTableModel) -> QGroupBox:
    """The client's corrections, newest last: who changed what, when, and the value before and after."""
    box = QGroupBox(_("Corrections ({n})").format(n=len(changes)))
    layout = QVBoxLayout(box)
    model.set_rows(changes)
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(_("Corrections"))
    table.setWordWrap(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.resizeRowsToContents()  # a phones row holds one line per phone
    header, rows = table.verticalHeader(), min(len(changes), 8)  # as tall as its rows; more scroll inside
    table.setFixedHeight(table.horizontalHeader().sizeHint().height()
                         + sum(header.sectionSize(i) for i in range(rows)) + 2 * table.frameWidth() + 6)
    layout.addWidget(table)
    return box


def correct_button(ctx: AppContext, client: m.Client, parent: QWidget) -> QPushButton:
    """"Correct details…": opens the dialog; after a save the file shows itself again (parent.load) and
    the change is announced to the other screens."""
    button = QPushButton(_("&Correct details…"))
    button.setAutoDefault(True)

    def open_dialog() -> None:
        dialog = ClientDetailsDialog(ctx, client, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _client: (parent.load(client.id), ctx.signals.changed.emit("clients")))
        parent.details_dialog = dialog
        dialog.open()

    button.clicked.connect(open_dialog)
    return button
