"""Sizing table columns to what they show, and the read-only row tables of the case and client files."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QGroupBox, QHeaderView, QTableView, QVBoxLayout

# Rows measured when sizing columns to their text (the visible ones first). Qt's default, 1,000, asks the
# model for 1,000 x columns cells on the GUI thread: 3.3 s per resize for 10,000 cases, seen by
# tools/bench_session.py when switching language.
FIT_ROWS = 60


def fit_columns(table: QTableView, cap: int = 220, first_cap: int = 300) -> None:
    """Columns as wide as their contents up to a cap (the first, a name, may be wider); the last stretches."""
    table.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
    table.resizeColumnsToContents()
    for column in range(table.model().columnCount() - 1):
        table.setColumnWidth(column, min(table.columnWidth(column), first_cap if column == 0 else cap))


def boxed_table(model, box: QGroupBox) -> QTableView:
    """A read-only table of whole rows over `model`, filling `box`, columns sized to their text."""
    table = QTableView()
    table.setModel(model)
    table.verticalHeader().hide()
    table.setWordWrap(True)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setMinimumHeight(120)
    QVBoxLayout(box).addWidget(table)
    return table
