"""A refused intake: every problem marked at its exact field at once (the core's path), the first focused."""

from __future__ import annotations

from PySide6.QtCore import Qt

from clinic import models as m
from tests.fixtures.intake import fill_person, focused


def test_the_second_phone_gets_the_error_and_the_focus(qtbot, page, type_text):
    """The core names `phones[1].number`: the second phone's field is marked and focused, not the first."""
    fill_person(page, type_text, "Ana", "Ruiz")
    type_text(page.form.phones[0].number, "555 0101")
    type_text(page.form.phones[1].number, "call my sister")
    page.form.consent.setChecked(True)
    page.save()
    assert page._errors.marked == (page.form.phones[1].number,)
    assert focused() is page.form.phones[1].number
    assert "digits" in page._errors.message(page.form.phones[1].number)


def test_both_bad_phones_are_marked_and_the_first_is_focused(qtbot, page, type_text):
    fill_person(page, type_text, "Ana", "Ruiz")
    type_text(page.form.phones[0].number, "ring me")
    type_text(page.form.phones[1].number, "call my sister")
    page.form.consent.setChecked(True)
    page.save()
    assert page._errors.marked == (page.form.phones[0].number, page.form.phones[1].number)
    assert focused() is page.form.phones[0].number


def test_a_bad_phone_typed_in_the_second_row_only_is_marked_there(qtbot, page, type_text):
    """An empty first row is left out of the draft: the draft's phones[0] is the second row."""
    fill_person(page, type_text, "Ana", "Ruiz")
    type_text(page.form.phones[1].number, "call my sister")
    page.form.consent.setChecked(True)
    page.save()
    assert page._errors.marked == (page.form.phones[1].number,) and focused() is page.form.phones[1].number


def test_a_bad_sealed_value_is_marked_at_its_own_field(qtbot, page, type_text):
    fill_person(page, type_text, "Ana", "Ruiz")
    page.form.sealed[m.SealedField.PRIVILEGED_NOTES].setPlainText("fine")
    page.form.sealed[m.SealedField.A_NUMBER].setText("A12\x07")
    page.form.consent.setChecked(True)
    page.save()
    assert page._errors.marked == (page.form.sealed[m.SealedField.A_NUMBER],)


def test_a_bad_party_name_is_marked_on_its_row(qtbot, page, type_text):
    fill_person(page, type_text, "Ana", "Ruiz")
    (first, _r1), (second, _r2) = page.form.parties_box.rows[:2]
    first.setText("Rentas del Valle")
    second.setText("Ana\x00")
    page.form.consent.setChecked(True)
    page.save()
    assert page._errors.marked == (second,)


def test_rejected_saves_point_at_the_field_and_keep_what_was_typed(qtbot, page, type_text):
    """A bad date, too much income and missing consent are all marked at once; the first has the focus."""
    f = page.form
    fill_person(page, type_text, "José", "Núñez", "1987-02-30")
    type_text(f.phones[0].number, "555 0101")
    type_text(f.household_size, "2")
    income = f.household.new_income().amount
    type_text(income, "10,000,001")
    type_text(f.notes, "needs help with rent")
    typed = f.state()

    qtbot.keyClick(f.given_names, Qt.Key.Key_Return)
    assert page._errors.is_marked(f.date_of_birth)
    assert "not a real date" in page._errors.message(f.date_of_birth)
    assert page._errors.is_marked(income)
    assert "dollars" in page._errors.message(income)
    assert page._errors.is_marked(f.consent) and "consent" in page._errors.message(f.consent)
    assert focused() is f.date_of_birth, "the first problem in form order has the focus"
    assert f.state() == typed and not page.banner.isVisible()

    f.date_of_birth.setText("")
    type_text(f.date_of_birth, "1987-03-14")
    income.setText("1,200")
    qtbot.keyClick(f.given_names, Qt.Key.Key_Return)
    assert page._errors.marked == (f.consent,) and focused() is f.consent
    assert f.notes.toPlainText() == "needs help with rent" and f.phones[0].number.text() == "555 0101"
    assert not page.banner.isVisible()

    f.consent.setChecked(True)
    qtbot.keyClick(f.given_names, Qt.Key.Key_Return)
    assert page.banner.isVisible() and not page._errors.marked
    ref = page.banner_label.text().rsplit(" ", 1)[-1]
    intake = page.ctx.v.clients.get(ref).intakes[0]
    assert intake.annual_income == 1200 * 12


def test_a_refused_save_scrolls_to_the_first_error_below_the_fold(qtbot, page):
    """Consent, at the bottom, is the only problem: the form scrolls there and focuses it."""
    page.resize(1000, 500)
    page.form.given_names.setText("Ana")
    page.form.family_name_1.setText("Ruiz")
    bar = page.scroll.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    page.save()
    assert focused() is page.form.consent
    viewport = page.scroll.viewport()
    top_left = page.form.consent.mapTo(viewport, page.form.consent.rect().topLeft())
    assert bar.value() > 0 and 0 <= top_left.y() < viewport.height()


def test_bad_phone_is_marked_on_the_phone_at_fault(qtbot, page, type_text):
    """The core's phone error lands on the phone that is wrong, not the first one."""
    fill_person(page, type_text, "Ana", "Ruiz")
    type_text(page.form.phones[0].number, "555 0101")
    type_text(page.form.phones[1].number, "call my sister")
    page.form.consent.setChecked(True)
    page.save()
    assert page._errors.marked == (page.form.phones[1].number,)


def test_a_pasted_over_long_name_is_refused_with_the_limit_not_cut(qtbot, page):
    long_name = "A" * 10_000
    page.form.given_names.setFocus()
    page.form.given_names.insert(long_name)  # what a paste does
    assert page.form.given_names.text() == long_name, "nothing pasted is cut off"
    page.form.family_name_1.setText("Ruiz")
    page.form.consent.setChecked(True)
    page.save()
    assert page._errors.is_marked(page.form.given_names)
    assert page._errors.message(page.form.given_names) == \
        "Given names is too long: at most 200 characters."
    assert page.form.given_names.text() == long_name
    assert not page.banner.isVisible()


def test_an_impossible_date_is_called_not_a_real_date(qtbot, page, type_text):
    fill_person(page, type_text, "Ana", "Ruiz", "31/02/1990")
    page.form.consent.setChecked(True)
    page.save()
    message = page._errors.message(page.form.date_of_birth)
    assert message == "31/02/1990 is not a real date: check the day and the month."
    page.form.date_of_birth.setText("1990/31")
    page.save()
    assert page._errors.message(page.form.date_of_birth).startswith("Enter the date as")


def test_a_bidi_override_in_a_name_is_refused_at_the_field(qtbot, page):
    page.form.given_names.setText("Ana")
    page.form.family_name_1.setText("\u202eziuR")
    page.form.consent.setChecked(True)
    page.save()
    assert "text-direction" in page._errors.message(page.form.family_name_1)
    assert not page.banner.isVisible()
