"""One case file for review: header and assignment, intake summary, attorney-only values, notes, status, documents."""

from __future__ import annotations

from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic import intake_rules
from clinic import models as m
from clinic.access import Can
from clinic.i18n import N_, _
from ui.cases.codes import CodedStatusDialog, CodesBox
from ui.cases.deadlines import DeadlinesBox
from ui.cases.documents import DocumentsPane
from ui.cases.funding import FundingControl
from ui.cases.hold import HoldControl
from ui.cases.household import HouseholdSection
from ui.cases.status import SealedSection, StatusDialog, value_label
from ui.context import AppContext
from ui.kit import keys
from ui.kit.format import format_date, format_when
from ui.kit.forms import FieldErrors, labelled, set_accessible
from ui.kit.ops import VaultOp
from ui.kit.tablemodel import Column, RowTableModel
from ui.kit.tables import boxed_table

NOTE_COLUMNS = (Column(N_("Notes"), lambda n: n,
                       display=lambda n: f"{n.author_name} · {format_when(n.created_at)}\n{n.body}"),)
HISTORY_COLUMNS = (
    Column(N_("When"), lambda h: h.at, display=format_when),
    Column(N_("By"), lambda h: h.by_name),
    Column(N_("From"), lambda h: h.old_status, display=lambda s: _(m.CASE_STATUS_LABELS[s]) if s else ""),
    Column(N_("To"), lambda h: h.new_status, display=lambda s: _(m.CASE_STATUS_LABELS[s])),
    Column(N_("Reason"), lambda h: h.reason),
)
# Rows of the intake summary: (key, label msgid). Labels shared with the intake form come from the core.
INTAKE_ROWS = (("recorded", N_("Recorded")), ("volunteer", N_("Recorded by")),
               ("channel", None), ("site", None), ("needs", None), ("next_date", None),
               ("detained_family_member", None), ("notes", N_("Intake notes")))


@dataclass
class _Loaded:
    case: m.Case
    file: m.ClientFile
    intake: m.Intake | None
    notes: list[m.Note]
    history: list[m.StatusChange]
    attorneys: list[m.Staff]


