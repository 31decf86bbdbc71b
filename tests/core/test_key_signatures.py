"""Issue 15, grant signatures and hole 5: an administrators' signature over who holds which key and role.

The anchor in the keyring refuses substituted or rolled-back files only on a laptop that has already
unlocked the folder (trust on first use). These attacks run where no anchor exists yet: a fresh copy at a
new path, or with the laptop's records deleted. Everything is real: SQLCipher files, the session keyring.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

from clinic import models as m
from clinic.crypto import primitives
from clinic.crypto.primitives import SecretBytes
from clinic.errors import PermissionDenied, VaultDamaged, WrongPassphrase
from clinic.home import Home
from clinic.keys import device
from clinic.keys.keyfile import KeyFile
from clinic.storage import migrate
from clinic.storage.db import connect, transaction
from clinic.storage.repos.settings import SettingsRepo
from clinic.storage.repos.staff import StaffRepo
from clinic.vault import Vault

from .test_vault_key_attacks import _append_grant_everywhere, _can_open, _mac_key_from, _remac

V2_FIXTURE = Path(__file__).parent / "fixtures" / "v2_vault"


def _forget_this_laptop(home: Home, vault_id: str) -> None:
    """No anchor and no recorded signer for this folder: the trust-on-first-use case."""
    device.delete_anchor(vault_id, home.path)
    device.delete_signer(vault_id, home.path)
    assert device.load_anchor(vault_id, home.path) is None


def _edit(path: Path, edit, mac_key: bytes) -> None:
    doc = json.loads(path.read_bytes())
    edit(doc)
    path.write_text(json.dumps(doc, indent=1, sort_keys=True))
    _remac(path, mac_key)


def _mac_key(data_key: SecretBytes, vault_id: str) -> bytes:
    return primitives.keyfile_mac_key(bytes(data_key), vault_id)


# ----- forged grants where the laptop has no anchor --------------------------------------------------

def _substitute_database(home: Home, staff: dict[str, str]) -> None:
    """Hole 1 (a): an outsider builds a database under a key they chose, with the real vault id and the
    staff's public keys (names -> roles), grants that key to every account and recomputes the MAC."""
    keyfile = KeyFile.load(home.keys)
    attacker_key = SecretBytes(primitives.random_bytes(32))
    home.db.rename(home.db.with_name("real.db"))
    conn = connect(home.db, attacker_key, create=True)
    migrate.migrate(conn)
    with transaction(conn):
        SettingsRepo(conn).set("vault_id", keyfile.vault_id)
        SettingsRepo(conn).set("privileged_fpr", keyfile.doc["recovery"]["privileged_fpr"])
        for name, role in staff.items():
            entry = keyfile.find(name)
            StaffRepo(conn).add(account_id=entry["account_id"], name=entry["name"], role=m.Role(role),
                                language="es", public_key=entry["public_key"])
    conn.close()
    _append_grant_everywhere(home.keys, attacker_key)
    _remac(home.keys, _mac_key(attacker_key, keyfile.vault_id))


def test_an_outsiders_database_with_forged_grants_is_refused_without_an_anchor(template, home):
    """Hole 1 (a) on a folder this laptop never opened: a grant no administrator signed opens nothing."""
    assert device.load_anchor(template.vault_id, home.path) is None  # a fresh path: no anchor yet
    _substitute_database(home, {template.name(r): r for r in ("admin", "attorney", "coordinator", "volunteer")})
    for role in ("volunteer", "admin"):
        with pytest.raises(VaultDamaged) as err:
            Vault.unlock(home, template.name(role), template.passphrase(role))
        assert "no administrator signed" in str(err.value) and "recovery key" in str(err.value)


def test_a_removed_volunteers_forged_grant_is_refused_without_an_anchor(template, home, open_vault, tmp_path,
                                                                         raw_db):
    """Hole 1 (b) with the laptop's records gone: the old database plus a grant of the old key is refused."""
    old = tmp_path / "before-removal"
    shutil.copytree(home.path, old)
    old_key = template.keys["volunteer"].data_keys[0]
    admin = open_vault("admin")
    admin.staff.remove(template.name("volunteer"))
    admin.lock()
    _forget_this_laptop(home, template.vault_id)
    shutil.copy2(old / "clinic.db", home.db)
    for suffix in ("-wal", "-shm"):
        home.db.with_name(home.db.name + suffix).unlink(missing_ok=True)
    with raw_db(home.db, old_key) as conn:
        conn.execute("UPDATE staff SET active = 0 WHERE name = ?", (template.name("volunteer"),))
        mac_key = _mac_key_from(conn, old_key, template.vault_id)
    _append_grant_everywhere(home.keys, old_key)
    _remac(home.keys, mac_key)
    with pytest.raises(VaultDamaged) as err:
        Vault.unlock(home, template.name("admin"), template.passphrase("admin"))
    assert "no administrator signed" in str(err.value)
    assert _can_open(home.db, old_key)  # the attack itself was real: the old key opens that database


