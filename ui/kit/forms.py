"""Helpers every form shares: labelled fields, error marks that keep what was typed, date and number fields."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QLineEdit, QWidget

from clinic.errors import UserError, ValidationError
from clinic.i18n import N_, _, current_language
from ui.kit import theme
from ui.kit.errors import show_error


def strip_mnemonic(text: str) -> str:
    """'&Given names' -> 'Given names'; '&&' stays a literal '&'."""
    return re.sub(r"&(.)", r"\1", text)


def set_accessible(widget: QWidget, name: str, description: str | None = None) -> None:
    """The name (and description) a screen reader announces for `widget`."""
    widget.setAccessibleName(strip_mnemonic(name))
    if description is not None:
        widget.setAccessibleDescription(description)


def labelled(form: QFormLayout, text_with_mnemonic: str, widget: QWidget) -> QLabel:
    """Add a row: a label whose Alt+mnemonic focuses `widget`, and that screen readers read for it."""
    label = QLabel(text_with_mnemonic)
    label.setBuddy(widget)
    form.addRow(label, widget)
    set_accessible(widget, text_with_mnemonic)
    return label


@dataclass
class _Mark:
    message: str
    tooltip: str
    description: str
    label: QLabel | None


class FieldErrors:
    """Marks fields invalid (red border, tooltip, a message under the field) and clears the marks.

    Never changes what the person typed. The first field marked since the last clear() gets the focus.
    Messages must already be translated. The message label goes into the QFormLayout row below the field
    (the field may sit in a container widget in that row); elsewhere only border and tooltip show.
    """

    def __init__(self) -> None:
        self._marks: dict[QWidget, _Mark] = {}

    @property
    def marked(self) -> tuple[QWidget, ...]:
        return tuple(w for w in self._marks if shiboken6.isValid(w))

    def is_marked(self, widget: QWidget) -> bool:
        return widget in self._marks

    def message(self, widget: QWidget) -> str | None:
        mark = self._marks.get(widget)
        return mark.message if mark else None

    def mark(self, widget: QWidget, message: str) -> None:
        first = not self._marks
        mark = self._marks.get(widget)
        if mark is None:
            mark = _Mark(message, widget.toolTip(), widget.accessibleDescription(), None)
            self._marks[widget] = mark
            mark.label = _add_error_label(widget, message)
        else:
            mark.message = message
            if mark.label is not None and shiboken6.isValid(mark.label):
                mark.label.setText(message)
        theme.set_flag(widget, theme.INVALID, True)
        widget.setToolTip(message)
        widget.setAccessibleDescription(message)
        if first:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def mark_validation(self, exc: ValidationError, fields: Mapping[str, QWidget]) -> bool:
        """Mark the field a ValidationError names; False when no widget shows that field."""
        widget = widget_at(exc, fields)
        if widget is None:
            return False
        self.mark(widget, exc.message)
        return True

    def present(self, exc: UserError, fields: Mapping[str, QWidget], parent: QWidget) -> None:
        """Show a refusal: at its field when a ValidationError names one shown here, else as a message."""
        if not (isinstance(exc, ValidationError) and self.mark_validation(exc, fields)):
            show_error(parent, exc)

    def clear(self, widget: QWidget | None = None) -> None:
        """Remove the mark from one field, or from all of them."""
        targets = [widget] if widget is not None else list(self._marks)
        for target in targets:
            mark = self._marks.pop(target, None)
            if mark is None:
                continue
            if mark.label is not None:
                _remove_error_label(mark.label)
            if shiboken6.isValid(target):
                theme.set_flag(target, theme.INVALID, False)
                target.setToolTip(mark.tooltip)
                target.setAccessibleDescription(mark.description)


def widget_at(exc: ValidationError, fields: Mapping[str, QWidget]) -> QWidget | None:
    """The widget for the input a ValidationError names, straight from its path, checking nothing again.

    `fields` maps paths (clinic.errors.ValidationError's convention: `phones[1].number`, `sealed.a_number`)
    and plain field names to widgets. The exact path wins; else the nearest enclosing one shown
    (`phones[1]`, then `phones`); else the error's field name.
    """
    path = exc.path or exc.field
    while path:
        if path in fields:
            return fields[path]
        parent = _PARENT.sub("", path)
        if parent == path:
            break
        path = parent
    return fields.get(exc.field)


_PARENT = re.compile(r"(\.[^.\[\]]*|\[\d+\])$")  # the last `.key` or `[i]` of a path


def _add_error_label(widget: QWidget, message: str) -> QLabel | None:
    found = _form_row(widget)
    if found is None:
        return None
    form, row = found
    label = QLabel(message)
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setProperty(theme.FIELD_ERROR, True)
    form.insertRow(row + 1, "", label)
    return label


def _remove_error_label(label: QLabel) -> None:
    if not shiboken6.isValid(label):
        return
    parent = label.parentWidget()
    layout = parent.layout() if parent is not None else None
    for form in _form_layouts(layout):
        row, _role = form.getWidgetPosition(label)
        if row >= 0:
            form.removeRow(row)  # deletes the label
            return
    label.deleteLater()


def _form_layouts(layout: QLayout | None):
    if layout is None:
        return
    if isinstance(layout, QFormLayout):
        yield layout
    for i in range(layout.count()):
        yield from _form_layouts(layout.itemAt(i).layout())


def _contains(layout: QLayout, target: QWidget) -> bool:
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item.widget() is target or (
            item.layout() is not None and _contains(item.layout(), target)
        ):
            return True
    return False


def _form_row(widget: QWidget) -> tuple[QFormLayout, int] | None:
    """The QFormLayout and row holding `widget`, directly, in a nested layout, or in a container."""
    target, parent = widget, widget.parentWidget()
    while parent is not None:
        for form in _form_layouts(parent.layout()):
            for i in range(form.count()):
                item = form.itemAt(i)
                inner = item.layout()
                if item.widget() is target or (inner is not None and _contains(inner, target)):
                    row, _role = form.getItemPosition(i)
                    if not any(
                        True for f in _form_layouts(inner) if f is not form and _contains(f, target)
                    ):
                        return form, row
        target, parent = parent, parent.parentWidget()
    return None


# Date fields ---------------------------------------------------------------------------------------

MIN_YEAR, MAX_YEAR = 1900, 2100
_NUMBERS = re.compile(r"^\s*(\d{1,4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,4})\s*$")
_PLACEHOLDERS = {"d": N_("DD"), "M": N_("MM"), "y": N_("YYYY")}
_EXAMPLE = dt.date(1987, 3, 14)


def date_order(locale: QLocale) -> tuple[str, str]:
    """('dMy' | 'Mdy' | 'yMd', separator) from the locale's short date format."""
    fmt = locale.dateFormat(QLocale.FormatType.ShortFormat)
    order = "".join(sorted("dMy", key=lambda c: fmt.find(c) if c in fmt else 99))
    separator = next((c for c in fmt if not c.isalpha() and not c.isspace()), "/")
    return order, separator


def _date_parts(text: str, order: str) -> dict[str, str] | None:
    """Day, month and year as typed when `text` has the shape of a date in `order` (or ISO)."""
    match = _NUMBERS.match(text)
    if match is None:
        return None
    groups = match.groups()
    if len(groups[0]) == 4:
        order = "yMd"  # a year first is unambiguous: ISO dates work in every language
    parts = dict(zip(order, groups, strict=True))
    if len(parts["y"]) != 4 or len(parts["d"]) > 2 or len(parts["M"]) > 2:
        return None  # two-digit years are ambiguous for a date of birth
    return parts


def parse_date(text: str, order: str = "dMy") -> dt.date | None:
    """YYYY-MM-DD, or day, month and a four-digit year in `order`; None for empty or not a date."""
    parts = _date_parts(text, order)
    if parts is None:
        return None
    try:
        value = dt.date(int(parts["y"]), int(parts["M"]), int(parts["d"]))
    except ValueError:
        return None
    return value if MIN_YEAR <= value.year <= MAX_YEAR else None


class DateEdit(QLineEdit):
    """A date field that may be empty ("no date"), unlike QDateEdit. Never raises on what is typed.

    Accepts YYYY-MM-DD and the locale's short order with a four-digit year (14/03/1987 in Spanish,
    03/14/1987 in English); a valid date is rewritten in the locale's form when editing finishes.
    """

    def __init__(self, parent: QWidget | None = None, *, locale: QLocale | None = None):
        super().__init__(parent)
        self._fixed_locale = locale
        self._order, self._separator = "yMd", "-"
        self.setMaxLength(24)
        self.editingFinished.connect(self._normalize)
        self.retranslate()

    def retranslate(self) -> None:
        """Follow the app's language (unless a locale was given), keeping the date."""
        value = self.date()
        locale = self._fixed_locale or QLocale(current_language())
        self._order, self._separator = date_order(locale)
        self.setPlaceholderText(self.pattern())
        self.setAccessibleDescription(_("Date, as {pattern}").format(pattern=self.pattern()))
        if value is not None:
            self.setText(self.format(value))

    def pattern(self) -> str:
        return self._separator.join(_(_PLACEHOLDERS[c]) for c in self._order)

    def format(self, value: dt.date) -> str:
        fields = {"d": f"{value.day:02d}", "M": f"{value.month:02d}", "y": f"{value.year:04d}"}
        return self._separator.join(fields[c] for c in self._order)

    def date(self) -> dt.date | None:
        """The date typed, or None when the field is empty or does not hold a date."""
        return parse_date(self.text(), self._order)

    def set_date(self, value: dt.date | None) -> None:
        self.setText("" if value is None else self.format(value))

    def is_empty(self) -> bool:
        return not self.text().strip()

    def is_valid(self) -> bool:
        """Empty (no date) or a real date."""
        return self.is_empty() or self.date() is not None

    def error_message(self) -> str:
        if _date_parts(self.text(), self._order) is not None:  # the right shape, but no such day
            return _("{text} is not a real date: check the day and the month.").format(
                text=self.text().strip())
        return _("Enter the date as {pattern}, for example {example}.").format(
            pattern=self.pattern(), example=self.format(_EXAMPLE)
        )

    def _normalize(self) -> None:
        value = self.date()
        if value is not None and self.text() != self.format(value):
            self.setText(self.format(value))


class IntEdit(QLineEdit):
    """A whole-number field (household size, monthly income) that may be empty."""

    def __init__(
        self, parent: QWidget | None = None, *, minimum: int = 0, maximum: int = 2**31 - 1
    ):
        super().__init__(parent)
        self._minimum, self._maximum = minimum, maximum
        validator = QIntValidator(minimum, maximum, self)
        plain = QLocale.c()
        plain.setNumberOptions(QLocale.NumberOption.RejectGroupSeparator)
        validator.setLocale(plain)  # digits only, whatever the language: "1.000" is not a thousand
        self.setValidator(validator)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def value(self) -> int | None:
        """The number, or None when empty or out of range."""
        if self.is_empty() or not self.hasAcceptableInput():
            return None
        try:
            return int(self.text().strip())
        except ValueError:
            return None

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else str(value))

    def is_empty(self) -> bool:
        return not self.text().strip()

    def is_valid(self) -> bool:
        return self.is_empty() or self.value() is not None

    def error_message(self) -> str:
        return _("Enter a whole number from {minimum} to {maximum}.").format(
            minimum=self._minimum, maximum=self._maximum
        )
