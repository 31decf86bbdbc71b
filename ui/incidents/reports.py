"""The list of incident reports: a status filter, the chosen report in full, verification and the caller.

Volunteers see only the reports they recorded in the last day (the core decides). An unverified report
is labelled so wherever it shows. The caller's name and phone appear only after an attorney asks for
them (audited by the core), and go away with the next report chosen.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic import incident_model as im
from clinic.access import Can
from clinic.i18n import N_, _, ngettext
from ui.context import AppContext
from ui.incidents.followup import FollowUpDialog
from ui.incidents.media import MediaDialog
from ui.incidents.public import PublicReportDialog
from ui.incidents.verify import VerifyDialog
from ui.kit.format import format_date, format_when
from ui.kit.forms import set_accessible
from ui.kit.ops import VaultOp
from ui.kit.tablemodel import Column, RowTableModel


def _labels(values) -> str:
    return ", ".join(_(v.label) for v in values)


COLUMNS = (
    Column(N_("Reference"), lambda r: r.ref),
    Column(N_("Date"), lambda r: r.date, format_date),
    Column(N_("Neighbourhood"), lambda r: r.neighbourhood),
    Column(N_("Place"), lambda r: r.place_kind, lambda v: _(v.label)),
    Column(N_("Activity"), lambda r: r.activities, _labels),
    Column(N_("Status"), lambda r: r.status, lambda v: _(v.label)),
)


def count_text(n: int) -> str:
    return ngettext("{n} report", "{n} reports", n).format(n=n)


def describe(incident: im.Incident) -> str:
    """The report as plain text (shown in a plain-text box, so hostile text stays literal)."""
    d = incident.draft
    dash = "–"
    answer = {name: _(getattr(d, name).label) for name in (
        "faces_covered", "name_or_badge_visible", "identified_when_asked", "possible_impersonator",
        "home_entry", "consent_asked")}
    lines = [
        _("{ref} · {status}").format(ref=incident.ref, status=_(incident.status.label)),
        _("Date: {date} ({precision})").format(date=format_date(d.date), precision=_(d.precision.label))
        + (f" {d.start_time}–{d.end_time}" if d.start_time or d.end_time else ""),
        _("Where: {place}").format(place=d.address or dash),
        _("Kind of place: {kind} · Neighbourhood: {name}").format(kind=_(d.place_kind.label),
                                                                   name=d.neighbourhood or _("Not known")),
        _("Activity: {values}").format(values=_labels(d.activities) or dash),
        _("Agents: {agents} · Vehicles: {vehicles}").format(
            agents=dash if d.agents is None else d.agents,
            vehicles=dash if d.vehicle_count is None else d.vehicle_count),
        _("Markings seen: {values}").format(values=_labels(d.markings) or dash),
        _("Faces covered: {faces_covered} · Name or badge visible: {name_or_badge_visible} · Identified "
          "when asked: {identified_when_asked} · Possible impersonator: {possible_impersonator}").format(**answer),
        _("Warrant shown: {warrant} · Entered a home: {home_entry} · Consent asked: {consent_asked}").format(
            warrant=_(d.warrant.label), **answer),
    ]
    for i, v in enumerate(d.vehicles, 1):
        lines.append(_("Vehicle {n}: {make} {colour} · marked: {marked} · plate: {plate} {text} {state}").format(
            n=i, make=v.make, colour=v.colour, marked=_(v.marked.label), plate=_(v.plate.label),
            text=v.plate_text, state=v.state))
    for i, p in enumerate(d.people, 1):
        marks = [_(p.age_range.label)] + ([_("detained")] if p.detained else []) + (
            [_("children left without a caregiver")] if p.child_left_without_caregiver else [])
        lines.append(_("Person {n}: {marks}").format(n=i, marks=", ".join(marks)))
    lines += [
        _("Kind of contact: {kind} · The caller: {relation}").format(kind=_(d.contact_kind.label),
                                                                     relation=_(d.reporter_relation.label)),
        _("Equipment seen: {text}").format(text=d.equipment or dash),
        _("Notes: {text}").format(text=d.notes or dash),
        _("Caller's details given (sealed)") if incident.has_reporter else _("Anonymous caller"),
    ]
    return "\n".join(lines)


class IncidentList(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._incident: im.Incident | None = None
        self._dialog = None
        self.status_label = QLabel()
        self.status = QComboBox()
        self.status.addItem("", "")
        for s in im.Status:
            self.status.addItem("", s.value)
        self.status_label.setBuddy(self.status)
        self.count = QLabel()
        self.model = RowTableModel(COLUMNS, parent=self)
        self.table = QTableView()
        self.table.setObjectName("incidentTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # the latest first
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("incidentDetail")
        self.detail.setReadOnly(True)
        self.detail.setTabChangesFocus(True)
        self.verify_button, self.dismiss_button = QPushButton(), QPushButton()
        self.reporter_button, self.report_button = QPushButton(), QPushButton()
        self.followup_button, self.media_button = QPushButton(), QPushButton()
        self.followup_button.clicked.connect(self.open_followup)
        self.media_button.clicked.connect(self.open_media)
        self.verify_button.clicked.connect(lambda: self.change_status(im.Status.VERIFIED))
        self.dismiss_button.clicked.connect(lambda: self.change_status(im.Status.FALSE_ALARM))
        self.reporter_button.clicked.connect(self.show_reporter)
        self.report_button.clicked.connect(self.open_public_report)
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_current())

        top = QHBoxLayout()
        top.addWidget(self.status_label)
        top.addWidget(self.status)
        top.addWidget(self.count, 1)
        top.addWidget(self.report_button)
        actions = QHBoxLayout()
        for b in (self.verify_button, self.dismiss_button, self.reporter_button, self.followup_button,
                  self.media_button):
            b.setAutoDefault(True)
            actions.addWidget(b)
        actions.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        right_layout.addLayout(actions)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self._update_buttons()

    def retranslate(self) -> None:
        self.status_label.setText(_("&Status"))
        self.status.setItemText(0, _("All"))
        for i in range(1, self.status.count()):
            self.status.setItemText(i, _(im.Status(self.status.itemData(i)).label))
        self.model.retranslate()
        self.verify_button.setText(_("&Verify…"))
        self.dismiss_button.setText(_("&Dismiss…"))
        self.reporter_button.setText(_("Show the &caller"))
        self.report_button.setText(_("&Public report…"))
        self.followup_button.setText(_("F&ollow-up…"))
        self.media_button.setText(_("P&hotos and videos…"))
        set_accessible(self.table, _("Incident reports"))
        set_accessible(self.detail, _("The chosen report"))
        self.count.setText(count_text(self.model.rowCount()) if self.ctx.vault else "")
        if self._incident is not None:
            self.detail.setPlainText(describe(self._incident) + self._history_text())

    def refresh(self) -> None:
        status = self.status.currentData() or None
        VaultOp(self.ctx, self, lambda v: v.incidents.list(status=im.Status(status) if status else None)) \
            .success(self._listed).run()

    def _listed(self, rows) -> None:
        ref = self._incident.ref if self._incident else None
        self.model.set_rows(rows)
        self.count.setText(count_text(len(rows)))
        refs = [r.ref for r in self.model.rows]
        if ref in refs:
            self.table.selectRow(refs.index(ref))
        else:
            self._show(None)
        self._update_buttons()

    def clear(self) -> None:
        if self._dialog is not None and shiboken6.isValid(self._dialog):  # closed ones delete themselves
            self._dialog.close()
        self._dialog = None
        self.model.set_rows([])
        self.count.clear()
        self._show(None)

    def current_row(self):
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _show_current(self) -> None:
        row = self.current_row()
        if row is None:
            self._show(None)
            return
        VaultOp(self.ctx, self, lambda v: v.incidents.get(row.ref)).success(self._show) \
            .after_error(lambda _exc: self._show(None)).run()

    def _history_text(self) -> str:
        if self._incident is None or not self.ctx.can(Can.VIEW_INCIDENTS):
            return ""
        ref = self._incident.ref
        op = VaultOp(self.ctx, self, lambda v: (v.incidents.history(ref), v.incidents.linked(ref))) \
            .failure(lambda _exc: None)  # the report itself is shown; its history is only extra lines
        found = op.run()
        if not op.ok:
            return ""
        history, linked = found
        lines = [""] if history or linked else []
        for h in history:
            lines.append(_("{when} {name}: {status} ({method}) {reason}").format(
                when=format_when(h.at), name=h.by_name, status=_(h.status.label), method=_(h.method.label),
                reason=h.reason))
        if linked:
            lines.append(_("Same event as: {refs}").format(refs=", ".join(linked)))
        return "\n".join(lines)

    def _show(self, incident: im.Incident | None) -> None:
        self._incident = incident
        self.detail.setPlainText("" if incident is None else describe(incident) + self._history_text())
        self._update_buttons()

    def _update_buttons(self) -> None:
        can_verify = self.ctx.can(Can.VERIFY_INCIDENTS)
        for b in (self.verify_button, self.dismiss_button):
            b.setVisible(can_verify)
            b.setEnabled(self._incident is not None)
        self.reporter_button.setVisible(self.ctx.can(Can.VIEW_SEALED))
        self.reporter_button.setEnabled(self._incident is not None and self._incident.has_reporter)
        self.report_button.setVisible(self.ctx.can(Can.PUBLISH_REPORTS))
        for b in (self.followup_button, self.media_button):
            b.setEnabled(self._incident is not None)

    # ----- actions ----------------------------------------------------------------------------------------

    def change_status(self, preset: im.Status) -> None:
        if self._incident is None:
            return
        dialog = VerifyDialog(self.ctx, self._incident.ref, preset, parent=self)
        dialog.changed.connect(self._changed)
        self._dialog = dialog
        dialog.open()

    def _changed(self, incident: im.Incident) -> None:
        self._incident = incident
        self.refresh()
        self._show(incident)
        self.ctx.signals.changed.emit("incidents")

    def show_reporter(self) -> None:
        """The caller's name and phone, for an attorney, in the detail box until another report is chosen."""
        if self._incident is None:
            return
        ref = self._incident.ref
        VaultOp(self.ctx, self, lambda v: v.incidents.reporter(ref)).success(self._show_caller).run()

    def _show_caller(self, reporter: dict[str, str]) -> None:
        self.detail.appendPlainText("\n" + _("Caller: {name} · {phone}").format(
            name=reporter["name"] or "–", phone=reporter["phone"] or "–"))

    def open_followup(self) -> FollowUpDialog | None:
        if self._incident is None:
            return None
        self._dialog = FollowUpDialog(self.ctx, self._incident, parent=self)
        self._dialog.open()
        return self._dialog

    def open_media(self) -> MediaDialog | None:
        if self._incident is None:
            return None
        self._dialog = MediaDialog(self.ctx, self._incident.ref, parent=self)
        self._dialog.open()
        return self._dialog

    def open_public_report(self) -> None:
        dialog = PublicReportDialog(self.ctx, parent=self)
        self._dialog = dialog
        dialog.open()
