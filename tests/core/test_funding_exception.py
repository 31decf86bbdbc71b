"""45 CFR 1611.5 exceptions: tagging a case over a source's ceiling but within its exception ceiling needs a
reason, stored in the vault and never in the audit log; over the exception ceiling the tag is refused."""

from __future__ import annotations

import pytest

from clinic import clock
from clinic import models as m
from clinic.crypto.primitives import SecretBytes, random_bytes
from clinic.eligibility import income
from clinic.eligibility.funding import FundingSource
from clinic.errors import ValidationError
from clinic.storage import migrate
from clinic.storage.db import connect

REASON = "Gastos médicos de Ramírez por diálisis; política de la junta 2024-3"


def _case(vault, percent: int) -> int:
    """A case from an intake of four whose yearly income is `percent` % of today's guideline."""
    guideline = vault.eligibility.assess([], household_size=4, on=clock.today()).guideline
    return vault.intakes.record(m.IntakeDraft(
        given_names="Rosa", family_name_1="Ramírez", needs=(m.Need.HOUSING,), consent_to_store=True,
        household_size=4, income=(income.line("wages", guideline * percent // 100, "year"),))).case_id


def test_within_the_ceiling_no_reason_is_needed_or_kept(open_vault):
    att = open_vault("attorney")
    case_id = _case(att, 120)
    att.cases.set_funding_source(case_id, "LSC", exception_reason="not needed")
    assert att.cases.funding(case_id) == m.CaseFunding("LSC", "")


def test_between_the_ceiling_and_the_exception_ceiling_a_reason_is_required_and_stored(open_vault):
    """150% of the guideline under LSC (125%, exception to 200%): refused without a reason, kept with one."""
    att = open_vault("attorney")
    case_id = _case(att, 150)
    for blank in ("", "   \n"):
        with pytest.raises(ValidationError) as refused:
            att.cases.set_funding_source(case_id, "LSC", exception_reason=blank)
        assert refused.value.field == "funding_exception_reason" and "1611.5" in refused.value.message
    assert att.cases.funding(case_id) == m.CaseFunding("", "")  # a refusal changes nothing
    assert att.cases.set_funding_source(case_id, "LSC", exception_reason=f"  {REASON} ") == "LSC"
    assert att.cases.funding(case_id) == m.CaseFunding("LSC", REASON)
    assert att.cases.funding_source(case_id) == "LSC"
    # County's ceiling is 200%: the same household needs no exception there, and the old reason goes.
    att.cases.set_funding_source(case_id, "County")
    assert att.cases.funding(case_id) == m.CaseFunding("County", "")
    att.cases.set_funding_source(case_id, "LSC", exception_reason=REASON)
    att.cases.set_funding_source(case_id, "")
    assert att.cases.funding(case_id) == m.CaseFunding("", "")
    att.cases.set_funding_source(case_id, "LSC", exception_reason=REASON)
    # The reason is in the vault; the audit log says only that there was one.
    row = att.session.conn.execute("SELECT funding_exception_reason FROM cases WHERE id = ?", (case_id,)).fetchone()
    assert row[0] == REASON
    audit = att.session.conn.execute("SELECT detail FROM audit WHERE action = 'case.funding_source' "
                                     "ORDER BY id").fetchall()
    assert len(audit) == 5 and '"exception":true' in audit[-1][0]
    assert all("Ramírez" not in d and "diálisis" not in d and "junta" not in d for (d,) in audit)


def test_over_the_exception_ceiling_or_a_ceiling_without_one_is_refused(open_vault):
    """210%: over LSC's 200% and County's 200%; a source with no exception ceiling refuses 150%."""
    admin = open_vault("admin")
    admin.funding.save(FundingSource("City fund", 125))
    att = open_vault("attorney")
    high, middle = _case(att, 210), _case(att, 150)
    for case_id, name in ((high, "LSC"), (high, "County"), (middle, "City fund")):
        with pytest.raises(ValidationError) as refused:
            att.cases.set_funding_source(case_id, name, exception_reason=REASON)
        assert refused.value.field == "funding_source" and name in refused.value.message
        assert att.cases.funding(case_id) == m.CaseFunding("", "")
    assert att.cases.set_funding_source(high, "Unrestricted") == "Unrestricted"


def test_an_intake_without_income_is_not_judged(open_vault):
    """No income lines, no stored %FPG: any source may be set, with no reason kept."""
    att = open_vault("attorney")
    case_id = att.intakes.record(m.IntakeDraft(given_names="Eva", family_name_1="Soto", needs=(m.Need.HOUSING,),
                                               consent_to_store=True)).case_id
    att.cases.set_funding_source(case_id, "LSC", exception_reason=REASON)
    assert att.cases.funding(case_id) == m.CaseFunding("LSC", "")


def test_renaming_a_source_retags_its_cases(open_vault):
    """An admin renames LSC: the cases tagged LSC follow the new name, exception reasons kept."""
    att = open_vault("attorney")
    case_id = _case(att, 150)
    att.cases.set_funding_source(case_id, "LSC", exception_reason=REASON)
    admin = open_vault("admin")
    admin.funding.save(FundingSource("LSC Basic Field", 125, lsc_funded=True, exception_ceiling_pct=200),
                       replacing="LSC")
    assert [s.name for s in admin.funding.all()] == ["LSC Basic Field", "County", "Unrestricted"]
    assert admin.cases.funding(case_id) == m.CaseFunding("LSC Basic Field", REASON)


def test_migration_0015_adds_an_empty_reason_to_existing_cases(tmp_path):
    """A case tagged before 0015 keeps its tag and gets an empty reason."""
    conn = connect(tmp_path / "clinic.db", SecretBytes(random_bytes(32)), create=True)
    try:
        migrate.migrate(conn, target=migrate.NAMES.index("0015_funding_exception.sql"))
        cols = [r[1] for r in conn.execute("PRAGMA table_info(cases)")]
        assert "funding_source" in cols and "funding_exception_reason" not in cols
        migrate.migrate(conn)
        row = conn.execute("SELECT dflt_value, \"notnull\" FROM pragma_table_info('cases') "
                           "WHERE name = 'funding_exception_reason'").fetchone()
        assert row == ("''", 1)
    finally:
        conn.close()
