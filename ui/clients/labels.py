"""The pieces a client's file is drawn with: data labels (plain text, never markup) and label/value rows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from clinic import models as m
from clinic.i18n import _

# ----- formatting in the UI language ---------------------------------------------------------------


def phone_flags(phone: m.Phone) -> str:
    """Whether a number is safe to use, in words a volunteer cannot misread."""
    return " · ".join((
        _("Safe to call") if phone.safe_to_call else _("Do NOT call"),
        _("Safe to text") if phone.safe_to_text else _("Do NOT text"),
        _("May leave a message") if phone.safe_to_leave_message else _("Do NOT leave a message"),
    ))


def text_label(text: str = "", *, bold: bool = False, scale: float = 1.0) -> QLabel:
    """A label for data: plain text (never markup), wrapped, selectable with the mouse."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setText(text)
    if bold or scale != 1.0:
        font = QFont(label.font())
        font.setBold(bold)
        if scale != 1.0:
            font.setPointSizeF(font.pointSizeF() * scale)
        label.setFont(font)
    return label


class LabelRows:
    """Label and value rows in a grid (QFormLayout under-reports the height of wrapped values)."""

    def __init__(self, parent: QWidget):
        self.grid = QGridLayout(parent)
        self.grid.setColumnStretch(1, 1)
        self.grid.setHorizontalSpacing(16)

    def add(self, label: str, value: str) -> None:
        row = self.grid.rowCount()
        name = QLabel(label)
        name.setTextFormat(Qt.TextFormat.PlainText)
        self.grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
        shown = text_label(value)
        shown.setAccessibleName(_("{field}: {value}").format(field=label, value=value))  # a reader hears both
        name.setAccessibleName(label)
        self.grid.addWidget(shown, row, 1)

    def add_layout(self, layout) -> None:
        self.grid.addLayout(layout, self.grid.rowCount(), 0, 1, 2)
