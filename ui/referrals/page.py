"""Referrals: today's or all, their outcomes, letters as sent, new referrals and the end-of-day print batch."""

from __future__ import annotations

import datetime as dt

import shiboken6
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic import models as m
from clinic.access import Can
from clinic.errors import NotFound, UserError
from clinic.i18n import N_, _
from ui.context import AppContext, Page
from ui.kit.errors import show_error
from ui.kit.format import format_when
from ui.kit.forms import set_accessible
from ui.kit.groups import groups_text
from ui.kit.ops import VaultJob, VaultOp
from ui.kit.preview import LetterPreview, render_for_preview
from ui.kit.tablemodel import NUMBER_ALIGNMENT, Column, RowTableModel, SortProxy
from ui.kit.tables import fit_columns
from ui.referrals.batch import BatchPrintDialog
from ui.referrals.dialog import ReferralDialog
from ui.referrals.picker import SEARCH_DELAY_MS, ClientPicker, fold, list_table

REFERRAL_COLUMNS = (
    Column(N_("Reference"), lambda r: r.ref),
    Column(N_("Client"), lambda r: r.client_ref),
    Column(N_("Partner"), lambda r: r.partner_name),
    Column(N_("Need"), lambda r: r.need, display=lambda n: _(m.NEED_LABELS[n])),
    Column(N_("Outcome"), lambda r: r.outcome, display=lambda o: _(m.OUTCOME_LABELS[o])),
    Column(N_("Letters"), lambda r: r.letters, alignment=NUMBER_ALIGNMENT),
    Column(N_("Created"), lambda r: r.created_at, display=format_when),
    Column(N_("By"), lambda r: r.created_by_name),
    Column(N_("Consent"), lambda r: r.consent_method,
           display=lambda v: _(m.CONSENT_METHOD_LABELS[v]) if v in m.CONSENT_METHOD_LABELS else v),
    Column(N_("Shared"), lambda r: r.groups, display=groups_text),
)
CREATED_COLUMN = 6

