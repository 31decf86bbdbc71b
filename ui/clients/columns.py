"""The client lists' columns and table views: the whole list, a volunteer's own intakes, the look-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from clinic.i18n import N_
from ui.kit.format import format_date, format_when, language_name
from ui.kit.tablemodel import NUMBER_ALIGNMENT, Column

# The client list holds (ClientRow, page key) pairs: the key is what the next page starts after.
CLIENT_COLUMNS = (
    Column(N_("Reference"), lambda p: p[0].ref),
    Column(N_("Name"), lambda p: p[0].display_name),
    Column(N_("Date of birth"), lambda p: p[0].date_of_birth, display=format_date),
    Column(N_("Language"), lambda p: p[0].language, display=language_name),
    Column(N_("Last visit"), lambda p: p[0].last_visit, display=format_date),
    Column(N_("Open cases"), lambda p: p[0].open_cases, alignment=NUMBER_ALIGNMENT),
)
# A volunteer's own intakes: (Intake, ClientMatch) pairs.
MINE_COLUMNS = (
    Column(N_("Reference"), lambda p: p[1].ref),
    Column(N_("Name"), lambda p: p[1].display_name),
    Column(N_("Recorded"), lambda p: p[0].recorded_at, display=format_when),
)
LOOKUP_COLUMNS = (
    Column(N_("Name"), lambda c: c.display_name),
    Column(N_("Date of birth"), lambda c: c.date_of_birth, display=format_date),
    Column(N_("Last visit"), lambda c: c.last_visit, display=format_date),
)


def no_rows(_after: Any, _limit: int) -> list:
    return []


def list_table(model, name_column: int) -> QTableView:
    """A read-only list. Columns get fixed widths from sample texts (fit_columns), never measured row by
    row: ResizeToContents would format every fetched row on each reset."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(name_column, QHeaderView.ResizeMode.Stretch)
    return table


def fit_columns(table: QTableView, samples: Sequence[str]) -> None:
    """Size each non-stretching column to fit its header and a sample of its longest likely text."""
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    bold = header.fontMetrics()
    model = table.model()
    for column, sample in enumerate(samples):
        if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch:
            continue
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        header.resizeSection(column, max(metrics.horizontalAdvance(sample), bold.horizontalAdvance(title)) + 24)


def sample_date() -> str:
    return format_date(dt.date(2026, 9, 28))
