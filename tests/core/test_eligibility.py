"""Poverty guideline tables, income lines, % of guideline and funding ceilings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clinic.eligibility import funding, guidelines, income
from clinic.eligibility.assess import assess, assess_on
from clinic.errors import ValidationError

# The published HHS tables for 1 to 8 people, typed from the Federal Register notices; 9 to 12 people add
# the "for each additional person" amount to the 8-person figure, as the notices instruct.
PUBLISHED = {
    (2025, "contiguous"): ([15650, 21150, 26650, 32150, 37650, 43150, 48650, 54150], 5500),
    (2025, "alaska"): ([19550, 26430, 33310, 40190, 47070, 53950, 60830, 67710], 6880),
    (2025, "hawaii"): ([17990, 24320, 30650, 36980, 43310, 49640, 55970, 62300], 6330),
    (2026, "contiguous"): ([15960, 21640, 27320, 33000, 38680, 44360, 50040, 55720], 5680),
    (2026, "alaska"): ([19950, 27050, 34150, 41250, 48350, 55450, 62550, 69650], 7100),
    (2026, "hawaii"): ([18360, 24890, 31420, 37950, 44480, 51010, 57540, 64070], 6530),
}
CASES = [(year, region, size, (table[size - 1] if size <= 8 else table[7] + extra * (size - 8)))
         for (year, region), (table, extra) in PUBLISHED.items() for size in range(1, 13)]
TABLES = guidelines.shipped()


@pytest.mark.parametrize(("year", "region", "size", "dollars"), CASES)
def test_guideline_matches_hhs_to_the_dollar(year, region, size, dollars):
    """The shipped table gives HHS's figure for sizes 1-12 in all three regions, 2025 and 2026."""
    assert TABLES[year].guideline(size, guidelines.Region(region)) == dollars


@pytest.mark.parametrize(("year", "region", "size", "dollars"), CASES)
def test_income_exactly_at_the_guideline_is_100_percent(year, region, size, dollars):
    """A yearly income equal to the guideline is 100.0%; a dollar less is under 100%."""
    at = assess([income.line("wages", dollars, "year")], household_size=size,
                region=guidelines.Region(region), table=TABLES[year])
    assert (at.percent, at.table_year, at.guideline) == (Decimal("100.0"), year, dollars)
    below = assess([income.line("wages", dollars - 1, "year")], household_size=size,
                   region=guidelines.Region(region), table=TABLES[year])
    assert below.percent < 100 and below.band == "under_100"


def test_shipped_tables_cite_their_source():
    """Each shipped table names the Federal Register notice it was typed from."""
    assert "91 FR 1797" in TABLES[2026].source and TABLES[2026].effective == dt.date(2026, 1, 13)
    assert "Federal Register" in TABLES[2025].source and "2025" in TABLES[2025].source


def test_income_lines_add_up_to_a_year():
    """Week x52, two weeks x26, month x12, year x1, to the cent."""
    lines = [income.line("wages", "500.50", "week"), income.line("benefits", 300, "biweekly"),
             income.line("child_support", 250, "month"), income.line("other", 1000, "year")]
    assert income.annual_income(lines) == Decimal("500.50") * 52 + 300 * 26 + 250 * 12 + 1000


@pytest.mark.parametrize(("source", "amount", "per"), [
    ("salary", 10, "month"), ("wages", -1, "month"), ("wages", "ten", "month"), ("wages", 10, "day"),
    ("wages", True, "month"), ("wages", "1.005", "month"), ("wages", "nan", "year"), ("wages", 1e12, "year")])
def test_bad_income_lines_are_refused_with_the_field(source, amount, per):
    """A wrong source, period or amount raises ValidationError naming the income field."""
    with pytest.raises(ValidationError) as e:
        income.line(source, amount, per)
    assert e.value.field == "income"


