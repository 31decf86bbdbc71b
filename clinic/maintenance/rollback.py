"""Whether a vault was rolled back, judged against every backup in a folder (their heads are encrypted inside).

    found = rollback.check_folder(vault, "/media/usb")
    found.problems   # sentences: the live audit chain is shorter than, or differs from, the newest backup's head
    found.skipped    # (file name, why): damaged, another vault's, or made under an older key; never fatal

Only each file's manifest is read (its first chunk, authenticated): the date and audit head a backup
recorded when it was made, inside the encryption. Nothing is written; the folder is only listed.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from clinic.errors import UserError
from clinic.i18n import _
from clinic.maintenance import backup_format as fmt
from clinic.maintenance.backup import check_folder as check_backup_folder
from clinic.storage import audit, snapshot

MAX_MANIFEST = 1 << 20


@dataclass(frozen=True, slots=True)
class FolderCheck:
    read: tuple[str, ...]                   # backups of this vault whose manifest was read, oldest first
    newest: str | None                      # the newest of them (by the date inside), its file name
    newest_at: str | None
    problems: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]    # (file name, one sentence why)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_folder(vault, folder: str | os.PathLike) -> FolderCheck:
    """Compare the open vault's audit chain with the head of the newest backup of it found in `folder`."""
    target = check_backup_folder(folder)
    found, skipped = [], []
    for path in sorted(p for p in target.iterdir() if p.is_file() and p.name.endswith(fmt.SUFFIX)):
        try:
            manifest = read_manifest(path, vault.keys.data_keys)
        except UserError as exc:
            skipped.append((path.name, str(exc)))
            continue
        if manifest.get("vault_id") != vault.vault_id:
            skipped.append((path.name, _("It is a backup of another vault.")))
            continue
        found.append((manifest["made_at"], manifest["audit"], path.name))
    found.sort(key=lambda item: (item[0], int(item[1].get("id") or 0)))  # same second: the longer
    if not found:
        return FolderCheck((), None, None, (), tuple(skipped))
    made_at, head, name = found[-1]
    return FolderCheck(tuple(f[2] for f in found), name, made_at, tuple(_compare(vault, head, name, made_at)),
                       tuple(skipped))


def _compare(vault, head: dict, name: str, made_at: str) -> list[str]:
    if not head.get("id"):
        return []
    live = snapshot.audit_hash_at(vault.conn, int(head["id"]))
    if live == head.get("hash"):
        return []
    if live is None and audit.count(vault.conn) < int(head.get("entries") or 0):
        return [_("This vault's audit log is shorter than in its newest backup ({file}, made {date}): the "
                  "database was rolled back to an older copy or its audit log was cut back.")
                .format(file=name, date=made_at[:10])]
    return [_("This vault's audit log differs from its newest backup ({file}, made {date}): the database "
              "was replaced by an older or altered copy, or its audit log was rewritten.")
            .format(file=name, date=made_at[:10])]


def read_manifest(path: Path, data_keys) -> dict:
    """The manifest of one backup file, opened with one of the vault's data keys (first chunk only)."""
    try:
        f = path.open("rb")
    except OSError:
        raise UserError(_("Cannot read the backup file {file}.").format(file=path.name)) from None
    with f:
        reader = fmt.Reader(f)
        file_key, wrong = None, None
        for key in data_keys:
            try:
                file_key = reader.open_with_data_key(key)
                break
            except fmt.BackupKeyWrong as exc:
                wrong = exc
        if file_key is None:
            raise wrong or fmt.damaged()
        stream = fmt.PlainStream(reader.chunks(file_key))
        head = stream.read(4)
        if len(head) != 4:
            raise fmt.damaged()
        (n,) = struct.unpack(">I", head)
        if n > MAX_MANIFEST:
            raise fmt.damaged()
        try:
            manifest = json.loads(stream.read(n))
            manifest["made_at"], manifest["audit"]["id"], manifest["audit"]["hash"]  # noqa: B018 - present
        except (ValueError, KeyError, TypeError):
            raise fmt.damaged() from None
    manifest.pop("data_key", None)  # not needed here: no key material kept longer than this call
    return manifest
