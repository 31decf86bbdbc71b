"""The partner directory: everyone who reads client files sees it; partner managers add, edit, retire, import."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic import atomic_write, read_csv_text
from clinic import models as m
from clinic.access import Can
from clinic.errors import UserError
from clinic.i18n import N_, _
from ui.context import AppContext, Page
from ui.kit import filedialogs
from ui.kit.forms import set_accessible
from ui.kit.groups import groups_text, services_text
from ui.kit.ops import VaultJob, VaultOp
from ui.kit.tablemodel import Column, RowTableModel, SortProxy
from ui.kit.tables import fit_columns
from ui.partners.dialog import PartnerDialog


def _yes(value: bool) -> str:
    return _("Yes") if value else ""


def _status(value: tuple[bool, bool]) -> str:
    is_example, retired = value
    parts = ([_("EXAMPLE")] if is_example else []) + ([_("Retired")] if retired else [])
    return ", ".join(parts)


PARTNER_COLUMNS = (
    Column(N_("Name"), lambda p: p.name),
    Column(N_("Status"), lambda p: (p.is_example, p.retired), display=_status),
    Column(N_("Services"), lambda p: p.services, display=services_text),
    Column(N_("Languages"), lambda p: p.languages),
    Column(N_("Phone"), lambda p: p.phone),
    Column(N_("Legal"), lambda p: p.legal_representation, display=_yes),
    Column(N_("LSC-funded"), lambda p: p.lsc_funded, display=_yes),
    Column(N_("Letters may share"), lambda p: p.disclosure, display=groups_text),
)


class PartnersPage(Page):
    """`PartnersPage(ctx)`: for anyone with Can.VIEW_CLIENTS; editing needs Can.MANAGE_PARTNERS."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.setObjectName("partnersPage")
        self.dialogs: list[PartnerDialog] = []
        self.model = RowTableModel(PARTNER_COLUMNS, parent=self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("partnersTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.activated.connect(lambda _index: self.edit_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())

        self.heading = QLabel()
        self.heading.setObjectName("pageHeading")
        self.show_retired = QCheckBox()
        self.show_retired.setObjectName("showRetired")
        self.show_retired.toggled.connect(lambda _on: self.refresh())
        self.add_button = QPushButton()
        self.add_button.setObjectName("addPartner")
        self.add_button.clicked.connect(self.add_partner)
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("editPartner")
        self.edit_button.clicked.connect(self.edit_selected)
        self.retire_button = QPushButton()
        self.retire_button.setObjectName("retirePartner")
        self.retire_button.clicked.connect(self.toggle_retired)
        self.import_button = QPushButton()
        self.import_button.setObjectName("importPartners")
        self.import_button.clicked.connect(self.import_csv)
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportPartners")
        self.export_button.clicked.connect(self.export_csv)
        self.status = QLabel()
        self.status.setObjectName("partnersStatus")
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.show_retired)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.retire_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        ctx.signals.changed.connect(self._changed)
        self.retranslate()
        self._update_buttons()

    # ----- Page contract ------------------------------------------------------------------------------

    def title(self) -> str:
        return _("Partners")

    def retranslate(self) -> None:
        self.heading.setText(_("Partner organizations"))
        self.show_retired.setText(_("S&how retired"))
        self.add_button.setText(_("&Add…"))
        self.edit_button.setText(_("&Edit…"))
        self.import_button.setText(_("&Import CSV…"))
        self.export_button.setText(_("E&xport CSV…"))
        set_accessible(self.table, _("Partner organizations"))
        self.model.retranslate()
        fit_columns(self.table)
        self._update_buttons()
        for dialog in self._live_dialogs():
            dialog.retranslate()

    def clear(self) -> None:
        for dialog in self._live_dialogs():
            dialog.close()
        self.dialogs = []
        self.model.set_rows([])
        self.status.clear()
        self._update_buttons()

    def on_unlocked(self) -> None:
        self.refresh()

    # ----- data -------------------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.ctx.vault is None:
            return
        keep = self.selected()
        partners = VaultOp(self.ctx, self, lambda v: v.partners.list(include_retired=self.show_retired.isChecked())
                           ).run()
        if partners is None:
            return
        self.model.set_rows(partners)
        fit_columns(self.table)
        if keep is not None:
            self.select(keep.id)
        self._update_buttons()

    def _changed(self, what: str) -> None:
        if what == "partners" and self.ctx.vault is not None and self.ctx.vault.is_open:
            self.refresh()

    def selected(self) -> m.Partner | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index))

    def select(self, partner_id: int) -> None:
        for row, partner in enumerate(self.model.rows):
            if partner.id == partner_id:
                self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))
                return

    def _update_buttons(self) -> None:
        manage = self.ctx.can(Can.MANAGE_PARTNERS)
        partner = self.selected()
        for button in (self.add_button, self.edit_button, self.retire_button, self.import_button):
            button.setVisible(manage)
        self.edit_button.setEnabled(partner is not None)
        self.retire_button.setEnabled(partner is not None)
        self.retire_button.setText(_("&Restore") if partner is not None and partner.retired else _("&Retire"))
        self.export_button.setEnabled(self.ctx.can(Can.VIEW_CLIENTS))

    def _live_dialogs(self) -> list[PartnerDialog]:
        return [d for d in self.dialogs if shiboken6.isValid(d)]

    # ----- actions ----------------------------------------------------------------------------------

    def add_partner(self) -> PartnerDialog | None:
        return self._open_dialog(None)

    def edit_selected(self) -> PartnerDialog | None:
        partner = self.selected()
        if partner is None or not self.ctx.can(Can.MANAGE_PARTNERS):
            return None
        return self._open_dialog(partner)

    def _open_dialog(self, partner: m.Partner | None) -> PartnerDialog:
        dialog = PartnerDialog(self.ctx, partner, self.window())
        dialog.saved.connect(lambda saved: self._saved(saved))
        self.dialogs = [*self._live_dialogs(), dialog]
        dialog.open()
        return dialog

    def _saved(self, partner: m.Partner) -> None:
        self.refresh()
        self.select(partner.id)
        self.status.setText(_("Saved {name}.").format(name=partner.name))

    def toggle_retired(self) -> None:
        partner = self.selected()
        if partner is None:
            return
        VaultOp(self.ctx, self, lambda v: v.partners.retire(partner.id, not partner.retired)).changes("partners") \
            .success(lambda _none: self.status.setText(
                (_("Restored {name}.") if partner.retired else _("Retired {name}.")).format(name=partner.name))).run()

    def import_csv(self) -> None:
        path = filedialogs.ask_open(self, _("Import partners from a CSV file"),
                                    _("CSV files (*.csv);;All files (*)"))
        if not path:
            return
        # Reading and importing both run on a worker, with a connection of its own.
        VaultJob(self.ctx, self, lambda v: v.partners.import_csv(read_csv_text(path))).busy(self.import_button) \
            .success(self._imported).changes("partners").run()

    def _imported(self, counts: tuple[int, int]) -> None:
        added, updated = counts
        self.status.setText(_("Imported the file: {added} added, {updated} updated.").format(
            added=added, updated=updated))

    def export_csv(self) -> None:
        """Write the directory (no client data) exactly where the person chooses, atomically."""
        path = filedialogs.ask_save(self, _("Export the partner directory"), _("partners.csv"),
                                    _("CSV files (*.csv)"))
        if not path:
            return

        def export(v) -> None:
            text = v.partners.export_csv()
            try:
                atomic_write(Path(path), text.encode("utf-8"))
            except OSError as exc:
                raise UserError(_("The file could not be saved: {reason}").format(
                    reason=exc.strerror or type(exc).__name__)) from exc

        VaultOp(self.ctx, self, export).success(lambda _none: self.status.setText(
            _("Exported the partner directory."))).run()
