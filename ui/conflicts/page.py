"""The Conflicts screen: a case's conflict check (matches, why, parties), run again, and the attorney's decision.

The core refuses to accept a case until its current check is cleared; this screen is where that happens.
Only attorneys, coordinators and admins see matched records (the core decides); each view is audited.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic import ClearResult
from clinic import conflict_parties as cp
from clinic import models as m
from clinic.access import Can
from clinic.errors import UserError, ValidationError
from clinic.i18n import N_, _
from ui.context import AppContext, Page
from ui.kit.errors import show_error
from ui.kit.format import format_date, format_when
from ui.kit.forms import FieldErrors, labelled, set_accessible
from ui.kit.ops import VaultJob, VaultOp
from ui.kit.tablemodel import NUMBER_ALIGNMENT, Column, RowTableModel

REASONS = {"same_name": N_("same name"), "name_order": N_("same name in another order"),
           "spelling_variant": N_("spelling variant"), "typo": N_("a typing slip"),
           "partial_name": N_("part of the name"), "same_dob": N_("same date of birth"),
           "different_dob": N_("different date of birth"), "organisation": N_("organisation"),
           "alias": N_("another name used")}
SOURCES = {"client": N_("Client"), "adverse": N_("Adverse party"), "household": N_("Household member")}

CASE_COLUMNS = (
    Column(N_("Case"), lambda r: r.id),
    Column(N_("Client reference"), lambda r: r.client_ref),
    Column(N_("Client"), lambda r: r.client_name),
    Column(N_("Opened"), lambda r: r.opened_at, format_date),
)
MATCH_COLUMNS = (
    Column(N_("Name checked"), lambda x: x.checked_name),
    Column(N_("Matches"), lambda x: x.name),
    Column(N_("Kind"), lambda x: x.source, lambda v: _(SOURCES.get(v, v))),
    Column(N_("In the file of"), lambda x: x.client_ref),
    Column(N_("Score"), lambda x: x.score, alignment=NUMBER_ALIGNMENT),
    Column(N_("Why"), lambda x: x.reasons, lambda v: ", ".join(_(REASONS.get(r, r)) for r in v)),
)


def check_summary(check, names: dict[int, str]) -> str:
    """One paragraph: when it ran, what it found, whether it still counts and what was decided."""
    if check is None:
        return _("This case has not been checked yet. Run the check before accepting it.")
    parts = [_("Checked {when}: {found}.").format(
        when=format_when(check.run_at), found=_("possible conflicts found") if check.possible_conflict
        else _("no match found"))]
    if check.more_candidates:
        parts.append(_(cp.MORE_CANDIDATES_NOTICE))
    if not check.current:
        parts.append(_("Out of date: the case's parties changed after this check. Run it again."))
    if check.result is None:
        parts.append(_("Not cleared yet: the case cannot be accepted."))
    else:
        name = names.get(check.cleared_by)
        parts.append(_("Decision: {result}, by {name} on {when}.").format(
            result=_(check.result.label), name=name, when=format_when(check.cleared_at)) if name else
            _("Decision: {result}, on {when}.").format(result=_(check.result.label), when=format_when(check.cleared_at)))
        if check.note:
            parts.append(_("Note: {note}").format(note=check.note))
    return " ".join(parts)


class ConflictsPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.errors = FieldErrors()
        self.check = None
        self._running = 0  # checks on a worker not yet answered
        self._staff: dict[int, str] = {}
        self.cases = RowTableModel(CASE_COLUMNS, parent=self)
        self.case_table = self._table(self.cases, "conflictCases")
        self.heading, self.summary = QLabel(), QLabel()
        for label in (self.heading, self.summary):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.matches = RowTableModel(MATCH_COLUMNS, parent=self)
        self.match_table = self._table(self.matches, "conflictMatches")
        self.parties = QLabel()
        self.parties.setWordWrap(True)
        self.parties.setTextFormat(Qt.TextFormat.PlainText)
        self.run_button = QPushButton()
        self.run_button.clicked.connect(self.run_check)
        self.party_name, self.party_kind, self.party_org = QLineEdit(), QComboBox(), QCheckBox()
        self.party_name.setMaxLength(m.MAX_NAME)
        self.party_name.textEdited.connect(lambda _t: self.errors.clear(self.party_name))
        self.party_name.returnPressed.connect(self.add_party)
        for kind in cp.PartyKind:
            self.party_kind.addItem("", kind.value)
        self.party_button = QPushButton()
        self.party_button.clicked.connect(self.add_party)
        self.party_label = QLabel()
        self.party_label.setBuddy(self.party_name)
        self.party_kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        party_row = QGridLayout()  # the name on its own line: it needs the width
        party_row.setContentsMargins(0, 0, 0, 0)
        party_row.addWidget(self.party_label, 0, 0)
        party_row.addWidget(self.party_name, 0, 1, 1, 3)
        party_row.addWidget(self.party_kind, 1, 1)
        party_row.addWidget(self.party_org, 1, 2)
        party_row.addWidget(self.party_button, 1, 3)
        party_row.setColumnStretch(1, 1)
        self.decision_box = QGroupBox()
        self.result = QComboBox()
        for r in ClearResult:
            self.result.addItem("", r.value)
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 3 + 14)
        self.note.textChanged.connect(lambda: self.errors.clear(self.note))
        self.clear_button = QPushButton()
        self.clear_button.clicked.connect(self.record_decision)
        form = QFormLayout(self.decision_box)
        self._labels = [labelled(form, "", self.result), labelled(form, "", self.note)]
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        form.addRow("", buttons)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.heading, self.summary):
            right_layout.addWidget(w)
        right_layout.addWidget(self.match_table, 1)
        right_layout.addWidget(self.parties)
        right_layout.addWidget(self.run_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.party_form = QWidget()
        self.party_form.setLayout(party_row)
        right_layout.addWidget(self.party_form)
        right_layout.addWidget(self.decision_box)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.case_table)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([460, 700])
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(split, 1)
        self.case_table.selectionModel().currentRowChanged.connect(lambda _c, _p: self.show_case())
        self.setFocusProxy(self.case_table)
        self._show(None)
        self.retranslate()

    @staticmethod
    def _table(model, name: str) -> QTableView:
        table = QTableView()
        table.setObjectName(name)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    # ----- Page ---------------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Conflicts")

    def retranslate(self) -> None:
        self.intro.setText(_("Open cases. Choose one to see its conflict check; a case is accepted only once an "
                             "attorney clears a current check."))
        self.cases.retranslate()
        self.matches.retranslate()
        set_accessible(self.case_table, _("Open cases"))
        set_accessible(self.match_table, _("Possible matches"))
        self.run_button.setText(_("&Run the check again"))
        self.decision_box.setTitle(_("Attorney's decision"))
        for label, text in zip(self._labels, (_("&Decision"), _("&Note (needed unless no conflict)")), strict=True):
            label.setText(text)
            set_accessible(label.buddy(), text)
        for i in range(self.result.count()):
            self.result.setItemText(i, _(ClearResult(self.result.itemData(i)).label))
        self.clear_button.setText(_("Re&cord the decision"))
        self.party_label.setText(_("Another party's na&me"))
        set_accessible(self.party_name, _("Another party's name"))
        for i in range(self.party_kind.count()):
            self.party_kind.setItemText(i, _(SOURCES[self.party_kind.itemData(i)]))
        set_accessible(self.party_kind, _("Kind of party"))
        self.party_org.setText(_("An organisation"))
        self.party_button.setText(_("Add the &party and check again"))
        self._show(self.check)

    def clear(self) -> None:
        self.errors.clear()
        self.cases.set_rows([])
        self.note.clear()
        self._staff = {}
        self._show(None)

    def on_unlocked(self) -> None:
        self.clear()

        def load(v) -> None:
            self._staff = {v.user.id: _("you")}
            self.cases.set_rows(v.cases.list(m.CaseFilter(status=m.CaseStatus.OPEN)))

        VaultOp(self.ctx, self, load).run()

    # ----- one case -----------------------------------------------------------------------------------

    def current_case(self):
        index = self.case_table.currentIndex()
        return self.cases.row_at(index.row()) if index.isValid() else None

    def show_case(self) -> None:
        row = self.current_case()
        if row is None:
            self._show(None)
            return
        VaultOp(self.ctx, self, lambda v: v.conflicts.latest(row.id)).success(self._show) \
            .after_error(lambda _exc: self._show(None)).run()

    def run_check(self) -> None:
        row = self.current_case()
        if row is None:
            return
        self._on_worker(row, lambda v: v.conflicts.check_case(row.id)).success(self._show).run()

    def _on_worker(self, row, op) -> VaultJob:
        """A check (over every client: ~100 ms at a million) runs on a worker, the buttons greyed
        meanwhile; its outcome is shown only if the same case is still the one on screen."""
        def same_case() -> bool:
            shown = self.current_case()
            return shown is not None and shown.id == row.id

        def ended() -> None:
            self._running -= 1
            self._enable()

        self._running += 1
        self._enable()
        return VaultJob(self.ctx, self, op).when(same_case).finished(ended)

    def _enable(self) -> None:
        """Run and add a party: for the case on screen, and not while a check runs."""
        free = self.current_case() is not None and not self._running
        self.run_button.setEnabled(free)
        self.party_form.setEnabled(free)

    def add_party(self) -> None:
        """Name someone else on the case; the core checks the case again (an earlier clearance stops counting)."""
        row = self.current_case()
        if row is None:
            return
        self.errors.clear()
        draft = cp.PartyDraft(cp.PartyKind(self.party_kind.currentData()), self.party_name.text(),
                              is_org=self.party_org.isChecked())

        def added(check) -> None:
            self.party_name.clear()
            self.party_org.setChecked(False)
            self._show(check)

        self._on_worker(row, lambda v: v.conflicts.add_party(row.id, draft)).success(added) \
            .failure(self._mark_at(self.party_name)).run()

    def record_decision(self) -> None:
        row = self.current_case()
        if row is None:
            return
        self.errors.clear()
        result, note = ClearResult(self.result.currentData()), self.note.toPlainText()

        def recorded(check) -> None:
            self.note.clear()
            self._show(check)

        VaultOp(self.ctx, self, lambda v: v.conflicts.clear(row.id, result, note)).success(recorded) \
            .failure(self._mark_at(self.note)).changes("cases").run()

    def _mark_at(self, widget):
        """A refusal naming a field is marked at `widget` (what the person typed stays); any other is shown."""
        def failed(exc: UserError) -> None:
            if isinstance(exc, ValidationError):
                self.errors.mark(widget, exc.message)
            else:
                show_error(self, exc)
        return failed

    def _show(self, check) -> None:
        self.check = check
        row = self.current_case()
        self.heading.setText(_("Case {case} · client {ref}").format(case=row.id, ref=row.client_ref) if row else "")
        self.summary.setText(check_summary(check, self._staff) if row else _("Choose a case."))
        self.matches.set_rows(check.matches if check is not None else [])
        parties = []
        if row is not None and self.ctx.can(Can.VIEW_CLIENTS):
            parties = VaultOp(self.ctx, self, lambda v: v.conflicts.parties(row.id)).failure(lambda _exc: []) \
                .run() or []
        self.parties.setText(_("Parties named on the case: {names}").format(names="; ".join(
            f"{p.name} ({_(SOURCES.get(p.kind.value, p.kind.value))})" for p in parties)) if parties else "")
        self.parties.setVisible(bool(parties))
        self._enable()
        can_clear = self.ctx.can(Can.CLEAR_CONFLICTS)
        self.decision_box.setVisible(can_clear)
        self.decision_box.setEnabled(row is not None and check is not None and check.current)
