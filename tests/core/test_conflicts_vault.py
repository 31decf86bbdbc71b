"""Conflict checks, clearing and eligibility through the vault: roles, audit, refusal to accept uncleared."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clinic import models as m
from clinic.conflicts.parties import ClearResult, PartyDraft, PartyKind
from clinic.eligibility import income
from clinic.errors import PermissionDenied, ValidationError

ROSA_REF_NAME = "Rosa María García Núñez"  # the template's one client


def _draft(given="Julián", family="Ortega", **kw) -> m.IntakeDraft:
    return m.IntakeDraft(given_names=given, family_name_1=family, date_of_birth=dt.date(1990, 1, 2),
                         needs=(m.Need.HOUSING,), consent_to_store=True, **kw)


def _landlord(name="García Núñez, Rosa", org=False) -> PartyDraft:
    return PartyDraft(PartyKind.ADVERSE, name, "landlord", None, org)


def _audit_text(vault) -> str:
    return "\n".join(" ".join(map(str, r)) for r in vault.conn.execute("SELECT * FROM audit"))


def test_volunteer_is_warned_without_names_attorney_sees_the_match(open_vault):
    """An adverse party matching a client: the volunteer learns only 'possible conflict'; the attorney
    sees the matched client, with a score and reasons; both views are audited by id only."""
    vol = open_vault("volunteer")
    receipt = vol.intakes.record(_draft(adverse_parties=(_landlord(),)))
    assert receipt.possible_conflict
    seen = vol.conflicts.latest(receipt.case_id)
    assert seen.possible_conflict and seen.matches == () and seen.note == ""
    assert "Rosa" not in repr(seen) and "García" not in repr(seen)
    on_demand = vol.conflicts.check_names([("Rosa Garcia", None, False)])
    assert on_demand.possible_conflict and on_demand.matches == ()
    vol.lock()
    att = open_vault("attorney")
    check = att.conflicts.latest(receipt.case_id)
    (match,) = [x for x in check.matches if x.source == "client"]
    assert match.name == ROSA_REF_NAME and match.client_ref.startswith("C-") and match.score >= 60
    assert match.checked_name == "García Núñez, Rosa" and "partial_name" in match.reasons
    text = _audit_text(att)
    assert text.count("conflict.check") >= 2 and text.count("conflict.view") == 2
    assert "Rosa" not in text and "García" not in text and "Garcia" not in text


def test_an_unrelated_intake_has_no_conflict(open_vault):
    """A person sharing nothing with the vault gets no warning."""
    receipt = open_vault("volunteer").intakes.record(_draft("Aurelio", "Zambrano"))
    assert not receipt.possible_conflict


def test_a_stop_between_the_save_and_its_check_is_checked_at_the_next_unlock(open_vault, monkeypatch):
    """The intake commits first and its check runs in a second transaction: killed in between, the intake
    is kept, the case cannot be accepted, and the next unlock runs the check it missed (then no more)."""
    from clinic.conflicts.service import Conflicts

    vol = open_vault("volunteer")
    stop = RuntimeError("the app stopped between the two commits")

    def stopped(self, case_id):
        raise stop

    monkeypatch.setattr(Conflicts, "run_check_at_save", stopped)
    with pytest.raises(RuntimeError):
        vol.intakes.record(_draft(adverse_parties=(_landlord(),)))
    monkeypatch.undo()
    (case_id,) = [r[0] for r in vol.conn.execute("SELECT id FROM cases WHERE client_id = "
                                                 "(SELECT id FROM clients WHERE family_name_1 = 'Ortega')")]
    assert vol.conflicts.latest(case_id) is None
    vol.lock()
    att = open_vault("attorney")
    with pytest.raises(PermissionDenied):
        att.cases.set_status(case_id, m.CaseStatus.ACCEPTED, "Eligible")
    check = att.conflicts.latest(case_id)
    assert check is not None and check.possible_conflict and check.matches
    assert att.conflicts.run_pending() == 0


def test_a_save_that_leaves_its_check_for_later_is_checked_once_by_whoever_comes_first(open_vault):
    """`record(check_later=True)` commits the intake and only marks the case; the form's worker then runs
    the check (once: asking again says nothing); a volunteer learns only whether it found something."""
    vol = open_vault("volunteer")
    receipt = vol.intakes.record(_draft(adverse_parties=(_landlord(),)), check_later=True)
    assert receipt.check_pending and not receipt.possible_conflict
    assert vol.conflicts.latest(receipt.case_id) is None  # not run yet, and so the case cannot be accepted
    assert vol.conflicts.finish_check_at_save(receipt.case_id) is True
    assert vol.conflicts.finish_check_at_save(receipt.case_id) is None  # done: not run again
    seen = vol.conflicts.latest(receipt.case_id)
    assert seen.possible_conflict and seen.matches == ()
    plain = vol.intakes.record(_draft(given="Zebulon", family="Quarrington"), check_later=True)
    assert vol.conflicts.finish_check_at_save(plain.case_id) is False
    assert vol.conflicts.finish_check_at_save(receipt.case_id - 10_000) is None  # no such mark: silent


def test_a_check_left_for_later_that_never_ran_runs_at_the_next_unlock(open_vault):
    """The form never got to its worker (closed, locked): the mark stays and the next unlock runs it."""
    vol = open_vault("volunteer")
    receipt = vol.intakes.record(_draft(adverse_parties=(_landlord(),)), check_later=True)
    vol.lock()
    att = open_vault("attorney")
    check = att.conflicts.latest(receipt.case_id)
    assert check is not None and check.possible_conflict and check.matches
    assert att.conflicts.finish_check_at_save(receipt.case_id) is None


def test_accepting_needs_a_cleared_check_and_again_after_parties_change(open_vault):
    """No cleared check: refused. Cleared: accepted. A new party: the clearance no longer counts."""
    receipt = open_vault("volunteer").intakes.record(_draft())
    att = open_vault("attorney")
    with pytest.raises(PermissionDenied):
        att.cases.set_status(receipt.case_id, m.CaseStatus.ACCEPTED, "Eligible")
    with pytest.raises(ValidationError):
        att.conflicts.clear(receipt.case_id, ClearResult.WAIVED, "  ")
    cleared = att.conflicts.clear(receipt.case_id, ClearResult.NO_CONFLICT)
    assert cleared.result is ClearResult.NO_CONFLICT and cleared.cleared_by == att.user.id
    assert cleared.cleared_at is not None
    assert att.cases.set_status(receipt.case_id, m.CaseStatus.ACCEPTED, "Eligible").status \
        is m.CaseStatus.ACCEPTED
    att.cases.set_status(receipt.case_id, m.CaseStatus.OPEN, "Reopened for review")
    recheck = att.conflicts.add_party(receipt.case_id, _landlord("Inmobiliaria Sol, S.A.", org=True))
    assert recheck.result is None and recheck.current
    with pytest.raises(PermissionDenied):
        att.cases.set_status(receipt.case_id, m.CaseStatus.ACCEPTED, "Eligible")
    assert [p.name for p in att.conflicts.parties(receipt.case_id)] == ["Inmobiliaria Sol, S.A."]


def test_a_conflict_rejected_check_blocks_acceptance(open_vault):
    """Cleared as 'conflict: rejected' with a reason, the case cannot be accepted."""
    receipt = open_vault("volunteer").intakes.record(_draft(adverse_parties=(_landlord(),)))
    att = open_vault("attorney")
    att.conflicts.check_case(receipt.case_id)
    att.conflicts.clear(receipt.case_id, ClearResult.REJECTED, "We represent the landlord.")
    with pytest.raises(PermissionDenied):
        att.cases.set_status(receipt.case_id, m.CaseStatus.ACCEPTED, "Eligible")
    att.cases.set_status(receipt.case_id, m.CaseStatus.REJECTED, "Conflict of interest",
                         rejection_reason="conflict_of_interest")


@pytest.mark.parametrize("role", ["volunteer", "coordinator"])
def test_only_attorneys_clear(open_vault, role):
    """Volunteers and coordinators cannot record a clearance."""
    receipt = open_vault("volunteer").intakes.record(_draft())
    with pytest.raises(PermissionDenied):
        open_vault(role).conflicts.clear(receipt.case_id, ClearResult.NO_CONFLICT)


def test_coordinator_sees_the_matches(open_vault):
    """Coordinators see matched records, as attorneys do."""
    receipt = open_vault("volunteer").intakes.record(_draft(household_members=(
        PartyDraft(PartyKind.HOUSEHOLD, "Rosa Garcia Nunez", "sibling", dt.date(1979, 5, 2)),)))
    check = open_vault("coordinator").conflicts.latest(receipt.case_id)
    assert [x.name for x in check.matches if x.source == "client"] == [ROSA_REF_NAME]
    assert "same_dob" in check.matches[0].reasons


def test_a_party_on_one_case_is_found_from_another(open_vault):
    """The landlord named by one client is found when the next intake is that landlord (or a variant)."""
    vol = open_vault("volunteer")
    vol.intakes.record(_draft(adverse_parties=(_landlord("Rentas del Valle LLC", org=True),)))
    second = vol.intakes.record(_draft("Marisol", "Quintana",
                                       adverse_parties=(_landlord("RENTAS DEL VALLE, INC.", org=True),)))
    assert second.possible_conflict
    check = open_vault("attorney").conflicts.latest(second.case_id)
    assert [x.source for x in check.matches] == ["adverse"] and "organisation" in check.matches[0].reasons


def test_bad_parties_are_refused_with_the_field(open_vault):
    """An empty party name or an organisation as a household member is refused, field named."""
    vol = open_vault("volunteer")
    with pytest.raises(ValidationError) as e:
        vol.intakes.record(_draft(adverse_parties=(_landlord("  "),)))
    assert e.value.field == "party_name"
    with pytest.raises(ValidationError) as e:
        vol.intakes.record(_draft(household_members=(PartyDraft(PartyKind.HOUSEHOLD, "ACME", "", None, True),)))
    assert e.value.field == "party_kind"


def test_eligibility_is_stored_with_its_table_year_and_survives_a_new_table(open_vault):
    """Income lines and % of guideline are stored with the year used; loading a new table changes nothing."""
    vol = open_vault("volunteer")
    lines = (income.line("wages", 2750, "month"),)
    receipt = vol.intakes.record(_draft(household_size=4, income=lines))
    vol.lock()
    admin = open_vault("admin")
    stored_lines, result = admin.eligibility.for_intake(receipt.intake_id)
    year = admin.eligibility.assess(lines, household_size=4, on=dt.date.today()).table_year
    assert stored_lines == list(lines) and result.annual_income == Decimal("33000.00")
    assert result.table_year == year and result.household_size == 4
    admin.eligibility.load_table_csv(
        "year,effective,region,base,per_additional,source\n"
        f"{year},2000-01-01,contiguous,10000,1000,test table\n{year},2000-01-01,alaska,10000,1000,test table\n"
        f"{year},2000-01-01,hawaii,10000,1000,test table\n")
    assert admin.eligibility.for_intake(receipt.intake_id)[1] == result
    assert admin.eligibility.assess(lines, household_size=4, on=dt.date.today()).guideline == 13000
    with pytest.raises(PermissionDenied):
        open_vault("attorney").eligibility.load_table_csv("x")
