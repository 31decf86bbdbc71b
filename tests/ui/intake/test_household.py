"""Household members and income lines at intake: typed by keyboard, saved through the core, read back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt

from clinic.conflicts.parties import PartyKind
from clinic.eligibility.income import IncomeLine, IncomeSource, Period
from tests.fixtures.intake import fill_person, focused


def _add_by_keyboard(qtbot, button) -> None:
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(button, Qt.Key.Key_Space)


def _save(qtbot, page):
    page.form.consent.setChecked(True)
    with qtbot.waitSignal(page.ctx.signals.intake_recorded, timeout=2000) as saved:
        page.save()
    return saved.args[0]


def test_household_rows_typed_saved_and_read_back(qtbot, page, type_text, open_vault):
    box = page.form.household
    fill_person(page, type_text, "Rosa", "Quintanilla Vega")
    type_text(page.form.household_size, "3")

    _add_by_keyboard(qtbot, box.add_member)
    assert len(box.members) == 1 and focused() is box.members[0].name
    type_text(focused(), "Tomás Quintanilla")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is box.members[0].relationship  # child is first
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    type_text(focused(), "2015-04-02")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is box.members[0].remove_button
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is box.add_member  # the tab order follows the rows as they come and go
    _add_by_keyboard(qtbot, box.add_member)
    type_text(focused(), "Extra Row")
    qtbot.keyClick(focused(), Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Delete removes it
    assert len(box.members) == 1 and focused() is box.members[0].name

    _add_by_keyboard(qtbot, box.add_income)
    assert focused() is box.incomes[0].source
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    type_text(focused(), "600.50")  # wages
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    box.incomes[0].per.setCurrentIndex(box.incomes[0].per.findData("week"))
    _add_by_keyboard(qtbot, box.add_income)
    box.incomes[1].source.setCurrentIndex(box.incomes[1].source.findData("child_support"))
    type_text(box.incomes[1].amount, "200")
    assert "Annual income" in box.result.text()

    receipt = _save(qtbot, page)
    assert not box.members and not box.incomes  # a fresh form for the next person

    attorney = open_vault("attorney")
    lines, result = attorney.eligibility.for_intake(receipt.intake_id)
    assert lines == [IncomeLine(IncomeSource.WAGES, Decimal("600.50"), Period.WEEK),
                     IncomeLine(IncomeSource.CHILD_SUPPORT, Decimal("200.00"), Period.MONTH)]
    assert result.household_size == 3 and result.annual_income == Decimal("33626.00")
    assert (result.table_year, result.guideline, result.percent) == (2026, 27320, Decimal("123.0"))
    parties = attorney.conflicts.parties(receipt.case_id)
    members = [p for p in parties if p.kind is PartyKind.HOUSEHOLD]
    assert [(p.name, p.relationship, p.date_of_birth) for p in members] == [
        ("Tomás Quintanilla", "child", dt.date(2015, 4, 2))]
    # The household member is in the conflict index: checking the name finds them.
    check = attorney.conflicts.check_names([("Tomas Quintanilla", None, False)])
    assert any(x.source == "household" for x in check.matches)


def test_live_percent_at_the_2026_guideline_for_three(qtbot, page, type_text):
    """$27,320 a year is exactly 100% of the 2026 guideline for 3 in the 48 contiguous states and DC."""
    box = page.form.household
    type_text(page.form.household_size, "3")
    row = box.new_income()
    row.per.setCurrentIndex(row.per.findData("year"))
    type_text(row.amount, "27320")
    text = box.result.text()
    assert "100% of the 2026 poverty guideline" in text, text
    assert "household of 3, 48 contiguous states and DC" in text
    assert "Qualifies for: LSC, County, Unrestricted." in text
    assert "LSC is LSC-funded" in text and "Never ask the person's status" in text
    type_text(row.amount, "1")  # $273,201 a year
    assert "Qualifies for: Unrestricted." in box.result.text()


def test_no_vault_read_per_keystroke(qtbot, page, type_text, monkeypatch):
    box = page.form.household
    calls = []
    elig = page.ctx.vault.eligibility
    for name in ("tables", "clinic_effective", "sources"):
        monkeypatch.setattr(elig, name, lambda *a, n=name, **k: calls.append(n))
    type_text(page.form.household_size, "2")
    row = box.new_income()
    type_text(row.amount, "1500")
    assert "poverty guideline" in box.result.text() and calls == []


def test_bad_amount_is_marked_at_its_field(qtbot, page, type_text):
    fill_person(page, type_text, "Rosa", "Vega")
    type_text(page.form.household_size, "1")
    row = page.form.household.new_income()
    type_text(row.amount, "12,5x")
    page.form.consent.setChecked(True)
    page.save()
    assert page._errors.is_marked(row.amount) and not page.banner.isVisible()
    type_text(row.amount, "0")
    assert not page._errors.is_marked(row.amount)  # typing there takes the mark off
