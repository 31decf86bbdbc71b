"""Encrypted backups: one authenticated file in the chosen folder, no plaintext anywhere; verify; rollback."""

# ruff: noqa: F811 - the shared fixtures are imported by name

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from clinic import models as m
from clinic.errors import PermissionDenied, UserError
from clinic.maintenance import backup as b
from clinic.maintenance import backup_format as fmt
from clinic.maintenance import verify_backup as vb
from tests.fixtures.backup import (  # noqa: F401 - fixtures by name
    NAMES,
    assert_no_canary,
    backup_of,
    new_laptop,
    rich,
    rich_templates,
    usb,
)

# ----- making a backup ---------------------------------------------------------------------------------

def test_a_backup_is_one_new_file_in_the_folder_with_no_readable_client_data(rich, usb, tmp_path, monkeypatch):
    """One .cibak file with the time in its name, nothing else left in the folder, no canary in any form."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    r = rich()
    first = backup_of(r, usb)
    second = backup_of(r, usb)
    assert first.path != second.path and sorted(p.name for p in usb.iterdir()) == sorted(
        [first.path.name, second.path.name])
    assert b.NAME.match(first.path.name) and first.path.stat().st_mode & 0o077 == 0
    assert first.counts["clients"] == 1 and first.counts["letters"] == 1 and first.counts["documents"] == 1
    data = first.path.read_bytes()
    assert data.startswith(fmt.HEADER) and r.vault_id.encode() not in data
    assert bytes.fromhex(r.vault_id) not in data and NAMES["admin"].encode() not in data
    assert_no_canary(usb)
    assert_no_canary(tmp_path / "tmp")


def test_verify_and_the_temporary_copy_hold_no_plaintext(rich, usb, tmp_path, monkeypatch):
    """While verify checks the database it wrote to a temp folder, no canary is in any byte there."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    (tmp_path / "tmp").mkdir()
    r = rich()
    made = backup_of(r, usb)
    seen = []
    real = vb.check_database

    def spying(db, manifest):
        assert_no_canary(db.parent)
        seen.append(sorted(p.name for p in db.parent.iterdir()))
        return real(db, manifest)

    monkeypatch.setattr(vb, "check_database", spying)
    report = vb.verify_backup(made.path, recovery_key=r.recovery_key)
    assert report.ok, report.problems
    assert seen and "clinic.db" in seen[0]
    assert list((tmp_path / "tmp").iterdir()) == []


def test_the_scratch_copy_in_the_folder_is_encrypted_while_it_exists(rich, usb, monkeypatch):
    """Mid-backup, the export's scratch file holds no canary and opens only with the data key."""
    import sqlcipher3

    r = rich()
    seen = []
    real = b._write

    def spying(part, scratch, *args):
        assert_no_canary(scratch.parent)
        plain = sqlcipher3.connect(str(scratch))
        try:
            with pytest.raises(sqlcipher3.DatabaseError):
                plain.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            plain.close()
        seen.append(scratch.stat().st_size)
        return real(part, scratch, *args)

    monkeypatch.setattr(b, "_write", spying)
    backup_of(r, usb)
    assert seen and seen[0] > 0


def test_the_backup_is_a_consistent_snapshot_while_another_connection_writes(rich, usb):
    """Counts and audit head in the manifest match the copied database even with a writer in between."""
    r = rich()
    vault, writer = r.open(), r.open("attorney")
    try:
        from clinic.storage import snapshot

        real = snapshot.describe

        def write_meanwhile(conn, schema="main"):
            facts = real(conn, schema=schema)
            writer.cases.add_note(r.case_id, "written during the backup")  # WAL: not in the snapshot
            return facts

        snapshot.describe = write_meanwhile
        try:
            made = b.make_backup(vault, usb)
        finally:
            snapshot.describe = real
        report = vb.verify_backup(made.path, vault=vault)
        assert report.ok, report.problems
        assert report.counts["notes"] == 1
    finally:
        writer.lock()
        vault.lock()


def test_a_missing_folder_is_said_plainly_and_nothing_is_written_anywhere(rich, tmp_path, states):
    """An unplugged USB stick: one sentence naming the folder; the vault folder and its parent are unchanged."""
    r = rich()
    before = states(tmp_path)
    vault = r.open()
    try:
        with pytest.raises(b.BackupFolderMissing) as err:
            b.make_backup(vault, tmp_path / "usb-not-plugged")
    finally:
        vault.lock()
    assert "USB" in str(err.value) and str(tmp_path / "usb-not-plugged") in str(err.value)
    assert not (tmp_path / "usb-not-plugged").exists()
    after = states(tmp_path)
    assert set(after) == set(before)


def test_a_backup_into_the_clinic_folder_itself_is_refused(rich):
    """--to the vault's own folder: refused in one sentence, nothing written there."""
    r = rich()
    before = sorted(p.name for p in r.home.path.iterdir())
    with pytest.raises(UserError) as err:
        backup_of(r, r.home.path)
    assert "outside the clinic folder" in str(err.value)
    assert sorted(p.name for p in r.home.path.iterdir()) == before


