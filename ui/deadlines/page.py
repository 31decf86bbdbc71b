"""The Deadlines screen: every upcoming hearing, ICE check-in and filing deadline on the attorney's open
cases (everyone's, for a supervising attorney), soonest first, overdue marked; Enter opens the case.

The core decides whose cases a person may list (`vault.deadlines`); nothing here exports a calendar.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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
from clinic.i18n import N_, _, ngettext
from ui.context import AppContext, Page
from ui.kit.format import format_date
from ui.kit.ops import VaultOp
from ui.kit.tablemodel import Column, RowTableModel

SCOPES = (("mine", N_("My cases")), ("everyone", N_("Everyone's cases")))
WINDOWS = ((None, N_("Every date")), (7, N_("Overdue and the next 7 days")), (30, N_("Overdue and the next 30 days")))


def when_text(days: int) -> str:
    """'Today', 'In 3 days', 'Overdue by 2 days' (days from the core's clock)."""
    if days == 0:
        return _("Today")
    if days > 0:
        return ngettext("In {n} day", "In {n} days", days).format(n=days)
    return ngettext("Overdue by {n} day", "Overdue by {n} days", -days).format(n=-days)


COLUMNS = (
    Column(N_("Date"), lambda r: r.due_date, format_date),
    Column(N_("How soon"), lambda r: r.days_left, when_text),
    Column(N_("What"), lambda r: r.kind, lambda k: _(m.DEADLINE_KIND_LABELS[k])),
    Column(N_("Client reference"), lambda r: r.client_ref),
    Column(N_("Client"), lambda r: r.client_name),
    Column(N_("Attorney"), lambda r: r.assigned_name),
    Column(N_("Note"), lambda r: r.note if r.deadline_id is not None else _("Date given at intake")),
)
ATTORNEY_COLUMN = 5


class DeadlineTableModel(RowTableModel):
    """The rows as given; an overdue row is drawn bold and in the warning colour (its "When" says so too)."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole) and index.isValid():
            if self.row_at(index.row()).overdue:
                if role == Qt.ItemDataRole.FontRole:
                    font = QFont()
                    font.setBold(True)
                    return font
                return QBrush(QColor(170, 30, 30))
            return None
        return super().data(index, role)


class DeadlinesPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.setObjectName("deadlinesPage")
        self.intro, self.count = QLabel(), QLabel()
        self.intro.setWordWrap(True)
        self.scope, self.dates = QComboBox(), QComboBox()
        self.scope.setObjectName("deadlineScope")
        self.dates.setObjectName("deadlineWindow")
        for key, _msgid in SCOPES:
            self.scope.addItem("", key)
        for days, _msgid in WINDOWS:
            self.dates.addItem("", days)
        self.scope_label, self.dates_label = QLabel(), QLabel()
        self.scope_label.setBuddy(self.scope)
        self.dates_label.setBuddy(self.dates)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_current)
        self.model = DeadlineTableModel(COLUMNS, parent=self)
        self.table = QTableView()
        self.table.setObjectName("deadlineTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda _index: self.open_current())  # Enter or a double click
        row = QHBoxLayout()
        for w in (self.scope_label, self.scope, self.dates_label, self.dates):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.count)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())
        self.dates.currentIndexChanged.connect(lambda _i: self.refresh())
        self.setFocusProxy(self.table)
        ctx.signals.changed.connect(self._on_changed)
        self.retranslate()

    # ----- Page ---------------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Deadlines")

    def retranslate(self) -> None:
        self.intro.setText(_("Hearings, ICE check-ins and filing deadlines not yet done on open and accepted "
                             "cases, soonest first; overdue ones are in bold. Enter opens the case. Nothing "
                             "here leaves the vault."))
        self.scope_label.setText(_("Sho&w:"))
        self.dates_label.setText(_("Dat&es:"))
        for combo, items in ((self.scope, SCOPES), (self.dates, WINDOWS)):
            for i, (_key, msgid) in enumerate(items):
                combo.setItemText(i, _(msgid))
        self.scope.setAccessibleName(_("Whose cases"))
        self.dates.setAccessibleName(_("Which dates"))
        self.table.setAccessibleName(_("Upcoming hearings and deadlines, soonest first"))
        self.open_button.setText(_("&Open the case"))
        self.model.retranslate()
        self._count()

    def clear(self) -> None:
        self.model.set_rows([])
        self.scope.setCurrentIndex(0)
        self._count()

    def on_unlocked(self) -> None:
        self.clear()
        everyone = self.ctx.vault is not None and self.ctx.can(Can.REVIEW_CASES) and \
            self.ctx.v.deadlines.may_see_everyone()
        for w in (self.scope_label, self.scope):
            w.setVisible(everyone)
        self.refresh()

    # ----- the list -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.ctx.can(Can.REVIEW_CASES):
            self.model.set_rows([])
            self._count()
            return
        everyone = self.scope.currentData() == "everyone" and self.scope.isVisibleTo(self)
        days = self.dates.currentData()
        VaultOp(self.ctx, self, lambda v: v.deadlines.upcoming(everyone=everyone, within_days=days)) \
            .success(self._show).run()

    def _show(self, rows: list[m.DeadlineRow]) -> None:
        current = self.current()
        self.model.set_rows(rows)
        mine_only = self.scope.currentData() != "everyone"
        self.table.setColumnHidden(ATTORNEY_COLUMN, mine_only)
        if rows:
            keep = next((i for i, r in enumerate(rows) if current and (r.deadline_id, r.case_id) ==
                         (current.deadline_id, current.case_id)), 0)
            self.table.selectRow(keep)
        self._count()

    def _count(self) -> None:
        rows = self.model.rows
        overdue = sum(r.overdue for r in rows)
        text = ngettext("{n} date", "{n} dates", len(rows)).format(n=len(rows))
        if overdue:
            text += " · " + ngettext("{n} overdue", "{n} overdue", overdue).format(n=overdue)
        self.count.setText(text)
        self.open_button.setEnabled(bool(rows))

    def current(self) -> m.DeadlineRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def open_current(self) -> None:
        row = self.current()
        if row is not None:
            self.ctx.signals.open_case.emit(row.case_id)

    def _on_changed(self, what: str) -> None:
        if what == "cases" and self.ctx.can(Can.REVIEW_CASES):
            self.refresh()
