"""A refused intake: every problem marked at its exact field at once (the core's path), the first focused."""

from __future__ import annotations

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
