"""Form helpers: error marks that keep what was typed, labels with mnemonics, date and number fields."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QLocale, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QWidget

from clinic.errors import ValidationError
from ui.kit import theme
from ui.kit.forms import DateEdit, FieldErrors, IntEdit, labelled, parse_date, strip_mnemonic

ES, EN = QLocale("es"), QLocale("en")


@pytest.fixture
def form(qtbot):
    """A window with a QFormLayout of two line edits, and a phone row made of a container widget."""
    window = QWidget()
    qtbot.addWidget(window)
    layout = QFormLayout(window)
    name, city = QLineEdit(), QLineEdit()
    labelled(layout, "&Given names", name)
    labelled(layout, "&City", city)
    phone_box = QWidget()
    phone_row = QHBoxLayout(phone_box)
    phone = QLineEdit()
    phone_row.addWidget(phone)
    labelled(layout, "&Phone", phone_box)
    window.show()
    window.activateWindow()
    return window, layout, name, city, phone


def _error_label_under(layout, widget):
    row, _role = layout.getWidgetPosition(widget)
    item = layout.itemAt(row + 1, QFormLayout.ItemRole.FieldRole)
    label = item.widget() if item is not None else None
    return label if isinstance(label, QLabel) and label.property(theme.FIELD_ERROR) else None


def test_mark_shows_border_tooltip_and_message_and_keeps_text(form, type_text):
    """mark() flags the field, puts the message under it and in its tooltip, focuses it, keeps the text."""
    window, layout, name, city, _phone = form
    type_text(name, "José Ñúñez")
    city.setToolTip("Where they live")
    errors = FieldErrors()
    errors.mark(city, "Write the city.")
    errors.mark(name, "Write the given names.")
    assert name.property(theme.INVALID) is True
    assert name.toolTip() == "Write the given names."
    assert name.accessibleDescription() == "Write the given names."
    assert _error_label_under(layout, name).text() == "Write the given names."
    assert city.hasFocus()  # the first field marked
    assert name.text() == "José Ñúñez"
    assert errors.marked == (city, name)


def test_clear_removes_every_mark_and_keeps_text(form):
    """clear() removes borders, messages and tooltips (restoring the old tooltip); the text stays."""
    window, layout, name, city, _phone = form
    city.setText("Tucson")
    city.setToolTip("Where they live")
    rows_before = layout.rowCount()
    errors = FieldErrors()
    errors.mark(name, "a")
    errors.mark(city, "b")
    assert layout.rowCount() == rows_before + 2
    errors.clear()
    assert layout.rowCount() == rows_before
    assert name.property(theme.INVALID) is False and city.property(theme.INVALID) is False
    assert city.toolTip() == "Where they live" and name.toolTip() == ""
    assert city.text() == "Tucson"
    assert errors.marked == ()


def test_marking_twice_updates_the_message(form):
    """Marking a marked field again replaces its message instead of adding a second one."""
    window, layout, name, _city, _phone = form
    rows_before = layout.rowCount()
    errors = FieldErrors()
    errors.mark(name, "first")
    errors.mark(name, "second")
    assert layout.rowCount() == rows_before + 1
    assert _error_label_under(layout, name).text() == "second"
    errors.clear(name)
    assert layout.rowCount() == rows_before and not errors.is_marked(name)


def test_a_field_inside_a_container_gets_its_message_under_the_row(form):
    """A field inside a container widget in a form row gets the message under that row."""
    window, layout, _name, _city, phone = form
    errors = FieldErrors()
    errors.mark(phone, "Check the number.")
    assert _error_label_under(layout, phone.parentWidget()).text() == "Check the number."


def test_mark_validation_points_at_the_named_field(form):
    """A ValidationError marks the widget its field names; an unknown field returns False."""
    window, _layout, name, city, _phone = form
    errors = FieldErrors()
    fields = {"given_names": name, "city": city}
    assert errors.mark_validation(ValidationError("city", "Write the city."), fields)
    assert errors.message(city) == "Write the city."
    assert not errors.mark_validation(ValidationError("nope", "x"), fields)


def test_labelled_sets_buddy_and_accessible_name(form):
    """labelled() gives the label a buddy (Alt+mnemonic) and the field an accessible name."""
    window, layout, name, _city, _phone = form
    label = layout.labelForField(name)
    assert label.buddy() is name
    assert name.accessibleName() == "Given names"
    assert strip_mnemonic("Salt && &pepper") == "Salt & pepper"


def test_alt_mnemonic_moves_focus_to_the_field(qtbot, form):
    """Alt+C focuses the field labelled '&City'."""
    window, _layout, name, city, _phone = form
    qtbot.waitActive(window)
    name.setFocus()
    QTest.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(city.hasFocus, timeout=1000)


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        (ES, "14/03/1987", dt.date(1987, 3, 14)),
        (ES, "1987-03-14", dt.date(1987, 3, 14)),
        (ES, "4/3/1987", dt.date(1987, 3, 4)),
        (EN, "03/14/1987", dt.date(1987, 3, 14)),
        (EN, "1987-03-14", dt.date(1987, 3, 14)),
        (EN, "3/4/1987", dt.date(1987, 3, 4)),
        (ES, "", None),
        (ES, "14/03/87", None),
        (EN, "14/03/1987", None),
        (ES, "31/02/1987", None),
        (ES, "14/03/1887", None),
        (ES, "mañana", None),
    ],
)
def test_date_edit_parses_both_formats(qtbot, locale, text, expected):
    """DateEdit reads YYYY-MM-DD and the locale's order with four-digit years; anything else is no date."""
    edit = DateEdit(locale=locale)
    qtbot.addWidget(edit)
    edit.setText(text)
    assert edit.date() == expected
    assert edit.is_valid() == (expected is not None or text == "")


