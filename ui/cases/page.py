"""The case list for review: filters, a sortable table with urgent cases marked, and the case file beside it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic import models as m
from clinic.access import Can
from clinic.i18n import N_, _, ngettext
from ui.cases.view import CaseFileView
from ui.context import AppContext, Page
from ui.kit.format import format_date
from ui.kit.forms import set_accessible
from ui.kit.ops import VaultJob, VaultOp
from ui.kit.tablemodel import Column, RowTableModel, SortProxy
from ui.kit.tables import FIT_ROWS

SOON_DAYS = 7  # hearings and deadlines this close are marked
HEARING_WINDOWS = (None, 7, 14, 30)
LIST_LIMIT = 500
MARK = "⚠ "  # the text marker beside the colour: never colour alone
URGENT_BG, SOON_BG = QColor("#fbe0e0"), QColor("#fff0c2")  # both keep 7:1 with the text colour
URGENCY_SHORT = {m.Urgency.ROUTINE: N_("Routine"), m.Urgency.SOON: N_("Soon"), m.Urgency.URGENT: N_("Urgent")}
URGENCY_RANK = {m.Urgency.ROUTINE: 0, m.Urgency.SOON: 1, m.Urgency.URGENT: 2}
RANK_URGENCY = {rank: urgency for urgency, rank in URGENCY_RANK.items()}
COLUMN_BOUNDS = {1: (150, 280), 2: (110, 220)}  # client, need: (min, max) pixels; the tooltip has all


def days_until(day: dt.date | None) -> int | None:
    return None if day is None else (day - dt.date.today()).days


def hearing_soon(row: m.CaseRow) -> bool:
    days = days_until(row.next_date)
    return days is not None and 0 <= days <= SOON_DAYS


def _urgency_text(rank: int) -> str:
    urgency = RANK_URGENCY[rank]
    return (MARK if urgency is m.Urgency.URGENT else "") + _(URGENCY_SHORT[urgency])


def _next_date_text(day: dt.date | None) -> str:
    days = days_until(day)
    if days is None:
        return ""
    if days < 0:
        return _("{date} (passed)").format(date=format_date(day))
    if days == 0:
        return MARK + _("{date} (today)").format(date=format_date(day))
    text = ngettext("{date} (in {n} day)", "{date} (in {n} days)", days).format(date=format_date(day), n=days)
    return MARK + text if days <= SOON_DAYS else text


# The queue is for triage: when a case was opened is in the case file, which leaves room for names.
OPEN_WORK = "open-work"  # the status filter's default: ACTIVE_STATUSES

CASE_COLUMNS = (
    Column(N_("Reference"), lambda r: r.client_ref),
    Column(N_("Client"), lambda r: r.client_name),
    Column(N_("Need"), lambda r: _(m.NEED_LABELS[r.need])),
    Column(N_("Status"), lambda r: _(m.CASE_STATUS_LABELS[r.status])),
    Column(N_("Urgency"), lambda r: URGENCY_RANK[r.urgency], display=_urgency_text),
    Column(N_("Hearing or deadline"), lambda r: r.next_date, display=_next_date_text),
    Column(N_("Assigned to"), lambda r: r.assigned_name),
    Column(N_("Detained relative"), lambda r: r.detained_family_member,
           display=lambda yes: _("Yes") if yes else ""),
)


class CaseTableModel(RowTableModel):
    """Case rows; urgent cases and near hearings get a colour and bold text; tooltips say why."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole) \
                and index.isValid() and index.row() < self.rowCount():
            row = self.row_at(index.row())
            urgent, soon = row.urgency is m.Urgency.URGENT, hearing_soon(row)
            if role == Qt.ItemDataRole.ToolTipRole:
                text = super().data(index, Qt.ItemDataRole.DisplayRole)
                reasons = ([_("Urgent")] if urgent else []) + \
                    ([_("Hearing or deadline within {n} days").format(n=SOON_DAYS)] if soon else [])
                return "\n".join([text, *reasons]) if text or reasons else None
            if not (urgent or soon):
                return None
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(URGENT_BG if urgent else SOON_BG)
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


