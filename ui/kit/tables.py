"""Sizing table columns to what they show."""

from __future__ import annotations

from PySide6.QtWidgets import QTableView


def fit_columns(table: QTableView, cap: int = 220, first_cap: int = 300) -> None:
    """Columns as wide as their contents up to a cap (the first, a name, may be wider); the last stretches."""
    table.resizeColumnsToContents()
    for column in range(table.model().columnCount() - 1):
        table.setColumnWidth(column, min(table.columnWidth(column), first_cap if column == 0 else cap))

