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
        moved = _move_aside(home) if occupied(home) else None
        if home.path.exists():
            home.path.rmdir()  # empty (checked above): let the rename put the folder in its place
        os.rename(staging, home.path)
        _sync_folder(parent)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if vault_id:
            device.delete_anchor(vault_id, staging)
        if _is_disk_full(exc):
            raise DiskFull(_("The disk is full, so the backup was not restored; nothing was changed. Free some "
                             "space and try again.")) from None
        if isinstance(exc, OSError):
            raise UserError(_("The backup could not be restored into {path} ({reason}); nothing was changed.")
                            .format(path=str(home.path), reason=exc.strerror or type(exc).__name__)) from None
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


def _move_aside(home: Home) -> Path:
    stamp = now().astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")
    aside = home.path.with_name(f"{home.path.name}.before-restore-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = home.path.with_name(f"{home.path.name}.before-restore-{stamp}-{n}")
    os.rename(home.path, aside)
    return aside
