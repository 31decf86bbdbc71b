"""Deadlines at a glance: own cases for attorneys, everyone's for a supervising attorney; soonest first,
overdue marked, done and ended cases left out; the role rules are the core's."""

from __future__ import annotations

import datetime as dt

import pytest

from clinic import models as m
from clinic.clock import frozen
from clinic.conflicts.parties import ClearResult
from clinic.errors import PermissionDenied, ValidationError

TODAY = dt.date(2026, 3, 10)


def _case(open_vault, family: str, next_date: dt.date | None = None) -> int:
    return open_vault("volunteer").intakes.record(m.IntakeDraft(
        given_names="Rosa", family_name_1=family, needs=(m.Need.IMMIGRATION,), consent_to_store=True,
        next_date=next_date)).case_id


@pytest.fixture
def vaults(open_vault):
    with frozen(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)):
        att, admin = open_vault("attorney"), open_vault("admin")
        mine = _case(open_vault, "Alvarado", next_date=TODAY + dt.timedelta(days=20))
        theirs = _case(open_vault, "Benítez")
        ended = _case(open_vault, "Cisneros")
        att.cases.assign(mine, att.user.id)
        att.cases.assign(ended, att.user.id)
        att.cases.assign(theirs, admin.user.id)
        att.cases.add_deadline(mine, m.DeadlineDraft(m.DeadlineKind.HEARING, TODAY + dt.timedelta(days=3)))
        att.cases.add_deadline(mine, m.DeadlineDraft(m.DeadlineKind.FILING, TODAY - dt.timedelta(days=2),
                                                     "Answer"))
        att.cases.add_deadline(mine, m.DeadlineDraft(m.DeadlineKind.CHECK_IN, TODAY - dt.timedelta(days=9),
                                                     done=True))
        att.cases.add_deadline(theirs, m.DeadlineDraft(m.DeadlineKind.CHECK_IN, TODAY + dt.timedelta(days=1)))
        att.cases.add_deadline(ended, m.DeadlineDraft(m.DeadlineKind.HEARING, TODAY + dt.timedelta(days=2)))
        att.cases.set_status(ended, m.CaseStatus.CLOSED, "Resolved", closure_category="B")
        yield att, admin, {"mine": mine, "theirs": theirs, "ended": ended}


def test_an_attorney_sees_own_cases_soonest_first_with_overdue_marked(vaults):
    """Done dates and closed cases are left out; the intake's date became the first entry; overdue first."""
    att, _admin, ids = vaults
    with frozen(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)):
        rows = att.deadlines.upcoming()
    assert [(r.case_id, r.kind, (r.due_date - TODAY).days, r.overdue) for r in rows] == [
        (ids["mine"], m.DeadlineKind.FILING, -2, True),
        (ids["mine"], m.DeadlineKind.HEARING, 3, False),
        (ids["mine"], m.DeadlineKind.OTHER, 20, False),
    ]
    assert rows[0].client_name == "Rosa Alvarado" and rows[0].note == "Answer" and rows[0].client_ref


def test_within_days_cuts_the_list(vaults):
    """within_days=5 keeps the overdue and the next five days only."""
    att, _admin, _ids = vaults
    with frozen(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)):
        assert len(att.deadlines.upcoming(within_days=5)) == 2


def test_everyone_needs_a_supervising_attorney(vaults):
    """An attorney asking for everyone's is refused until an admin makes them supervising; an admin may."""
    att, admin, ids = vaults
    with pytest.raises(PermissionDenied):
        att.deadlines.upcoming(everyone=True)
    assert admin.deadlines.may_see_everyone()
    assert {r.case_id for r in admin.deadlines.upcoming(everyone=True)} == {ids["mine"], ids["theirs"]}
    admin.deadlines.set_supervising(att.user.id, True)
    assert att.deadlines.may_see_everyone()
    assert ids["theirs"] in {r.case_id for r in att.deadlines.upcoming(everyone=True)}
    admin.deadlines.set_supervising(att.user.id, False)
    with pytest.raises(PermissionDenied):
        att.deadlines.upcoming(everyone=True)


def test_only_admins_choose_supervisors_and_only_attorneys_can_be_one(vaults, open_vault):
    """An attorney cannot make themselves supervising; a coordinator cannot be made one."""
    att, admin, _ids = vaults
    with pytest.raises(PermissionDenied):
        att.deadlines.set_supervising(att.user.id, True)
    with pytest.raises(ValidationError):
        admin.deadlines.set_supervising(open_vault("coordinator").user.id, True)


@pytest.mark.parametrize("role", ["volunteer", "coordinator"])
def test_other_roles_get_no_deadlines_list(open_vault, role):
    """The list is for attorneys (REVIEW_CASES): others are refused by the core."""
    with pytest.raises(PermissionDenied):
        open_vault(role).deadlines.upcoming()


def test_a_cleared_and_accepted_case_still_lists(vaults):
    """Accepted is open work: its dates stay in the list."""
    att, _admin, ids = vaults
    att.conflicts.clear(ids["mine"], ClearResult.NO_CONFLICT)
    att.cases.set_status(ids["mine"], m.CaseStatus.ACCEPTED, "Eligible")
    with frozen(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)):
        assert len(att.deadlines.upcoming()) == 3


def test_the_cli_lists_own_deadlines_and_an_admin_makes_a_supervisor(vaults, run_cli, home):
    """`deadlines --json` as the attorney; `--all` refused until `deadlines --supervisor NAME` by the admin."""
    import json

    from tests.fixtures.core import STAFF

    run = run_cli("deadlines", "--json", home=home, role="attorney")
    assert run.returncode == 0, run.stderr
    assert {r["client_name"] for r in json.loads(run.stdout)} == {"Rosa Alvarado"}
    refused = run_cli("deadlines", "--all", home=home, role="attorney")
    assert refused.returncode != 0 and "supervising attorney" in refused.stderr and "Traceback" not in refused.stderr
    made = run_cli("deadlines", "--supervisor", STAFF["attorney"][0], home=home, role="admin")
    assert made.returncode == 0, made.stderr
    run = run_cli("deadlines", "--all", home=home, role="attorney")
    assert run.returncode == 0 and "Benítez" in run.stdout
