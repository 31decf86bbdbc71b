"""Who may see what, enforced in the core; staff management, removal and data-key rotation."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from clinic import models as m
from clinic.errors import PermissionDenied, VaultDamaged, WrongPassphrase
from clinic.keys import recovery
from clinic.keys.keyfile import KeyFile
from clinic.staff.manager import StaffManager
from clinic.storage.db import WrongKey, connect
from clinic.vault import Vault


def _draft(given="Julián", family="Ortega", **kw) -> m.IntakeDraft:
    return m.IntakeDraft(given_names=given, family_name_1=family, date_of_birth=dt.date(1990, 1, 2),
                         phones=(m.Phone("+1 626 555 0123"),), notes="Trabaja en la fábrica textil.",
                         needs=(m.Need.WORKPLACE,), consent_to_store=True, **kw)


def _age_intake(home, data_key, raw_db, intake_id: int, hours: float) -> None:
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)).isoformat(timespec="microseconds")
    with raw_db(home.db, data_key) as conn:
        conn.execute("UPDATE intakes SET recorded_at = ? WHERE id = ?", (at, intake_id))


# ----- volunteers ---------------------------------------------------------------------------------------

def test_volunteer_records_an_intake(open_vault):
    """A volunteer may record intakes; the receipt carries a new client reference."""
    receipt = open_vault("volunteer").intakes.record(_draft())
    assert receipt.new_client and receipt.client_ref.startswith("C-")


def test_volunteer_lookup_shows_only_id_ref_name_dob_and_last_visit(template, open_vault):
    """lookup() returns ClientMatch rows: id, ref, name, date of birth and last visit, nothing else."""
    matches = open_vault("volunteer").clients.lookup("garcia")
    assert [c.ref for c in matches] == [template.sample_ref]
    assert [f.name for f in dataclasses.fields(matches[0])] == [
        "id", "ref", "display_name", "date_of_birth", "last_visit"]
    assert matches[0].display_name == "Rosa María García Núñez"
    assert matches[0].date_of_birth == dt.date(1979, 5, 2) and matches[0].last_visit is not None


def test_volunteer_lookup_does_not_search_phones_or_notes(template, open_vault):
    """A volunteer's lookup matches names only: phone digits and note words find nobody."""
    vault = open_vault("volunteer")
    assert vault.clients.lookup("2135550199") == []
    assert vault.clients.lookup("desalojo") == []
    assert open_vault("coordinator").clients.search("desalojo")  # control: the note is indexed


def test_volunteer_cannot_search_list_or_count(open_vault):
    """search, page (and one page row), count, cases.list and the audit log are refused to a volunteer."""
    vault = open_vault("volunteer")
    for call in (lambda: vault.clients.search("garcia"), lambda: vault.clients.page(), lambda: vault.clients.page_row(1),
                 vault.clients.count, lambda: vault.cases.list(), lambda: vault.settings.audit_log(),
                 lambda: vault.cases.get(1), lambda: vault.staff.attorneys()):
        with pytest.raises(PermissionDenied):
            call()


def test_volunteer_opens_own_recent_intake(open_vault):
    """A volunteer opens the file of an intake they recorded within 24 hours, without cases or notes."""
    vault = open_vault("volunteer")
    receipt = vault.intakes.record(_draft())
    file = vault.clients.get(receipt.client_ref)
    assert [i.id for i in file.intakes] == [receipt.intake_id]
    assert file.cases == () and file.notes == () and file.documents == ()
    assert vault.intakes.get(receipt.intake_id).notes == "Trabaja en la fábrica textil."
    assert [i.id for i, _match in vault.intakes.mine_recent()] == [receipt.intake_id]


def test_volunteer_cannot_open_own_intake_after_24_hours(template, home, open_vault, raw_db):
    """Once the intake is older than 24 hours, the volunteer is refused (file, intake and own list)."""
    vault = open_vault("volunteer")
    receipt = vault.intakes.record(_draft())
    _age_intake(home, template.keys["volunteer"].data_keys[0], raw_db, receipt.intake_id, hours=25)
    with pytest.raises(PermissionDenied):
        vault.clients.get(receipt.client_ref)
    with pytest.raises(PermissionDenied):
        vault.intakes.get(receipt.intake_id)
    assert vault.intakes.mine_recent() == []
    assert open_vault("coordinator").clients.get(receipt.client_ref).intakes  # others still see it


def test_volunteer_cannot_open_someone_elses_intake(template, open_vault):
    """An intake recorded by another staff member (even minutes ago) is refused to a volunteer."""
    other = open_vault("coordinator").intakes.record(_draft(given="Marta"))
    vault = open_vault("volunteer")
    for ref in (template.sample_ref, other.client_ref):
        with pytest.raises(PermissionDenied):
            vault.clients.get(ref)
    with pytest.raises(PermissionDenied):
        vault.intakes.get(other.intake_id)


