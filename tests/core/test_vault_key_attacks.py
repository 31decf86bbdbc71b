"""Issue 15: a thief with write access to the folder, a former volunteer with an old copy, and a
removal cut off inside its key rotation. Each attack is played for real against a copy of the vault."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from clinic import models as m
from clinic.crypto import primitives
from clinic.crypto.primitives import SecretBytes
from clinic.errors import PermissionDenied, UserError, VaultDamaged
from clinic.home import Home
from clinic.keys.keyfile import KeyFile
from clinic.storage import migrate
from clinic.storage.db import WrongKey, connect, transaction
from clinic.storage.repos.settings import SettingsRepo
from clinic.storage.repos.staff import StaffRepo
from clinic.vault import Vault

REPO = Path(__file__).resolve().parents[2]


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _remac(path: Path, mac_key: bytes) -> None:
    """Recompute the key file's checksum and MAC the way an attacker who holds `mac_key` would."""
    doc = json.loads(path.read_bytes())
    body = _canonical({k: v for k, v in doc.items() if k not in ("checksum", "mac")})
    doc["checksum"] = hashlib.sha256(body).hexdigest()
    doc["mac"] = hmac.new(mac_key, body, hashlib.sha256).hexdigest()
    path.write_text(json.dumps(doc, indent=1, sort_keys=True))


