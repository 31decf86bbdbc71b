"""Reading and checking a backup: it opens, every byte is authentic, the database and audit chain are intact.

Works on the laptop (the vault's current data key opens it) and on a new machine (the recovery key).
The database inside is written, still SQLCipher-encrypted, into a private temporary folder for the
checks and removed afterwards; no plaintext page is ever written.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from clinic.crypto import primitives as p
from clinic.crypto.primitives import SecretBytes
from clinic.errors import UserError
from clinic.i18n import _, ngettext
from clinic.keys import device
from clinic.keys.keyfile import KeyFile
from clinic.maintenance import backup_format as fmt
from clinic.maintenance.backup import MANIFEST_FORMAT, require_backup
from clinic.maintenance.verify import integrity_sentences
from clinic.storage import audit, snapshot
from clinic.storage.db import WrongKey, connect, integrity, transaction

MAX_MANIFEST = 16 * 1024 * 1024


@dataclass(frozen=True)
class BackupReport:
    made_at: str
    counts: dict[str, int]
    audit_entries: int
    problems: tuple[str, ...]
    checked: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def read_backup(path: str | os.PathLike, dest_db: Path, *, data_key: SecretBytes | None = None,
                recovery_secret: SecretBytes | None = None,
                progress: Callable[[int, int], None] | None = None) -> dict:
    """Authenticate the whole file while writing its (encrypted) database to `dest_db`; return the manifest.

    With data_key the data-key slot is tried, then (if given) the recovery key. Raises BackupDamaged or
    BackupKeyWrong (each one sentence); `dest_db` is removed then, so nothing of a bad file stays.
    """
    try:
        f = Path(path).open("rb")
    except OSError:
        raise UserError(_("Cannot read the backup file {file}.").format(file=str(path))) from None
    with f:
        reader = fmt.Reader(f)
        file_key = None
        if data_key is not None:
            try:
                file_key = reader.open_with_data_key(data_key)
            except fmt.BackupKeyWrong:
                if recovery_secret is None:
                    raise
        if file_key is None:
            if recovery_secret is None:
                raise fmt.BackupKeyWrong(_("Give the recovery key to open this backup."))
            file_key = reader.open_with_recovery(recovery_secret)
        fd = os.open(dest_db, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                manifest = _copy(reader, file_key, out, progress)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            dest_db.unlink(missing_ok=True)
            raise
    return manifest


def _copy(reader: fmt.Reader, file_key: bytes, out, progress) -> dict:
    stream = fmt.PlainStream(reader.chunks(file_key))
    head = stream.read(4)
    if len(head) != 4:
        raise fmt.damaged()
    (n,) = struct.unpack(">I", head)
    if n > MAX_MANIFEST:
        raise fmt.damaged()
    try:
        manifest = json.loads(stream.read(n))
        if manifest.get("format") != MANIFEST_FORMAT:
            raise ValueError
        total = int(manifest["db_bytes"])
        bytes.fromhex(manifest["data_key"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise fmt.damaged() from None
    done = 0
    for block in stream.rest():  # every chunk is authenticated before its bytes are written
        out.write(block)
        done += len(block)
        if progress is not None:
            progress(min(done, total), total)
    if done != total:
        raise fmt.damaged()
    return manifest


def data_key_of(manifest: dict) -> SecretBytes:
    return SecretBytes(bytes.fromhex(manifest["data_key"]))


def check_database(db: Path, manifest: dict) -> tuple[list[str], list[str]]:
    """(problems, checked) for a database read out of a backup, against what its manifest says."""
    problems, checked = [], []
    try:
        conn = connect(db, data_key_of(manifest), expect_schema=True)
    except WrongKey:
        return [_("The database in this backup does not open with its own key.")], []
    try:
        found, seen = integrity_sentences(integrity(conn, full=True), full=True)
        problems += found
        checked += seen
        bad = audit.verify(conn)
        if bad:
            problems.append(_("The audit log was altered at entry {id}.").format(id=bad[0]))
        facts = snapshot.describe(conn)
        if facts["audit"]["hash"] != manifest["audit"]["hash"] or facts["counts"] != manifest["counts"]:
            problems.append(_("The database in this backup is not the one its contents list describes."))
        entries = facts["audit"]["entries"]
        checked.append(ngettext("audit log chain ({n} entry)", "audit log chain ({n} entries)", entries)
                       .format(n=entries))
        from clinic.storage.repos.settings import SettingsRepo

        keyfile = KeyFile(db.with_name("clinic.keys"), manifest["keyfile"])
        if SettingsRepo(conn).get("vault_id") != manifest["vault_id"] or keyfile.vault_id != manifest["vault_id"]:
            problems.append(_("The key file in this backup belongs to another vault."))
        elif not keyfile.mac_ok(SecretBytes(p.keyfile_mac_key(bytes(data_key_of(manifest)), keyfile.vault_id))):
            problems.append(_("The key file in this backup was changed outside Clinic Intake."))
        checked.append(_("key file"))
    finally:
        conn.close()
    return problems, checked


def verify_backup(path: str | os.PathLike, *, vault=None, recovery_key: str | None = None,
                  progress: Callable[[int, int], None] | None = None) -> BackupReport:
    """Check a backup completely. With `vault` (open, on this laptop) also whether that vault was rolled
    back relative to it; with recovery_key, that the recovery key will restore it. Audited when a vault
    is given. Raises BackupDamaged / BackupKeyWrong when the file cannot be read at all."""
    from clinic.keys import recovery

    secret = recovery.parse(recovery_key) if recovery_key else None
    data_key = None
    if vault is not None:
        require_backup(vault)
        data_key = vault.data_key
    work = Path(tempfile.mkdtemp(prefix="clinic-verify-"))
    try:
        manifest = read_backup(path, work / "clinic.db", data_key=data_key, recovery_secret=secret,
                               progress=progress)
        problems, checked = check_database(work / "clinic.db", manifest)
        if secret is not None:
            keyfile = KeyFile(work / "clinic.keys", manifest["keyfile"])
            try:
                held = keyfile.unlock_recovery(secret).data_keys
            except UserError:
                held = ()
            if data_key_of(manifest) not in held:
                problems.append(_("The recovery key opens this file but not the database key inside it, so it "
                                  "could not restore it."))
            checked.append(_("recovery key"))
        if vault is not None and manifest["vault_id"] == vault.vault_id:
            problems += _relation(vault, manifest)
            checked.append(_("this laptop's vault against the backup"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = BackupReport(manifest["made_at"], dict(manifest["counts"]), manifest["audit"]["entries"],
                          tuple(problems), tuple(checked))
    if vault is not None:
        _audit(vault, "backup.verify", ok=report.ok)
    return report


def _relation(vault, manifest: dict) -> list[str]:
    """The vault must still hold the backup's audit head (and the newest head kept in the keyring)."""
    conn = connect(vault.home.db, vault.data_key, expect_schema=True)
    try:
        head = manifest["audit"]
        out = []
        if head["id"] and snapshot.audit_hash_at(conn, head["id"]) != head["hash"]:
            out.append(_("The vault on this laptop no longer holds audit entries that this backup has: it was "
                         "rolled back to an older copy or its audit log was cut back after this backup was made."))
        kept = device.load_backup_head(vault.vault_id)
        if kept and kept["id"] and kept["hash"] != head["hash"] and \
                snapshot.audit_hash_at(conn, kept["id"]) != kept["hash"]:
            out.append(_("This vault's audit log no longer holds the entries it had when the backup of {date} "
                         "was made: the database was rolled back to an older copy or its audit log was cut "
                         "back.").format(date=kept["at"][:10]))
        return out
    finally:
        conn.close()


def _audit(vault, action: str, **detail) -> None:
    with contextlib.closing(connect(vault.home.db, vault.data_key, expect_schema=True)) as conn:
        with transaction(conn):
            audit.append(conn, actor_id=vault.user.id, action=action, detail=detail)