def test_an_insider_cannot_add_an_account_without_it_being_detected(template, home, open_vault):
    """A volunteer with the data key adds an entry (their own keypair, the real data key, MAC fixed):
    every unlock refuses, and an open vault's verify reports it."""
    data_key = template.keys["volunteer"].data_keys[0]

    def add(doc):
        kf = KeyFile(home.keys, doc)
        entry, _pub = kf.enrol(name="Falsa Abogada", passphrase="forged passphrase",
                               device_secret=device.load(kf.vault_id),
                               privileged_fpr=doc["recovery"]["privileged_fpr"])
        kf.grant_data_key(entry, data_key)
        entry["role"] = "attorney"

    vault = open_vault("attorney")
    _edit(home.keys, add, _mac_key(data_key, template.vault_id))
    assert any("no administrator signed" in p for p in vault.verify().problems)
    for role in ("admin", "volunteer"):
        with pytest.raises(VaultDamaged):
            Vault.open(home, template.keys[role])
    with pytest.raises((VaultDamaged, PermissionDenied)):
        Vault.unlock(home, "Falsa Abogada", "forged passphrase")


def test_a_swapped_public_key_is_detected_before_anything_is_sealed_to_it(template, home, raw_db):
    """An insider puts their own public key in the attorney's entry and in the staff table (MAC fixed):
    the admin's unlock refuses, so no rotation ever seals the new data key or the privileged key to it."""
    data_key = template.keys["volunteer"].data_keys[0]
    attorney_id = template.keys["attorney"].account_id
    forged_pub = base64.b64encode(primitives.new_keypair()[1]).decode()
    _edit(home.keys, lambda doc: next(a for a in doc["accounts"] if a["account_id"] == attorney_id).update(
        public_key=forged_pub), _mac_key(data_key, template.vault_id))
    with raw_db(home.db, data_key) as conn:
        conn.execute("UPDATE staff SET public_key = ? WHERE account_id = ?", (forged_pub, attorney_id))
    with pytest.raises(VaultDamaged):
        Vault.open(home, template.keys["admin"])


def test_a_stripped_signature_is_refused(template, home):
    """Downgrading the file to an unsigned version 2 (MAC fixed) does not get around the signature."""
    data_key = template.keys["volunteer"].data_keys[0]

    def strip(doc):
        for key in ("signer", "roster_sig", "mac_key_id"):
            doc.pop(key, None)
        doc["version"] = 2
    _edit(home.keys, strip, _mac_key(data_key, template.vault_id))
    for role in ("volunteer", "admin"):
        with pytest.raises((VaultDamaged, WrongPassphrase)):
            Vault.open(home, template.keys[role])


def test_staff_changes_by_an_administrator_stay_signed(template, home, open_vault):
    """Adding, re-enrolling, changing a role and removing keep the signature valid for everyone."""
    admin = open_vault("admin")
    admin.staff.add("Elena Nueva", m.Role.VOLUNTEER, "elena passphrase ok")
    admin.staff.set_role("Elena Nueva", m.Role.ATTORNEY)
    admin.staff.reset(template.name("coordinator"), "a new coordinator passphrase")
    admin.staff.remove(template.name("volunteer"))
    assert admin.verify().ok
    admin.lock()
    _forget_this_laptop(home, template.vault_id)
    elena = Vault.unlock(home, "Elena Nueva", "elena passphrase ok")
    try:
        assert elena.user.role is m.Role.ATTORNEY and elena.keys.privileged_private is not None
    finally:
        elena.lock()
    Vault.unlock(home, template.name("coordinator"), "a new coordinator passphrase").lock()
    Vault.unlock(home, template.name("attorney"), template.passphrase("attorney")).lock()


def test_an_administrator_never_signs_over_a_change_made_outside_the_app(template, home, open_vault):
    """An entry added behind an open admin session (MAC fixed) is not laundered by the admin's next
    staff change: it refuses to sign, and the key file is left as it was."""
    admin = open_vault("admin")
    data_key = template.keys["volunteer"].data_keys[0]

    def add(doc):
        kf = KeyFile(home.keys, doc)
        entry, _pub = kf.enrol(name="Intrusa", passphrase="intruder passphrase",
                               device_secret=device.load(kf.vault_id),
                               privileged_fpr=doc["recovery"]["privileged_fpr"])
        kf.grant_data_key(entry, data_key)
        entry["role"] = "volunteer"

    _edit(home.keys, add, _mac_key(data_key, template.vault_id))
    before = home.keys.read_bytes()
    with pytest.raises(VaultDamaged):
        admin.staff.add("Elena Nueva", m.Role.VOLUNTEER, "elena passphrase ok")
    with pytest.raises(VaultDamaged):
        admin.staff.remove(template.name("coordinator"))
    assert home.keys.read_bytes() == before


def test_a_non_administrator_cannot_sign(template, home, open_vault):
    """A volunteer's session holds no signing key, so the roster cannot be changed through it."""
    volunteer = open_vault("volunteer")
    assert volunteer.keys.signing_key is None and open_vault("admin").keys.signing_key is not None
    keyfile = KeyFile.load(home.keys)
    keyfile.assign_role(keyfile.find(template.name("volunteer")), "attorney", None)
    with pytest.raises(PermissionDenied):
        keyfile.save(volunteer.integrity_key())


