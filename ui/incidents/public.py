"""The ordinance's public report: choose a period, preview exactly what will be published, save CSV or PDF.

Saving publishes: the core records the report inside the vault so that later reports cannot give away its
hidden counts, then the file is written only where the person chooses (atomically).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic import atomic_write, public_report
from clinic.errors import UserError
from clinic.i18n import _, current_language
from ui.context import AppContext
from ui.kit import filedialogs
from ui.kit.forms import DateEdit, FieldErrors, labelled, set_accessible
from ui.kit.ops import VaultJob, VaultOp


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


class PublicReportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.setObjectName("publicReport")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx = ctx
        self.report = None
        self.errors = FieldErrors()
        self.date_from, self.date_to = DateEdit(), DateEdit()
        start, end = last_month(today or dt.date.today())
        self.date_from.set_date(start)
        self.date_to.set_date(end)
        for edit in (self.date_from, self.date_to):  # a preview is of the period shown: a new one is needed
            edit.textEdited.connect(self._period_changed)
        self.preview_button = QPushButton()
        self.preview_button.setAutoDefault(True)
        self.preview_button.setDefault(True)
        self.preview_button.clicked.connect(self.make_preview)
        self.intro, self.method, self.status = QLabel(), QLabel(), QLabel()
        for label in (self.intro, self.method, self.status):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("publicCells")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.csv_button, self.pdf_button = QPushButton(), QPushButton()
        self.csv_button.clicked.connect(lambda: self.save("csv"))
        self.pdf_button.clicked.connect(lambda: self.save("pdf"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.csv_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.job: VaultJob | None = None
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        for w in (self.progress, self.cancel_button):
            w.hide()
        form = QFormLayout()
        self._labels = [labelled(form, "", self.date_from), labelled(form, "", self.date_to)]
        period = QHBoxLayout()
        period.addLayout(form)
        period.addWidget(self.preview_button, 0, Qt.AlignmentFlag.AlignBottom)
        period.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(period)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.method)
        layout.addWidget(self.status)
        working = QHBoxLayout()
        working.addWidget(self.progress, 1)
        working.addWidget(self.cancel_button)
        layout.addLayout(working)
        layout.addWidget(self.buttons)
        ctx.signals.locked.connect(self.close)
        ctx.signals.language_changed.connect(self._language_changed)
        self.resize(760, 640)
        self.retranslate()
        self._update_buttons()
        self.date_from.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Public report"))
        self.intro.setText(_("Counts of verified incidents only. This preview is exactly what will be published; "
                             "saving it records the report in the vault."))
        for label, text in zip(self._labels, (_("&From"), _("&To")), strict=True):
            label.setText(text)
            set_accessible(label.buddy(), text)
        self.preview_button.setText(_("Pre&view"))
        self.csv_button.setText(_("Publish and save &CSV…"))
        self.pdf_button.setText(_("Publish and save &PDF…"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        self.cancel_button.setText(_("Cancel"))
        set_accessible(self.progress, _("Publishing the report"))
        self.table.setHorizontalHeaderLabels([_("Table"), _("Category"), _("Count")])
        set_accessible(self.table, _("What will be published"))
        self.method.setText(_(public_report.METHOD_NOTE))
        self._fill()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def _period(self) -> tuple[dt.date, dt.date] | None:
        self.errors.clear()
        for edit in (self.date_from, self.date_to):
            if edit.is_empty() or not edit.is_valid():
                self.errors.mark(edit, edit.error_message())
        if self.errors.marked:
            return None
        return self.date_from.date(), self.date_to.date()

    def make_preview(self) -> None:
        period = self._period()
        if period is None:
            return
        op = VaultOp(self.ctx, self, lambda v: v.public_reports.preview(*period)).failure(
            lambda exc: self.errors.present(exc, {"to": self.date_to, "from": self.date_from}, self))
        found = op.run()
        self.report = found if op.ok else None
        self.status.clear()
        self._fill()
        self._update_buttons()

    def _fill(self) -> None:
        self.table.setRowCount(0)
        if self.report is None:
            return
        lang = current_language()
        for cell in self.report.cells:
            row = self.table.rowCount()
            self.table.insertRow(row)
            values = (_(public_report.TABLE_TITLES[cell.table]), public_report.category_label(cell, lang)
                      if cell.table not in ("total", "detained", "excluded") else "", public_report.shown(cell))
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)

    def _period_changed(self, *_args) -> None:
        self.errors.clear()
        if self.report is not None:
            self.report = None
            self._fill()
            self.status.clear()
            self._update_buttons()

    def _update_buttons(self) -> None:
        for b in (self.csv_button, self.pdf_button):
            b.setEnabled(self.report is not None)

    def save(self, kind: str) -> bool:
        """Ask where, then publish the period previewed and write it there, on a worker (progress, Cancel).

        Returns whether the job was started."""
        if self.report is None or self.job is not None:
            return False
        start, end = self.report.date_from, self.report.date_to
        name = f"public-report-{start.isoformat()}-{end.isoformat()}.{kind}"
        filters = _("CSV files (*.csv)") if kind == "csv" else _("PDF files (*.pdf)")
        path = filedialogs.ask_save(self, _("Save the public report"), name, filters)
        if not path:
            return False
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.status.setText(_("Publishing…"))
        self.job = VaultJob(self.ctx, self, lambda v, task: publish_and_write(v, start, end, kind, Path(path), task)) \
            .progress(lambda done, total: self.progress.setValue(done * 100 // max(total, 1))) \
            .success(lambda report: self._saved(report, path)).after_error(lambda _exc: self.status.clear()) \
            .busy(self.csv_button, self.pdf_button, self.preview_button).finished(self._job_ended)
        self.job.run()
        return True

    def cancel(self) -> None:
        """Stop before the report is published (once it is, the file is written)."""
        if self.job is not None and self.job.handle is not None:
            self.job.handle.cancel()

    def _saved(self, report, path: str) -> None:
        self.report = report
        self._fill()
        self.status.setText(_("Published and saved to {file}.").format(file=path))

    def _job_ended(self) -> None:
        self.job = None
        self.progress.hide()
        self.cancel_button.hide()
        self._update_buttons()


def publish_and_write(v, start: dt.date, end: dt.date, kind: str, path: Path, task):
    """On the worker: render what will be published, then (unless cancelled) publish it and write the file.

    Cancel is honoured until the report is recorded as published; never touches a widget."""
    reports = v.public_reports
    task.progress(0, 4)
    preview = reports.preview(start, end)
    render = (lambda r: reports.csv(r).encode("utf-8")) if kind == "csv" else reports.pdf
    data = render(preview)
    task.progress(2, 4)
    task.raise_if_cancelled()
    report = reports.publish(start, end)
    if report.cells != preview.cells:  # something changed meanwhile: write what was recorded
        data = render(report)
    task.progress(3, 4)
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise UserError(_("The report was published but could not be saved: {reason}").format(
            reason=exc.strerror or type(exc).__name__)) from None
    task.progress(4, 4)
    return report