class CaseFileView(QWidget):
    """Shows one case; `clear()` empties every widget, forgets revealed values, closes dialogs and viewers."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._data: _Loaded | None = None
        self._dialog: StatusDialog | None = None
        self._emitting = False
        self.note_errors = FieldErrors()
        content = QWidget()
        grid = QGridLayout(content)
        grid.addLayout(self._build_header(), 0, 0, 1, 2)
        self.household = HouseholdSection(ctx)  # size, members, income, % of guideline, funding (ui/cases/household.py)
        left = QVBoxLayout()
        left.addWidget(self._build_intake())
        left.addWidget(self.household)
        grid.addLayout(left, 1, 0)
        self.sealed = SealedSection(ctx)
        grid.addWidget(self.sealed, 1, 1)
        grid.addWidget(self._build_notes(), 2, 0)
        right = QVBoxLayout()
        self.history_box = QGroupBox()
        self.history_model = RowTableModel(HISTORY_COLUMNS, parent=self)
        self.history = boxed_table(self.history_model, self.history_box)
        self.documents_box = QGroupBox()
        self.documents = DocumentsPane(ctx)
        QVBoxLayout(self.documents_box).addWidget(self.documents)
        self.deadlines = DeadlinesBox(ctx)
        self.deadlines.changed.connect(self._deadlines_changed)
        self.codes = CodesBox(ctx)
        self.codes.changed.connect(self._status_saved)
        right.addWidget(self.deadlines)
        right.addWidget(self.codes)
        right.addWidget(self.history_box)
        right.addWidget(self.documents_box)
        grid.addLayout(right, 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(3, 1)
        self.scroll = scroll = keys.ScrollArea()
        scroll.setWidget(content)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        ctx.signals.changed.connect(self._on_changed)
        self.retranslate()
        self.clear()

    # ----- building ------------------------------------------------------------------------------

    def _build_header(self) -> QVBoxLayout:
        self.title = value_label()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.facts = value_label()
        self.status_button = QPushButton()
        self.status_button.clicked.connect(self.change_status)
        self.refer_button = QPushButton()
        self.refer_button.clicked.connect(self._refer)
        self.funding = FundingControl(self.ctx, self)  # ui/cases/funding.py
        self.hold = HoldControl(self.ctx, self)  # legal hold: a line when held; Place/Lift for attorneys
        self.assigned_label = QLabel()
        self.assigned_name = value_label()
        self.assignee = QComboBox()
        self.assigned_label.setBuddy(self.assignee)
        self.assign_button = QPushButton()
        self.assign_button.clicked.connect(lambda: self.assign(self.assignee.currentData()))
        self.assign_me_button = QPushButton()
        self.assign_me_button.clicked.connect(lambda: self.assign(self.ctx.v.user.id))
        row = QHBoxLayout()
        for w in (self.assigned_label, self.assigned_name, self.assignee, self.assign_button,
                  self.assign_me_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.refer_button)
        row.addWidget(self.status_button)
        second = QHBoxLayout()  # one row of buttons no longer fits 1280 px in Spanish
        second.addWidget(self.funding)
        second.addStretch(1)
        second.addWidget(self.hold.button)
        header = QVBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.facts)
        header.addWidget(self.hold.label)
        header.addLayout(row)
        header.addLayout(second)
        return header

    def _build_intake(self) -> QGroupBox:
        self.intake_box = QGroupBox()
        form = QFormLayout(self.intake_box)
        self.intake_labels: dict[str, QLabel] = {}
        self.intake_values: dict[str, QLabel] = {}
        for key, _msgid in INTAKE_ROWS:
            self.intake_values[key] = value_label()
            self.intake_labels[key] = labelled(form, "", self.intake_values[key])
        return self.intake_box

    def _build_notes(self) -> QGroupBox:
        self.notes_box = QGroupBox()
        self.notes_model = RowTableModel(NOTE_COLUMNS, parent=self)
        self.notes = QListView()
        self.notes.setModel(self.notes_model)
        self.notes.setWordWrap(True)
        self.notes.setSpacing(4)
        self.notes.setAlternatingRowColors(True)
        self.notes.setMinimumHeight(160)
        self.notes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setMaximumHeight(90)
        self.add_note_button = QPushButton()
        self.add_note_button.clicked.connect(self.add_note)
        self.note_edit.installEventFilter(self)  # Ctrl+Enter adds the note
        layout = QVBoxLayout(self.notes_box)
        layout.addWidget(self.notes, 1)
        self.note_form = QFormLayout()
        self.note_label = labelled(self.note_form, "", self.note_edit)
        layout.addLayout(self.note_form)
        layout.addWidget(self.add_note_button, 0, Qt.AlignmentFlag.AlignRight)
        return self.notes_box

    def eventFilter(self, watched, event) -> bool:
        if watched is self.note_edit and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.add_note()
            return True
        return super().eventFilter(watched, event)

    # ----- text ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.status_button.setText(_("Change &status…"))
        self.refer_button.setText(_("Re&fer to a partner…"))
        self.assigned_label.setText(_("Assigned &to:"))
        set_accessible(self.assignee, _("Assigned to"))
        self.assign_button.setText(_("Assign"))
        self.assign_me_button.setText(_("Assign to &me"))
        self.intake_box.setTitle(_("Intake"))
        self.scroll.setAccessibleName(_("Case file"))  # the scroll area is a tab stop (Page Down scrolls)
        for key, msgid in INTAKE_ROWS:
            text = _(msgid) if msgid else intake_rules.label(key)
            self.intake_labels[key].setText(text)
            set_accessible(self.intake_values[key], text)
        self.sealed.retranslate()
        self.deadlines.retranslate()
        self.codes.retranslate()
        self.household.retranslate()
        self.notes_box.setTitle(_("Notes"))
        set_accessible(self.notes, _("Notes, oldest first"))
        self.note_label.setText(_("New &note"))
        set_accessible(self.note_edit, _("New note"))
        self.note_edit.setPlaceholderText(_("Type a note; Ctrl+Enter adds it."))
        self.add_note_button.setText(_("&Add note"))
        self.history_box.setTitle(_("Status history"))
        self.documents_box.setTitle(_("Documents"))
        for model in (self.notes_model, self.history_model):
            model.retranslate()
        self.documents.retranslate()
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.retranslate()
        self._render()

    def _render(self) -> None:
        d = self._data
        review = d is not None and self.ctx.can(Can.REVIEW_CASES)
        for w in (self.status_button, self.assignee, self.assign_button):
            w.setVisible(review)
        self.assign_me_button.setVisible(review and self.ctx.v.user.role is m.Role.ATTORNEY)
        self.assigned_name.setVisible(not review)
        if d is None:
            return
        c, client, i = d.case, d.file.client, d.intake
        self.title.setText(f"{client.ref} · {client.display_name}")
        urgency = _(m.URGENCY_LABELS[i.urgency]) if i else ""
        facts = [_("Need: {need}").format(need=_(m.NEED_LABELS[c.need])),
                 _("Status: {status}").format(status=_(m.CASE_STATUS_LABELS[c.status])),
                 _("Urgency: {urgency}").format(urgency=urgency)]
        if c.next_date:
            facts.append(_("Next hearing or deadline: {date}").format(date=format_date(c.next_date)))
        self.facts.setText("  ·  ".join(facts))
        self.assigned_name.setText(c.assigned_name or _("Nobody"))
        self.assignee.clear()
        self.assignee.addItem(_("Nobody"), None)
        for staff in d.attorneys:
            self.assignee.addItem(staff.name, staff.id)
        if c.assigned_to is not None and self.assignee.findData(c.assigned_to) < 0:
            self.assignee.addItem(c.assigned_name, c.assigned_to)
        self.assignee.setCurrentIndex(max(0, self.assignee.findData(c.assigned_to)))
        self.assign_me_button.setEnabled(c.assigned_to != self.ctx.v.user.id)
        self._render_intake(i)
        self.notes_model.set_rows(d.notes)
        self.history_model.set_rows(d.history)

    def _render_intake(self, i: m.Intake | None) -> None:
        values = dict.fromkeys(self.intake_values, "")
        if i is not None:
            values.update(
                recorded=format_when(i.recorded_at), volunteer=i.recorded_by_name,
                channel=_(m.CHANNEL_LABELS[i.channel]), site=i.site,
                needs=", ".join(_(m.NEED_LABELS[n]) for n in i.needs),
                next_date=format_date(i.next_date),
                detained_family_member=_("Yes") if i.detained_family_member else _("No"), notes=i.notes)
        for key, text in values.items():
            self.intake_values[key].setText(text)
            label = self.intake_labels[key].text()  # a screen reader hears the field and its value
            set_accessible(self.intake_values[key], _("{field}: {value}").format(field=label, value=text)
                           if text else label)

    # ----- loading -------------------------------------------------------------------------------

    @property
    def case_id(self) -> int | None:
        return self._data.case.id if self._data else None

    def load(self, case_id: int) -> None:
        """Show a case. Another case drops revealed values and closes viewers; the same one keeps them."""
        if case_id != self.case_id:
            self.clear()
        v = self.ctx.v
        case = v.cases.get(case_id)
        file = v.clients.get(case.client_id)
        intake = next((i for i in file.intakes if i.id == case.intake_id), None)
        attorneys = v.staff.attorneys() if self.ctx.can(Can.REVIEW_CASES) else []
        self._data = _Loaded(case, file, intake, v.cases.notes(case_id), v.cases.history(case_id), attorneys)
        self.refer_button.setVisible(self.ctx.can(Can.MAKE_REFERRALS))
        self.documents.set_case(case_id, list(file.documents))
        self.deadlines.load(case_id)
        self.hold.set_case(case_id)
        self.codes.load(case)
        self.funding.set_case(case_id, case.intake_id)
        self.household.load(case_id, intake)
        self.sealed.show_client(case.client_id, file.sealed_fields)
        self._render()

    def _refer(self) -> None:
        if self._data is not None:
            self.ctx.signals.refer_client.emit(self._data.case.client_id)

    def clear(self) -> None:
        """Empty every widget and forget revealed values; needs no vault (called on lock)."""
        self._data = None
        if self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.clear()
        self._dialog = None
        self.sealed.clear()
        self.deadlines.clear()
        self.hold.clear()
        self.codes.clear()
        self.funding.clear()
        self.household.clear()
        self.documents.clear()
        self.note_errors.clear()
        self.note_edit.clear()
        self.title.clear()
        self.facts.clear()
        self.assigned_name.clear()
        self.assignee.clear()
        self._render_intake(None)
        self.notes_model.set_rows([])
        self.history_model.set_rows([])
        self._render()

    def _changed(self, what: str) -> None:
        self._emitting = True
        try:
            self.ctx.signals.changed.emit(what)
        finally:
            self._emitting = False

    def _on_changed(self, what: str) -> None:
        if self._emitting or self._data is None or what not in ("cases", "notes", "documents", "clients"):
            return
        if not self.ctx.can(Can.VIEW_CLIENTS):
            return
        VaultOp(self.ctx, self, lambda _v: self.load(self._data.case.id)).after_error(lambda _exc: self.clear()).run()

    # ----- actions -------------------------------------------------------------------------------

    def change_status(self) -> StatusDialog | None:
        if self._data is None:
            return None
        self._dialog = CodedStatusDialog(self.ctx, self._data.case, self)
        self._dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialog.saved.connect(self._status_saved)
        self._dialog.open()
        return self._dialog

    def _deadlines_changed(self) -> None:
        if self._data is not None:
            self._data.case = self.ctx.v.cases.get(self._data.case.id)  # its next date follows the deadlines
            self._render()
            self._changed("cases")

    def _status_saved(self, case: m.Case) -> None:
        if self._data is None or case.id != self._data.case.id:
            return
        self._data.case = case
        self._data.history = self.ctx.v.cases.history(case.id)
        self.codes.load(case)
        self._render()
        self._changed("cases")

    def assign(self, staff_id: int | None) -> None:
        if self._data is None:
            return
        VaultOp(self.ctx, self, lambda v: v.cases.assign(self._data.case.id, staff_id)).success(self._assigned).run()

    def _assigned(self, case: m.Case) -> None:
        self._data.case = case
        self._render()
        self._changed("cases")

    def add_note(self) -> None:
        if self._data is None:
            return
        self.note_errors.clear()
        VaultOp(self.ctx, self, lambda v: v.cases.add_note(self._data.case.id, self.note_edit.toPlainText())) \
            .failure(lambda exc: self.note_errors.present(exc, {"notes": self.note_edit}, self)) \
            .success(self._note_added).run()

    def _note_added(self, note: m.Note) -> None:
        self.note_edit.clear()
        self._data.notes = [*self._data.notes, note]
        self.notes_model.set_rows(self._data.notes)
        self.notes.scrollToBottom()
        self._changed("notes")
