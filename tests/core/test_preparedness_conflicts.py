"""A plan's children and caregivers are parties for the conflict check: indexed when the plan is saved,
replaced when it changes, gone when the client is forgotten; a volunteer still learns only 'possible'."""

from __future__ import annotations

import dataclasses
import datetime as dt

from clinic.conflicts.parties import PartyDraft, PartyKind
from clinic.preparedness import model
from tests.fixtures.preparedness_sample import readme_plan

CHILD = "Xiomara Quintanilla Ybarra"
CAREGIVER = "Wenceslao Urquidi Zepeda"
BACKUP = "Leocadia Villaseñor Toledo"


def _plan() -> model.Plan:
    plan = model.from_json(readme_plan())
    child = dataclasses.replace(plan.children[0], name=CHILD, date_of_birth=dt.date(2016, 3, 4))
    return dataclasses.replace(
        plan, children=(child, *plan.children[1:]),
        primary_caregiver=dataclasses.replace(plan.primary_caregiver, name=CAREGIVER),
        backup_caregiver=dataclasses.replace(plan.backup_caregiver, name=BACKUP, phone="555-0101"))


def _found(vault, name: str) -> list:
    return [x for x in vault.conflicts.check_names([(name, None, False)]).matches
            if x.source == "household"]


def test_a_check_finds_a_plans_child_and_caregivers_by_name(open_vault, template):
    """After the plan is saved, a check on each person's name matches them, with the plan's client."""
    att = open_vault("attorney")
    for name in (CHILD, CAREGIVER, BACKUP):
        assert _found(att, name) == [], name  # nobody is indexed before the plan exists
    att.plans.set(template.sample_ref, _plan())
    for name in (CHILD, CAREGIVER, BACKUP):
        (match,) = _found(att, name)
        assert match.client_ref == template.sample_ref and match.score >= 60, name
    # The surname order a person types differs; the matcher's own rules still apply.
    assert _found(att, "Quintanilla, Xiomara")


def test_changing_the_plan_replaces_its_people_in_the_index(open_vault, template):
    """A caregiver taken off the plan is no longer found; the new one is; nothing is indexed twice."""
    att = open_vault("attorney")
    att.plans.set(template.sample_ref, _plan())
    att.plans.set(template.sample_ref, _plan())  # saved again unchanged: still one party each
    assert len(_found(att, CAREGIVER)) == 1
    changed = dataclasses.replace(_plan(), backup_caregiver=model.Caregiver(), children=(),
                                  primary_caregiver=model.Caregiver(name="Bartolomé Echeverría Ruiz",
                                                                    phone="555-0199"))
    att.plans.set(template.sample_ref, changed)
    for gone in (CHILD, CAREGIVER, BACKUP):
        assert _found(att, gone) == [], gone
    assert len(_found(att, "Bartolomé Echeverría Ruiz")) == 1
    rows = att.session.conn.execute("SELECT count(*) FROM parties WHERE case_id IS NULL AND intake_id IS NULL"
                                    ).fetchone()[0]
    assert rows == 1


def test_a_volunteer_learns_only_that_there_may_be_a_conflict(open_vault, template):
    """The same role rule as for any party: the volunteer is told 'possible conflict', never who."""
    open_vault("coordinator").plans.set(template.sample_ref, _plan())
    vol = open_vault("volunteer")
    seen = vol.conflicts.check_names([(CAREGIVER, None, False)])
    assert seen.possible_conflict and seen.matches == ()
    assert CAREGIVER not in repr(seen)
    assert not vol.conflicts.check_names([("Anacleto Peñalosa Ibarra", None, False)]).possible_conflict


def test_a_client_does_not_conflict_with_their_own_plan(open_vault, template):
    """The client's own case is checked without their plan's people (they are the client's family)."""
    att = open_vault("attorney")
    att.plans.set(template.sample_ref, _plan())
    client_id = att.clients.id_for(template.sample_ref)
    (case_id,) = att.session.conn.execute("SELECT id FROM cases WHERE client_id = ?", (client_id,)).fetchone()
    check = att.conflicts.add_party(case_id, PartyDraft(PartyKind.HOUSEHOLD, CHILD, "child"))
    assert check.matches == () or all(x.client_ref != template.sample_ref for x in check.matches)
    assert [x for x in check.matches if x.name == CHILD] == []


def test_forgetting_the_client_takes_their_plans_people_out_of_the_index(open_vault, template):
    """Forget removes the plan and, with it, every party and index key it added."""
    from clinic.maintenance import purge

    att = open_vault("attorney")
    att.plans.set(template.sample_ref, _plan())
    assert _found(att, CAREGIVER)
    purge.forget(att, template.sample_ref, reason="a petición de la persona")
    assert _found(att, CAREGIVER) == [] and _found(att, CHILD) == []
    assert att.session.conn.execute("SELECT count(*) FROM parties").fetchone()[0] == 0
