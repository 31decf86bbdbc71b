"""A client's file as the acting user may see it, and the locale formatting the client screens share."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic import models as m
from clinic.access import Can
from clinic.i18n import N_, _
from ui.clients.edit import CHANGE_COLUMNS, correct_button, corrections_box
from ui.clients.forget import forget_button
from ui.clients.labels import LabelRows, phone_flags, text_label
from ui.context import AppContext
from ui.kit import clipboard, keys, theme
from ui.kit.format import (
    CHANNEL_NAMES,
    format_date,
    format_money,
    format_size,
    format_when,
    language_name,
)
from ui.kit.icons import lock_pixmap
from ui.kit.ops import VaultJob, VaultOp
from ui.kit.tablemodel import NUMBER_ALIGNMENT, Column, RowTableModel

DOCUMENT_COLUMNS = (
    Column(N_("Document"), lambda d: d.filename),
    Column(N_("Size"), lambda d: d.size, display=format_size, alignment=NUMBER_ALIGNMENT),
    Column(N_("Added"), lambda d: d.added_at, display=format_date),
    Column(N_("Added by"), lambda d: d.added_by_name),
)


class ClientFileView(QWidget):
    """Shows one ClientFile. Sealed values appear only after an attorney asks (audited), until cleared."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._load_seq = 0  # bumped by every load and clear: an older file's answer is dropped
        self._refused = False
        self.ctx = ctx
        self._file: m.ClientFile | None = None
        self._revealed: dict[m.SealedField, str] | None = None
        self._body: QWidget | None = None
        self._discarded: list[QWidget] = []
        self.documents_model = RowTableModel(DOCUMENT_COLUMNS, parent=self)
        self.reveal_button: QPushButton | None = None
        self.case_buttons: dict[int, QPushButton] = {}
        self.refer_button: QPushButton | None = None
        self.correct_button: QPushButton | None = None
        self.plan_button: QPushButton | None = None
        self.details_dialog = None  # the open correction dialog, closed by clear()
        self.changes: list[m.Change] = []
        self.changes_model = RowTableModel(CHANGE_COLUMNS, parent=self)

        self.placeholder = QLabel()
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        content = QWidget()
        self._content_layout = QVBoxLayout(content)
        self._content_layout.addWidget(self.placeholder)
        self._content_layout.addStretch(1)
        self.scroll = keys.ScrollArea()
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self.retranslate()

    # ----- what is shown ----------------------------------------------------------------------------

    @property
    def file(self) -> m.ClientFile | None:
        return self._file

    @property
    def revealed(self) -> dict[m.SealedField, str] | None:
        return self._revealed

    def load(self, client_id: int, shown: Callable[[], None] | None = None) -> bool:
        """Fetch a client's file on a worker (the first read of a file after unlock decrypts its pages: tens
        of ms), then show it and call shown(); on refusal say why (show_error) and show nothing. Only the
        latest file asked for is shown. False once it is known to be refused (at once with a test's
        immediate runner)."""
        self._load_seq += 1
        seq = self._load_seq

        def fetch(v) -> tuple[m.ClientFile, list[m.Change]]:
            client_file = v.clients.get(client_id)
            return client_file, v.clients.history(client_id) if v.can(Can.VIEW_CLIENTS) else []

        def show(found: tuple[m.ClientFile, list[m.Change]]) -> None:
            self.show_file(*found)
            if shown is not None:
                shown()

        self._refused = False
        VaultJob(self.ctx, self, fetch).when(lambda: seq == self._load_seq and self.ctx.vault is not None) \
            .success(show).after_error(self._not_shown).run()
        return not self._refused

    def _not_shown(self, _exc: BaseException) -> None:
        self._refused = True
        self.clear()

    def show_file(self, client_file: m.ClientFile, changes: list[m.Change] | None = None) -> None:
        """Show a file; values revealed earlier are dropped (fresh data: ask again, audited again)."""
        self._revealed = None
        self._file = client_file
        if changes is None:
            changes = self.ctx.v.clients.history(client_file.client.id) if self.ctx.can(Can.VIEW_CLIENTS) else []
        self.changes = changes
        self._render()

    def clear(self) -> None:
        """Forget the file and any revealed values; every widget showing them goes."""
        self._load_seq += 1
        self._file = None
        self._revealed = None
        self.changes = []
        if self.details_dialog is not None and shiboken6.isValid(self.details_dialog):
            self.details_dialog.clear()
        self._render()

    def retranslate(self) -> None:
        self.placeholder.setText(_("Choose a client to see their file."))
        self.scroll.setAccessibleName(_("Client file"))  # the scroll area is a tab stop (Page Down scrolls)
        self.documents_model.retranslate()
        self.changes_model.retranslate()
        self._render()

    def reveal(self) -> None:
        """Ask the core for the attorney-only values (it records the reveal in the audit log)."""
        if self._file is None:
            return
        revealed = VaultOp(self.ctx, self, lambda v: v.sealed.reveal(self._file.client.id)).run()
        if revealed is None:
            return
        self._revealed = revealed
        self._render()
        if self.reveal_button is not None:
            self.reveal_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def hide_sealed(self) -> None:
        self._revealed = None
        self._render()
        if self.reveal_button is not None:
            self.reveal_button.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----- building ---------------------------------------------------------------------------------

    def _discard_body(self) -> None:
        self._discarded = [w for w in self._discarded if shiboken6.isValid(w)]
        self.reveal_button = None
        self.case_buttons = {}
        self.refer_button = None
        self.correct_button = None
        self.documents_model.set_rows([])
        self.changes_model.set_rows([])
        if self._body is None:
            return
        body, self._body = self._body, None
        body.hide()
        self._content_layout.removeWidget(body)
        body.setParent(None)  # out of this view at once; deleted later (a button of it may be the sender)
        self._discarded.append(body)
        body.deleteLater()

    def _render(self) -> None:
        self._discard_body()
        clipboard.guard().set_sensitive(self, ())
        self.placeholder.setVisible(self._file is None)
        if self._file is None:
            return
        f = self._file
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(text_label(f.client.display_name, bold=True, scale=1.4), 1)
        ref = text_label(_("Client {ref}").format(ref=f.client.ref), scale=1.1)
        ref.setWordWrap(False)
        header.addWidget(ref, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        if f.client.is_demo:
            demo = QLabel(_("DEMO: a made-up person for training"))
            theme.set_flag(demo, theme.DEMO, True)
            layout.addWidget(demo)
        layout.addWidget(self._person_box(f.client))
        if self.ctx.can(Can.LOOKUP_CLIENT):  # whoever may open this file may open its plan (the core checks)
            self.plan_button = QPushButton(_("&Preparedness plan…"))
            self.plan_button.setAutoDefault(True)
            self.plan_button.clicked.connect(lambda _c=False, ref=f.client.ref: self.ctx.signals.open_plan.emit(ref))
            layout.addWidget(self.plan_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self._intakes_box(f.intakes))
        if self.ctx.can(Can.VIEW_CLIENTS):
            layout.addWidget(self._cases_box(f.cases))
            layout.addWidget(self._notes_box(f.notes))
            layout.addWidget(self._documents_box(f.documents))
        if self.changes:
            layout.addWidget(corrections_box(self.changes, self.changes_model))
        layout.addWidget(self._sealed_box(f))
        if (forget := forget_button(self.ctx, self, f.client.ref)) is not None:
            layout.addWidget(forget, 0, Qt.AlignmentFlag.AlignLeft)
        self._content_layout.insertWidget(0, body)
        self._body = body

    def _form_box(self, title: str) -> tuple[QGroupBox, LabelRows]:
        box = QGroupBox(title)
        return box, LabelRows(box)

    def _person_box(self, c: m.Client) -> QGroupBox:
        box, form = self._form_box(_("Person"))
        not_recorded = _("Not recorded")
        rows = [(_("Preferred name"), c.preferred_name)] if c.preferred_name else []
        language = language_name(c.language)
        if c.interpreter_needed:
            language = _("{language}, interpreter needed").format(language=language)
        rows += [(_("Date of birth"), format_date(c.date_of_birth) or not_recorded),
                 (_("Language"), language),
                 (_("Address"), c.address or not_recorded)]
        for i, phone in enumerate(c.phones, start=1):
            rows.append((_("Phone {n}").format(n=i), f"{phone.number}  —  {phone_flags(phone)}"))
        if not c.phones:
            rows.append((_("Phone"), not_recorded))
        rows.append((_("Client since"), format_date(c.created_at)))
        for label, value in rows:
            form.add(label, value)
        if self.ctx.can(Can.EDIT_CLIENTS):
            self.correct_button = correct_button(self.ctx, c, self)
            form.grid.addWidget(self.correct_button, form.grid.rowCount(), 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
        return box

    def _intakes_box(self, intakes: tuple[m.Intake, ...]) -> QGroupBox:
        box = QGroupBox(_("Intakes ({n})").format(n=len(intakes)))
        layout = QVBoxLayout(box)
        if not self.ctx.can(Can.VIEW_CLIENTS):
            layout.addWidget(text_label(_("You see only the intakes you recorded in the last 24 hours.")))
        for intake in sorted(intakes, key=lambda i: i.recorded_at, reverse=True):
            title = _("{when}, recorded by {name}").format(when=format_when(intake.recorded_at),
                                                          name=intake.recorded_by_name)
            inner, form = self._form_box(title)
            needs = ", ".join(_(m.NEED_LABELS[n]) for n in intake.needs) or _("None chosen")
            channel = _(CHANNEL_NAMES[intake.channel])
            rows = [(_("Channel"), f"{channel} · {intake.site}" if intake.site else channel),
                    (_("Needs"), needs), (_("Urgency"), _(m.URGENCY_LABELS[intake.urgency]))]
            if intake.next_date:
                rows.append((_("Next hearing or deadline"), format_date(intake.next_date)))
            rows.append((_("Family member detained"), _("Yes") if intake.detained_family_member else _("No")))
            if intake.household_size is not None:
                rows.append((_("Household size"), str(intake.household_size)))
            if intake.annual_income is not None:
                rows.append((_("Yearly household income"), format_money(intake.annual_income)))
            rows.append((_("Consent to store"), _("Given on {date}, read in {language}").format(
                date=format_date(intake.consent_date), language=language_name(intake.consent_language))
                if intake.consent_to_store else _("Not given")))
            if intake.notes:
                rows.append((_("Notes"), intake.notes))
            for label, value in rows:
                form.add(label, value)
            layout.addWidget(inner)
        return box

    def _cases_box(self, cases: tuple[m.Case, ...]) -> QGroupBox:
        box = QGroupBox(_("Cases ({n})").format(n=len(cases)))
        layout = QVBoxLayout(box)
        if not cases:
            layout.addWidget(text_label(_("No cases.")))
        for case in cases:
            row = QHBoxLayout()
            parts = [_(m.CASE_STATUS_LABELS[case.status]), _(m.NEED_LABELS[case.need]),
                     _("assigned to {name}").format(name=case.assigned_name) if case.assigned_name
                     else _("not assigned"), _("opened {date}").format(date=format_date(case.opened_at))]
            if case.next_date:
                parts.append(_("next date {date}").format(date=format_date(case.next_date)))
            row.addWidget(text_label(" · ".join(parts)), 1)
            button = QPushButton(_("Open case"))
            button.setAutoDefault(True)
            button.setAccessibleName(_("Open case {n}").format(n=case.id))
            button.clicked.connect(lambda _c=False, case_id=case.id: self.ctx.signals.open_case.emit(case_id))
            self.case_buttons[case.id] = button
            row.addWidget(button)
            layout.addLayout(row)
        if self.ctx.can(Can.MAKE_REFERRALS) and self._file is not None:
            refer = QPushButton(_("Re&fer to a partner…"))
            refer.setAutoDefault(True)
            client_id = self._file.client.id
            refer.clicked.connect(lambda _c=False: self.ctx.signals.refer_client.emit(client_id))
            self.refer_button = refer
            layout.addWidget(refer, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _notes_box(self, notes: tuple[m.Note, ...]) -> QGroupBox:
        box = QGroupBox(_("Notes ({n})").format(n=len(notes)))
        layout = QVBoxLayout(box)
        if not notes:
            layout.addWidget(text_label(_("No notes.")))
        for note in sorted(notes, key=lambda n: n.created_at):
            layout.addWidget(text_label(_("{when}, {name}").format(when=format_when(note.created_at),
                                                                   name=note.author_name), bold=True))
            layout.addWidget(text_label(note.body))
        return box

    def _documents_box(self, documents: tuple[m.DocumentInfo, ...]) -> QGroupBox:
        box = QGroupBox(_("Documents ({n})").format(n=len(documents)))
        layout = QVBoxLayout(box)
        if not documents:
            layout.addWidget(text_label(_("No documents.")))
            return box
        self.documents_model.set_rows(sorted(documents, key=lambda d: d.added_at))
        table = QTableView()
        table.setModel(self.documents_model)
        table.setAccessibleName(_("Documents"))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        rows = min(len(documents), 6)
        table.setFixedHeight(table.horizontalHeader().sizeHint().height()
                             + rows * table.verticalHeader().defaultSectionSize() + 6)
        layout.addWidget(table)
        return box

    def _sealed_box(self, f: m.ClientFile) -> QGroupBox:
        box, form = self._form_box(_("Attorney-only information"))
        theme.set_flag(box, theme.SEALED, True)
        lock = QLabel()
        lock.setPixmap(lock_pixmap(20))
        names = ", ".join(_(m.SEALED_LABELS[s]) for s in m.SealedField if s in f.sealed_fields)
        recorded = (_("Recorded: {fields}").format(fields=names) if names
                    else _("Nothing attorney-only is recorded."))
        intro = QHBoxLayout()
        intro.setSpacing(8)
        intro.addWidget(lock, 0, Qt.AlignmentFlag.AlignTop)
        intro.addWidget(text_label(recorded), 1)
        form.add_layout(intro)
        if f.sealed_fields and self.ctx.can(Can.VIEW_SEALED):
            self.reveal_button = QPushButton()
            self.reveal_button.setAutoDefault(True)
            row = QHBoxLayout()
            row.addWidget(self.reveal_button)
            if self._revealed is None:
                self.reveal_button.setText(_("&Reveal attorney-only information"))
                self.reveal_button.clicked.connect(self.reveal)
                row.addWidget(text_label(_("Each reveal is recorded in the audit log.")), 1)
            else:
                self.reveal_button.setText(_("&Hide attorney-only information"))
                self.reveal_button.clicked.connect(self.hide_sealed)
                row.addStretch(1)
            form.add_layout(row)
        for field in m.SealedField:
            if self._revealed and field in self._revealed:
                form.add(_(m.SEALED_LABELS[field]), self._revealed[field])
        clipboard.guard().set_sensitive(self, (self._revealed or {}).values())
        return box
