"""Intake means on screen: asset rows with the usual exclusions, the clinic's region, Babel's numbers in Spanish."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from clinic.eligibility.assets import AssetKind, AssetLine
from clinic.eligibility.guidelines import Region
from tests.fixtures.intake import fill_person, focused
from ui.intake.page import IntakePage


def _save(qtbot, page):
    page.form.consent.setChecked(True)
    with qtbot.waitSignal(page.ctx.signals.intake_recorded, timeout=2000) as saved:
        page.save()
    return saved.args[0]


def test_the_form_has_no_monthly_income_field(page):
    """Income is asked as lines only: the old single field is gone from the form and its tab order."""
    assert not hasattr(page.form, "monthly_income")
    assert "monthly_income" not in page.form.fields()


def test_assets_typed_by_keyboard_counted_live_and_saved(qtbot, page, type_text, open_vault):
    """An asset row is added and filled from the keyboard; a vehicle ticked as used for transport does not
    count; the live line shows the countable assets; the lines are stored with the intake."""
    box, assets = page.form.household, page.form.household.assets
    fill_person(page, type_text, "Rosa", "Vega")
    type_text(page.form.household_size, "2")
    type_text(box.new_income().amount, "1000")
    assets.add_button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(assets.add_button, Qt.Key.Key_Space)
    row = assets.rows[0]
    assert focused() is row.kind and row.excluded.isHidden()  # cash cannot be left out
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    type_text(focused(), "1,250.50")
    vehicle = assets.new_asset()
    vehicle.kind.setCurrentIndex(vehicle.kind.findData("vehicle"))
    assert not vehicle.excluded.isHidden() and "vehicle used for transport" in vehicle.excluded.text()
    type_text(vehicle.value, "6000")
    assert "Countable assets: $7,250.50." in box.result.text()
    vehicle.excluded.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(vehicle.excluded, Qt.Key.Key_Space)
    assert vehicle.excluded.isChecked() and "Countable assets: $1,250.50." in box.result.text()
    receipt = _save(qtbot, page)
    assert not assets.rows  # a fresh form for the next person
    means = open_vault("attorney").eligibility.means(receipt.intake_id)
    assert means.assets == (AssetLine(AssetKind.CASH, Decimal("1250.50")),
                            AssetLine(AssetKind.VEHICLE, Decimal("6000.00"), True))
    assert means.countable_assets == Decimal("1250.50")


def test_a_second_excluded_vehicle_is_marked_at_its_tick(qtbot, page, type_text):
    """Two vehicles both ticked: the save is refused at the second one's tick box; nothing typed is lost."""
    fill_person(page, type_text, "Rosa", "Vega")
    rows = [page.form.household.assets.new_asset() for _ in range(2)]
    for row in rows:
        row.kind.setCurrentIndex(row.kind.findData("vehicle"))
        type_text(row.value, "3000")
        row.excluded.setChecked(True)
    page.form.consent.setChecked(True)
    page.save()
    assert page._errors.is_marked(rows[1].excluded) and not page.banner.isVisible()
    assert rows[0].value.text() == "3,000" or rows[0].value.text() == "3000"


def test_an_asset_ceiling_shows_in_the_live_line(qtbot, make_ctx, type_text):
    """A source with an asset ceiling: assets above it say so in the live line."""
    from clinic.eligibility.funding import FundingSource

    ctx = make_ctx("admin")
    ctx.vault.funding.save(FundingSource("Tenant fund", 200, asset_ceiling=2000))
    page = IntakePage(ctx)
    qtbot.addWidget(page)
    box = page.form.household
    type_text(page.form.household_size, "1")
    type_text(box.new_income().amount, "500")
    type_text(box.assets.new_asset().value, "2500")
    assert "Over the asset limit of: Tenant fund." in box.result.text()


def test_the_region_starts_at_the_clinics_and_is_kept_when_chosen(qtbot, make_ctx, type_text):
    """With the clinic set to Alaska a fresh form starts there (not counted as typing); a volunteer's own
    choice is assessed, and the next person's form starts at Alaska again. The combo is in the tab order."""
    admin = make_ctx("admin")
    admin.vault.eligibility.set_default_region("alaska")
    page = IntakePage(admin)
    qtbot.addWidget(page)
    box = page.form.household
    assert box.region.currentData() == Region.ALASKA.value and not page.has_input()
    assert box.region in page.form.inputs() and box.region.focusPolicy() & Qt.FocusPolicy.TabFocus
    type_text(page.form.household_size, "1")
    type_text(box.new_income().amount, "1000")
    assert "Alaska" in box.result.text() and "2026 poverty guideline ($19,950" in box.result.text()
    box.region.setCurrentIndex(box.region.findData("hawaii"))
    box.region.activated.emit(box.region.currentIndex())
    assert "Hawaii" in box.result.text()
    page.form.reset()
    assert box.region.currentData() == "alaska"


def test_spanish_percent_and_money_are_formatted_by_babel(qtbot, page, type_text, spanish):
    """In Spanish the % has a decimal comma and a space ("… 137,5 %"), money stays "$"."""
    page.retranslate()
    box = page.form.household
    type_text(page.form.household_size, "1")
    row = box.new_income()
    row.per.setCurrentIndex(row.per.findData("year"))
    type_text(row.amount, "21.945")  # 137.5 % of $15,960
    text = box.result.text()
    assert "137,5\xa0%" in text and "$21,945" in text and "137.5" not in text, text
