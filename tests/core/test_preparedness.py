"""Preparedness plans in the vault: stored field for field, role rules, audit, renewals and the 18th birthday."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from clinic import clock
from clinic.errors import NotFound, PermissionDenied, ValidationError
from clinic.preparedness import model
from clinic.storage import audit
from tests.fixtures.core import sample_draft
from tests.fixtures.preparedness_sample import readme_plan

TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def plan() -> model.Plan:
    return model.from_json(readme_plan())


def test_a_plan_set_comes_back_field_for_field(open_vault, template, plan):
    """Every value of the README's plan is read back unchanged, and JSON round-trips exactly."""
    vault = open_vault("coordinator")
    vault.plans.set(template.sample_ref, plan)
    back = vault.plans.get(template.sample_ref)
    assert back == plan
    assert model.from_json(json.loads(json.dumps(model.to_json(back)))) == back
    assert {k: v for k, v in model.to_json(back).items() if k in readme_plan()}.keys() == readme_plan().keys()


def test_a_client_without_a_plan_has_an_empty_one_and_cannot_print(open_vault, template):
    """Before a plan is set, `get` gives an empty plan and printing says there is none."""
    vault = open_vault("attorney")
    assert vault.plans.get(template.sample_ref) == model.Plan()
    with pytest.raises(NotFound):
        vault.plans.print(template.sample_ref, what="packet", lang="es")


def test_the_plan_is_stored_inside_the_encrypted_database(open_vault, template, home, plan):
    """The plan's text is nowhere in the vault's files in the clear (SQLCipher encrypts it)."""
    vault = open_vault("admin")
    vault.plans.set(template.sample_ref, plan)
    vault.plans.print(template.sample_ref, what="packet", lang="en")
    vault.lock()
    needles = ["Lucía Núñez".encode(), b"D1234567", b"cacahuate", b"Caja azul"]
    for path in home.path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [n for n in needles if n in data], path.name


def test_an_immigration_status_has_no_place_in_a_plan():
    """JSON carrying a status or an A-number, at the top or inside a person, is refused naming the field."""
    for bad in ({"immigration_status": "x"}, {"a_number": "A1"},
                {"primary_caregiver": {"name": "L", "immigration_status": "x"}},
                {"children": [{"name": "S", "a_number": "A1"}]}):
        with pytest.raises(ValidationError) as err:
            model.from_json(bad)
        assert "immigration_status" in err.value.message or "a_number" in err.value.message


@pytest.mark.parametrize("data, field", [
    ({"children": [{"name": ""}]}, "children[0].name"),
    ({"children": [{"name": "S", "date_of_birth": "2015-02-30"}]}, "children[0].date_of_birth"),
    ({"children": [{"name": "S", "date_of_birth": "2999-01-01"}]}, "children[0].date_of_birth"),
    ({"primary_caregiver": {"name": "L", "date_of_birth": "2015-01-01"}}, "primary_caregiver.date_of_birth"),
    ({"backup_caregiver": {"qualified_relative": "yes"}}, "backup_caregiver.qualified_relative"),
    ({"affidavit_date": "2026-01-10"}, "affidavit_signed"),
    ({"parents_advised": "maybe"}, "parents_advised"),
    ({"numbers": {"hotline": "1" * 61}}, "numbers.hotline"),
    ({"children_told": "bell\x07"}, "children_told"),
    ({"parents": {"name": "x"}}, "parents"),
    ({"children": [{"name": f"c{i}"} for i in range(13)]}, "children"),
])
def test_bad_plan_json_is_refused_with_the_field_named(data, field):
    """Wrong types, impossible dates, a child caregiver, control characters and oversize are refused."""
    with pytest.raises(ValidationError) as err:
        model.check(model.from_json(data), today=TODAY)
    assert err.value.field == field


