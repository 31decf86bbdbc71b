"""Funding sources (admins; the core refuses anyone else): the list with add, edit and deactivate, and the
Eligibility box on the Administration page that opens it and the guideline table loader (guidelines.py).

Saves run on the GUI thread (one settings row): a refusal marks its field and keeps what was typed."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

import clinic
from clinic.i18n import N_, _, format_percent
from ui.admin.guidelines import GuidelineTableDialog
from ui.kit.format import format_money
from ui.kit.forms import FieldErrors, IntEdit, labelled
from ui.kit.ops import VaultOp
from ui.kit.tablemodel import NUMBER_ALIGNMENT, Column, RowTableModel, SortProxy


def _pct(value: int | None) -> str:
    return _("none") if value is None else _("{pct} of the guideline").format(pct=format_percent(value))


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


SOURCE_COLUMNS = (
    Column(N_("Name"), lambda s: s.name),
    Column(N_("Income ceiling"), lambda s: s.income_ceiling_pct, display=_pct, alignment=NUMBER_ALIGNMENT),
    Column(N_("LSC-funded"), lambda s: s.lsc_funded, display=_yes),
    Column(N_("Asset ceiling"), lambda s: s.asset_ceiling,
           display=lambda v: _("none") if v is None else format_money(v), alignment=NUMBER_ALIGNMENT),
    Column(N_("Exception ceiling"), lambda s: s.exception_ceiling_pct, display=_pct, alignment=NUMBER_ALIGNMENT),
    Column(N_("Active"), lambda s: s.active, display=lambda v: _("Yes") if v else _("No, deactivated")),
)


class SourceForm(QDialog):
    """Add (`source` None) or edit one source. OK saves; a refusal marks its field, the dialog stays open."""

    def __init__(self, parent: QWidget, ctx, source=None):
        super().__init__(parent)
        self.ctx, self.original = ctx, source
        self.setObjectName("fundingSourceForm")
        self.setWindowTitle(_("Edit funding source") if source else _("Add funding source"))
        self.errors = FieldErrors()
        self.name = QLineEdit()
        self.name.setMaxLength(60)
        self.ceiling, self.exception = IntEdit(maximum=100_000), IntEdit(maximum=100_000)
        self.assets = IntEdit(maximum=1_000_000_000)
        self.lsc, self.active = QCheckBox(_("LSC-&funded")), QCheckBox(_("A&ctive: new cases may be tagged with it"))
        intro = QLabel(_("Ceilings are percentages of the HHS poverty guideline; leave one empty for no limit. "
                         "The asset ceiling, in dollars, excludes the home and the car used for transport. An "
                         "LSC-funded source may take a household between its ceiling and an exception ceiling "
                         "of at most 200% under a policy the board adopted (45 CFR 1611.5), with a reason noted "
                         "on the case."))
        intro.setWordWrap(True)
        form = QFormLayout()
        labelled(form, _("&Name:"), self.name)
        labelled(form, _("&Income ceiling (% of the guideline):"), self.ceiling)
        labelled(form, _("E&xception ceiling (% of the guideline):"), self.exception)
        labelled(form, _("&Asset ceiling (dollars):"), self.assets)
        form.addRow("", self.lsc)
        form.addRow("", self.active)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.fields = {"source_name": self.name, "income_ceiling_pct": self.ceiling,
                       "exception_ceiling_pct": self.exception, "asset_ceiling": self.assets}
        s = source or clinic.FundingSource("", None)
        self.name.setText(s.name)
        self.ceiling.set_value(s.income_ceiling_pct)
        self.exception.set_value(s.exception_ceiling_pct)
        self.assets.set_value(s.asset_ceiling)
        self.lsc.setChecked(s.lsc_funded)
        self.active.setChecked(s.active)
        self.setMinimumWidth(520)

    def wanted(self):
        return clinic.FundingSource(self.name.text(), self.ceiling.value(), lsc_funded=self.lsc.isChecked(),
                                    asset_ceiling=self.assets.value(), exception_ceiling_pct=self.exception.value(),
                                    active=self.active.isChecked())

    def save(self) -> None:
        self.errors.clear()
        for edit in (self.ceiling, self.exception, self.assets):
            if not edit.is_valid():
                self.errors.mark(edit, edit.error_message())
        if self.errors.marked:
            return
        wanted, replacing = self.wanted(), self.original.name if self.original else None
        op = VaultOp(self.ctx, self, lambda v: v.funding.save(wanted, replacing=replacing)) \
            .failure(lambda exc: self.errors.present(exc, self.fields, self))
        op.run()
        if op.ok:
            self.accept()


class FundingSourcesDialog(QDialog):
    """The clinic's sources, active and not; Enter or Edit… opens the selected one."""

    def __init__(self, parent: QWidget, ctx):
        super().__init__(parent)
        self.ctx = ctx
        self.form: SourceForm | None = None
        self.setObjectName("fundingSourcesDialog")
        self.setWindowTitle(_("Funding sources"))
        self.model = RowTableModel(SOURCE_COLUMNS, parent=self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(_("Funding sources"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(_("&Add…"))
        self.edit_button = QPushButton(_("&Edit…"))
        self.active_button = QPushButton()
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.active_button.clicked.connect(self.toggle_active)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.active_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self.resize(900, 360)
        self.reload()
        self.table.setFocus()

    def reload(self, select: str | None = None) -> None:
        sources = VaultOp(self.ctx, self, lambda v: v.funding.all(include_inactive=True)).run()
        self.model.set_rows(list(sources or ()))
        names = [s.name for s in self.model.rows]
        self.table.selectRow(self.proxy.mapFromSource(self.model.index(names.index(select), 0)).row()
                             if select in names else 0)
        self._update_buttons()

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(self.proxy.mapToSource(rows[0])) if rows else None

    def _update_buttons(self, *_args) -> None:
        source = self.selected()
        self.edit_button.setEnabled(source is not None)
        self.active_button.setEnabled(source is not None)
        self.active_button.setText(_("Rea&ctivate") if source is not None and not source.active
                                   else _("&Deactivate"))

    def _activated(self, _index) -> None:
        self.edit()

    def add(self) -> SourceForm:
        return self._open(SourceForm(self, self.ctx))

    def edit(self) -> SourceForm | None:
        source = self.selected()
        return self._open(SourceForm(self, self.ctx, source)) if source is not None else None

    def toggle_active(self) -> None:
        source = self.selected()
        if source is None:
            return
        wanted = dataclasses.replace(source, active=not source.active)
        if VaultOp(self.ctx, self, lambda v: v.funding.save(wanted, replacing=source.name)).run() is not None:
            self.reload(select=source.name)

    def _open(self, form: SourceForm) -> SourceForm:
        self.form = form
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.accepted.connect(self._saved)
        form.open()
        return form

    def _saved(self) -> None:
        self.reload(select=self.form.name.text().strip() if self.form is not None else None)


class EligibilityBox(QGroupBox):
    """On the Administration page: opens the funding sources and the guideline table loader."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("eligibilityBox")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.sources_button, self.table_button = QPushButton(), QPushButton()
        self.sources_button.clicked.connect(self.open_sources)
        self.table_button.clicked.connect(self.open_table)
        self.dialog: QDialog | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addWidget(self.sources_button)
        row.addWidget(self.table_button)
        row.addStretch(1)
        layout.addLayout(row)
        ctx.signals.language_changed.connect(self._language_changed)  # a bound slot: dropped with the box
        self.retranslate()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(_("Eligibility"))
        self.text.setText(_("The funders whose income limits intakes are measured against, and the HHS poverty "
                            "guideline tables."))
        self.sources_button.setText(_("F&unding sources…"))
        self.table_button.setText(_("Poverty &guideline table…"))

    def open_sources(self) -> FundingSourcesDialog:
        return self._open(FundingSourcesDialog(self, self.ctx))

    def open_table(self) -> GuidelineTableDialog:
        return self._open(GuidelineTableDialog(self, self.ctx))

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
