"""Restoring backups: a new laptop field for field, a vault moved aside, damaged files, a full disk."""

# ruff: noqa: F811 - the shared fixtures are imported by name

from __future__ import annotations

import os

import pytest

from clinic import models as m
from clinic.errors import PermissionDenied, VaultExists
from clinic.home import Home
from clinic.maintenance import backup as b
from clinic.maintenance import backup_format as fmt
from clinic.maintenance import verify_backup as vb
from clinic.maintenance.restore import restore_backup
from clinic.vault import Vault
from tests.fixtures.backup import (  # noqa: F401 - fixtures by name
    CANARY,
    NAMES,
    NEW_PW,
    PASS,
    backup_of,
    dump,
    new_laptop,
    rich,
    rich_templates,
    usb,
)

# ----- restore -----------------------------------------------------------------------------------------

def test_restore_on_a_new_laptop_gives_back_everything_field_for_field(rich, usb, tmp_path):
    """Fresh keyring, new folder, the recovery key: every row is back, sealed values and letters read, staff rebind."""
    r = rich()
    key = r.keys["admin"].data_keys[0]
    before = dump(r.home.db, key)
    made = backup_of(r, usb)
    new_laptop(r)
    target = Home(tmp_path / "new-laptop" / "ClinicIntake")
    result = restore_backup(made.path, target, recovery_key=r.recovery_key, admin_name=NAMES["admin"],
                            new_passphrase=NEW_PW)
    assert result.moved_aside is None and result.counts["clients"] == 1
    assert dump(target.db, key) == before
    assert [p.name for p in target.path.parent.iterdir()] == ["ClinicIntake"]  # no staging left
    admin = Vault.unlock(target, NAMES["admin"], NEW_PW)
    try:
        assert admin.verify().ok
        for role in ("attorney", "volunteer"):
            admin.staff.reset(NAMES[role], f"new laptop {role} pw")
    finally:
        admin.lock()
    attorney = Vault.unlock(target, NAMES["attorney"], "new laptop attorney pw")
    try:
        assert attorney.sealed.reveal(r.client_id)[m.SealedField.A_NUMBER] == "A555666777"
        assert attorney.referrals.letter_pdf(r.referral_id) == r.letter  # a sealed letter, opened
        info, content = attorney.documents.open(r.doc_id)
        assert content == r.doc_content and info.filename == "carta.txt"
        assert attorney.clients.get(r.ref).client.given_names == f"Rosa {CANARY}"
    finally:
        attorney.lock()
    volunteer = Vault.unlock(target, NAMES["volunteer"], "new laptop volunteer pw")
    try:
        assert volunteer.user.role is m.Role.VOLUNTEER and volunteer.keys.privileged_private is None
    finally:
        volunteer.lock()


def test_restore_refuses_a_folder_with_a_vault_unless_confirmed_and_then_moves_it_aside(rich, usb):
    """Without replace: refused, nothing changed. With it: the old vault is renamed aside, whole, never deleted."""
    r = rich()
    made = backup_of(r, usb)
    vault = r.open()
    try:
        vault.cases.add_note(r.case_id, "after the backup")
    finally:
        vault.lock()
    before = {p.name: p.read_bytes() for p in r.home.path.iterdir() if p.is_file()}
    with pytest.raises(VaultExists):
        restore_backup(made.path, r.home, recovery_key=r.recovery_key, admin_name=NAMES["admin"],
                       new_passphrase=NEW_PW)
    assert {p.name: p.read_bytes() for p in r.home.path.iterdir() if p.is_file()} == before
    result = restore_backup(made.path, r.home, recovery_key=r.recovery_key, admin_name=NAMES["admin"],
                            new_passphrase=NEW_PW, replace=True)
    assert result.moved_aside is not None and result.moved_aside.exists()
    assert {p.name: p.read_bytes() for p in result.moved_aside.iterdir() if p.is_file()} == before
    admin = Vault.unlock(r.home, NAMES["admin"], NEW_PW)
    try:
        notes = [n.body for n in admin.cases.notes(r.case_id)]
        assert "after the backup" not in notes and admin.verify().ok
        assert b.rollback_problems(admin) == []  # restored on purpose: the kept head follows the backup
    finally:
        admin.lock()
    attorney = Vault.unlock(r.home, NAMES["attorney"], PASS["attorney"])  # same laptop: still bound
    attorney.lock()


