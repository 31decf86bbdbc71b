"""The disclosure vocabulary: which groups a letter may carry and which fields each group yields."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from clinic.letters.disclosure import (
    FIELD_LABELS,
    GROUP_DESCRIPTIONS,
    GROUP_FIELDS,
    GROUP_LABELS,
    SERVICE_LABELS,
    Group,
    Service,
    allowed_groups,
    collect_fields,
)
from clinic.letters.sample import sample_case, sample_client, sample_intake
from clinic.models import Phone, SealedField

ALL = frozenset(Group)
SEALED = {f: f"sealed-{f.value}" for f in SealedField}
FRAGMENT = Path(__file__).resolve().parents[2] / "clinic" / "resources" / "translations" / "es" / "letters.po"


def fields(groups, lang="en", sealed=SEALED, **changes):
    kinds = {"client": sample_client(), "intake": sample_intake(), "case": sample_case()}
    kinds.update(changes)
    return collect_fields(frozenset(groups), sealed_values=sealed, lang=lang, **kinds)


def test_every_service_and_group_has_a_label_and_every_group_a_description():
    """Each service and group has a label, each group a description and a field list."""
    assert set(SERVICE_LABELS) == set(Service)
    assert set(GROUP_LABELS) == set(GROUP_DESCRIPTIONS) == set(GROUP_FIELDS) == set(Group)
    assert all(key in FIELD_LABELS for keys in GROUP_FIELDS.values() for key in keys)


def test_allowed_groups_is_the_intersection_of_profile_and_ticks():
    """A letter carries only groups both in the partner's profile and ticked by the coordinator."""
    profile = frozenset({Group.IDENTITY, Group.CONTACT, Group.NEEDS})
    ticked = frozenset({Group.CONTACT, Group.NEEDS, Group.HOUSEHOLD})
    assert allowed_groups(profile, False, ticked, False) == {Group.CONTACT, Group.NEEDS}
    assert allowed_groups(profile, True, frozenset(), True) == frozenset()


@pytest.mark.parametrize("legal,approved", [(False, False), (False, True), (True, False)])
def test_sealed_needs_a_legal_partner_and_attorney_approval(legal, approved):
    """Sealed is dropped unless the partner is legal representation and an attorney approved."""
    assert Group.SEALED not in allowed_groups(ALL, legal, ALL, approved)


def test_sealed_allowed_for_legal_partner_with_approval_when_profiled_and_ticked():
    """Sealed goes through for a legal partner with approval, if profile and ticks include it."""
    assert Group.SEALED in allowed_groups(ALL, True, ALL, True)
    assert Group.SEALED not in allowed_groups(ALL - {Group.SEALED}, True, ALL, True)
    assert Group.SEALED not in allowed_groups(ALL, True, ALL - {Group.SEALED}, True)


def test_collect_fields_yields_only_the_requested_groups_in_a_fixed_order():
    """Fields come from the requested groups only, ordered by group."""
    got = fields({Group.NEEDS, Group.IDENTITY})
    assert {f.group for f in got} == {Group.IDENTITY, Group.NEEDS}
    order = [f.group for f in got]
    assert order == sorted(order, key=list(Group).index)
    assert [f.key for f in got if f.group is Group.IDENTITY] == list(GROUP_FIELDS[Group.IDENTITY])


def test_sealed_values_are_ignored_unless_the_sealed_group_is_requested():
    """Sealed values passed by mistake never come out without Group.SEALED."""
    got = fields(ALL - {Group.SEALED})
    assert not any(f.value.startswith("sealed-") for f in got)
    sealed = [f for f in fields({Group.SEALED}) if f.group is Group.SEALED]
    assert [f.value for f in sealed] == list(SEALED.values())


def test_empty_values_are_left_out():
    """A blank preferred name, a missing date or an empty sealed value makes no row."""
    client = dataclasses.replace(sample_client(), preferred_name="  ", date_of_birth=None)
    got = fields({Group.IDENTITY, Group.SEALED}, client=client,
                 sealed={SealedField.A_NUMBER: "A-123", SealedField.CRIMINAL_HISTORY: ""})
    keys = [f.key for f in got]
    assert "preferred_name" not in keys and "date_of_birth" not in keys
    assert [f.key for f in got if f.group is Group.SEALED] == ["a_number"]


def test_groups_from_a_missing_intake_or_case_are_empty():
    """Without an intake or a case, their fields are simply absent."""
    got = fields(ALL - {Group.SEALED}, intake=None, case=None)
    assert {f.group for f in got} == {Group.IDENTITY, Group.CONTACT}


def test_phone_safety_is_said_in_words():
    """Each phone carries whether it is safe to call, text or leave a message."""
    client = dataclasses.replace(sample_client(), phones=(
        Phone("555-0101", "home", safe_to_call=False, safe_to_text=True, safe_to_leave_message=True),))
    (phone,) = [f for f in fields({Group.CONTACT}, client=client) if f.key.startswith("phone")]
    assert phone.value == "555-0101 (home): do not call; safe to text; safe to leave a message"
    (phone_es,) = [f for f in fields({Group.CONTACT}, "es", client=client) if f.key.startswith("phone")]
    assert "no llamar" in phone_es.value and phone_es.label == "Teléfono"


def test_labels_dates_and_money_follow_the_language():
    """Spanish fields have Spanish labels, long Spanish dates and US-style dollars."""
    intake = dataclasses.replace(sample_intake(), annual_income=15000)
    client = dataclasses.replace(sample_client(), date_of_birth=dt.date(1990, 1, 31))
    es = {f.key: f for f in fields(ALL, "es", client=client, intake=intake)}
    en = {f.key: f for f in fields(ALL, "en", client=client, intake=intake)}
    assert es["date_of_birth"].label == "Fecha de nacimiento"
    assert es["date_of_birth"].value == "31 de enero de 1990"
    assert en["date_of_birth"].value == "January 31, 1990"
    assert es["annual_income"].value == en["annual_income"].value == "$15,000"
    assert es["annual_income"].label == "Ingreso anual del hogar"
    assert es["a_number"].label != en["a_number"].label


def test_every_marked_string_has_spanish_with_the_same_placeholders():
    """Each string of this module and the letters has a Spanish translation, placeholders intact."""
    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import read_po

    with FRAGMENT.open("rb") as f:
        spanish = {m.id: m.string for m in read_po(f) if m.id}
    root = Path(__file__).resolve().parents[2] / "clinic"
    sources = [root / "letters" / "disclosure.py", *sorted((root / "letters").glob("*.py"))]
    ids = {msg for src in sources
           for _line, msg, _comments, _ctx in extract_from_file(
               "python", src, keywords={"_": None, "N_": None})}
    assert ids, "nothing extracted"
    for msgid in ids:
        assert spanish.get(msgid), f"no Spanish for {msgid!r}"
        placeholders = sorted(re.findall(r"\{\w*\}", msgid))
        assert sorted(re.findall(r"\{\w*\}", spanish[msgid])) == placeholders, msgid
