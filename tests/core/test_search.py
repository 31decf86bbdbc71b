"""Search: accent- and case-insensitive, and what a person types is always data, never FTS5 syntax."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic import models as m
from clinic.errors import PermissionDenied
from clinic.storage.fts import fts_query

FTS_HOSTILE = ['AND(', '"', '""', '*', 'NEAR', 'NEAR(', '-', '^', ':', '{names}', '{names phones}: x',
               "'); DROP TABLE clients; --", 'a OR b', 'NOT', '(', ')', 'x AND', '"unterminated',
               'names:García', 'García*', '^García', '+', '\\', '\x00', '\ud800', '', '   ', '_', '__', 'ʰ',
               '\u0301', '²', '\u202e', '🙂', 'a' * 5000, ' '.join(['García'] * 200)]


@pytest.fixture(scope="module")
def people(module_vaults):
    """A few clients recorded once for the whole module."""
    vault = module_vaults("admin")
    drafts = {
        "garcia": m.IntakeDraft(given_names="José Ángel", family_name_1="García", family_name_2="Peña",
                                date_of_birth=dt.date(1985, 7, 9), phones=(m.Phone("(323) 555-0177"),),
                                notes="Trabaja en construcción; salario retenido.", consent_to_store=True),
        "or": m.IntakeDraft(given_names="Or", family_name_1="Zzyzx", consent_to_store=True,
                            notes="palabra OR en la nota"),
        "nunez": m.IntakeDraft(given_names="Iñaki", family_name_1="Núñez", consent_to_store=True,
                               sealed={m.SealedField.CRIMINAL_HISTORY: "arresto-secreto-Ω"}),
    }
    return {key: vault.intakes.record(d) for key, d in drafts.items()}


@pytest.mark.parametrize("text", ["garcia", "GARCIA", "García", "gArCíA", "jose angel", "JOSÉ", "pena"])
def test_search_ignores_accents_and_case(module_vaults, people, text):
    """`garcia` finds García, `jose` finds José, `pena` finds Peña, in any case."""
    assert people["garcia"].client_ref in [r.ref for r in module_vaults("coordinator").clients.search(text)]


def test_search_finds_phones_and_notes(module_vaults, people):
    """Staff who review files find a client by phone digits (any formatting) and by words of the notes."""
    vault = module_vaults("coordinator")
    for text in ("3235550177", "(323) 555-0177", "555 0177", "construccion", "salario retenido"):
        assert people["garcia"].client_ref in [r.ref for r in vault.clients.search(text)], text


def test_search_words_are_prefixes_and_all_must_match(module_vaults, people):
    """Every word must match (as a prefix): `garc pen` finds García Peña, `garcia zzyzx` finds nobody."""
    vault = module_vaults("coordinator")
    assert people["garcia"].client_ref in [r.ref for r in vault.clients.search("garc pen")]
    assert vault.clients.search("garcia zzyzx") == []


def test_operators_are_searched_as_words(module_vaults, people):
    """`García OR Zzyzx` is three words, not an OR: nobody has all three, so nothing matches."""
    vault = module_vaults("coordinator")
    assert vault.clients.search("García OR Zzyzx") == []
    assert vault.clients.search("García NOT Peña") == []
    assert [r.ref for r in vault.clients.search("nota OR")] == [people["or"].client_ref]


def test_sealed_values_are_never_found(module_vaults, people):
    """A sealed value is not in the index: searching for it finds nobody."""
    vault = module_vaults("attorney")
    assert vault.clients.search("arresto secreto") == []
    assert [r.ref for r in vault.clients.search("inaki nunez")] == [people["nunez"].client_ref]


@pytest.mark.parametrize("text", FTS_HOSTILE, ids=range(len(FTS_HOSTILE)))
def test_hostile_search_text_never_raises(module_vaults, people, text):
    """FTS5 operators, quotes, NUL, surrogates and huge inputs give a list, never an exception."""
    assert isinstance(module_vaults("coordinator").clients.search(text), list)
    assert isinstance(module_vaults("volunteer").clients.lookup(text), list)
    assert isinstance(module_vaults("coordinator").cases.list(m.CaseFilter(text=text)), list)
    assert isinstance(module_vaults("volunteer").clients.possible_duplicates(
        given_names=text, family_name_1=text), list)


def test_the_match_expression_quotes_every_word():
    """fts_query turns each word into a quoted prefix term; nothing typed survives as syntax."""
    assert fts_query('García" OR *') == '"García"* AND "OR"*'
    assert fts_query("{names}: x", columns=("names",)) == '{names} : ("names"* AND "x"*)'
    assert fts_query('"*^:-()') is None


@given(text=st.text(max_size=200))
def test_any_search_text_never_raises(module_vaults, people, text):
    """Random text to search, lookup and the duplicate hint always returns a list."""
    assert isinstance(module_vaults("coordinator").clients.search(text), list)
    assert isinstance(module_vaults("volunteer").clients.lookup(text), list)
    assert isinstance(module_vaults("volunteer").clients.possible_duplicates(
        given_names=text, family_name_1="García"), list)


def test_phone_digits_typed_together_find_a_formatted_number(module_vaults, people):
    """"5550177", "555-01" and "323555" find "(323) 555-0177"; two other digits find nobody."""
    vault = module_vaults("coordinator")
    for text in ("5550177", "555-01", "323555", "555 0177"):
        assert people["garcia"].client_ref in [r.ref for r in vault.clients.search(text)], text
    assert vault.clients.search("5550188") == []


def test_search_finds_a_client_by_reference_or_its_start(module_vaults, people):
    """The reference as printed, lower case, without the C- or the dash, or its first group finds them."""
    vault = module_vaults("coordinator")
    ref = people["nunez"].client_ref
    for text in (ref, ref.lower(), ref[2:], ref.replace("-", ""), ref[:6], ref[2:8]):
        assert ref in [r.ref for r in vault.clients.search(text)], text


def test_a_broad_prefix_returns_at_most_the_limit(module_vaults, people):
    """One letter typed returns matches up to the limit, never more."""
    vault = module_vaults("coordinator")
    assert 1 <= len(vault.clients.search("g", limit=1)) <= 1
    assert people["garcia"].client_ref in [r.ref for r in vault.clients.search("g")]


def test_more_matches_than_can_be_ranked_still_come_back(module_vaults, people, monkeypatch):
    """Past RANK_CANDIDATES matches the search stops ranking but still returns what matches."""
    from clinic.storage.repos import clients as repos

    monkeypatch.setattr(repos, "RANK_CANDIDATES", 0)
    vault = module_vaults("coordinator")
    assert people["garcia"].client_ref in [r.ref for r in vault.clients.search("garcia", limit=1000)]
    assert people["garcia"].client_ref in [r.ref for r in vault.clients.search("5550177")]


def test_a_search_runs_on_another_thread_through_its_own_connection(open_vault):
    """in_worker opens a connection on the calling thread, searches as the same user, closes it; once
    the vault is locked it refuses."""
    import threading

    from clinic.errors import PermissionDenied

    vault = open_vault("coordinator")
    ref = vault.intakes.record(m.IntakeDraft(given_names="Hilo", family_name_1="Trabajador",
                                             consent_to_store=True)).client_ref
    out = {}

    def work():
        out["refs"] = vault.in_worker(lambda v: [r.ref for r in v.clients.search("trabajador")])

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert out["refs"] == [ref]
    vault.lock()
    with pytest.raises(PermissionDenied):
        vault.in_worker(lambda v: v.clients.search("trabajador"))


@pytest.mark.parametrize("text", ["garcia", "garc pen", "555 0177", "3235550177", "construccion", "García OR Zzyzx",
                                  "zzyzx", "nunez", "arresto", "", "AND(", '"'])
def test_search_one_agrees_with_search_about_one_client(module_vaults, people, text):
    """search_one(text, id) gives the client's row exactly when search(text) lists them (a save's refresh)."""
    vault = module_vaults("coordinator")
    listed = {r.id: r for r in vault.clients.search(text, limit=200)}
    for receipt in people.values():
        assert vault.clients.search_one(text, receipt.client_id) == listed.get(receipt.client_id), receipt.client_ref


def test_search_one_by_reference_and_roles(module_vaults, people):
    """A reference prefix finds by reference only; a volunteer may not ask (as for search)."""
    vault = module_vaults("coordinator")
    ref = people["or"].client_ref
    assert vault.clients.search_one(ref, people["or"].client_id).ref == ref
    assert vault.clients.search_one(ref, people["garcia"].client_id) is None
    with pytest.raises(PermissionDenied):
        module_vaults("volunteer").clients.search_one("garcia", people["garcia"].client_id)
