"""A case's funding source: an attorney tags it with one of the configured sources; the funder report reads it."""

from __future__ import annotations

import pytest

from clinic.errors import PermissionDenied, ValidationError
from tests.fixtures.intake import draft


def test_attorney_sets_a_configured_source_and_an_unknown_one_is_refused(open_vault):
    case_id = open_vault("volunteer").intakes.record(draft("Lucía", "Barrientos")).case_id
    att = open_vault("attorney")
    assert att.cases.funding_source(case_id) == ""
    assert att.cases.set_funding_source(case_id, "LSC") == "LSC"
    assert att.cases.funding_source(case_id) == "LSC"
    for wrong in ("Ford Foundation", "lsc", None, 7):
        with pytest.raises(ValidationError) as refused:
            att.cases.set_funding_source(case_id, wrong)
        assert refused.value.field == "funding_source" and "LSC, County, Unrestricted" in refused.value.message
    assert att.cases.funding_source(case_id) == "LSC"  # a refusal changes nothing
    att.cases.set_funding_source(case_id, " County ")
    assert att.cases.funding_source(case_id) == "County"
    att.cases.set_funding_source(case_id, "")
    assert att.cases.funding_source(case_id) == ""
    att.cases.set_funding_source(case_id, "County")
    # The column the funder report reads (migration 0001), and an audit entry with no name in it.
    row = att.session.conn.execute("SELECT funding_source FROM cases WHERE id = ?", (case_id,)).fetchone()
    assert row[0] == "County"
    audit = att.session.conn.execute("SELECT action, target, detail FROM audit WHERE action = "
                                     "'case.funding_source' ORDER BY id").fetchall()
    assert len(audit) == 4 and all("Lucía" not in str(r) for r in audit)


def test_a_volunteer_cannot_tag_a_case(open_vault):
    vol = open_vault("volunteer")
    case_id = vol.intakes.record(draft("Mateo", "Ochoa")).case_id
    with pytest.raises(PermissionDenied):
        vol.cases.set_funding_source(case_id, "LSC")
