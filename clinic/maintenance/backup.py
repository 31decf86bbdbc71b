"""Making a backup: one encrypted, authenticated file in the folder the person chose, and nowhere else.

    result = make_backup(vault, "/media/usb/clinic", keep=10, progress=..., cancelled=...)

The database is copied with sqlcipher_export (a consistent snapshot while the app keeps running, every
page encrypted) into a scratch file inside the chosen folder, then streamed with the key file and a
manifest into `.clinic-backup-<time>.cibak.<random>.part`, fsynced, and only then linked to its final
name (never over an existing file). A kill leaves at most dot-named scratch files, which the next backup
to that folder removes. Runs on any thread: it opens its own connection.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import re
import secrets
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clinic import access
from clinic import models as m
from clinic.clock import now
from clinic.crypto.primitives import SecretBytes
from clinic.errors import Cancelled, PermissionDenied, UserError
from clinic.i18n import _, ngettext
from clinic.keys import device
from clinic.keys.keyfile import KeyFile
from clinic.maintenance import backup_format as fmt
from clinic.storage import audit, snapshot
from clinic.storage.db import DatabaseError, connect, transaction
from clinic.storage.repos.settings import SettingsRepo
from clinic.version import __version__

NAME = re.compile(r"^clinic-backup-\d{8}-\d{6}Z(-\d+)?\.cibak$")
READ = 1 << 20
STALE_SECONDS = 3600  # scratch files older than this in a backup folder are left-overs of a killed backup
DEFAULT_REMIND_DAYS = 7
MANIFEST_FORMAT = "clinic-intake-backup-manifest"


class BackupFolderMissing(UserError):
    pass


class DiskFull(UserError):
    pass


@dataclass(frozen=True)
class BackupResult:
    path: Path
    made_at: dt.datetime
    counts: dict[str, int]
    removed: tuple[Path, ...] = ()  # older backups removed by keep=N


@dataclass(frozen=True)
class BackupStatus:
    last_at: dt.datetime | None
    folder: str
    remind_days: int
    due: bool  # no backup yet, or the last one is older than remind_days

    @property
    def days_since(self) -> int | None:
        return None if self.last_at is None else (now() - self.last_at).days


def may_back_up(vault) -> bool:
    """Admins, and the roles an admin allowed in the `backup_roles` setting (e.g. "coordinator")."""
    if vault.can(access.Can.MANAGE_BACKUPS):
        return True
    allowed = SettingsRepo(vault.conn).get("backup_roles").split(",")
    return vault.user.role.value in {r.strip() for r in allowed if r.strip()}


def require_backup(vault) -> None:
    vault.conn  # noqa: B018 - raises when locked
    if not may_back_up(vault):
        raise PermissionDenied(_("Your role ({role}) may not make or check backups; an administrator can "
                                 "allow it.").format(role=_(vault.user.role.label)))


def check_folder(folder: str | os.PathLike) -> Path:
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise BackupFolderMissing(_("The backup folder {path} is not there (is the USB stick plugged in?). "
                                    "No backup was made and nothing was written anywhere else.")
                                  .format(path=str(path)))
    if not os.access(path, os.W_OK | os.X_OK):
        raise BackupFolderMissing(_("Clinic Intake may not write in the backup folder {path}. No backup was "
                                    "made.").format(path=str(path)))
    return path


def disk_full(folder: Path) -> DiskFull:
    return DiskFull(_("The disk holding {path} is full, so no backup was made; the vault is unchanged. "
                      "Free some space or use another USB stick.").format(path=str(folder)))


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(exc, DatabaseError) and "full" in str(exc).lower()


def make_backup(vault, folder: str | os.PathLike, *, keep: int | None = None,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> BackupResult:
    """Write one backup file into `folder` (which must exist) and return where it is. Audited.

    progress(done, total) in bytes of the database; cancelled() is polled between chunks and raises
    Cancelled (nothing is left behind). keep=N then removes all but the newest N backups of this vault
    in the folder (only files this vault's current key opens are ever removed).
    """
    require_backup(vault)
    target = check_folder(folder)
    if target.resolve() == vault.home.path.resolve():
        raise UserError(_("Choose a folder outside the clinic folder (a USB stick): a backup beside the vault "
                          "is lost with it. No backup was made."))
    if keep is not None and keep < 1:
        raise UserError(_("Keep at least one backup."))
    keyfile = KeyFile.load(vault.home.keys)
    if keyfile.pending_rotation:
        raise UserError(_("A key change after removing a staff member is not finished; unlock as an "
                          "administrator to finish it, then make the backup."))
    wrap = keyfile.backup_wrap
    if wrap is None:
        raise UserError(_("This vault's recovery key was made before backups existed. Replace the recovery "
                          "key (Administration, or “clinic-intake recover”) once, then make the backup."))
    _remove_stale(target)
    made_at = now()
    final = _free_name(target, made_at)
    token = secrets.token_hex(4)
    scratch = target / f".{final.name}.{token}.db.part"
    part = target / f".{final.name}.{token}.part"
    data_key = vault.data_key
    conn = connect(vault.home.db, data_key, expect_schema=True)
    try:
        try:
            facts = snapshot.export(conn, scratch, data_key)
            if KeyFile.load(vault.home.keys).body_bytes() != keyfile.body_bytes():
                raise UserError(_("The staff keys changed while the backup was being made; make it again."))
            manifest = _manifest(vault, keyfile, facts, made_at, data_key, scratch.stat().st_size)
            _write(part, scratch, manifest, keyfile, data_key, wrap, progress, cancelled)
            _publish(part, final)
        except BaseException as exc:
            for leftover in (part, scratch):
                with contextlib.suppress(OSError):
                    leftover.unlink()
            if _is_disk_full(exc):
                raise disk_full(target) from None
            if isinstance(exc, OSError):
                raise UserError(_("The backup could not be written to {path} ({reason}). No backup was made; "
                                  "the vault is unchanged.").format(path=str(target), reason=exc.strerror or
                                                                    type(exc).__name__)) from None
            raise
        finally:
            with contextlib.suppress(OSError):
                scratch.unlink()
        with transaction(conn):
            settings = SettingsRepo(conn)
            settings.set("last_backup_at", made_at.isoformat(timespec="seconds"))
            settings.set("last_backup_folder", str(target))
            audit.append(conn, actor_id=vault.user.id, action="backup.create",
                         detail={"file": final.name, **facts["counts"]})
        head = facts["audit"]
        with contextlib.suppress(UserError):  # a keyring hiccup must not undo a good backup
            device.store_backup_head(vault.vault_id, id=head["id"], hash=head["hash"],
                                     at=made_at.isoformat(timespec="seconds"))
    finally:
        conn.close()
    removed = prune(target, keep, data_key, final) if keep else ()
    return BackupResult(final, made_at, facts["counts"], removed)


def _manifest(vault, keyfile: KeyFile, facts: dict, made_at: dt.datetime, data_key: SecretBytes,
              db_bytes: int) -> bytes:
    doc = {"format": MANIFEST_FORMAT, "version": 1, "vault_id": vault.vault_id,
           "made_at": made_at.isoformat(timespec="seconds"), "app_version": __version__,
           "made_by": vault.user.id, "schema": facts["schema"], "counts": facts["counts"],
           "audit": facts["audit"], "data_key": bytes(data_key).hex(), "db_bytes": db_bytes,
           "keyfile": keyfile.doc}  # as loaded (checksum and MAC included) and checked unchanged since
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def _write(part: Path, scratch: Path, manifest: bytes, keyfile: KeyFile, data_key: SecretBytes, wrap: bytes,
           progress, cancelled) -> None:
    import base64

    file_key = os.urandom(32)
    recovery_public = base64.b64decode(keyfile.doc["recovery"]["public_key"])
    slots = [fmt.data_key_slot(file_key, data_key), fmt.recovery_slot(file_key, recovery_public, wrap)]
    total = scratch.stat().st_size
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, scratch.open("rb") as db:
        writer = fmt.Writer(out, file_key, slots)
        writer.write(struct.pack(">I", len(manifest)) + manifest)
        done = 0
        while block := db.read(READ):
            if cancelled is not None and cancelled():
                raise Cancelled()
            writer.write(block)
            done += len(block)
            if progress is not None:
                progress(done, total)
        if done != total:
            raise OSError(errno.EIO, "short read")
        writer.finish()
        out.flush()
        os.fsync(out.fileno())


def _publish(part: Path, final: Path) -> None:
    """Give the fsynced file its final name without ever replacing a file already there."""
    try:
        os.link(part, final)  # fails when `final` exists: no overwrite, whatever the race
        part.unlink()
    except FileExistsError:
        raise
    except OSError:  # file systems without hard links (FAT on USB sticks)
        if final.exists():
            raise FileExistsError(str(final)) from None
        os.rename(part, final)
    _sync_folder(final.parent)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder
    finally:
        os.close(fd)


def _free_name(folder: Path, at: dt.datetime) -> Path:
    stem = f"clinic-backup-{at.astimezone(dt.UTC):%Y%m%d-%H%M%S}Z"
    path, n = folder / f"{stem}{fmt.SUFFIX}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{fmt.SUFFIX}"
    return path


def _remove_stale(folder: Path) -> None:
    """Scratch files of a backup killed long ago (encrypted, never final-named)."""
    for path in folder.glob(".clinic-backup-*.part"):
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > STALE_SECONDS:
                path.unlink()


def backups_in(folder: Path) -> list[Path]:
    """Final-named backups in `folder`, oldest first (their names sort by time)."""
    def order(path: Path) -> tuple[str, int]:
        found = NAME.match(path.name)
        return path.name[:len("clinic-backup-20260101-000000Z")], int((found.group(1) or "-1")[1:])

    return sorted((p for p in folder.iterdir() if p.is_file() and NAME.match(p.name)), key=order)


def prune(folder: Path, keep: int, data_key: SecretBytes, newest: Path) -> tuple[Path, ...]:
    """Remove all but the newest `keep` backups that this vault's current key opens; others are left."""
    ours = []
    for path in backups_in(folder):
        try:
            with path.open("rb") as f:
                fmt.Reader(f).open_with_data_key(data_key)
            ours.append(path)
        except (UserError, OSError):
            continue
    if newest not in ours:
        return ()
    removed = []
    for path in ours[:-keep] if len(ours) > keep else []:
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    if removed:
        _sync_folder(folder)
    return tuple(removed)


# ----- knowing you are behind ----------------------------------------------------------------------------

def status(vault) -> BackupStatus:
    settings = SettingsRepo(vault.conn)
    last = settings.get("last_backup_at")
    try:
        days = int(settings.get("backup_remind_days") or DEFAULT_REMIND_DAYS)
    except ValueError:
        days = DEFAULT_REMIND_DAYS
    last_at = dt.datetime.fromisoformat(last) if last else None
    due = last_at is None or now() - last_at > dt.timedelta(days=days)
    return BackupStatus(last_at, settings.get("last_backup_folder"), days, due)


def reminder(vault) -> str | None:
    """The admin banner's sentence when a backup is due, else None (others are not reminded)."""
    if not may_back_up(vault):
        return None
    st = status(vault)
    if not st.due:
        return None
    if st.last_at is None:
        return _("No backup of this vault has been made yet. Make one to a USB stick (Administration, "
                 "Make a backup…).")
    days = st.days_since or 0
    return ngettext("The last backup was made {days} day ago. Make a new one (Administration, Make a "
                    "backup…).", "The last backup was made {days} days ago. Make a new one (Administration, "
                    "Make a backup…).", days).format(days=days)


def set_backup_settings(vault, *, remind_days: int | None = None, roles: list[m.Role] | None = None) -> None:
    vault.require(access.Can.MANAGE_SETTINGS)
    with transaction(vault.conn):
        settings = SettingsRepo(vault.conn)
        if remind_days is not None:
            if not 1 <= remind_days <= 365:
                raise UserError(_("Remind after 1 to 365 days."))
            settings.set("backup_remind_days", str(remind_days))
        if roles is not None:
            settings.set("backup_roles", ",".join(r.value for r in roles if r is not m.Role.VOLUNTEER))
        vault.audit("backup.settings")


def rollback_problems(vault) -> list[str]:
    """Whether the open vault still holds the audit head recorded (outside the database, in the keyring)
    at the newest backup made on this laptop; a sentence when it does not."""
    head = device.load_backup_head(vault.vault_id)
    if head is None or head["id"] == 0:
        return []
    if snapshot.audit_hash_at(vault.conn, head["id"]) == head["hash"]:
        return []
    return [_("This vault's audit log no longer holds the entries it had when the backup of {date} was made: "
              "the database was rolled back to an older copy or its audit log was cut back.")
            .format(date=head["at"][:10])]
