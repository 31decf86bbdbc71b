"""A ValidationError's path names the exact input at fault, position included (issue 8 item 4)."""

from __future__ import annotations

import datetime as dt

import pytest

from clinic import models as m
from clinic.clients import details as client_details
from clinic.clients import intake as intake_rules
from clinic.conflicts.parties import PartyDraft, PartyKind
from clinic.errors import UserError, ValidationError

GOOD = m.Phone("+1 323 555 0100")
BAD = m.Phone("call me maybe")


def _draft(**changes) -> m.IntakeDraft:
    return m.IntakeDraft(given_names="Ana", family_name_1="Ruiz", consent_to_store=True, **changes)


def _refusal(draft: m.IntakeDraft) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        intake_rules.validate(draft)
    return err.value


def test_without_a_position_the_path_is_the_field():
    assert ValidationError("given_names", "x").path == "given_names"
    assert UserError("x").path == ""


@pytest.mark.parametrize("i", range(m.MAX_PHONES))
def test_a_bad_phone_is_named_by_its_position(i):
    phones = [GOOD] * m.MAX_PHONES
    phones[i] = BAD
    err = _refusal(_draft(phones=tuple(phones)))
    assert (err.field, err.path) == ("phone", f"phones[{i}].number")
    phones[i] = m.Phone("+1 323 555 0100", label="x" * (m.MAX_NAME + 1))
    assert _refusal(_draft(phones=tuple(phones))).path == f"phones[{i}].label"


def test_every_bad_phone_is_listed_at_once_each_at_its_position():
    found = intake_rules.problems(_draft(phones=(BAD, GOOD, m.Phone("1\x00"), GOOD)))
    assert [e.path for e in found] == ["phones[0].number", "phones[2].number"]


@pytest.mark.parametrize("field", list(m.SealedField), ids=str)
def test_a_bad_sealed_value_is_named_by_its_field(field):
    err = _refusal(_draft(sealed={m.SealedField.PRIVILEGED_NOTES: "fine", field: "A1\x00"}))
    assert (err.field, err.path) == ("sealed", f"sealed.{field.value}")


def test_two_bad_sealed_values_are_both_listed():
    found = intake_rules.problems(_draft(sealed={m.SealedField.A_NUMBER: "\x00", m.SealedField.PRIVILEGED_NOTES: "ok",
                                                 m.SealedField.CRIMINAL_HISTORY: "\x07"}))
    assert sorted(e.path for e in found) == ["sealed.a_number", "sealed.criminal_history"]


@pytest.mark.parametrize("i", range(3))
def test_a_bad_party_is_named_by_its_list_position_and_attribute(i):
    parties = [PartyDraft(PartyKind.ADVERSE, f"Rentas {n}") for n in range(3)]
    parties[i] = PartyDraft(PartyKind.ADVERSE, "  ")
    err = _refusal(_draft(adverse_parties=tuple(parties)))
    assert (err.field, err.path) == ("party_name", f"adverse_parties[{i}].name")
    parties[i] = PartyDraft(PartyKind.ADVERSE, "Rentas", "x" * 61)
    assert _refusal(_draft(adverse_parties=tuple(parties))).path == f"adverse_parties[{i}].relationship"
    members = [PartyDraft(PartyKind.HOUSEHOLD, "Luis")] * 3
    members[i] = PartyDraft(PartyKind.HOUSEHOLD, "Luis", "", dt.date(2999, 1, 1))
    assert _refusal(_draft(household_members=tuple(members))).path == f"household_members[{i}].date_of_birth"
    members[i] = PartyDraft(PartyKind.HOUSEHOLD, "ACME", "", None, True)
    err = _refusal(_draft(household_members=tuple(members)))
    assert (err.field, err.path) == ("party_kind", f"household_members[{i}].kind")


def test_a_party_checked_alone_is_named_by_its_field():
    with pytest.raises(ValidationError) as err:
        intake_rules.check_party(PartyDraft(PartyKind.ADVERSE, ""))
    assert err.value.path == "party_name"


def test_intake_json_names_the_phone_party_and_income_line_at_fault():
    base = {"given_names": "Ana", "family_names": "Ruiz"}
    cases = {
        # "phone" comes first in the draft, so the list's first item is phones[1]
        "phones[2]": {"phone": "555 0100", "phones": [{"number": "555 0101"}, {"number": "555 0102", "x": 1}]},
        "phones[1].number": {"phones": [{"number": "555 0101"}, {"number": "nope"}]},
        "adverse_parties[1]": {"adverse_parties": [{"name": "A"}, {"name": "B", "age": 3}]},
        "household_members[0].date_of_birth": {"household_members": [{"name": "A", "date_of_birth": "2020-13-01"}]},
        "income[1]": {"household_size": 2, "income": [{"amount": 10}, {"amount": True}]},
        "sealed.a_number": {"sealed": {"a_number": 7}},
    }
    for path, extra in cases.items():
        with pytest.raises(ValidationError) as err:
            intake_rules.draft_from_json(base | extra)
        assert err.value.path == path, extra


def test_a_client_correction_names_the_phone_at_its_position():
    details = m.ClientDetails(given_names="Ana", family_name_1="Ruiz", family_name_2="", preferred_name="",
                              date_of_birth=None, phones=(GOOD, BAD), address="", language="es",
                              interpreter_needed=False)
    assert [e.path for e in client_details.problems(details)] == ["phones[1].number"]
