"""Restoring over the open vault (the app's Administration): admins only, staged first, the old vault aside."""

from __future__ import annotations

import pytest

from clinic.errors import PermissionDenied, RecoveryKeyInvalid, UserError
from clinic.home import Home
from clinic.keys import device
from clinic.maintenance import restore as r
from clinic.maintenance.backup import make_backup
from clinic.vault import Vault

NEW_PW = "restored over admin pw"


def _siblings(lone) -> list[str]:
    return sorted(p.name for p in lone.home.path.parent.iterdir() if p.name.startswith((lone.home.path.name,
                                                                                         f".{lone.home.path.name}")))


def test_a_volunteer_can_neither_stage_nor_install_and_a_refused_install_leaves_nothing(lone_vault, tmp_path):
    """stage_replacement and replace_with require Can.RESTORE_BACKUP; the staged copy is dropped on refusal."""
    lone = lone_vault()
    admin = Vault.unlock(lone.home, *lone.admin)
    try:
        path = make_backup(admin, tmp_path).path
        staged = r.stage_replacement(admin, path, recovery_key=lone.recovery_key, admin_name=lone.admin[0],
                                     new_passphrase=NEW_PW)
        assert len(_siblings(lone)) == 2  # the vault and its hidden staged copy
    finally:
        admin.lock()
    volunteer = Vault.unlock(lone.home, *lone.volunteer)
    try:
        with pytest.raises(PermissionDenied):
            r.stage_replacement(volunteer, path, recovery_key=lone.recovery_key, admin_name=lone.admin[0],
                                new_passphrase=NEW_PW)
        with pytest.raises(PermissionDenied):
            r.replace_with(volunteer, staged)
        assert volunteer.is_open  # refused before anything was locked or moved
    finally:
        volunteer.lock()
    assert _siblings(lone) == [lone.home.path.name]
    device.delete_backup_head(lone.vault_id)


def test_a_wrong_recovery_key_stages_nothing_and_the_vault_stays_open(lone_vault, tmp_path):
    """Another vault's recovery key: one sentence, no hidden folder left, the open vault untouched."""
    lone, other = lone_vault(), lone_vault()
    admin = Vault.unlock(lone.home, *lone.admin)
    try:
        path = make_backup(admin, tmp_path).path
        with pytest.raises((RecoveryKeyInvalid, UserError)):
            r.stage_replacement(admin, path, recovery_key=other.recovery_key, admin_name=lone.admin[0],
                                new_passphrase=NEW_PW)
        assert admin.is_open and admin.clients.get(lone.client_ref)
    finally:
        admin.lock()
    assert _siblings(lone) == [lone.home.path.name]
    device.delete_backup_head(lone.vault_id)


def test_an_admin_replaces_the_open_vault_which_is_moved_aside_and_audited(lone_vault, tmp_path):
    """The open vault is locked, moved to .before-restore-<time> with a backup.replaced entry; the new one opens."""
    lone = lone_vault()
    admin = Vault.unlock(lone.home, *lone.admin)
    path = make_backup(admin, tmp_path).path
    staged = r.stage_replacement(admin, path, recovery_key=lone.recovery_key, admin_name=lone.admin[0],
                                 new_passphrase=NEW_PW)
    result = r.replace_with(admin, staged)
    assert not admin.is_open and result.moved_aside.name.startswith(f"{lone.home.path.name}.before-restore-")
    old = Vault.unlock(Home(result.moved_aside), *lone.admin)
    try:
        assert any(e.action == "backup.replaced" for e in old.settings.audit_log())
    finally:
        old.lock()
    restored = Vault.unlock(lone.home, lone.admin[0], NEW_PW)
    try:
        assert restored.clients.get(lone.client_ref) and restored.verify().ok
    finally:
        restored.lock()
    device.delete_backup_head(lone.vault_id)