def test_table_picked_by_intake_date_and_clinic_effective_date():
    """HHS's date applies by default; a clinic that adopts the new year later keeps the old one until then."""
    assert assess_on([], household_size=1, on=dt.date(2026, 1, 12), tables=TABLES).table_year == 2025
    assert assess_on([], household_size=1, on=dt.date(2026, 1, 13), tables=TABLES).table_year == 2026
    later = {2026: dt.date(2026, 4, 1)}
    assert assess_on([], household_size=1, on=dt.date(2026, 3, 31), tables=TABLES,
                     clinic_effective=later).table_year == 2025
    assert assess_on([], household_size=1, on=dt.date(2026, 4, 1), tables=TABLES,
                     clinic_effective=later).table_year == 2026


def test_a_new_year_loads_from_csv_and_old_results_keep_their_year():
    """An admin's CSV adds 2027 without a code change; an assessment made before keeps 2026's figures."""
    old = assess([income.line("wages", 33000, "year")], household_size=4, table=TABLES[2026])
    csv_text = ("year,effective,region,base,per_additional,source\n"
                "2027,2027-01-14,contiguous,16300,5800,92 FR 1 (example)\n"
                "2027,2027-01-14,alaska,20400,7250,92 FR 1 (example)\n"
                "2027,2027-01-14,hawaii,18750,6670,92 FR 1 (example)\n")
    t2027 = guidelines.parse_csv(csv_text)
    tables = {**TABLES, 2027: t2027}
    new = assess_on([income.line("wages", 33000, "year")], household_size=4, on=dt.date(2027, 2, 1),
                    tables=tables)
    assert (new.table_year, new.guideline) == (2027, 16300 + 3 * 5800)
    assert (old.table_year, old.guideline, old.percent) == (2026, 33000, Decimal("100.0"))
    assert guidelines.from_json(t2027.to_json()) == t2027


@pytest.mark.parametrize("text", [
    "year,region,base\n2027,contiguous,1\n",
    "year,effective,region,base,per_additional,source\n2027,2027-01-14,contiguous,16300,5800,x\n",
    "year,effective,region,base,per_additional,source\n2027,2027-01-14,mars,16300,5800,x\n"
    "2027,2027-01-14,alaska,1,1,x\n2027,2027-01-14,hawaii,1,1,x\n",
    "year,effective,region,base,per_additional,source\n2027,2027-01-14,contiguous,16300,5800,\n"
    "2027,2027-01-14,alaska,1,1,\n2027,2027-01-14,hawaii,1,1,\n",
])
def test_bad_csv_tables_are_refused(text):
    """A wrong header, a missing region, an unknown region or no source is refused, nothing loaded."""
    with pytest.raises(ValidationError) as e:
        guidelines.parse_csv(text)
    assert e.value.field == "csv"


def test_funding_sources_ceilings_and_exception_band():
    """LSC 125% qualifies at 125%; 150% needs a noted 1611.5 exception; county 200%; assets over a ceiling."""
    t = TABLES[2026]
    at = lambda pct: assess([income.line("wages", t.guideline(4) * pct / 100, "year")],  # noqa: E731
                            household_size=4, table=t)
    lsc, county, none = funding.DEFAULT_SOURCES
    q125 = {q.source.name: q for q in funding.qualify(at(125), funding.DEFAULT_SOURCES)}
    assert q125["LSC"].qualifies and q125["County"].qualifies and q125["Unrestricted"].qualifies
    q150 = {q.source.name: q for q in funding.qualify(at(150), funding.DEFAULT_SOURCES)}
    assert not q150["LSC"].qualifies and q150["LSC"].needs_exception and q150["County"].qualifies
    q250 = {q.source.name: q for q in funding.qualify(at(250), funding.DEFAULT_SOURCES)}
    assert [n for n, q in q250.items() if q.qualifies] == ["Unrestricted"] and not q250["LSC"].needs_exception
    capped = funding.FundingSource("Capped", 200, asset_ceiling=5000)
    (q,) = funding.qualify(at(100), [capped], countable_assets=Decimal(6000))
    assert q.over_assets and not q.qualifies