def test_setting_and_viewing_a_plan_are_audited_without_its_values(open_vault, template, plan):
    """`plan.set`, `plan.view` and `plan.render` rows name the client by id only."""
    vault = open_vault("admin")
    vault.plans.set(template.sample_ref, plan)
    vault.plans.get(template.sample_ref)
    vault.plans.print(template.sample_ref, what="cards", lang="both")
    vault.plans.record_output(template.sample_ref, "cards", "print")
    rows = audit.recent(vault.conn, 10)
    assert {"plan.set", "plan.view", "plan.render", "plan.print"} <= {r[3] for r in rows}
    text = json.dumps([list(map(str, r)) for r in rows], ensure_ascii=False)
    assert "Lucía" not in text and "213 555" not in text
    assert audit.verify(vault.conn) == []


def test_a_printed_document_is_kept_as_sent(open_vault, template, plan):
    """The latest rendering of each kind is kept in the vault byte for byte, for reprint."""
    vault = open_vault("coordinator")
    vault.plans.set(template.sample_ref, plan)
    printed = vault.plans.print(template.sample_ref, what="affidavit", lang="en", today=TODAY)
    assert printed.pdf.startswith(b"%PDF") and vault.plans.latest(template.sample_ref, "affidavit") == printed.pdf
    assert printed.filename == f"affidavit-{template.sample_ref}.pdf"
    with pytest.raises(NotFound):
        vault.plans.latest(template.sample_ref, "packet")


@pytest.mark.parametrize("role", ["admin", "attorney", "coordinator"])
def test_staff_who_read_client_files_may_read_set_and_print_plans(open_vault, template, plan, role):
    """Admins, attorneys and coordinators read, set and print any client's plan."""
    vault = open_vault(role)
    vault.plans.set(template.sample_ref, plan)
    assert vault.plans.get(template.sample_ref) == plan
    assert vault.plans.print(template.sample_ref, what="packet", lang="es").pdf


def test_a_volunteer_is_refused_a_client_outside_their_own_day(open_vault, template, plan):
    """The template client was recorded by the admin: a volunteer cannot read, set or print their plan."""
    open_vault("admin").plans.set(template.sample_ref, plan)
    vault = open_vault("volunteer")
    for call in (lambda: vault.plans.get(template.sample_ref),
                 lambda: vault.plans.set(template.sample_ref, plan),
                 lambda: vault.plans.print(template.sample_ref, what="cards", lang="es"),
                 lambda: vault.plans.due_for_renewal(TODAY)):
        with pytest.raises(PermissionDenied):
            call()


def test_a_volunteer_may_fill_the_plan_of_a_client_they_just_recorded(open_vault, plan):
    """Within 24 hours of their own intake, a volunteer sets, reads and prints that client's plan."""
    vault = open_vault("volunteer")
    ref = vault.intakes.record(dataclasses.replace(sample_draft(), sealed={}, given_names="Elena")).client_ref
    vault.plans.set(ref, plan)
    assert vault.plans.get(ref) == plan
    assert vault.plans.print(ref, what="cards", lang="both").pdf


def test_a_volunteer_loses_the_plan_when_the_day_is_over(open_vault, plan, monkeypatch):
    """25 hours after their intake, the volunteer's access to that client's plan has ended."""
    vault = open_vault("volunteer")
    ref = vault.intakes.record(dataclasses.replace(sample_draft(), sealed={}, given_names="Elena")).client_ref
    vault.plans.set(ref, plan)
    import clinic.preparedness.plans as plans_module

    later = plans_module.now() + dt.timedelta(hours=25)
    monkeypatch.setattr(plans_module, "now", lambda: later)
    with pytest.raises(PermissionDenied):
        vault.plans.get(ref)


def test_affidavits_older_than_eleven_months_are_listed_for_renewal(open_vault, template, plan):
    """Signed 2026-01-10: not due on 2026-12-09, due on 2026-12-10 (11 months), with the children counted."""
    vault = open_vault("admin")
    vault.plans.set(template.sample_ref, plan)
    assert vault.plans.due_for_renewal(dt.date(2026, 12, 9)) == []
    rows = vault.plans.due_for_renewal(dt.date(2026, 12, 10))
    assert [(r.client_ref, r.affidavit_date, r.renew_by, r.children) for r in rows] == [
        (template.sample_ref, dt.date(2026, 1, 10), dt.date(2026, 12, 10), 2)]