def _mac_key_from(conn, data_key: SecretBytes, vault_id: str) -> bytes:
    """Whatever MAC key someone holding `data_key` can compute (a stored one, or the derived one)."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'integrity_key'").fetchone()
    if row:
        return bytes.fromhex(row[0])
    return primitives.keyfile_mac_key(bytes(data_key), vault_id)


def _append_grant_everywhere(path: Path, data_key: SecretBytes) -> None:
    """Grants are public-key seals: anyone with the public keys in the file can make one."""
    doc = json.loads(path.read_bytes())
    kf = KeyFile(path, doc)
    kf.add_data_key_everywhere(data_key)
    path.write_text(json.dumps(kf.doc, indent=1, sort_keys=True))


def _can_open(db: Path, key: SecretBytes) -> bool:
    try:
        connect(db, key, expect_schema=True).close()
        return True
    except WrongKey:
        return False


# ----- hole 1 (a): an outsider substitutes a database under a key they chose --------------------------

def test_an_outsiders_substituted_database_is_refused(template, home, open_vault):
    keyfile = KeyFile.load(home.keys)
    open_vault("admin").lock()  # this laptop has used the real database
    attacker_key = SecretBytes(primitives.random_bytes(32))
    real_db = home.db.with_name("real.db")
    home.db.rename(real_db)
    for suffix in ("-wal", "-shm"):
        home.db.with_name(home.db.name + suffix).unlink(missing_ok=True)
    conn = connect(home.db, attacker_key, create=True)
    migrate.migrate(conn)
    with transaction(conn):
        settings = SettingsRepo(conn)
        settings.set("vault_id", keyfile.vault_id)
        settings.set("integrity_key", primitives.random_bytes(32).hex())
        fpr = keyfile.doc["recovery"]["privileged_fpr"]
        settings.set("privileged_fpr", fpr)
        settings.set("privileged_public_key", base64.b64encode(primitives.new_keypair()[1]).decode())
        for role in ("admin", "attorney", "coordinator", "volunteer"):
            entry = keyfile.find(template.name(role))
            StaffRepo(conn).add(account_id=entry["account_id"], name=entry["name"], role=m.Role(role),
                                language="es", public_key=entry["public_key"])
        mac_key = _mac_key_from(conn, attacker_key, keyfile.vault_id)
    conn.close()
    _append_grant_everywhere(home.keys, attacker_key)
    _remac(home.keys, mac_key)

    with pytest.raises(VaultDamaged) as err:
        Vault.unlock(home, template.name("volunteer"), template.passphrase("volunteer"))
    assert "recovery key" in str(err.value)
    with pytest.raises(VaultDamaged):
        Vault.unlock(home, template.name("admin"), template.passphrase("admin"))


# ----- hole 1 (b) and hole 4: a removed volunteer puts back older files --------------------------------

def _remove_volunteer_keeping_copies(template, home, open_vault, tmp_path) -> tuple[Path, SecretBytes]:
    old = tmp_path / "before-removal"
    shutil.copytree(home.path, old)
    old_key = template.keys["volunteer"].data_keys[0]
    admin = open_vault("admin")
    admin.staff.remove(template.name("volunteer"))
    admin.lock()
    assert not _can_open(home.db, old_key)
    return old, old_key


def test_a_removed_volunteers_old_database_with_a_forged_grant_is_refused(template, home, open_vault,
                                                                           tmp_path, raw_db):
    old, old_key = _remove_volunteer_keeping_copies(template, home, open_vault, tmp_path)
    shutil.copy2(old / "clinic.db", home.db)
    for suffix in ("-wal", "-shm"):
        home.db.with_name(home.db.name + suffix).unlink(missing_ok=True)
    with raw_db(home.db, old_key) as conn:
        conn.execute("UPDATE staff SET active = 0 WHERE name = ?", (template.name("volunteer"),))
        vault_id = conn.execute("SELECT value FROM settings WHERE key = 'vault_id'").fetchone()[0]
        mac_key = _mac_key_from(conn, old_key, vault_id)
    _append_grant_everywhere(home.keys, old_key)
    _remac(home.keys, mac_key)

    with pytest.raises(VaultDamaged) as err:
        Vault.unlock(home, template.name("admin"), template.passphrase("admin"))
    assert "recovery key" in str(err.value) and "backup" in str(err.value)


def test_rolling_back_both_files_is_refused(template, home, open_vault, tmp_path):
    old, _old_key = _remove_volunteer_keeping_copies(template, home, open_vault, tmp_path)
    for name in ("clinic.db", "clinic.keys"):
        shutil.copy2(old / name, home.path / name)
    for suffix in ("-wal", "-shm"):
        home.db.with_name(home.db.name + suffix).unlink(missing_ok=True)
    for role in ("volunteer", "admin"):
        with pytest.raises(VaultDamaged) as err:
            Vault.open(home, template.keys[role])
        assert "earlier copy" in str(err.value) and "recovery key" in str(err.value)


def test_the_recovery_key_takes_a_deliberately_restored_backup(template, home, open_vault, tmp_path):
    """The way out the refusal names: recover with the recovery key, which anchors the restored copy."""
    old, _old_key = _remove_volunteer_keeping_copies(template, home, open_vault, tmp_path)
    for name in ("clinic.db", "clinic.keys"):
        shutil.copy2(old / name, home.path / name)
    vault = Vault.recover(home, recovery_key=template.recovery_key, admin_name=template.name("admin"),
                          new_passphrase="a brand new admin passphrase")
    try:
        assert vault.verify().ok
    finally:
        vault.lock()
    Vault.unlock(home, template.name("admin"), "a brand new admin passphrase").lock()


def test_the_integrity_key_rotates_with_the_data_key(template, home, open_vault):
    """After a removal, a MAC made with anything the removed person could compute no longer verifies."""
    before = KeyFile.load(home.keys)
    old_key = template.keys["volunteer"].data_keys[0]
    admin = open_vault("admin")
    admin.staff.remove(template.name("volunteer"))
    after = KeyFile.load(home.keys)
    assert after.epoch == before.epoch + 1
    assert not after.mac_ok(SecretBytes(primitives.keyfile_mac_key(bytes(old_key), after.vault_id)))
    assert after.mac_ok(admin.integrity_key())


# ----- hole 2: a removal cut off inside the rekey -------------------------------------------------------

def test_a_failed_rekey_stays_pending_and_the_next_run_finishes_it(template, home, open_vault, monkeypatch):
    import clinic.staff.manager
    from clinic.storage.db import DatabaseError

    old_key = template.keys["volunteer"].data_keys[0]
    admin = open_vault("admin")
    monkeypatch.setattr(clinic.staff.manager, "rekey", lambda conn, key: (_ for _ in ()).throw(
        DatabaseError("database or disk is full")))
    with pytest.raises(UserError) as err:
        admin.staff.remove(template.name("volunteer"))
    assert "disk is full" in str(err.value) and "backup" not in str(err.value)
    assert not admin.is_open  # locked: the connection's key state is not trusted after a failed rekey
    assert _can_open(home.db, old_key)
    attorney = open_vault("attorney")
    report = attorney.verify()
    assert not report.ok and any("not finished" in p for p in report.problems)
    attorney.lock()
    monkeypatch.undo()
    keys = Vault.derive(home, template.name("admin"), template.passphrase("admin"))
    admin = Vault.open(home, keys)
    try:
        assert not _can_open(home.db, old_key)  # the admin unlock finished it
        assert admin.verify().ok
        with pytest.raises(UserError, match="already removed"):
            admin.staff.remove(template.name("volunteer"))
    finally:
        admin.lock()
    with pytest.raises((PermissionDenied, VaultDamaged)):
        Vault.open(home, template.keys["volunteer"])


def test_a_failed_rekey_is_finished_by_the_next_admin_unlock(template, home, open_vault, monkeypatch):
    import clinic.staff.manager
    from clinic.storage.db import DatabaseError

    old_key = template.keys["volunteer"].data_keys[0]
    admin = open_vault("admin")
    monkeypatch.setattr(clinic.staff.manager, "rekey", lambda conn, key: (_ for _ in ()).throw(
        DatabaseError("disk I/O error")))
    with pytest.raises(UserError):
        admin.staff.remove(template.name("volunteer"))
    admin.lock()
    monkeypatch.undo()
    vault = Vault.unlock(home, template.name("admin"), template.passphrase("admin"))
    try:
        assert not _can_open(home.db, old_key)
        assert KeyFile.load(home.keys).pending_rotation is None
        assert vault.verify().ok
    finally:
        vault.lock()


_KILLED_CHILD = r"""
import os, sys
from pathlib import Path
import clinic.staff.manager as staff
from clinic.keys.keyfile import UnlockedKeys
from clinic.crypto.primitives import SecretBytes
from clinic.home import Home
from clinic.vault import Vault