def test_volunteer_sees_only_own_intakes_of_a_returning_client(template, open_vault):
    """A returning client's file, opened by the volunteer, lists only the volunteer's own intake."""
    vault = open_vault("volunteer")
    receipt = vault.intakes.record(_draft(given="", family="", existing_client=m.ClientId(template.sample_id)))
    assert not receipt.new_client
    file = vault.clients.get(template.sample_ref)
    assert [i.id for i in file.intakes] == [receipt.intake_id]


# ----- coordinators, attorneys, admins ------------------------------------------------------------------

def test_coordinator_sees_files_cases_and_notes(template, open_vault):
    """A coordinator opens any file with its cases and notes, and searches notes and phones."""
    attorney = open_vault("attorney")
    case_id = attorney.clients.get(template.sample_ref).cases[0].id
    attorney.cases.add_note(case_id, "Cita el martes.")
    vault = open_vault("coordinator")
    file = vault.clients.get(template.sample_ref)
    assert file.cases and [n.body for n in file.notes] == ["Cita el martes."]
    assert [r.ref for r in vault.clients.search("martes")] == [template.sample_ref]
    assert [r.ref for r in vault.clients.search("213 555 0199")] == [template.sample_ref]
    assert vault.clients.count() >= 1 and vault.cases.list()


@pytest.mark.parametrize("role", ["volunteer", "coordinator", "attorney"])
def test_only_admins_manage_staff(template, open_vault, role):
    """add, list, reset, set_role, remove and rotate are refused to everyone but an admin."""
    staff = open_vault(role).staff
    calls = [lambda: staff.add("Nueva Persona", m.Role.ADMIN, "a long passphrase"), staff.list,
             lambda: staff.reset(template.name("admin"), "a long passphrase"),
             lambda: staff.set_role(template.name(role), m.Role.ADMIN),
             lambda: staff.remove(template.name("admin")), staff.rotate_data_key]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()


def test_admin_adds_staff_who_unlock_with_their_own_role(template, home, open_vault):
    """An admin enrols a new attorney; they unlock with their passphrase and can reveal sealed values."""
    admin = open_vault("admin")
    added = admin.staff.add("Gabriela Nueva", m.Role.ATTORNEY, "gabriela's own passphrase")
    assert added.role is m.Role.ATTORNEY and added.active
    assert "Gabriela Nueva" in [s.name for s in admin.staff.list()]
    vault = Vault.unlock(home, "Gabriela Nueva", "gabriela's own passphrase")
    try:
        assert vault.user.role is m.Role.ATTORNEY
        assert vault.sealed.reveal(template.sample_id) == template.sample_sealed
    finally:
        vault.lock()


def test_promoting_a_volunteer_grants_the_privileged_key(template, home, open_vault):
    """set_role(volunteer -> attorney) lets them reveal at their next unlock; demoting takes it away."""
    admin = open_vault("admin")
    admin.staff.set_role(template.name("volunteer"), m.Role.ATTORNEY)
    vault = Vault.unlock(home, template.name("volunteer"), template.passphrase("volunteer"))
    try:
        assert vault.sealed.reveal(template.sample_id) == template.sample_sealed
    finally:
        vault.lock()
    admin.staff.set_role(template.name("volunteer"), m.Role.VOLUNTEER)
    keys = Vault.derive(home, template.name("volunteer"), template.passphrase("volunteer"))
    assert keys.privileged_private is None


def test_an_admin_cannot_remove_themselves(template, open_vault):
    """Removing or demoting one's own admin account is refused."""
    admin = open_vault("admin")
    with pytest.raises(PermissionDenied):
        admin.staff.remove(template.name("admin"))
    with pytest.raises(PermissionDenied):
        admin.staff.set_role(template.name("admin"), m.Role.VOLUNTEER)


# ----- removal and rotation ----------------------------------------------------------------------------

def test_removed_staff_cannot_unlock_and_the_data_key_was_rotated(template, home, open_vault, raw_db):
    """After removal: no unlock by name, the old data key opens nothing, and the old grant is gone."""
    old_keys = template.keys["volunteer"]
    kept_keyfile = home.keys.read_bytes()  # what a departing volunteer might have copied
    open_vault("admin").staff.remove(template.name("volunteer"))
    with pytest.raises(WrongPassphrase):
        Vault.unlock(home, template.name("volunteer"), template.passphrase("volunteer"))
    with pytest.raises(VaultDamaged):
        Vault.open(home, old_keys)
    with pytest.raises(WrongKey):
        connect(home.db, old_keys.data_keys[0])
    keyfile = KeyFile.load(home.keys)
    assert old_keys.account_id not in [a["account_id"] for a in keyfile.accounts]
    assert [len(e["grants"]) for e in [*keyfile.accounts, keyfile.doc["recovery"]]] == [1, 1, 1, 1]
    # a former volunteer's kept copy of clinic.keys still derives the OLD key, which opens nothing now
    home.keys.write_bytes(kept_keyfile)
    stale = Vault.derive(home, template.name("volunteer"), template.passphrase("volunteer"))
    with pytest.raises(WrongKey):
        connect(home.db, stale.data_keys[0])