class CasesPage(Page):
    """Filters over the case list; Enter or a double-click opens the case file, Alt+Left goes back."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.status = self._combo([OPEN_WORK, *[s.value for s in m.CaseStatus]])
        self.status.blockSignals(True)  # the list is not built yet
        self.status.setCurrentIndex(1)  # open work first: rejected and closed cases only when asked
        self.status.blockSignals(False)
        self.need = self._combo([n.value for n in m.Need])
        self.urgency = self._combo([u.value for u in m.Urgency])
        self.hearing = self._combo(HEARING_WINDOWS[1:])
        self.mine = QCheckBox()
        self.mine.toggled.connect(self.refresh)
        self.text = QLineEdit()
        self.text.setClearButtonEnabled(True)
        self._generation = 0  # each list request; an answer overtaken by a newer request is dropped
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.refresh)
        self.text.textChanged.connect(lambda _t: self._debounce.start())
        self.labels: dict[QWidget, QLabel] = {}
        # Two rows, so the Spanish labels never make the window wider than a 1280-pixel laptop screen.
        filters = QHBoxLayout()
        for widget in (self.status, self.need, self.urgency):
            self.labels[widget] = QLabel()
            self.labels[widget].setBuddy(widget)
            filters.addWidget(self.labels[widget])
            filters.addWidget(widget)
        filters.addStretch(1)
        search = QHBoxLayout()
        self.labels[self.text] = QLabel()
        self.labels[self.text].setBuddy(self.text)
        search.addWidget(self.labels[self.text])
        search.addWidget(self.text, 1)
        self.labels[self.hearing] = QLabel()
        self.labels[self.hearing].setBuddy(self.hearing)
        search.addWidget(self.labels[self.hearing])
        search.addWidget(self.hearing)
        search.addWidget(self.mine)
        self.model = CaseTableModel(CASE_COLUMNS, parent=self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self._fitted = False
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # first the core's order: soonest first
        self.table.setSortingEnabled(True)
        self.table.activated.connect(self._activated)
        self.table.viewport().installEventFilter(self)  # refit the columns when the table changes size
        self.count = QLabel()
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        list_page = QWidget()
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addLayout(filters)
        list_layout.addLayout(search)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.count)
        list_layout.addWidget(self.legend)
        self.view = CaseFileView(ctx)
        self.back_button = QPushButton()
        self.back_button.clicked.connect(self.show_list)
        back = QShortcut(QKeySequence("Alt+Left"), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.show_list)
        file_page = QWidget()
        file_layout = QVBoxLayout(file_page)
        file_layout.setContentsMargins(0, 0, 0, 0)
        file_layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        file_layout.addWidget(self.view, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(list_page)
        self.stack.addWidget(file_page)
        QVBoxLayout(self).addWidget(self.stack)
        ctx.signals.changed.connect(self._on_changed)
        ctx.signals.open_case.connect(self.open_case)
        ctx.signals.intake_recorded.connect(self._intake_recorded)  # its new case
        self.retranslate()

    def _combo(self, values) -> QComboBox:
        combo = QComboBox()
        combo.addItem("", None)
        for value in values:
            combo.addItem("", value)
        combo.currentIndexChanged.connect(lambda _i: self.refresh())
        return combo

    # ----- Page contract -------------------------------------------------------------------------

    def title(self) -> str:
        return _("Cases")

    def retranslate(self) -> None:
        texts = {self.status: _("&Status"), self.need: _("&Need"), self.urgency: _("U&rgency"),
                 self.hearing: _("&Hearing within"), self.text: _("&Find")}
        for widget, text in texts.items():
            self.labels[widget].setText(text)
            set_accessible(widget, text)
        self.mine.setText(_("Assigned to &me"))
        self.text.setPlaceholderText(_("Client name, reference or words in the notes"))
        self.back_button.setText(_("← &Back to the list"))
        self.legend.setText(_("{mark}and a coloured row mark urgent cases and hearings or deadlines within "
                              "{n} days.").format(mark=MARK, n=SOON_DAYS))
        set_accessible(self.table, _("Cases"))
        labels = {self.status: (m.CaseStatus, m.CASE_STATUS_LABELS), self.need: (m.Need, m.NEED_LABELS),
                  self.urgency: (m.Urgency, URGENCY_SHORT)}
        for combo, (enum, names) in labels.items():
            combo.setItemText(0, _("Any"))
            for i in range(1, combo.count()):
                if combo.itemData(i) == OPEN_WORK:
                    combo.setItemText(i, _("Open work (open or accepted)"))
                else:
                    combo.setItemText(i, _(names[enum(combo.itemData(i))]))
        self.hearing.setItemText(0, _("Any date"))
        for i in range(1, self.hearing.count()):
            n = self.hearing.itemData(i)
            self.hearing.setItemText(i, ngettext("{n} day", "{n} days", n).format(n=n))
        self.model.retranslate()
        self.view.retranslate()
        self._update_count()
        self._fitted = False
        if self.model.rowCount():
            self._fit_columns()

    def clear(self) -> None:
        self._debounce.stop()
        self._generation += 1  # a list still being read is dropped
        self.view.clear()
        self.model.set_rows([])
        self.text.blockSignals(True)
        self.text.clear()
        self.text.blockSignals(False)
        self.stack.setCurrentIndex(0)
        self._update_count()

    def on_unlocked(self) -> None:
        self.clear()
        self.refresh()

    # ----- the list ------------------------------------------------------------------------------

    def case_filter(self) -> m.CaseFilter:
        mine = self.mine.isChecked() and self.ctx.vault is not None and self.ctx.vault.is_open
        def chosen(combo: QComboBox, enum):  # item data comes back from Qt as plain str
            return None if combo.currentData() is None else enum(combo.currentData())

        open_work = self.status.currentData() == OPEN_WORK
        return m.CaseFilter(status=None if open_work else chosen(self.status, m.CaseStatus),
                            open_work=open_work, need=chosen(self.need, m.Need),
                            urgency=chosen(self.urgency, m.Urgency),
                            assigned_to=self.ctx.v.user.id if mine else None,
                            hearing_within_days=self.hearing.currentData(), text=self.text.text())

    def refresh(self) -> None:
        """Reload the list with the current filters, keeping the selected case selected. The query runs on a
        worker with its own connection (a find over notes can take a while on a large vault); an answer
        overtaken by newer typing or a lock is dropped."""
        self._generation += 1
        if not self.ctx.can(Can.VIEW_CLIENTS):
            self.model.set_rows([])
            self._update_count()
            return
        wanted, case_filter = self._generation, self.case_filter()
        VaultJob(self.ctx, self, lambda v: v.cases.list(case_filter, limit=LIST_LIMIT)) \
            .when(lambda: wanted == self._generation and self.ctx.vault is not None) \
            .success(self._listed).run()

    def _listed(self, rows: list[m.CaseRow]) -> None:
        selected = self.selected_case_id()
        self.model.set_rows(rows)
        self._update_count()
        if rows and not self._fitted:
            self._fit_columns()
        if selected is not None:
            self.select_case(selected)

    def _fit_columns(self) -> None:
        """Size columns to their text, then narrow need and client (to a floor) until the table fits."""
        self._fitted = True
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)  # measure the last column by its text, not the space left
        header.setResizeContentsPrecision(FIT_ROWS)  # the visible rows first, never every case
        self.table.resizeColumnsToContents()
        for column, (low, high) in COLUMN_BOUNDS.items():
            self.table.setColumnWidth(column, max(low, min(high, self.table.columnWidth(column))))
        excess = sum(self.table.columnWidth(c) for c in range(self.model.columnCount())) \
            - self.table.viewport().width()
        for column in (2, 1):
            width, low = self.table.columnWidth(column), COLUMN_BOUNDS[column][0]
            cut = max(0, min(excess, width - low))
            self.table.setColumnWidth(column, width - cut)
            excess -= cut
        header.setStretchLastSection(True)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize and self.model.rowCount():
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _update_count(self) -> None:
        n = self.model.rowCount()
        if n >= LIST_LIMIT:
            text = _("Showing the first {n} cases. Narrow the filters to see the rest.").format(n=n)
        elif n == 0:
            text = _("No cases match these filters.") if self.ctx.can(Can.VIEW_CLIENTS) else ""
        else:
            text = ngettext("{n} case", "{n} cases", n).format(n=n)
        self.count.setText(text)

    def selected_case_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_at(self.proxy.mapToSource(index)).id if index.isValid() else None

    def select_case(self, case_id: int) -> bool:
        for row, case in enumerate(self.model.rows):
            if case.id == case_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.table.scrollTo(index)
                return True
        return False

    def _activated(self, index) -> None:
        if index.isValid():
            self.open_case(self.model.row_at(self.proxy.mapToSource(index)).id)

    def open_case(self, case_id: int) -> None:
        """Show a case file (also what ctx.signals.open_case asks for)."""
        if not self.ctx.can(Can.VIEW_CLIENTS):
            return
        op = VaultOp(self.ctx, self, lambda _v: self.view.load(case_id))
        op.run()
        if not op.ok:
            return
        self.select_case(case_id)
        self.stack.setCurrentIndex(1)
        self.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_list(self) -> None:
        """Back to the list; the case file is emptied (revealed values and viewers go with it)."""
        self.view.clear()
        self.stack.setCurrentIndex(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _intake_recorded(self, _receipt) -> None:
        self._on_changed("cases")

    def _on_changed(self, what: str) -> None:
        if what in ("cases", "notes", "clients"):
            self.refresh()