# ----- hole 5: roles are bound by the signature ------------------------------------------------------

def test_a_role_changed_in_the_database_is_refused(template, home, open_vault, raw_db):
    """`UPDATE staff SET role='attorney'` by a volunteer: their unlock refuses, verify reports it, and the
    admin's `staff reset` grants nothing."""
    data_key = template.keys["volunteer"].data_keys[0]
    with raw_db(home.db, data_key) as conn:
        conn.execute("UPDATE staff SET role = 'attorney' WHERE name = ?", (template.name("volunteer"),))
    with pytest.raises(PermissionDenied) as err:
        Vault.open(home, template.keys["volunteer"])
    assert "signed" in str(err.value)
    admin = open_vault("admin")
    assert any("role" in p for p in admin.verify().problems)
    before = home.keys.read_bytes()
    with pytest.raises(PermissionDenied):
        admin.staff.reset(template.name("volunteer"), "a passphrase for the volunteer")
    assert home.keys.read_bytes() == before


def test_a_role_changed_in_the_key_file_is_refused(template, home, raw_db):
    """Changing an entry's role (or giving it a privileged grant) in clinic.keys, MAC fixed, is refused."""
    data_key = template.keys["volunteer"].data_keys[0]
    volunteer_id = template.keys["volunteer"].account_id
    _edit(home.keys, lambda doc: next(a for a in doc["accounts"] if a["account_id"] == volunteer_id).update(
        role="attorney"), _mac_key(data_key, template.vault_id))
    with raw_db(home.db, data_key) as conn:
        conn.execute("UPDATE staff SET role = 'attorney' WHERE account_id = ?", (volunteer_id,))
    for role in ("volunteer", "admin"):
        with pytest.raises(VaultDamaged):
            Vault.open(home, template.keys[role])


# ----- an existing version-2 vault (made by the previous release) --------------------------------------

@pytest.fixture
def v2_home(tmp_path):
    """A copy of a vault made by the code before key-file version 3, its device secret in the keyring."""
    info = json.loads((V2_FIXTURE / "vault.json").read_text())
    home = Home(tmp_path / "home")
    home.path.mkdir(mode=0o700)
    for name in ("clinic.db", "clinic.keys"):
        shutil.copy2(V2_FIXTURE / name, home.path / name)
    from clinic.keys.device import SERVICE, _call

    _call(lambda backend: backend.set_password(SERVICE, info["vault_id"], info["device_secret"]))
    yield home, info
    _forget_this_laptop(home, info["vault_id"])
    device.delete(info["vault_id"])


def _unlock(home, info, role) -> Vault:
    return Vault.unlock(home, *info["staff"][role])


def test_an_existing_version_2_vault_unlocks_and_is_signed_by_the_first_admin(v2_home):
    home, info = v2_home
    assert json.loads(home.keys.read_bytes())["version"] == 2
    _unlock(home, info, "volunteer").lock()  # a volunteer cannot sign: the file stays as it is
    assert json.loads(home.keys.read_bytes())["version"] == 2
    admin = _unlock(home, info, "admin")
    try:
        doc = json.loads(home.keys.read_bytes())
        assert doc["version"] == 3 and doc["roster_sig"] and admin.keys.signing_key is not None
        assert {a["role"] for a in doc["accounts"]} == {"admin", "attorney", "volunteer"}
        assert any(e.action == "keyfile.sign" for e in admin.settings.audit_log(100))
        assert admin.verify().ok
    finally:
        admin.lock()
    for role in ("attorney", "volunteer"):  # each older entry is bound to the signer at its next unlock
        vault = _unlock(home, info, role)
        try:
            assert vault.verify().ok
            if role == "attorney":  # the sealed tier still opens for an attorney
                sealed = vault.sealed.reveal(vault.clients.id_for(info["client_ref"]))
                assert sealed[m.SealedField.A_NUMBER] == info["a_number"]
        finally:
            vault.lock()
    doc = json.loads(home.keys.read_bytes())
    assert all("signer" in a for a in doc["accounts"])
    recovered = Vault.recover(home, recovery_key=info["recovery_key"], admin_name=info["staff"]["admin"][0],
                              new_passphrase="a brand new admin passphrase")
    try:
        assert recovered.verify().ok
    finally:
        recovered.lock()


def test_after_the_upgrade_a_forged_grant_is_refused_without_an_anchor(v2_home):
    """Once signed and bound, a version-2 vault gets the same protection on a laptop with no records."""
    home, info = v2_home
    for role in ("admin", "volunteer"):
        _unlock(home, info, role).lock()
    _forget_this_laptop(home, info["vault_id"])
    _substitute_database(home, {name: role for role, (name, _pw) in info["staff"].items()})
    for role in ("volunteer", "attorney"):
        with pytest.raises(VaultDamaged) as err:
            _unlock(home, info, role)
        assert "no administrator signed" in str(err.value)