def test_only_admins_and_allowed_roles_may_back_up_and_every_backup_is_audited(rich, usb):
    """A coordinator is refused until the admin allows the role; volunteers never; the audit says who."""
    r = rich()
    with pytest.raises(PermissionDenied):
        backup_of(r, usb, role="coordinator")
    with pytest.raises(PermissionDenied):
        backup_of(r, usb, role="volunteer")
    admin = r.open()
    try:
        b.set_backup_settings(admin, roles=[m.Role.COORDINATOR, m.Role.VOLUNTEER])
    finally:
        admin.lock()
    backup_of(r, usb, role="coordinator")
    with pytest.raises(PermissionDenied):
        backup_of(r, usb, role="volunteer")
    admin = r.open()
    try:
        rows = [row for row in admin.settings.audit_log() if row.action == "backup.create"]
        assert len(rows) == 1
    finally:
        admin.lock()


def test_keep_last_n_removes_only_the_oldest_backups_of_this_vault(rich, usb):
    """keep=2 leaves the newest two of this vault and never touches another vault's backup."""
    r, other = rich("one"), rich("two")
    foreign = backup_of(other, usb).path
    made = [backup_of(r, usb).path for _ in range(3)]
    last = backup_of(r, usb, keep=2)
    assert set(last.removed) == set(made[:2])
    assert sorted(p.name for p in usb.iterdir()) == sorted([foreign.name, made[2].name, last.path.name])


def test_the_reminder_appears_after_the_configured_days(rich, usb, monkeypatch):
    """No backup: reminded; after one: quiet; 8 days later (default 7): reminded, with the day count."""
    r = rich()
    vault = r.open()
    try:
        assert "No backup" in b.reminder(vault)
        b.make_backup(vault, usb)
        assert b.reminder(vault) is None
        later = b.now() + dt.timedelta(days=8)
        monkeypatch.setattr(b, "now", lambda: later)
        assert "8 days" in b.reminder(vault)
        b.set_backup_settings(vault, remind_days=10)
        assert b.reminder(vault) is None
    finally:
        vault.lock()
    volunteer = r.open("volunteer")
    try:
        assert b.reminder(volunteer) is None
    finally:
        volunteer.lock()


# ----- verify -------------------------------------------------------------------------------------------

def test_verify_says_when_it_was_made_and_what_it_holds_on_the_laptop_and_with_the_recovery_key(rich, usb):
    """Both ways pass and report the date and the counts of clients, cases, documents and letters."""
    r = rich()
    made = backup_of(r, usb)
    vault = r.open()
    try:
        on_laptop = vb.verify_backup(made.path, vault=vault)
    finally:
        vault.lock()
    new_laptop(r)
    elsewhere = vb.verify_backup(made.path, recovery_key=r.recovery_key)
    for report in (on_laptop, elsewhere):
        assert report.ok, report.problems
        assert report.made_at[:10] == made.made_at.date().isoformat()
        assert {k: report.counts[k] for k in ("clients", "cases", "documents", "letters")} == {
            "clients": 1, "cases": 1, "documents": 1, "letters": 1}


def test_a_wrong_recovery_key_is_told_apart_from_damage(rich, usb):
    """Another vault's recovery key: 'does not open', with 'intact'; a flipped byte: 'damaged'."""
    r, other = rich("one"), rich("two")
    made = backup_of(r, usb)
    with pytest.raises(fmt.BackupKeyWrong) as err:
        vb.verify_backup(made.path, recovery_key=other.recovery_key)
    assert "intact" in str(err.value) and "damaged" not in str(err.value)
    data = bytearray(made.path.read_bytes())
    data[len(data) // 2] ^= 1
    made.path.write_bytes(bytes(data))
    with pytest.raises(fmt.BackupDamaged) as err:
        vb.verify_backup(made.path, recovery_key=r.recovery_key)
    assert "damaged" in str(err.value)


def test_verify_detects_a_vault_rolled_back_behind_its_backup(rich, usb, tmp_path):
    """A copy of the folder taken before the backup, put back afterwards: verify and status say rolled back."""
    r = rich()
    old = tmp_path / "old-copy"
    shutil.copytree(r.home.path, old)
    vault = r.open()
    try:
        vault.cases.add_note(r.case_id, "after the copy")
        made = b.make_backup(vault, usb)
    finally:
        vault.lock()
    shutil.rmtree(r.home.path)
    shutil.copytree(old, r.home.path)
    vault = r.open()
    try:
        report = vb.verify_backup(made.path, vault=vault)
        assert not report.ok and any("rolled back" in p for p in report.problems)
        assert any("rolled back" in p for p in b.rollback_problems(vault))
    finally:
        vault.lock()


def test_an_audit_log_cut_back_is_detected_from_the_head_kept_in_the_keyring(rich, usb, raw_db):
    """Deleting the newest audit entries leaves a valid chain, but not the head recorded at the backup."""
    r = rich()
    backup_of(r, usb)
    key = r.keys["admin"].data_keys[0]
    with raw_db(r.home.db, key) as conn:
        last = conn.execute("SELECT max(id) FROM audit").fetchone()[0]
        conn.execute("DELETE FROM audit WHERE id >= ?", (last - 3,))
    vault = r.open()
    try:
        assert vault.verify().ok  # the chain itself is still whole
        assert any("cut back" in p for p in b.rollback_problems(vault))
    finally:
        vault.lock()