class ReferralsPage(Page):
    """`ReferralsPage(ctx)`: for users with Can.MAKE_REFERRALS. `refer_client(id)` opens a ReferralDialog."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.setObjectName("referralsPage")
        self._all: list[m.Referral] = []
        self._client_ids: set[int] = set()
        self._filter_seq = 0  # bumped by every client search of the filter (and by a lock)
        self._refreshes = 0  # bumped by every refresh and by clear(): an older list is dropped
        self.windows: list[QWidget] = []
        self.model = RowTableModel(REFERRAL_COLUMNS, parent=self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = list_table(self.proxy, "referralsTable")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(CREATED_COLUMN, Qt.SortOrder.DescendingOrder)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.activated.connect(lambda _i: self.preview_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())

        self.period = QComboBox()
        self.period.setObjectName("referralPeriod")
        self.period.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.period_label = QLabel()
        self.period_label.setBuddy(self.period)
        self.filter = QLineEdit()
        self.filter.setObjectName("referralFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter_timer = QTimer(self)
        self.filter_timer.setSingleShot(True)
        self.filter_timer.setInterval(SEARCH_DELAY_MS)
        self.filter_timer.timeout.connect(self._search_clients)
        self.filter.textChanged.connect(lambda _t: self.filter_timer.start())
        self.outcome = QComboBox()
        self.outcome.setObjectName("referralOutcome")
        self.outcome.activated.connect(self._outcome_chosen)
        self.outcome_label = QLabel()
        self.outcome_label.setBuddy(self.outcome)
        self.new_button = QPushButton()
        self.new_button.setObjectName("newReferral")
        self.new_button.clicked.connect(self.new_referral)
        self.preview_button = QPushButton()
        self.preview_button.setObjectName("previewReferral")
        self.preview_button.clicked.connect(self.preview_selected)
        self.batch_button = QPushButton()
        self.batch_button.setObjectName("printPending")
        self.batch_button.clicked.connect(self.print_pending)

        top = QHBoxLayout()
        top.addWidget(self.period_label)
        top.addWidget(self.period)
        top.addWidget(self.filter, 1)
        top.addWidget(self.new_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.preview_button)
        bottom.addWidget(self.outcome_label)
        bottom.addWidget(self.outcome)
        bottom.addStretch(1)
        bottom.addWidget(self.batch_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        ctx.signals.changed.connect(self._changed)
        self.retranslate()

    # ----- Page contract ------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Referrals")

    def retranslate(self) -> None:
        for combo, items in ((self.period, ((_("Today"), "today"), (_("All"), "all"))),
                             (self.outcome, [(_(m.OUTCOME_LABELS[o]), o.value) for o in m.ReferralOutcome])):
            keep = combo.currentIndex()
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, keep))
            combo.blockSignals(False)
        self.period_label.setText(_("&Show:"))
        self.filter.setPlaceholderText(_("Filter by client name, client reference, referral or partner"))
        set_accessible(self.filter, _("Filter referrals"))
        self.outcome_label.setText(_("&Outcome:"))
        self.new_button.setText(_("&New referral…"))
        self.preview_button.setText(_("&Preview / reprint…"))
        self.batch_button.setText(_("Print today's pending &letters…"))
        set_accessible(self.table, _("Referrals"))
        self.model.retranslate()
        self._update_buttons()
        for window in self._live_windows():
            if hasattr(window, "retranslate"):
                window.retranslate()

    def clear(self) -> None:
        for window in self._live_windows():
            window.close()
        self.windows = []
        self._refreshes += 1
        self._filter_seq += 1
        self._all, self._client_ids = [], set()
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.blockSignals(False)
        self.model.set_rows([])
        self._update_buttons()

    def on_unlocked(self) -> None:
        self.refresh()

    # ----- data -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.ctx.vault is None or not self.ctx.can(Can.MAKE_REFERRALS):
            return
        # Every referral ever made: on a worker with its own connection; an answer overtaken by a newer
        # refresh, or arriving after a lock, is dropped.
        self._refreshes += 1
        seq = self._refreshes
        VaultJob(self.ctx, self, lambda v: v.referrals.list()).success(self._listed) \
            .when(lambda: seq == self._refreshes and self.ctx.can(Can.MAKE_REFERRALS)).run()

    def _listed(self, referrals: list[m.Referral]) -> None:
        self._all = referrals
        self.apply_filter()

    def apply_filter(self) -> None:
        keep = self.selected()
        today = dt.date.today()
        rows = self._all
        if self.period.currentData() != "all":
            rows = [r for r in rows if r.created_at.astimezone().date() == today]
        text = fold(self.filter.text().strip())
        if text:
            rows = [r for r in rows if r.client_id in self._client_ids
                    or any(text in fold(v) for v in (r.ref, r.client_ref, r.partner_name))]
        self.model.set_rows(rows)
        fit_columns(self.table)
        if keep is not None:
            self.select(keep.id)
        self._update_buttons()

    def _search_clients(self) -> None:
        """Client names are not in the referral rows: ask the search index which clients match."""
        self.filter_timer.stop()
        text = self.filter.text().strip()
        self._client_ids = set()
        self._filter_seq += 1  # an older search's clients are dropped when they arrive
        self.apply_filter()  # references and partners at once; clients' names when the search answers
        if len(text) >= 2 and self.ctx.can(Can.VIEW_CLIENTS):
            seq = self._filter_seq
            VaultJob(self.ctx, self, lambda v: {c.id for c in v.clients.search(text, limit=200)}) \
                .when(lambda: seq == self._filter_seq).success(self._clients_found).run()

    def _clients_found(self, ids: set[int]) -> None:
        self._client_ids = ids
        self.apply_filter()

    def _changed(self, what: str) -> None:
        if what in ("referrals", "partners", "clients") and self.ctx.vault is not None and self.ctx.vault.is_open:
            self.refresh()

    def selected(self) -> m.Referral | None:
        index = self.table.currentIndex()
        return self.model.row_at(self.proxy.mapToSource(index)) if index.isValid() else None

    def select(self, referral_id: int) -> None:
        for row, referral in enumerate(self.model.rows):
            if referral.id == referral_id:
                self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))
                return

    def _update_buttons(self) -> None:
        referral = self.selected()
        self.preview_button.setEnabled(referral is not None)
        self.outcome.setEnabled(referral is not None)
        if referral is not None:
            self.outcome.blockSignals(True)
            self.outcome.setCurrentIndex(max(0, self.outcome.findData(referral.outcome.value)))
            self.outcome.blockSignals(False)

    def _live_windows(self) -> list[QWidget]:
        return [w for w in self.windows if shiboken6.isValid(w)]

    def _track(self, window: QWidget) -> QWidget:
        self.windows = [*self._live_windows(), window]
        return window

    # ----- actions ----------------------------------------------------------------------------------

    def _outcome_chosen(self, index: int) -> None:
        self.set_outcome(m.ReferralOutcome(self.outcome.itemData(index)))

    def set_outcome(self, outcome: m.ReferralOutcome) -> None:
        referral = self.selected()
        if referral is None or referral.outcome is outcome:
            return
        VaultOp(self.ctx, self, lambda v: v.referrals.set_outcome(referral.id, outcome)).changes("referrals").run()

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction(_("Preview / reprint…"), self.preview_selected)
        menu.addSeparator()
        for outcome in m.ReferralOutcome:
            action = menu.addAction(_("Outcome: {outcome}").format(outcome=_(m.OUTCOME_LABELS[outcome])),
                                    lambda o=outcome: self.set_outcome(o))
            action.setCheckable(True)
            action.setChecked(self.selected().outcome is outcome)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def preview_selected(self) -> LetterPreview | None:
        """The letter as sent; rendered now, in memory only, when none was printed or saved yet."""
        referral = self.selected()
        if referral is None:
            return None
        if m.Group.SEALED in referral.groups and not self.ctx.can(Can.VIEW_SEALED):
            show_error(self, UserError(_("This letter carries sealed details: only an attorney can open it.")))
            return None

        def stored(v) -> bytes | None:
            try:
                return v.referrals.letter_pdf(referral.id)
            except NotFound:
                return None

        op = VaultOp(self.ctx, self, stored)
        pdf = op.run()
        if pdf is not None:
            return self._preview(referral, pdf, stored=True)
        if op.ok:  # none kept yet: render it, then show it (the first print or save keeps it)
            render_for_preview(self.ctx, referral.id, owner=self, on_done=lambda p: self._preview(referral, p))
        return None

    def _preview(self, referral: m.Referral, pdf: bytes, *, stored: bool = False) -> LetterPreview:
        preview = LetterPreview(self.ctx, referral, pdf, self.window(), stored=stored)
        self._track(preview).show()
        return preview

    def new_referral(self) -> ClientPicker:
        picker = ClientPicker(self.ctx, self.window())
        picker.chosen.connect(self.refer_client)
        self._track(picker).open()
        return picker

    def refer_client(self, client_id: int) -> ReferralDialog:
        dialog = ReferralDialog(self.ctx, client_id, self.window())
        self._track(dialog).open()
        return dialog

    def print_pending(self) -> BatchPrintDialog:
        dialog = BatchPrintDialog(self.ctx, self.window())
        self._track(dialog)
        dialog.start()
        return dialog