def test_everyone_left_and_the_recovery_key_still_unlock_after_removal(template, home, open_vault):
    """After a removal, every remaining account (fresh derive) and the recovery key open the database."""
    admin = open_vault("admin")
    admin.staff.remove(template.name("coordinator"))
    admin.lock()
    for role in ("admin", "attorney", "volunteer"):
        vault = Vault.unlock(home, template.name(role), template.passphrase(role))
        try:
            assert vault.user.name == template.name(role)
        finally:
            vault.lock()
    rec = KeyFile.load(home.keys).unlock_recovery(recovery.parse(template.recovery_key))
    connect(home.db, rec.data_keys[0]).close()
    vault = Vault.unlock(home, template.name("admin"), template.passphrase("admin"))
    try:
        assert vault.verify().ok
        removed = next(s for s in vault.staff.list() if s.name == template.name("coordinator"))
        assert not removed.active
    finally:
        vault.lock()


def test_removal_keeps_the_acting_admin_working(template, open_vault):
    """The admin who removed someone keeps working in the same session, and can add staff afterwards."""
    admin = open_vault("admin")
    admin.staff.remove(template.name("volunteer"))
    assert admin.clients.get(template.sample_ref).client.family_name_1 == "García"
    admin.staff.add("Helena Reemplazo", m.Role.VOLUNTEER, "helena passphrase")
    assert admin.verify().ok


def test_a_revoked_account_is_refused_even_with_a_working_grant(template, home, open_vault):
    """Roles live in the database: an account revoked there is refused although its key-file grant works."""
    from clinic.storage.db import transaction
    from clinic.storage.repos.staff import StaffRepo

    admin = open_vault("admin")
    staff, _account = StaffRepo(admin.conn).by_name(template.name("volunteer"))
    with transaction(admin.conn):
        StaffRepo(admin.conn).revoke(staff.id)
    with pytest.raises(PermissionDenied):
        Vault.open(home, template.keys["volunteer"])


def test_an_interrupted_removal_can_be_completed(template, home, open_vault, monkeypatch):
    """A removal cut off before the key rotation is finished by running remove again."""
    admin = open_vault("admin")

    def killed(self, **_kw):
        raise KeyboardInterrupt  # stands in for a kill right after the revoke committed

    with monkeypatch.context() as patch:
        patch.setattr(StaffManager, "rotate_data_key", killed)
        with pytest.raises(KeyboardInterrupt):
            admin.staff.remove(template.name("volunteer"))
    admin.staff.remove(template.name("volunteer"))
    with pytest.raises(WrongKey):
        connect(home.db, template.keys["volunteer"].data_keys[0])


def test_volunteer_linking_a_returning_client_does_not_see_their_contact_details(template, open_vault):
    """A volunteer who records an intake for someone else's client sees the name, not phones or address."""
    admin = open_vault("admin")
    owner = admin.intakes.record(m.IntakeDraft(
        given_names="Ofelia", family_name_1="Contacto", phones=(m.Phone("+1 562 555 0177"),),
        address="Calle Secreta 9", consent_to_store=True))
    admin.lock()
    volunteer = open_vault("volunteer")
    volunteer.intakes.record(m.IntakeDraft(given_names="", family_name_1="", consent_to_store=True,
                                           existing_client=owner.client_id))
    seen = volunteer.clients.get(owner.client_id)
    assert seen.client.display_name == "Ofelia Contacto"
    assert seen.client.phones == () and seen.client.address == ""


def test_a_returning_clients_language_is_not_overwritten_by_a_new_intake(open_vault):
    """An English-speaking client stays English when a later intake leaves the form's default language."""
    admin = open_vault("admin")
    first = admin.intakes.record(m.IntakeDraft(given_names="Grace", family_name_1="Lee", language="en",
                                               interpreter_needed=True, consent_to_store=True))
    admin.intakes.record(m.IntakeDraft(given_names="", family_name_1="", consent_to_store=True,
                                       existing_client=first.client_id))
    client = admin.clients.get(first.client_id).client
    assert (client.language, client.interpreter_needed) == ("en", True)
