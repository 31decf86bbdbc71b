"""Loading a new year's HHS poverty guideline table from a CSV (admins; the core refuses anyone else).

The file is read and checked first (`eligibility.preview_table_csv`, which saves nothing) and its rows are
shown; only "Load this table" stores it. A bad file is refused with the core's sentence naming the line."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

import clinic
from clinic.i18n import N_, _
from ui.kit import theme
from ui.kit.filedialogs import ask_open
from ui.kit.format import format_date, format_money
from ui.kit.ops import LocalOp, VaultOp
from ui.kit.tablemodel import NUMBER_ALIGNMENT, Column, RowTableModel
from ui.kit.tables import fit_columns

ROW_COLUMNS = (
    Column(N_("Line"), lambda r: r.line, alignment=NUMBER_ALIGNMENT),
    Column(N_("Year"), lambda r: r.year),
    Column(N_("Region"), lambda r: r.region.label, display=lambda label: _(label)),
    Column(N_("One person"), lambda r: r.base, display=format_money, alignment=NUMBER_ALIGNMENT),
    Column(N_("Each additional person"), lambda r: r.per_additional, display=format_money,
           alignment=NUMBER_ALIGNMENT),
    Column(N_("Effective"), lambda r: r.effective, display=format_date),
    Column(N_("Source"), lambda r: r.source),
)


class GuidelineTableDialog(QDialog):
    """Choose a file, read its rows, then load them (or cancel: nothing is saved)."""

    def __init__(self, parent: QWidget, ctx):
        super().__init__(parent)
        self.ctx = ctx
        self.text = ""  # the CSV previewed; exactly this is loaded
        self.preview = None
        self.setObjectName("guidelineTableDialog")
        self.setWindowTitle(_("Poverty guideline table"))
        intro = QLabel(_("A new year's table is a CSV file (UTF-8) with the columns year, effective, region, "
                         "base, per_additional, source: one line for each region (contiguous, alaska, hawaii), "
                         "amounts in whole dollars, the date as YYYY-MM-DD, and where the figures come from "
                         "(the Federal Register notice). Results already stored keep the table they were "
                         "computed with."))
        intro.setWordWrap(True)
        self.choose_button = QPushButton(_("&Choose a CSV file…"))
        self.choose_button.clicked.connect(self.choose_file)
        self.problem = QLabel()
        self.problem.setObjectName("guidelineProblem")
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setProperty(theme.FIELD_ERROR, True)
        self.model = RowTableModel(ROW_COLUMNS, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Rows read from the file"))
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.load_button = QPushButton(_("&Load this table"))
        self.load_button.clicked.connect(self.load)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.load_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(row)
        self.resize(900, 460)
        self._show(None)

    def choose_file(self) -> None:
        path = ask_open(self, _("Choose the guideline table"), _("CSV files (*.csv);;All files (*)"))
        if path:
            self.preview_file(path)

    def preview_file(self, path: str) -> None:
        text = LocalOp(self, lambda: clinic.read_guideline_csv(path)).failure(self._refused).run()
        if text is not None:
            self.preview_text(text)
        else:
            self._show(None)

    def preview_text(self, text: str) -> None:
        """Check `text` in the core and show its rows, or the refusal (nothing is saved either way)."""
        self.problem.clear()
        preview = VaultOp(self.ctx, self, lambda v: v.eligibility.preview_table_csv(text)) \
            .failure(self._refused).run()
        self.text = text if preview is not None else ""
        self._show(preview)

    def _refused(self, exc) -> None:
        self.problem.setText(exc.message)
        self.problem.setVisible(True)

    def _show(self, preview) -> None:
        self.preview = preview
        self.model.set_rows(list(preview.rows) if preview else [])
        fit_columns(self.table)
        self.problem.setVisible(bool(self.problem.text()))
        self.load_button.setEnabled(preview is not None)
        if preview is None:
            self.summary.setText("")
            return
        t = preview.table
        text = _("The {year} table, effective {date}. Intakes from that date (or from the date the clinic "
                 "chooses) are measured against it.").format(year=t.year, date=format_date(t.effective))
        if preview.replaces is not None:
            text += " " + _("It replaces the {year} table now in use ({source}).").format(
                year=t.year, source=preview.replaces.source)
        self.summary.setText(text)

    def load(self) -> None:
        if self.preview is None:
            return
        text = self.text
        table = VaultOp(self.ctx, self, lambda v: v.eligibility.load_table_csv(text)).failure(self._refused).run()
        if table is not None:
            self.load_button.setEnabled(False)
            self.summary.setText(_("Loaded the {year} poverty guideline table.").format(year=table.year))