real = staff.rekey
def announced(conn, key):
    os.write(1, b"rekey\n")
    real(conn, key)
    os.write(1, b"rekeyed\n")
staff.rekey = announced
keys = UnlockedKeys(os.environ["K_ACCOUNT"], SecretBytes(b""), (SecretBytes(bytes.fromhex(os.environ["K_DATA"])),),
                    SecretBytes(bytes.fromhex(os.environ["K_PRIV"])), os.environ["K_FPR"],
                    signer=os.environ["K_SIGNER"], signing_key=SecretBytes(bytes.fromhex(os.environ["K_SIGNING"])))
vault = Vault.open(Home(Path(os.environ["K_HOME"])), keys)
sys.stdin.readline()
vault.staff.remove(os.environ["K_REMOVE"])
os.write(1, b"done\n")
"""


def test_sigkill_inside_the_rekey_leaves_a_rotation_the_next_admin_unlock_finishes(template, tmp_path, raw_db):
    from clinic.keys import device  # noqa: F401 - the child checks the anchor in the same keyring

    admin_keys, old_key = template.keys["admin"], template.keys["volunteer"].data_keys[0]
    landed_inside = 0
    for attempt in range(4):
        home = Home(tmp_path / f"home{attempt}")
        shutil.copytree(template.path, home.path)
        with raw_db(home.db, old_key) as conn:  # a bigger database widens the rekey's window
            conn.execute("CREATE TABLE padding (b BLOB)")
            conn.executemany("INSERT INTO padding VALUES (randomblob(65536))", [()] * 400)
        env = {**os.environ, "K_HOME": str(home.path), "K_ACCOUNT": admin_keys.account_id,
               "K_DATA": bytes(old_key).hex(), "K_PRIV": bytes(admin_keys.privileged_private).hex(),
               "K_FPR": admin_keys.privileged_fpr, "K_REMOVE": template.name("volunteer"),
               "K_SIGNER": admin_keys.signer, "K_SIGNING": bytes(admin_keys.signing_key).hex(),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
        child = subprocess.Popen([sys.executable, "-c", _KILLED_CHILD], env=env, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, cwd=REPO)
        child.stdin.write(b"go\n")
        child.stdin.flush()
        assert child.stdout.readline() == b"rekey\n"
        os.kill(child.pid, signal.SIGKILL)
        rest = child.stdout.read()
        child.wait()
        landed_inside += b"rekeyed" not in rest
        assert KeyFile.load(home.keys).pending_rotation is not None
        keys = Vault.derive(home, template.name("admin"), template.passphrase("admin"))
        vault = Vault.open(home, keys)
        try:
            assert not _can_open(home.db, old_key)
            assert vault.verify().ok
        finally:
            vault.lock()
        with pytest.raises((PermissionDenied, VaultDamaged)):
            Vault.open(home, template.keys["volunteer"])
    assert landed_inside, "no kill landed inside the rekey"


def test_a_full_disk_during_the_rekey_is_recorded_and_finished_later(template, tmp_path, raw_db):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    staged = tmp_path / "staged"
    shutil.copytree(template.path, staged)
    with raw_db(staged / "clinic.db", template.keys["admin"].data_keys[0]) as conn:
        conn.execute("CREATE TABLE padding (b BLOB)")  # a rekey rewrites every page: 2 MB needs 2 MB free
        conn.executemany("INSERT INTO padding VALUES (randomblob(65536))", [()] * 32)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = sum(p.stat().st_size for p in staged.rglob("*") if p.is_file())
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size + 8 * 1024 * 1024}", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        home = Home(mount / "home")
        shutil.copytree(staged, home.path)
        old_key = template.keys["volunteer"].data_keys[0]
        filler = mount / "filler"
        vault = Vault.open(home, template.keys["admin"])
        try:
            with open(filler, "wb") as out:  # leave less room than the rekey needs
                free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
                out.write(b"\0" * max(0, free - 300 * 1024))
            with pytest.raises(UserError) as err:
                vault.staff.remove(template.name("volunteer"))
            assert "disk is full" in str(err.value) and "backup" not in str(err.value)
            assert KeyFile.load(home.keys).pending_rotation is not None
        finally:
            vault.lock()
        assert _can_open(home.db, old_key)
        filler.unlink()
        keys = Vault.derive(home, template.name("admin"), template.passphrase("admin"))
        vault = Vault.open(home, keys)
        try:
            assert not _can_open(home.db, old_key)
            assert vault.verify().ok
        finally:
            vault.lock()
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


# ----- key file version 1 (MAC key stored in the database) migrates at the next unlock -----------------

def test_a_version_1_key_file_is_rewritten_with_the_derived_mac_key_at_unlock(template, home, raw_db):
    data_key = template.keys["admin"].data_keys[0]
    stored = primitives.random_bytes(32)
    with raw_db(home.db, data_key) as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('integrity_key', ?)", (stored.hex(),))
    doc = json.loads(home.keys.read_bytes())
    doc["version"] = 1
    doc.pop("epoch", None)
    home.keys.write_text(json.dumps(doc))
    _remac(home.keys, stored)
    vault = Vault.open(home, template.keys["volunteer"])
    try:
        upgraded = KeyFile.load(home.keys)
        # MACed under the derived key now; the administrators' signature (version 3) is untouched
        assert upgraded.doc["version"] == 3 and upgraded.mac_ok(vault.integrity_key())
        assert SettingsRepo(vault.conn).get("integrity_key") == ""
        assert vault.verify().ok
    finally:
        vault.lock()
    # the old stored MAC key no longer vouches for anything
    _remac(home.keys, stored)
    with pytest.raises(VaultDamaged):
        Vault.open(home, template.keys["volunteer"])
