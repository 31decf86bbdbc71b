"""The case file's household and income section: what attorneys and coordinators see, in both languages."""

from __future__ import annotations

from clinic import models as m
from clinic.conflicts.parties import PartyDraft, PartyKind
from clinic.eligibility.assets import asset
from clinic.eligibility.income import line
from clinic.i18n import set_language
from ui.cases.view import CaseFileView


def _record(vault) -> int:
    receipt = vault.intakes.record(m.IntakeDraft(
        given_names="Lucía", family_name_1="Paredes", needs=(m.Need.HOUSING,), consent_to_store=True,
        household_size=3, region="hawaii", income=(line("wages", "525.50", "week"), line("benefits", 200, "month")),
        assets=(asset("cash", "900.25"), asset("home", 250000, True)),
        household_members=(PartyDraft(PartyKind.HOUSEHOLD, "Mateo Paredes", "child", None),)))
    return receipt.case_id


def test_an_attorney_sees_household_income_guideline_and_funding(qtbot, make_ctx, english):
    """Size, members, lines, annual income, % with table year and region, assets, sources."""
    ctx = make_ctx("attorney")
    case_id = _record(ctx.vault)
    w = CaseFileView(ctx)
    qtbot.addWidget(w)
    w.load(case_id)
    t = {k: v.text() for k, v in w.household.values.items()}
    assert not w.household.isHidden()
    assert t["size"] == "3" and t["members"] == "Mateo Paredes (Child)"
    assert t["income"] == "Wages: $525.50 per week\nBenefits: $200 per month"
    assert t["annual"] == "$29,726"  # 525.50 * 52 + 2,400
    assert "of the 2026 guideline ($31,420 a year for 3, Hawaii)" in t["percent"]  # 18,360 + 2 * 6,530
    assert t["percent"].startswith("94.6%")
    assert "Home: $250,000 (not counted: the home the household lives in)" in t["assets"]
    assert t["countable"] == "$900.25"
    assert "LSC: qualifies" in t["funding"]


def test_in_spanish_the_percent_has_a_decimal_comma(qtbot, make_ctx, english):
    ctx = make_ctx("coordinator")
    case_id = _record(ctx.vault)
    w = CaseFileView(ctx)
    qtbot.addWidget(w)
    w.load(case_id)
    set_language("es")
    w.retranslate()
    t = {k: v.text() for k, v in w.household.values.items()}
    assert t["percent"].startswith("94,6\xa0%") and "Hawái" in t["percent"], t["percent"]
    assert w.household.title() == "Hogar e ingresos"
    assert t["income"].startswith("Salario")


def test_clear_empties_the_section(qtbot, make_ctx, english):
    """On lock (clear) no household value stays on screen."""
    ctx = make_ctx("attorney")
    case_id = _record(ctx.vault)
    w = CaseFileView(ctx)
    qtbot.addWidget(w)
    w.load(case_id)
    w.clear()
    assert all(v.text() in ("", "Not recorded") for v in w.household.values.values()) and w.household.isHidden()
