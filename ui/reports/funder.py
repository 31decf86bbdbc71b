"""The funder report dialog: a period, whether small counts are hidden, then PDF or CSV saved only where
the person chooses. The counting and the PDF run as a VaultJob (progress, Cancel); nothing is kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic import atomic_write
from clinic.errors import Cancelled, UserError
from clinic.i18n import _
from ui.context import AppContext
from ui.kit import filedialogs
from ui.kit.errors import show_error
from ui.kit.forms import DateEdit, FieldErrors, labelled, set_accessible
from ui.kit.ops import VaultJob


def last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter before today's: funders mostly ask by quarter."""
    first = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first - dt.timedelta(days=1)
    return dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end


def make_file(vault, start: dt.date, end: dt.date, suppress: bool, kind: str, task=None) -> tuple[object, bytes]:
    """On the worker: count, then render. Returns (report, file bytes)."""
    reports = vault.funder_report
    report = reports.build(start, end, suppress_small=suppress, task=task)
    return report, reports.pdf(report) if kind == "pdf" else reports.csv(report).encode("utf-8")


class FunderReportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.setObjectName("funderReport")
        self.ctx = ctx
        self.errors = FieldErrors()
        self.handle = None
        self.path: str | None = None
        self.date_from, self.date_to = DateEdit(), DateEdit()
        start, end = last_quarter(today or dt.date.today())
        self.date_from.set_date(start)
        self.date_to.set_date(end)
        self.suppress = QCheckBox()
        self.suppress.setChecked(True)
        self.intro, self.status = QLabel(), QLabel()
        for label in (self.intro, self.status):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.pdf_button, self.csv_button, self.cancel_button = QPushButton(), QPushButton(), QPushButton()
        self.pdf_button.setDefault(True)
        self.pdf_button.clicked.connect(lambda: self.save("pdf"))
        self.csv_button.clicked.connect(lambda: self.save("csv"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        form = QFormLayout()
        self._labels = [labelled(form, "", self.date_from), labelled(form, "", self.date_to)]
        form.addRow("", self.suppress)
        row = QHBoxLayout()
        for w in (self.pdf_button, self.csv_button, self.progress, self.cancel_button):
            row.addWidget(w)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        ctx.signals.language_changed.connect(self._language_changed)
        self.retranslate()

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Funder report"))
        self.intro.setText(_("Cases opened and closed in the period, counted by LSC problem code, closure "
                             "category, funding source and household income. Counts only: no names. The file "
                             "is saved where you choose and is not encrypted."))
        for label, text in zip(self._labels, (_("&From"), _("&To")), strict=True):
            label.setText(text)
            set_accessible(label.buddy(), text)
        self.suppress.setText(_("&Hide counts from 1 to 10 (as the public report does)"))
        self.pdf_button.setText(_("Save &PDF…"))
        self.csv_button.setText(_("Save &CSV…"))
        self.cancel_button.setText(_("Cancel"))
        self.progress.setAccessibleName(_("Report progress"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))

    def _period(self) -> tuple[dt.date, dt.date] | None:
        self.errors.clear()
        for edit in (self.date_from, self.date_to):
            if edit.is_empty() or not edit.is_valid():
                self.errors.mark(edit, edit.error_message())
        return None if self.errors.marked else (self.date_from.date(), self.date_to.date())

    def save(self, kind: str) -> bool:
        """Ask where, then count and render on a worker; the file is written when the job ends."""
        period = self._period()
        if period is None:
            return False
        start, end = period
        name = f"funder-report-{start.isoformat()}-{end.isoformat()}.{kind}"
        filters = _("CSV files (*.csv)") if kind == "csv" else _("PDF files (*.pdf)")
        path = filedialogs.ask_save(self, _("Save the funder report"), name, filters)
        if not path:
            return False
        self.path = path
        self.status.clear()
        self._busy(True)
        suppress = self.suppress.isChecked()
        self.handle = VaultJob(self.ctx, self, lambda v, task: make_file(v, start, end, suppress, kind, task)) \
            .progress(self._progressed).success(self._write) \
            .failure(lambda exc: self.errors.present(exc, {"to": self.date_to, "from": self.date_from}, self)) \
            .after_error(self._ended).finished(lambda: self._busy(False)).run()
        return True

    def _busy(self, busy: bool) -> None:
        for w in (self.pdf_button, self.csv_button, self.date_from, self.date_to, self.suppress):
            w.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setValue(0)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setValue(100 if not total else done * 100 // total)

    def _write(self, result) -> None:
        _report, data = result
        try:
            atomic_write(Path(self.path), data)
        except OSError as exc:
            show_error(self, UserError(_("The report could not be saved: {reason}").format(
                reason=exc.strerror or type(exc).__name__)))
            return
        self.status.setText(_("Saved to {file}.").format(file=self.path))

    def _ended(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.status.setText(_("Cancelled: nothing was saved."))

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
