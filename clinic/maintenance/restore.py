"""Restoring a backup with the recovery key: into an empty clinic folder, or in place of a vault moved aside.

The backup is authenticated and written (still encrypted) into a hidden folder beside the clinic folder,
recovered there exactly as `Vault.recover` does (this laptop's device secret, a new admin passphrase; on a
new laptop the other staff are enrolled again with `staff reset`), and only then renamed into place. A
file that fails anywhere leaves nothing behind; a vault already in the folder is renamed aside, never
deleted, and only when the caller says so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clinic.access import Can
from clinic.clock import now
from clinic.errors import UserError, VaultExists
from clinic.home import Home
from clinic.i18n import _
from clinic.keys import device, recovery
from clinic.maintenance.backup import DiskFull, _is_disk_full, _sync_folder
from clinic.maintenance.verify_backup import read_backup
from clinic.storage.db import transaction


@dataclass(frozen=True)
class RestoreResult:
    home: Home
    made_at: str
    counts: dict[str, int]
    moved_aside: Path | None  # where the vault that was in the folder now is


def occupied(home: Home) -> bool:
    return home.path.exists() and any(home.path.iterdir())


def restore_backup(path: str | os.PathLike, home: Home, *, recovery_key: str, admin_name: str,
                   new_passphrase: str, replace: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> RestoreResult:
    """Restore `path` into `home`. replace=True (after the person confirmed) moves a vault there aside."""
    staged = stage(path, home, recovery_key=recovery_key, admin_name=admin_name, new_passphrase=new_passphrase,
                   replace=replace, progress=progress)
    return staged.install()


@dataclass
class Staged:
    """A backup authenticated and recovered in a hidden folder beside `home`; `install()` puts it in place."""

    home: Home
    staging: Path
    manifest: dict

    def install(self) -> RestoreResult:
        """Move any vault in `home` aside (never deleted), rename the restored one in, re-anchor it."""
        home, staging, manifest = self.home, self.staging, self.manifest
        vault_id = manifest["vault_id"]
        try:
            moved = _move_aside(home) if occupied(home) else None
            if home.path.exists():
                home.path.rmdir()  # empty (checked above): let the rename put the folder in its place
            os.rename(staging, home.path)
            _sync_folder(home.path.parent)
        except OSError as exc:
            self.discard()
            raise _sentence(exc, home) from None
        except BaseException:
            self.discard()
            raise
        # The recovery key holder vouched for this copy: anchor it at its real folder, and its audit head.
        anchor = device.load_anchor(vault_id, staging)
        if anchor is not None:
            device.store_anchor(vault_id, home.path, epoch=anchor["epoch"], fpr=anchor["fpr"])
            device.delete_anchor(vault_id, staging)
        head = manifest["audit"]
        with contextlib.suppress(UserError):
            device.store_backup_head(vault_id, id=head["id"], hash=head["hash"], at=manifest["made_at"])
        return RestoreResult(home, manifest["made_at"], dict(manifest["counts"]), moved)

    def discard(self) -> None:
        """Remove the hidden folder (nothing in `home` was touched yet)."""
        shutil.rmtree(self.staging, ignore_errors=True)
        device.delete_anchor(self.manifest["vault_id"], self.staging)


def stage(path: str | os.PathLike, home: Home, *, recovery_key: str, admin_name: str, new_passphrase: str,
          replace: bool = False, progress: Callable[[int, int], None] | None = None) -> Staged:
    """Authenticate `path` and recover it in a hidden folder beside `home`; `home` itself is not touched."""
    from clinic.vault import Vault, check_passphrase

    secret = recovery.parse(recovery_key)  # a mistyped key is named before anything is read
    check_passphrase(new_passphrase)
    if occupied(home) and not replace:
        raise VaultExists(_("The folder {path} is not empty, so nothing was restored into it. To replace the "
                            "vault there, confirm it: the current vault is moved aside, never deleted.")
                          .format(path=str(home.path)))
    device.check_available()
    parent = home.path.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f".{home.path.name}.restoring-{secrets.token_hex(4)}"
    staging.mkdir(mode=0o700)
    vault_id = None
    try:
        manifest = read_backup(path, staging / "clinic.db", recovery_secret=secret, progress=progress)
        vault_id = manifest["vault_id"]
        keys_text = json.dumps(manifest["keyfile"], indent=1, sort_keys=True).encode()
        fd = os.open(staging / "clinic.keys", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(keys_text)
            f.flush()
            os.fsync(f.fileno())
        vault = Vault.recover(Home(staging), recovery_key=recovery_key, admin_name=admin_name,
                              new_passphrase=new_passphrase)
        try:
            with transaction(vault.conn):
                vault.audit("backup.restore", made_at=manifest["made_at"], replaced=occupied(home))
        finally:
            vault.lock()
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if vault_id:
            device.delete_anchor(vault_id, staging)
        if _is_disk_full(exc) or isinstance(exc, OSError):
            raise _sentence(exc, home) from None
        raise
    return Staged(home, staging, manifest)


def _sentence(exc: BaseException, home: Home) -> BaseException:
    """A full disk or another OS error as one sentence; anything else as it was."""
    if _is_disk_full(exc):
        return DiskFull(_("The disk is full, so the backup was not restored; nothing was changed. Free some "
                          "space and try again."))
    if isinstance(exc, OSError):
        return UserError(_("The backup could not be restored into {path} ({reason}); nothing was changed.")
                         .format(path=str(home.path), reason=exc.strerror or type(exc).__name__))
    return exc


# ----- in the running app: an administrator replaces the open vault --------------------------------------

def stage_replacement(vault, path: str | os.PathLike, *, recovery_key: str, admin_name: str,
                      new_passphrase: str, progress: Callable[[int, int], None] | None = None) -> Staged:
    """Worker: an administrator's restore of `path` over the open vault, staged beside it (admins only).

    The open vault is not touched; `replace_with(vault, staged)` then locks it and moves it aside."""
    vault.require(Can.RESTORE_BACKUP)
    return stage(path, vault.home, recovery_key=recovery_key, admin_name=admin_name,
                 new_passphrase=new_passphrase, replace=True, progress=progress)


def replace_with(vault, staged: Staged) -> RestoreResult:
    """GUI thread: audit in the open vault, lock it, move it aside (never deleted) and put `staged` in place."""
    try:
        vault.require(Can.RESTORE_BACKUP)
        if staged.home.path != vault.home.path:
            raise UserError(_("That restore was prepared for another clinic folder; nothing was changed."))
        with transaction(vault.conn):
            vault.audit("backup.replaced", made_at=staged.manifest["made_at"])
    except BaseException:
        staged.discard()
        raise
    vault.lock()
    return staged.install()


def _move_aside(home: Home) -> Path:
    stamp = now().astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    aside = home.path.with_name(f"{home.path.name}.before-restore-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = home.path.with_name(f"{home.path.name}.before-restore-{stamp}-{n}")
    os.rename(home.path, aside)
    return aside
