"""Small input widgets of the intake form (money, a phone with its safety flags) and the padlock mark."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPlainTextEdit, QWidget

from clinic import models as m
from clinic.i18n import _, current_language
from ui.kit.forms import set_accessible


class MoneyEdit(QLineEdit):
    """Whole dollars, typed and shown with the UI language's grouping (1,200 or 1.200); may be empty."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._lang = current_language()
        self.setMaxLength(24)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.editingFinished.connect(self._normalize)

    def _parsed(self) -> Decimal | None:
        text = self.text().replace("US$", "").replace("$", "").replace("\u00a0", "").replace(" ", "")
        try:
            return parse_decimal(text, locale=self._lang, strict=True)
        except (NumberFormatError, ValueError):
            return None

    def value(self) -> int | None:
        """The amount in whole dollars, or None when empty or not a whole number."""
        if self.is_empty():
            return None
        number = self._parsed()
        if number is None or not number.is_finite() or number != number.to_integral_value():
            return None
        return int(number)

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else format_decimal(value, locale=self._lang))

    def is_empty(self) -> bool:
        return not self.text().strip()

    def is_valid(self) -> bool:
        return self.is_empty() or self.value() is not None

    def error_message(self) -> str:
        return _("Write whole dollars without cents, for example {example}.").format(
            example=format_decimal(1200, locale=self._lang))

    def retranslate(self) -> None:
        """Follow the UI language, rewriting an amount already typed in the new language's form."""
        value = self.value()
        self._lang = current_language()
        if value is not None:
            self.set_value(value)

    def _normalize(self) -> None:
        value = self.value()
        if value is not None:
            self.set_value(value)


def plain_edit(rows: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * rows + 14)
    return edit


def line_edit(limit: int = m.MAX_NAME) -> QLineEdit:
    """A one-line field. `limit` is the core's: it is checked on save, never by cutting what is pasted
    (a silently shortened name is a wrong name); Qt's own 32,767 stays as the only hard cap."""
    edit = QLineEdit()
    edit.setProperty("limit", limit)
    return edit


class PhoneRow(QWidget):
    """One phone: the number and whether it is safe to call, to text, and to leave a message."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.number = line_edit(40)
        self.number.setMinimumWidth(self.number.fontMetrics().horizontalAdvance("+1 (213) 555-0101 ") + 12)
        self.call = QCheckBox()
        self.text_ok = QCheckBox()
        self.message = QCheckBox()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.number, 2)
        for box in (self.call, self.text_ok, self.message):
            layout.addWidget(box)
        layout.addStretch(1)
        self.reset()

    def widgets(self) -> list[QWidget]:
        return [self.number, self.call, self.text_ok, self.message]

    def retranslate(self, index: int) -> None:
        self.call.setText(_("Safe to call"))
        self.text_ok.setText(_("Safe to text"))
        self.message.setText(_("May we leave a message"))
        for box in (self.call, self.text_ok, self.message):
            set_accessible(box, _("Phone {n}: {what}").format(n=index, what=box.text()))

    def phone(self) -> m.Phone | None:
        number = self.number.text().strip()
        if not number:
            return None
        return m.Phone(number=number, safe_to_call=self.call.isChecked(), safe_to_text=self.text_ok.isChecked(),
                       safe_to_leave_message=self.message.isChecked())

    def reset(self) -> None:
        self.number.clear()
        self.call.setChecked(True)
        self.text_ok.setChecked(True)
        self.message.setChecked(False)  # a message can expose the person: only when they say so
