"""`backup status --folder DIR`: a rolled-back vault is caught from the heads inside every backup in a folder."""

from __future__ import annotations

import shutil
import subprocess

from clinic import models as m
from clinic.keys import device
from clinic.maintenance import backup as b
from clinic.maintenance import rollback
from clinic.vault import Vault
from tests.fixtures.core import REPO, cli_command, cli_env


def _status(lone, usb, tmp_path) -> subprocess.CompletedProcess:
    env = cli_env(home=lone.home, user=lone.admin[0], passphrase=lone.admin[1], tmpdir=tmp_path,
                  extra={"PYTHONPATH": str(REPO)})
    return subprocess.run([*cli_command(), "backup", "status", "--folder", str(usb)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=180, cwd=REPO, env=env)


def _grow(lone, n: int) -> None:
    """n more intakes (each audited), as the admin."""
    vault = Vault.unlock(lone.home, *lone.admin)
    try:
        for i in range(n):
            vault.intakes.record(m.IntakeDraft(given_names="Prueba", family_name_1=f"Qxrollback{i}",
                                               needs=(m.Need.HOUSING,), consent_to_store=True))
    finally:
        vault.lock()


def _roll_back(lone, old_db) -> None:
    for suffix in ("-wal", "-shm"):
        lone.home.db.with_name(lone.home.db.name + suffix).unlink(missing_ok=True)
    shutil.copy2(old_db, lone.home.db)


def _folder(lone, other, tmp_path):
    """A USB folder: a backup of `lone` (after 6 more intakes), another vault's backup, junk and a damaged copy."""
    usb = tmp_path / "usb"
    usb.mkdir()
    for who in (other, lone):
        vault = Vault.unlock(who.home, *who.admin)
        try:
            made = b.make_backup(vault, usb)
        finally:
            vault.lock()
    (usb / "damaged-copy.cibak").write_bytes(b"CLINICBAK\0" + bytes(40))
    (usb / "notes.txt").write_text("not a backup", encoding="utf-8")
    device.delete_backup_head(lone.vault_id)  # a new laptop: only the folder remembers the head
    return usb, made


def test_a_vault_rolled_back_behind_the_newest_backup_in_the_folder_is_named(lone_vault, tmp_path):
    """An older clinic.db copied back: exit 1, 'shorter', naming the newest backup; other files named, skipped."""
    lone, other = lone_vault(), lone_vault()
    old_db = tmp_path / "old-clinic.db"
    shutil.copy2(lone.home.db, old_db)
    _grow(lone, 6)
    usb, made = _folder(lone, other, tmp_path)
    run = _status(lone, usb, tmp_path)
    assert run.returncode == 0, run.stderr
    assert f"Read 1 backup of this vault in {usb}; the newest is {made.path.name}" in run.stdout
    assert "Skipped damaged-copy.cibak: " in run.stderr and "damaged" in run.stderr
    assert run.stderr.count("Skipped ") == 2 and "not made from this vault" in run.stderr and "notes.txt" not in run.stderr
    assert "PROBLEM" not in run.stderr and "Traceback" not in run.stderr

    _roll_back(lone, old_db)
    run = _status(lone, usb, tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    problem = [line for line in run.stderr.splitlines() if line.startswith("PROBLEM")]
    assert len(problem) == 1 and "shorter than in its newest backup" in problem[0] and made.path.name in problem[0]
    assert "rolled back" in problem[0]


def test_a_rolled_back_vault_that_moved_on_diverges_from_the_backup(lone_vault, tmp_path):
    """Rolled back, then used: the chain is longer again but differs at the backup's head: 'differs'."""
    lone, other = lone_vault(), lone_vault()
    old_db = tmp_path / "old-clinic.db"
    shutil.copy2(lone.home.db, old_db)
    _grow(lone, 2)
    usb, made = _folder(lone, other, tmp_path)
    _roll_back(lone, old_db)
    _grow(lone, 8)
    run = _status(lone, usb, tmp_path)
    assert run.returncode == 1, run.stderr
    assert "differs from its newest backup" in run.stderr and made.path.name in run.stderr


def test_the_newest_is_chosen_by_the_date_inside_and_a_vault_in_step_passes(lone_vault, tmp_path):
    """Two backups of the vault: the newer one's head counts; a vault that only grew since is fine."""
    lone, other = lone_vault(), lone_vault()
    usb, first = _folder(lone, other, tmp_path)
    _grow(lone, 1)
    vault = Vault.unlock(lone.home, *lone.admin)
    try:
        second = b.make_backup(vault, usb)
        _more = vault.intakes.record(m.IntakeDraft(given_names="Prueba", family_name_1="Qxdespues",
                                                   needs=(m.Need.HOUSING,), consent_to_store=True))
        found = rollback.check_folder(vault, usb)
    finally:
        vault.lock()
    assert found.ok and found.newest == second.path.name and set(found.read) == {first.path.name,
                                                                                 second.path.name}
    assert {name for name, _why in found.skipped} == {"damaged-copy.cibak", *[
        p.name for p in usb.iterdir() if p.name not in (first.path.name, second.path.name, "notes.txt",
                                                         "damaged-copy.cibak")]}
