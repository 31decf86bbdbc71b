"""The conflict check's candidates at scale: bounded, the likeliest records first, and an overflow said aloud.

A vault with more people sharing a checked name's surnames than the check examines (the limit lowered
here, as it is hit at a million clients with the real one): the true match is still found, and the result
says there were more possible matches than shown. Inserted last, the true match is the one an unordered
`LIMIT` over the key index drops (it returns the lowest record ids first)."""

from __future__ import annotations

import datetime as dt

import pytest

from clinic import models as m
from clinic.conflicts import service
from clinic.conflicts.parties import MORE_CANDIDATES_NOTICE, PartyDraft, PartyKind

DOB = dt.date(1980, 5, 17)
LIMIT = 20
SURNAMES = ("Aguilar", "Benítez", "Cabrera", "Delgado", "Escobar", "Fuentes", "Guerrero", "Herrera", "Ibarra",
            "Juárez", "Lozano", "Medina", "Navarro", "Ochoa", "Padilla", "Quintero", "Rivas", "Salazar",
            "Trujillo", "Uribe", "Valencia", "Zamora", "Acosta", "Bravo", "Cortés", "Duarte", "Espinoza",
            "Figueroa", "Galindo", "Ibáñez")
GIVEN = ("Ana", "Rosa", "Luz", "Carmen", "Elena", "Sofía", "Lucía", "Marta", "Julia", "Paula", "Inés", "Alicia",
         "Beatriz", "Clara", "Diana", "Eva", "Gloria", "Irene", "Laura", "Noemí", "Olga", "Pilar", "Raquel",
         "Silvia", "Teresa", "Úrsula", "Verónica", "Yolanda", "Zoila", "Adela")


def _person(given: str, family_1: str, family_2: str = "", dob: dt.date | None = None) -> m.IntakeDraft:
    return m.IntakeDraft(given_names=given, family_name_1=family_1, family_name_2=family_2, date_of_birth=dob,
                         needs=(m.Need.HOUSING,), consent_to_store=True)


@pytest.fixture
def crowded(open_vault, monkeypatch):
    """60 women sharing "García López" or "María García" with the checked name (three times the limit),
    then the true records, last: María García López (born DOB), Maria Garsia Lopes (a spelling variant)
    and "Marai García" (a typo in the given name, born DOB: it shares one key only)."""
    monkeypatch.setattr(service, "CANDIDATE_LIMIT", LIMIT)
    monkeypatch.setattr(service, "MIN_PER_NAME", 5)
    vault = open_vault("attorney")
    crowd = [_person(g, "García", "López", dt.date(1950 + i, 1, 1)) for i, g in enumerate(GIVEN)]
    crowd += [_person("María", "García", s, dt.date(1950 + i, 2, 2)) for i, s in enumerate(SURNAMES)]
    vault.intakes.record_many(crowd)
    exact, variant, typo = vault.intakes.record_many([
        _person("María", "García", "López", DOB), _person("Maria", "Garsia", "Lopes"), _person("Marai", "García",
                                                                                            dob=DOB)])
    return vault, exact.client_id, variant.client_id, typo.client_id


def test_an_exact_match_of_a_common_name_is_found_and_the_overflow_is_reported(crowded):
    """With three times the limit sharing the surnames, the exact match and the spelling variant come first
    (they share every key), and the check says more matched than it shows."""
    vault, exact, variant, _typo = crowded
    check = vault.conflicts.check_names([("María García López", None, False)])
    assert check.more_candidates and check.possible_conflict
    found = {x.record_id: x for x in check.matches if x.source == "client"}
    assert exact in found and variant in found
    assert "same_name" in found[exact].reasons and found[exact].score == 100
    assert {x.record_id for x in check.matches[:2]} == {exact, variant}
    assert len(check.matches) <= LIMIT


def test_the_same_date_of_birth_brings_a_typo_match_sharing_one_key_in(crowded):
    """ "Marai García" shares one key with "María García" where the crowd shares two: without a date of
    birth it is beyond the limit (and the check says there were more); with the date it is examined first."""
    vault, exact, _variant, typo = crowded
    blind = vault.conflicts.check_names([("María García", None, False)])
    assert blind.more_candidates and typo not in {x.record_id for x in blind.matches}
    dated = vault.conflicts.check_names([("María García", DOB, False)])
    by_id = {x.record_id: x for x in dated.matches if x.source == "client"}
    assert typo in by_id and {"typo", "same_dob"} <= set(by_id[typo].reasons)
    assert exact in by_id and "same_dob" in by_id[exact].reasons
    assert dated.more_candidates


def test_a_check_under_the_limit_reports_no_overflow(crowded):
    """A rare name shares keys with fewer records than the limit: no overflow notice."""
    vault, *_ = crowded
    check = vault.conflicts.check_names([("Aurelio Zambrano", None, False)])
    assert not check.more_candidates and not check.possible_conflict


def test_a_stored_check_keeps_the_overflow_for_the_attorney_and_warns_the_volunteer(crowded, open_vault):
    """The check at save is stored with its overflow; the attorney's view says so, a volunteer sees only
    'possible conflict'."""
    vault, exact, *_ = crowded
    receipt = vault.intakes.record(m.IntakeDraft(
        given_names="Julián", family_name_1="Ortega", date_of_birth=dt.date(1991, 3, 4), needs=(m.Need.HOUSING,),
        consent_to_store=True, adverse_parties=(PartyDraft(PartyKind.ADVERSE, "García López, María",
                                                           "landlord"),)))
    assert receipt.possible_conflict
    check = vault.conflicts.latest(receipt.case_id)
    assert check.more_candidates and exact in {x.record_id for x in check.matches}
    vault.lock()
    vol = open_vault("volunteer").conflicts.latest(receipt.case_id)
    assert vol.possible_conflict and vol.matches == ()


def test_the_notice_is_translated():
    """The attorney reads the overflow notice in Spanish too."""
    from clinic import i18n

    assert i18n.translator_for("es").gettext(MORE_CANDIDATES_NOTICE) != MORE_CANDIDATES_NOTICE