def test_an_unsigned_affidavit_is_never_due(open_vault, template, plan):
    """A plan without a signed affidavit is not on the renewal list, however old."""
    vault = open_vault("admin")
    vault.plans.set(template.sample_ref, dataclasses.replace(plan, affidavit_signed=False, affidavit_date=None))
    assert vault.plans.due_for_renewal(dt.date(2030, 1, 1)) == []


def test_the_clock_is_the_services_to_set(open_vault, template, plan):
    """The one clock (clinic.clock) is what renewals use when no date is given."""
    vault = open_vault("admin")
    vault.plans.set(template.sample_ref, plan)
    with clock.frozen(dt.date(2026, 12, 10)):
        assert len(vault.plans.due_for_renewal()) == 1
    with clock.frozen(dt.date(2026, 6, 1)):
        assert vault.plans.due_for_renewal() == []


def test_a_child_who_turns_18_leaves_the_plan(plan):
    """Mateo (born 2012-09-20) is on the plan the day before his 18th birthday and off it on the day."""
    assert [c.name for c in plan.minors(dt.date(2030, 9, 19))] == ["Sofía García", "Mateo García"]
    assert [c.name for c in plan.minors(dt.date(2030, 9, 20))] == ["Sofía García"]
    assert [c.name for c in plan.grown(dt.date(2030, 9, 20))] == ["Mateo García"]


def test_an_affidavit_names_only_the_children_under_18(open_vault, template, plan):
    """Printed after a child's 18th birthday, the affidavit has one page set fewer; with none left, refused."""
    vault = open_vault("admin")
    vault.plans.set(template.sample_ref, plan)
    from tests.fixtures.pdf import pdf_text

    text = pdf_text(vault.plans.print(template.sample_ref, what="affidavit", lang="en",
                                      today=dt.date(2030, 9, 20)).pdf)
    assert "Sofía García" in text and "Mateo García" not in text
    with pytest.raises(ValidationError):
        vault.plans.print(template.sample_ref, what="affidavit", lang="en", today=dt.date(2034, 1, 1))


def test_months_are_added_to_the_last_day_of_a_short_month():
    """31 January plus one month is 28 February; 29 February 2028 minus 11 months is 29 March 2027."""
    assert model.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert model.add_months(dt.date(2028, 2, 29), -11) == dt.date(2027, 3, 29)
    assert model.add_months(dt.date(2026, 12, 10), -11) == dt.date(2026, 1, 10)


def test_a_locked_vault_refuses_plans(open_vault, template):
    """After lock(), every plan call is refused."""
    vault = open_vault("admin")
    vault.lock()
    with pytest.raises(PermissionDenied):
        vault.plans.get(template.sample_ref)


def test_the_reminder_counts_affidavits_due_and_children_turning_18(open_vault, template, plan):
    """On the clock: Mateo (18 on 2030-09-20) counts from 2030-08-21 to 2030-09-19; the affidavit from
    2026-12-10. Volunteers are refused the counts as they are refused the list."""
    vault = open_vault("coordinator")
    vault.plans.set(template.sample_ref, plan)
    with clock.frozen(dt.date(2026, 12, 9)) as c:
        assert vault.plans.reminder().empty
        c.advance(dt.timedelta(days=1))
        assert (vault.plans.reminder().affidavits_due, vault.plans.reminder().turning_18) == (1, 0)
    for day, turning in ((dt.date(2030, 8, 20), 0), (dt.date(2030, 8, 21), 1), (dt.date(2030, 9, 19), 1),
                         (dt.date(2030, 9, 20), 0)):
        assert vault.plans.reminder(day).turning_18 == turning, day
    vault.lock()
    with pytest.raises(PermissionDenied):
        open_vault("volunteer").plans.reminder()