def test_date_edit_empty_means_no_date(qtbot):
    """An empty DateEdit is valid and holds no date; set_date(None) empties it."""
    edit = DateEdit(locale=ES)
    qtbot.addWidget(edit)
    edit.set_date(dt.date(2026, 1, 5))
    assert edit.text() == "05/01/2026"
    edit.set_date(None)
    assert edit.is_empty() and edit.is_valid() and edit.date() is None


def test_date_edit_rewrites_a_typed_date_in_the_locale_form(qtbot):
    """An ISO date typed into an English field reads back as MM/DD/YYYY when editing finishes."""
    edit = DateEdit(locale=EN)
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus()
    QTest.keyClicks(edit, "1987-3-14")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert edit.text() == "03/14/1987"


def test_date_edit_follows_the_language(qtbot, spanish):
    """Without a fixed locale, DateEdit uses the UI language: day first and a Spanish hint."""
    edit = DateEdit()
    qtbot.addWidget(edit)
    assert edit.placeholderText() == "DD/MM/AAAA"
    assert (
        edit.error_message()
        == "Escriba la fecha con el formato DD/MM/AAAA, por ejemplo 14/03/1987."
    )


@given(st.text(max_size=30))
def test_parse_date_never_raises(text):
    """Whatever is typed, parsing returns a date or None."""
    for order in ("dMy", "Mdy", "yMd"):
        assert parse_date(text, order) is None or isinstance(parse_date(text, order), dt.date)


def test_int_edit(qtbot):
    """IntEdit takes digits only, gives None when empty or out of range, and says the range."""
    edit = IntEdit(minimum=1, maximum=50)
    qtbot.addWidget(edit)
    QTest.keyClicks(edit, "1a2")
    assert edit.text() == "12" and edit.value() == 12
    edit.setText("99")
    assert edit.value() is None and not edit.is_valid()
    edit.set_value(None)
    assert edit.value() is None and edit.is_valid()
    assert edit.error_message() == "Enter a whole number from 1 to 50."


def _luminance(hex_color):
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize(
    ("fg", "bg"),
    [
        ("text", "base"),
        ("text", "window"),
        ("error", "base"),
        ("error", "window"),
        ("error", "error_bg"),
        ("sealed_title", "sealed_bg"),
        ("demo_text", "demo_bg"),
        ("highlight_text", "focus"),
    ],
)
def test_theme_text_contrast_is_high(fg, bg):
    """Text colours reach WCAG AAA contrast (7:1) on their backgrounds, the white-on-blue selection AA."""
    a, b = sorted((_luminance(theme.COLORS[fg]), _luminance(theme.COLORS[bg])), reverse=True)
    ratio = (a + 0.05) / (b + 0.05)
    assert ratio >= (4.5 if fg == "highlight_text" else 7.0)


def test_theme_uses_system_fonts_and_no_urls(qapp):
    """The stylesheet fetches nothing (no url()), and apply_theme sets an 11 pt base font."""
    assert "url(" not in theme.STYLESHEET
    old_font, old_sheet = qapp.font(), qapp.styleSheet()
    try:
        theme.apply_theme(qapp)
        assert qapp.font().pointSize() == 11
    finally:
        qapp.setStyleSheet(old_sheet)
        qapp.setFont(old_font)


def test_present_marks_a_named_field_and_says_anything_else(form, monkeypatch):
    """present(): a ValidationError for a shown field is marked there; other refusals become a message."""
    import ui.kit.forms
    from clinic.errors import PermissionDenied

    window, _layout, name, _city, _phone = form
    shown = []
    monkeypatch.setattr(ui.kit.forms, "show_error", lambda parent, exc: shown.append(exc))
    errors = FieldErrors()
    errors.present(ValidationError("given_names", "Given names is required."), {"given_names": name}, window)
    assert errors.is_marked(name) and shown == []
    other = ValidationError("household_size", "Too many.")
    errors.present(other, {"given_names": name}, window)
    denied = PermissionDenied("Your role does not allow this.")
    errors.present(denied, {"given_names": name}, window)
    assert shown == [other, denied]
