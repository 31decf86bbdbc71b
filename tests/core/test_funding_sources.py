"""Configurable funding sources: admins add, edit and deactivate; attorneys tag a case; the core checks roles."""

from __future__ import annotations

import datetime as dt

import pytest

from clinic import models as m
from clinic.eligibility import income
from clinic.eligibility.funding import FundingSource
from clinic.errors import PermissionDenied, ValidationError


def _intake(vault, weekly: int, size: int = 4):
    return vault.intakes.record(m.IntakeDraft(
        given_names="Julián", family_name_1="Ortega", date_of_birth=dt.date(1990, 1, 2), needs=(m.Need.HOUSING,),
        consent_to_store=True, household_size=size, income=(income.line("wages", weekly, "week"),)))


def test_an_admin_adds_edits_and_deactivates_a_source_and_the_intake_uses_them(open_vault):
    """A new source counts for qualification at once; a deactivated one no longer does; others cannot."""
    admin = open_vault("admin")
    admin.funding.save(FundingSource("City tenant fund", 250, asset_ceiling=5000))
    assert "City tenant fund" in [s.name for s in admin.eligibility.sources()]
    admin.funding.save(FundingSource("City tenant fund", 300), replacing="city tenant fund")
    assert [s.income_ceiling_pct for s in admin.funding.all() if s.name == "City tenant fund"] == [300]
    admin.funding.save(FundingSource("City tenant fund", 300, active=False), replacing="City tenant fund")
    assert "City tenant fund" not in [s.name for s in admin.eligibility.sources()]
    assert "City tenant fund" in [s.name for s in admin.funding.all(include_inactive=True)]
    for role in ("volunteer", "attorney", "coordinator"):
        with pytest.raises(PermissionDenied):
            open_vault(role).funding.save(FundingSource("Mine", None))


@pytest.mark.parametrize(("source", "field"), [
    (FundingSource("", 125), "source_name"), (FundingSource("X", 0), "income_ceiling_pct"),
    (FundingSource("X", 125, exception_ceiling_pct=250), "exception_ceiling_pct"),
    (FundingSource("X", None, exception_ceiling_pct=200), "exception_ceiling_pct"),
    (FundingSource("X", 125, asset_ceiling=-1), "asset_ceiling"), (FundingSource("LSC", 125), "source_name")])
def test_a_bad_source_is_refused_with_its_field(open_vault, source, field):
    """Empty name, impossible ceilings, an exception ceiling over 200% or without a ceiling, a duplicate."""
    with pytest.raises(ValidationError) as exc:
        open_vault("admin").funding.save(source)
    assert exc.value.field == field