def test_restore_with_a_wrong_admin_name_changes_nothing(rich, usb, tmp_path):
    """A name that is not an administrator: refused, and the target folder is not created."""
    r = rich()
    made = backup_of(r, usb)
    target = Home(tmp_path / "elsewhere" / "home")
    with pytest.raises(PermissionDenied):
        restore_backup(made.path, target, recovery_key=r.recovery_key, admin_name=NAMES["volunteer"],
                       new_passphrase=NEW_PW)
    assert list((tmp_path / "elsewhere").iterdir()) == []


# ----- every damaged byte is refused ---------------------------------------------------------------------

def _positions(size: int, prefix: int) -> list[int]:
    step = max(1, (size - prefix) // 40)
    return sorted({*range(prefix), *range(prefix, size, step), size - 17, size - 16, size - 1})


def test_every_flipped_byte_truncation_and_appended_byte_is_refused_and_nothing_is_restored(rich, usb, tmp_path):
    """Header, key block and every region of the chunks: one sentence, BackupDamaged, no folder made."""
    r = rich()
    made = backup_of(r, usb)
    good = made.path.read_bytes()
    with made.path.open("rb") as f:
        prefix = fmt.Reader(f)._start
    bad = tmp_path / "bad.cibak"
    cases = [("flip", i) for i in _positions(len(good), prefix)]
    cases += [("cut", n) for n in (0, 5, len(fmt.HEADER), prefix - 1, prefix, prefix + 100,
                                   len(good) // 2, len(good) - 16, len(good) - 1)]
    cases += [("append", 0)]
    target = Home(tmp_path / "restored")
    for kind, at in cases:
        data = bytearray(good)
        if kind == "flip":
            data[at] ^= 0x40
        elif kind == "cut":
            data = data[:at]
        else:
            data += b"\0"
        bad.write_bytes(bytes(data))
        with pytest.raises(fmt.BackupDamaged) as err:
            restore_backup(bad, target, recovery_key=r.recovery_key, admin_name=NAMES["admin"],
                           new_passphrase=NEW_PW)
        message = str(err.value)
        assert "\n" not in message and message.count(". ") == 0 and message.endswith("."), (kind, at, message)
        assert not target.path.exists(), (kind, at)
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [], (kind, at)
    with pytest.raises(fmt.BackupDamaged):  # and the data-key way refuses it the same
        vault = r.open()
        try:
            vb.verify_backup(bad, vault=vault)
        finally:
            vault.lock()


# ----- interrupted and full ------------------------------------------------------------------------------

def test_a_full_disk_during_backup_says_so_and_leaves_no_file(rich, tmp_path):
    """A 1 MB tmpfs as the USB stick: 'full' in one sentence; no file, no scratch file left there."""
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    r = rich()
    vault = r.open("attorney")
    try:
        vault.documents.attach(r.case_id, "big.bin", os.urandom(3 * 1024 * 1024))
    finally:
        vault.lock()
    mount = tmp_path / "stick"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        vault = r.open()
        try:
            with pytest.raises(b.DiskFull) as err:
                b.make_backup(vault, mount)
            assert "full" in str(err.value)
            assert vault.verify().ok
        finally:
            vault.lock()
        assert list(mount.iterdir()) == []
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_during_restore_says_so_and_leaves_nothing(rich, usb, tmp_path):
    """Restoring a 3 MB backup into a 1 MB tmpfs: 'full' in one sentence; no folder, no staging left."""
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    r = rich()
    vault = r.open("attorney")
    try:
        vault.documents.attach(r.case_id, "big.bin", os.urandom(3 * 1024 * 1024))
    finally:
        vault.lock()
    made = backup_of(r, usb)
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        with pytest.raises(b.DiskFull) as err:
            restore_backup(made.path, Home(mount / "home"), recovery_key=r.recovery_key,
                           admin_name=NAMES["admin"], new_passphrase=NEW_PW)
        assert "full" in str(err.value) and "\n" not in str(err.value)
        assert list(mount.iterdir()) == []
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
    assert vb.verify_backup(made.path, recovery_key=r.recovery_key).ok  # the backup itself is untouched
