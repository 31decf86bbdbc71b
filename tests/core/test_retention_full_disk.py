"""A full disk (a small tmpfs) during a purge or a privileged-key rotation: one sentence, nothing lost."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess

import pytest

from clinic import models as m
from clinic.errors import UserError
from clinic.home import Home
from clinic.maintenance import purge
from clinic.vault import Vault
from tests.fixtures.purge import GONE, _age, _decrypted_pages, _draft, _found
from tests.fixtures.rotation import _opens_any, _sealed_blobs


@contextlib.contextmanager
def small_disk(tmp_path, source, extra: int = 6 * 1024 * 1024):
    """A copy of the vault folder `source` on a tmpfs only a little bigger than it; yields its Home."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mount = tmp_path / "small"
    mount.mkdir()
    size = sum(p.stat().st_size for p in source.rglob("*") if p.is_file())
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size + extra}", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        home = Home(mount / "home")
        shutil.copytree(source, home.path)
        yield home
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(folder, leave: int) -> os.PathLike:
    filler = folder.parent / "filler"
    st = os.statvfs(folder)
    with open(filler, "wb") as out:
        out.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))
    return filler


def test_a_full_disk_during_a_purge_says_so_and_the_next_run_finishes(template, tmp_path):
    staged = Home(tmp_path / "staged")
    shutil.copytree(template.path, staged.path)
    vault = Vault.open(staged, template.keys["admin"])
    try:
        gone = vault.intakes.record(_draft(GONE["intake_name"], GONE["intake_note"]))
        _age(vault, gone, closed=False)
        with vault.conn:  # room for a purge to need: padding rows of a client kept
            vault.conn.execute("UPDATE intakes SET notes = ? WHERE client_id = ?",
                               ("relleno " * 40000, template.sample_id))
        vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        vault.lock()
    with small_disk(tmp_path, staged.path) as home:
        vault = Vault.open(home, template.keys["admin"])
        try:
            shown = purge.plan(vault)
            assert shown.clients == 1
            filler = _fill(home.path, leave=64 * 1024)
            with pytest.raises(UserError) as err:
                purge.run(vault, shown)
            assert "disk" in str(err.value) and "backup" not in str(err.value)
            os.unlink(filler)
            purge.run(vault, purge.plan(vault))
            assert purge.plan(vault).empty
            assert not _found(_decrypted_pages(home.path, bytes(vault.data_key)), [GONE["intake_name"]])
            assert vault.verify().ok
            assert vault.sealed.reveal(template.sample_id) == template.sample_sealed
        finally:
            vault.lock()


def test_a_full_disk_during_a_demotion_rotation_is_finished_by_the_next_admin_unlock(template, tmp_path):
    staged = Home(tmp_path / "staged")
    shutil.copytree(template.path, staged.path)
    vault = Vault.open(staged, template.keys["admin"])
    try:
        for i in range(300):
            vault.sealed.set(template.sample_id, m.SealedField.A_NUMBER, f"A{i:09d}" + "x" * 2000)
        vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        vault.lock()
    old = template.keys["attorney"]
    with small_disk(tmp_path, staged.path) as home:
        vault = Vault.open(home, template.keys["admin"])
        try:
            filler = _fill(home.path, leave=200 * 1024)
            with pytest.raises(UserError) as err:
                vault.staff.set_role(template.name("attorney"), m.Role.VOLUNTEER)
            assert "disk is full" in str(err.value)
        finally:
            vault.lock()
        os.unlink(filler)
        admin = Vault.open(home, Vault.derive(home, template.name("admin"), template.passphrase("admin")))
        try:
            assert admin.verify().ok, admin.verify().problems
            assert not _opens_any(old.privileged_private, template.vault_id, _sealed_blobs(home.db, admin.data_key))
            assert admin.sealed.reveal(template.sample_id)[m.SealedField.A_NUMBER].startswith("A000000299")
        finally:
            admin.lock()
