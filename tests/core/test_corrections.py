"""Issue 14: correcting a client's details and a case's deadlines after intake, with history and roles."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from clinic import models as m
from clinic.errors import PermissionDenied, ValidationError
from clinic.storage import audit


def _case_id(vault, client_id):
    return vault.clients.get(client_id).cases[0].id


def test_a_coordinator_corrects_a_name_and_phone_and_the_history_keeps_the_old_values(open_vault, template):
    v = open_vault("coordinator")
    old = v.clients.get(template.sample_id).client
    new = dataclasses.replace(m.ClientDetails.of(old), family_name_2="Nuñez Ortega",
                              phones=(m.Phone("+1 213 555 0123", label="casa"),), date_of_birth=dt.date(1979, 5, 3))
    client = v.clients.update(template.sample_id, new)
    assert client.family_name_2 == "Nuñez Ortega" and client.phones[0].number == "+1 213 555 0123"
    assert client.date_of_birth == dt.date(1979, 5, 3) and client.given_names == "Rosa María"
    history = {c.field: c for c in v.clients.history(template.sample_id)}
    assert set(history) == {"family_name_2", "phones", "date_of_birth"}
    assert history["family_name_2"].old_value == "Núñez" and history["family_name_2"].new_value == "Nuñez Ortega"
    assert "+1 213 555 0199" in history["phones"].old_value and history["date_of_birth"].old_value == "1979-05-02"
    assert history["phones"].by_name == template.name("coordinator")
    # Search and the conflict index follow the new name; the audit names ids only.
    assert [r.id for r in v.clients.search("Ortega")] == [template.sample_id]
    assert [r.id for r in v.clients.search("5550123")] == [template.sample_id]
    _id, _at, _actor, action, target, detail = audit.recent(v.conn, 1)[0]
    assert action == "client.edit" and target == f"client:{template.sample_id}"
    assert "Ortega" not in detail and "555" not in detail and "Núñez" not in detail
    assert v.verify().ok


def test_an_unchanged_save_writes_no_history(open_vault, template):
    v = open_vault("attorney")
    old = v.clients.get(template.sample_id).client
    v.clients.update(template.sample_id, m.ClientDetails.of(old))
    assert v.clients.history(template.sample_id) == []


def test_a_volunteer_cannot_correct_a_client(open_vault, template):
    v = open_vault("volunteer")
    with pytest.raises(PermissionDenied):
        v.clients.update(template.sample_id, m.ClientDetails("Rosa", "García"))


def test_a_correction_uses_the_intake_rules_and_changes_nothing_when_refused(open_vault, template):
    v = open_vault("admin")
    for bad, field in (({"given_names": ""}, "given_names"), ({"family_name_1": "a\u202eb"}, "family_name_1"),
                       ({"date_of_birth": dt.date(2999, 1, 1)}, "date_of_birth"),
                       ({"phones": (m.Phone("call me"),)}, "phone")):
        details = dataclasses.replace(m.ClientDetails.of(v.clients.get(template.sample_id).client), **bad)
        with pytest.raises(ValidationError) as err:
            v.clients.update(template.sample_id, details)
        assert err.value.field == field
    assert v.clients.get(template.sample_id).client.given_names == "Rosa María"
    assert v.clients.history(template.sample_id) == []


def test_an_attorney_adds_and_moves_a_hearing_and_the_queue_follows(open_vault, template):
    v = open_vault("attorney")
    case_id = _case_id(v, template.sample_id)
    hearing = v.cases.add_deadline(case_id, m.DeadlineDraft(m.DeadlineKind.HEARING, dt.date(2027, 3, 9),
                                                             "Master calendar, courtroom 4"))
    assert v.cases.get(case_id).next_date == dt.date(2027, 3, 9)
    v.cases.add_deadline(case_id, m.DeadlineDraft(m.DeadlineKind.CHECK_IN, dt.date(2027, 1, 15)))
    assert v.cases.get(case_id).next_date == dt.date(2027, 1, 15)
    moved = v.cases.edit_deadline(hearing.id, dataclasses.replace(
        m.DeadlineDraft(hearing.kind, hearing.due_date, hearing.note), due_date=dt.date(2027, 1, 5)))
    assert moved.due_date == dt.date(2027, 1, 5) and v.cases.get(case_id).next_date == dt.date(2027, 1, 5)
    v.cases.edit_deadline(hearing.id, m.DeadlineDraft(moved.kind, moved.due_date, moved.note, done=True))
    assert v.cases.get(case_id).next_date == dt.date(2027, 1, 15)
    assert [d.kind for d in v.cases.deadlines(case_id)] == [m.DeadlineKind.CHECK_IN, m.DeadlineKind.HEARING]
    changes = [c for c in v.clients.history(template.sample_id) if c.target == f"deadline:{hearing.id}"]
    assert ("due_date", "2027-03-09", "2027-01-05") in [(c.field, c.old_value, c.new_value) for c in changes]
    assert ("done", "no", "yes") in [(c.field, c.old_value, c.new_value) for c in changes]
    detail = audit.recent(v.conn, 1)[0][5]
    assert "2027" not in detail and "courtroom" not in detail


def test_the_date_given_at_intake_is_kept_as_the_first_deadline(open_vault, template):
    v = open_vault("attorney")
    case_id = _case_id(v, template.sample_id)
    with v.conn:  # the template's intake gave no date: give the case one, as an intake would have
        v.conn.execute("UPDATE cases SET next_date = '2027-02-01' WHERE id = ?", (case_id,))
    v.cases.add_deadline(case_id, m.DeadlineDraft(m.DeadlineKind.HEARING, dt.date(2027, 5, 1)))
    assert [d.due_date for d in v.cases.deadlines(case_id)] == [dt.date(2027, 2, 1), dt.date(2027, 5, 1)]
    assert v.cases.get(case_id).next_date == dt.date(2027, 2, 1)


@pytest.mark.parametrize("role", ["volunteer", "coordinator"])
def test_only_attorneys_and_admins_change_deadlines(open_vault, template, role):
    case_id = _case_id(open_vault("admin"), template.sample_id)
    v = open_vault(role)
    with pytest.raises(PermissionDenied):
        v.cases.add_deadline(case_id, m.DeadlineDraft(m.DeadlineKind.HEARING, dt.date(2027, 3, 9)))


def test_a_deadline_needs_a_real_kind_and_a_plausible_date(open_vault, template):
    v = open_vault("attorney")
    case_id = _case_id(v, template.sample_id)
    with pytest.raises(ValidationError) as err:
        v.cases.add_deadline(case_id, m.DeadlineDraft("court", dt.date(2027, 3, 9)))
    assert err.value.field == "deadline_kind"
    with pytest.raises(ValidationError) as err:
        v.cases.add_deadline(case_id, m.DeadlineDraft(m.DeadlineKind.HEARING, dt.date(1027, 3, 9)))
    assert err.value.field == "due_date"
    assert v.cases.deadlines(case_id) == []


def test_a_detained_relatives_name_facility_and_hearing_have_a_sealed_place(open_vault, template):
    """Issue 14: they had nowhere to go. A volunteer can write them at intake and never read them back."""
    import dataclasses as dc

    from tests.fixtures.core import sample_draft

    details = "Juan Pérez, A-201-555-999, held at Adelanto; bond hearing 2027-01-12"
    volunteer = open_vault("volunteer")
    receipt = volunteer.intakes.record(dc.replace(sample_draft(), given_names="Elena", family_name_1="Ruiz",
                                                  sealed={m.SealedField.DETAINED_RELATIVE: details}))
    with pytest.raises(PermissionDenied):
        volunteer.sealed.reveal(receipt.client_id)
    assert open_vault("attorney").sealed.reveal(receipt.client_id)[m.SealedField.DETAINED_RELATIVE] == details
    assert volunteer.clients.lookup("Adelanto") == []  # never indexed
