"""Sizing table columns to what they show."""

from __future__ import annotations

from PySide6.QtWidgets import QTableView

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

