"""Loading a new year's poverty guideline table: a preview that saves nothing, refusals that name the line,
admins only, and stored results that keep the table year they were computed with."""

from __future__ import annotations

import datetime as dt

import pytest

from clinic import clock, i18n
from clinic import models as m
from clinic.eligibility import guidelines, income
from clinic.eligibility.guidelines import Region
from clinic.errors import PermissionDenied, ValidationError

HEADER = "year,effective,region,base,per_additional,source\n"
GOOD = (HEADER + "2027,2027-01-14,contiguous,16300,5800,92 FR 1 (example)\n"
        "2027,2027-01-14,alaska,20400,7250,92 FR 1 (example)\n"
        "2027,2027-01-14,hawaii,18750,6670,92 FR 1 (example)\n")


def test_the_preview_shows_each_row_and_saves_nothing(open_vault):
    admin = open_vault("admin")
    preview = admin.eligibility.preview_table_csv(GOOD)
    assert [(r.line, r.year, r.region, r.base, r.per_additional, r.effective, r.source) for r in preview.rows] == [
        (2, 2027, Region.CONTIGUOUS, 16300, 5800, dt.date(2027, 1, 14), "92 FR 1 (example)"),
        (3, 2027, Region.ALASKA, 20400, 7250, dt.date(2027, 1, 14), "92 FR 1 (example)"),
        (4, 2027, Region.HAWAII, 18750, 6670, dt.date(2027, 1, 14), "92 FR 1 (example)")]
    assert preview.table.guideline(4, Region.HAWAII) == 18750 + 3 * 6670 and preview.replaces is None
    assert 2027 not in admin.eligibility.tables()  # nothing saved
    assert admin.eligibility.load_table_csv(GOOD) == preview.table
    assert admin.eligibility.tables()[2027] == preview.table
    again = admin.eligibility.preview_table_csv(GOOD)
    assert again.replaces == preview.table  # a second load says which table it would replace
    shipped = admin.eligibility.preview_table_csv(GOOD.replace("2027", "2026"))
    assert shipped.replaces == guidelines.shipped()[2026]


@pytest.mark.parametrize(("text", "says"), [
    ("", "first line must be"),
    ("year;effective;region\n", "first line must be"),
    (GOOD.replace("alaska,20400", "alaska,20.400"), "Line 3 "),
    (GOOD.replace("hawaii", "mars"), "Line 4 "),
    (GOOD.replace("2027-01-14,alaska", "14/01/2027,alaska"), "Line 3 "),
    (GOOD.replace("hawaii,18750", "hawaii,-5"), "Line 4 "),
    (GOOD.replace("alaska,20400,7250,92 FR 1 (example)", "alaska,20400,7250,"), "Line 3 "),
    (GOOD.replace("alaska,20400,7250,92 FR 1 (example)", "alaska,20400,7250,x,extra"), "Line 3 "),
    (GOOD.replace("hawaii", "alaska"), "Line 4 of the table repeats the region alaska"),
    (GOOD.replace("2027,2027-01-14,hawaii", "2028,2027-01-14,hawaii"), "Line 4 of the table has another year"),
    (HEADER + "2027,2027-01-14,contiguous,16300,5800,x\n", "no row for: alaska, hawaii"),
    (GOOD.replace("2027,2027-01-14,alaska", "99999,2027-01-14,alaska"), "Line 3 "),
])
def test_a_bad_file_is_refused_naming_its_line(open_vault, text, says):
    admin = open_vault("admin")
    before = admin.eligibility.tables()
    for call in (admin.eligibility.preview_table_csv, admin.eligibility.load_table_csv):
        with pytest.raises(ValidationError) as refused:
            call(text)
        assert refused.value.field == "csv" and says in refused.value.message
    assert admin.eligibility.tables() == before


@pytest.fixture
def spanish():
    i18n.set_language("es")
    yield
    i18n.set_language("en")


def test_the_refusal_is_in_spanish_too(open_vault, spanish):
    with pytest.raises(ValidationError) as refused:
        open_vault("admin").eligibility.preview_table_csv(GOOD.replace("hawaii", "mars"))
    assert "línea 4" in refused.value.message.lower()


def test_only_admins_preview_or_load(open_vault):
    for role in ("volunteer", "attorney", "coordinator"):
        vault = open_vault(role)
        for call in (vault.eligibility.preview_table_csv, vault.eligibility.load_table_csv):
            with pytest.raises(PermissionDenied):
                call(GOOD)


def test_a_stored_result_keeps_its_year_when_a_new_table_is_in_force(open_vault):
    """An intake assessed with today's table keeps that year and guideline after a newer table, in force
    from a past date, is loaded; a new intake uses the new one."""
    vol = open_vault("volunteer")
    draft = m.IntakeDraft(given_names="Ana", family_name_1="Ruiz", needs=(m.Need.HOUSING,), consent_to_store=True,
                          household_size=3, income=(income.line("wages", 2000, "month"),))
    first = vol.intakes.record(draft)
    admin = open_vault("admin")
    before = admin.eligibility.for_intake(first.intake_id)[1]
    year = clock.today().year + 1
    admin.eligibility.load_table_csv(GOOD.replace("2027-01-14", "2000-01-01").replace("2027", str(year)))
    after = admin.eligibility.for_intake(first.intake_id)[1]
    assert after == before and after.table_year != year
    second = vol.intakes.record(draft)
    assert admin.eligibility.for_intake(second.intake_id)[1].table_year == year
