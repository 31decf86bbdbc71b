"""The demo vault and the synthetic people it is made of (run inside .ci/with-keyring: a real keyring)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from clinic import models as m
from clinic.clients import intake as intake_rules
from clinic.demo.create import DEMO_CLINIC_NAME, DEMO_SEED, DEMO_STAFF, create_demo, staff_member
from clinic.demo.synthetic import drafts, fold
from clinic.errors import ValidationError, VaultExists
from clinic.home import Home
from clinic.vault import Vault

CLIENTS = 40
TODAY = dt.date(2025, 6, 2)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Home, dict]:
    home = Home(tmp_path_factory.mktemp("demo") / "vault")
    calls: list[tuple[int, int]] = []
    made = create_demo(home, clients=CLIENTS, progress=lambda done, total: calls.append((done, total)))
    made["progress_calls"] = calls
    return home, made


def unlock(home: Home, role: m.Role) -> Vault:
    member = staff_member(role)
    return Vault.unlock(home, member.name, member.passphrase)


def test_every_demo_staff_member_unlocks_with_the_documented_passphrase_and_role(demo):
    """Each DEMO_STAFF member unlocks with the published passphrase and holds the published role."""
    home, made = demo
    assert {s.role for s in DEMO_STAFF} == set(m.Role)
    for member in DEMO_STAFF:
        vault = Vault.unlock(home, member.name, member.passphrase)
        try:
            assert vault.user.name == member.name
            assert vault.user.role is member.role
        finally:
            vault.lock()
    assert made["staff"] == {s.name: s.role.value for s in DEMO_STAFF}


def test_settings_mark_the_vault_as_demo(demo):
    """The settings carry the demo flag and the clinic name says DEMO."""
    home, _made = demo
    vault = unlock(home, m.Role.ADMIN)
    try:
        settings = vault.settings.get()
        assert settings.demo is True
        assert settings.name == DEMO_CLINIC_NAME and "DEMO" in settings.name
    finally:
        vault.lock()


def test_every_client_is_marked_demo_and_counted(demo):
    """All clients made are flagged is_demo, and the returned counts match the vault."""
    home, made = demo
    vault = unlock(home, m.Role.COORDINATOR)
    try:
        rows = [row for row, _key in vault.clients.page(None, 500)]
        assert len(rows) == vault.clients.count() == made["clients"] == CLIENTS
        assert all(vault.clients.get(row.id).client.is_demo for row in rows)
    finally:
        vault.lock()
    assert made["intakes"] == CLIENTS + made["returning_clients"]
    assert made["returning_clients"] > 0
    assert made["progress_calls"][-1][0] == made["progress_calls"][-1][1]


def test_search_finds_a_synthetic_name_typed_without_accents(demo):
    """Searching a client's accented name typed without accents finds that client."""
    home, _made = demo
    people = list(drafts(CLIENTS - 3, seed=DEMO_SEED))  # the admin's batch; the volunteer adds 3 more
    person = next(d for d in people if fold(d.family_name_1) != d.family_name_1.casefold())
    typed = fold(f"{person.given_names} {person.family_name_1}")
    vault = unlock(home, m.Role.COORDINATOR)
    try:
        names = [row.display_name for row in vault.clients.search(typed)]
        assert m.display_name(person.given_names, person.family_name_1, person.family_name_2) in names
        assert typed.isascii()
    finally:
        vault.lock()


def test_the_attorney_has_reviewed_cases_with_reasons_and_notes(demo):
    """Some cases are assigned to the attorney, moved with a reason, and carry notes."""
    home, made = demo
    vault = unlock(home, m.Role.ATTORNEY)
    try:
        mine = vault.cases.list(m.CaseFilter(assigned_to=vault.user.id))
        assert mine and len(mine) == made["cases_assigned"]
        moved = [c for c in mine if c.status is not m.CaseStatus.OPEN]
        assert moved
        history = vault.cases.history(moved[0].id)
        assert history[-1].new_status is moved[0].status and history[-1].reason
        assert history[-1].by_name == staff_member(m.Role.ATTORNEY).name
        assert sum(len(vault.cases.notes(c.id)) for c in mine) == made["notes"]
    finally:
        vault.lock()
    assert sum(made["cases_by_status"].values()) == CLIENTS - 3 + made["returning_clients"]


def test_the_volunteer_sees_her_own_recent_intakes(demo):
    """The demo volunteer has a few intakes of her own in her last-24-hours list."""
    home, made = demo
    vault = unlock(home, m.Role.VOLUNTEER)
    try:
        assert len(vault.intakes.mine_recent()) == made["volunteer_intakes"] > 0
    finally:
        vault.lock()


def test_create_demo_refuses_a_folder_that_holds_a_vault(demo):
    """A second demo in the same folder raises VaultExists and changes no file."""
    home, _made = demo
    before = {p.name: p.read_bytes() for p in home.vault_files() if not p.name.endswith(("-wal", "-shm"))}
    with pytest.raises(VaultExists):
        create_demo(home, clients=5)
    after = {p.name: p.read_bytes() for p in home.vault_files() if not p.name.endswith(("-wal", "-shm"))}
    assert after == before


def test_create_demo_refuses_an_impossible_size(tmp_path):
    """A client count out of range is refused before anything is created."""
    home = Home(tmp_path / "vault")
    with pytest.raises(ValidationError):
        create_demo(home, clients=0)
    assert not home.has_vault()


def test_synthetic_drafts_are_deterministic_for_a_seed():
    """The same seed and day give the same drafts, a prefix of a longer run; another seed differs."""
    first = list(drafts(60, seed=11, today=TODAY))
    assert first == list(drafts(60, seed=11, today=TODAY))
    assert first[:25] == list(drafts(25, seed=11, today=TODAY))
    assert first != list(drafts(60, seed=12, today=TODAY))


def test_synthetic_drafts_are_plausible_and_valid():
    """Synthetic intakes pass validation, use fictional phones, and look like a clinic's caseload."""
    people = list(drafts(1000, seed=5, today=TODAY))
    for d in people:
        assert intake_rules.validate(d) is d and d.consent_to_store
        for phone in d.phones:
            assert re.search(r"(323|213|562)\D{0,2}555\D?01\d\d$", phone.number), phone.number
        if d.detained_family_member:
            assert m.Need.DETENTION in d.needs and TODAY < d.next_date <= TODAY + dt.timedelta(days=60)
        if m.SealedField.A_NUMBER in d.sealed:
            assert re.fullmatch(r"A\d{9}", d.sealed[m.SealedField.A_NUMBER])
    needs = [d.needs[0] for d in people]
    assert max(set(needs), key=needs.count) is m.Need.IMMIGRATION
    assert 0.3 < sum(bool(d.sealed) for d in people) / len(people) < 0.5
    assert any(" " in d.family_name_1 for d in people)  # compound names such as "de la Cruz"
    assert any(d.family_name_2 for d in people) and any(not d.family_name_2 for d in people)
    assert any(not d.given_names.isascii() for d in people)
    assert {d.language for d in people} == {"es", "en"}
