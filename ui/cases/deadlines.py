"""A case's hearings and deadlines: the list everyone who reviews may read, and the attorney's edit dialog."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic import models as m
from clinic.access import Can
from clinic.errors import ValidationError
from clinic.i18n import N_, _
from ui.cases.status import _EditDialog
from ui.context import AppContext
from ui.kit.format import format_date
from ui.kit.forms import DateEdit, labelled, set_accessible
from ui.kit.ops import VaultOp
from ui.kit.tablemodel import Column, RowTableModel

DEADLINE_COLUMNS = (
    Column(N_("Date"), lambda d: d.due_date, display=format_date),
    Column(N_("Kind of date"), lambda d: d.kind, display=lambda k: _(m.DEADLINE_KIND_LABELS[k])),
    Column(N_("Note"), lambda d: d.note),
    Column(N_("Done"), lambda d: d.done, display=lambda done: _("Yes") if done else _("No")),
)


class DeadlineDialog(_EditDialog):
    """Add a date to a case, or change one; the core keeps the old values in the client's history."""

    saved = Signal(object)  # the clinic.models.Deadline as stored

    def __init__(self, ctx: AppContext, case_id: int, deadline: m.Deadline | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.case_id, self.deadline = ctx, case_id, deadline
        self.setObjectName("deadlineDialog")
        self.kind = QComboBox()
        for kind in m.DeadlineKind:
            self.kind.addItem("", kind.value)
        self.due = DateEdit()
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(80)
        self.done_box = QCheckBox()
        self.kind_label = labelled(self.form, "", self.kind)
        self.due_label = labelled(self.form, "", self.due)
        self.note_label = labelled(self.form, "", self.note)
        self.form.addRow("", self.done_box)
        if deadline is not None:
            self.kind.setCurrentIndex(self.kind.findData(deadline.kind.value))
            self.due.set_date(deadline.due_date)
            self.note.setPlainText(deadline.note)
            self.done_box.setChecked(deadline.done)
        self.setMinimumWidth(440)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Add a hearing or deadline") if self.deadline is None
                            else _("Change a hearing or deadline"))
        self.kind_label.setText(_("&Kind of date"))
        self.due_label.setText(_("&Date"))
        self.note_label.setText(_("&Note"))
        self.done_box.setText(_("&Already held or done (no longer the next date)"))
        for widget, label in ((self.kind, self.kind_label), (self.due, self.due_label),
                              (self.note, self.note_label)):
            set_accessible(widget, label.text())
        self.due.retranslate()
        for i in range(self.kind.count()):
            self.kind.setItemText(i, _(m.DEADLINE_KIND_LABELS[m.DeadlineKind(self.kind.itemData(i))]))
        self.buttons.button(self.buttons.StandardButton.Ok).setText(_("Save date"))
        self.buttons.button(self.buttons.StandardButton.Cancel).setText(_("Cancel"))

    def _fields(self) -> dict[str, QWidget]:
        return {"deadline_kind": self.kind, "due_date": self.due, "deadline_note": self.note}

    def _save(self) -> None:
        if not self.due.is_valid():
            raise ValidationError("due_date", self.due.error_message())
        day = self.due.date()
        if day is None:
            raise ValidationError("due_date", _("Enter the date of the hearing or deadline."))
        draft = m.DeadlineDraft(m.DeadlineKind(self.kind.currentData()), day, self.note.toPlainText().strip(),
                                self.done_box.isChecked())
        cases = self.ctx.v.cases
        saved = (cases.add_deadline(self.case_id, draft) if self.deadline is None
                 else cases.edit_deadline(self.deadline.id, draft))
        self.saved.emit(saved)

    def clear(self) -> None:
        self.due.clear()
        super().clear()


class DeadlinesBox(QGroupBox):
    """The case's dates, soonest open first; attorneys add and change them (Enter on a row changes it)."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.case_id: int | None = None
        self.dialog: DeadlineDialog | None = None
        self.model = RowTableModel(DEADLINE_COLUMNS, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda _i: self.edit_selected())
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton()
        self.edit_button.clicked.connect(self.edit_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.retranslate()
        self.show_deadlines(None, [])

    def retranslate(self) -> None:
        self.setTitle(_("Hearings and deadlines"))
        set_accessible(self.table, _("Hearings and deadlines"))
        self.empty.setText(_("No hearing or deadline recorded."))
        self.add_button.setText(_("Add a hearing or &deadline…"))
        self.edit_button.setText(_("&Edit the chosen date…"))
        self.model.retranslate()
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.retranslate()

    def show_deadlines(self, case_id: int | None, deadlines: list[m.Deadline]) -> None:
        self.case_id = case_id
        self.model.set_rows(deadlines)
        header, rows = self.table.verticalHeader(), min(len(deadlines), 6)  # as tall as its rows, up to six
        shown = sum(header.sectionSize(i) for i in range(rows)) or header.defaultSectionSize()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + shown
                                  + 2 * self.table.frameWidth() + 2)
        self.empty.setVisible(not deadlines)
        self.table.setVisible(bool(deadlines))
        may = case_id is not None and self.ctx.can(Can.REVIEW_CASES)
        self.add_button.setVisible(may)
        self.edit_button.setVisible(may and bool(deadlines))

    def load(self, case_id: int) -> None:
        self.show_deadlines(case_id, self.ctx.v.cases.deadlines(case_id))

    def clear(self) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.clear()
        self.dialog = None
        self.show_deadlines(None, [])

    def _open(self, deadline: m.Deadline | None) -> DeadlineDialog | None:
        if self.case_id is None or not self.ctx.can(Can.REVIEW_CASES):
            return None
        self.dialog = DeadlineDialog(self.ctx, self.case_id, deadline, self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.saved.connect(self._saved)
        self.dialog.open()
        return self.dialog

    def add(self) -> DeadlineDialog | None:
        return self._open(None)

    def edit_selected(self) -> DeadlineDialog | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows and self.model.rowCount():
            self.table.selectRow(0)
            rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self._open(self.model.rows[rows[0].row()])

    def _saved(self, _deadline: m.Deadline) -> None:
        if self.case_id is None:
            return
        case_id = self.case_id
        VaultOp(self.ctx, self, lambda _v: self.load(case_id)).success(lambda _r: self.changed.emit()).run()
