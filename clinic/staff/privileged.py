"""Rotating the privileged (attorney) key when someone who held it is removed or demoted.

Crash-safe and resumable, like the data-key rotation:
  1. key file: every remaining account and the recovery entry get a link vouching for the new key, and
     attorneys, admins and the recovery key a grant of the new private key beside the old one; the
     demoted account loses its grant; a `pending_privileged` record names the new key;
  2. database: the new public key becomes the sealing key (new values are sealed to it from then on),
     then every sealed value, sealed letter and sealed reporter is re-sealed, one batch per transaction;
  3. database: the "rotation due" mark is cleared and audited; key file: the new grant replaces the old.
A kill anywhere leaves every remaining holder with both keys (or only the new one once it is done), so
sealed values stay readable; the next `staff remove`, `staff role` or administrator unlock finishes it.
"""

from __future__ import annotations

import base64
import errno
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from clinic.access import Can
from clinic.crypto import primitives as p
from clinic.crypto.primitives import SecretBytes
from clinic.errors import PermissionDenied, UserError
from clinic.i18n import _
from clinic.keys.keyfile import KeyFile
from clinic.storage.db import DatabaseError, transaction
from clinic.storage.repos.resealing import ResealRepo
from clinic.storage.repos.settings import SettingsRepo
from clinic.storage.repos.staff import StaffRepo

# Functions here take the open vault's plumbing (conn, keys, home, vault_id, require, audit,
# integrity_key), untyped so that this module does not import the facade.
DUE = "privileged_rotation_due"  # set in the same transaction as the removal or demotion that needs it
BATCH = 1000


@dataclass(frozen=True)
class Resealed:
    values: int
    letters: int
    reporters: int
    seconds: float


def mark_due(conn) -> None:
    """Record, inside the caller's transaction, that the privileged key must be rotated."""
    SettingsRepo(conn).set(DUE, "1")


def is_due(vault) -> bool:
    """A rotation is owed (marked in the database) or started (recorded in the key file)."""
    return SettingsRepo(vault.conn).get(DUE) == "1" or \
        bool(KeyFile.load(vault.home.keys).doc.get("pending_privileged"))


def rotate(vault, *, progress: Callable[[int, int], None] | None = None) -> Resealed:
    """Start (or resume) and finish a privileged-key rotation. Seconds per 10,000 sealed values."""
    vault.require(Can.MANAGE_STAFF)
    try:
        return _rotate(vault, progress)
    except (DatabaseError, OSError) as exc:
        if "full" in str(exc).lower() or getattr(exc, "errno", None) == errno.ENOSPC:
            raise UserError(_("The disk is full, so the change of the attorney key could not finish. Nothing "
                              "was lost: it is recorded and finishes at the next administrator unlock once "
                              "some space is free.")) from None
        raise


def _rotate(vault, progress) -> Resealed:
    started = time.perf_counter()
    keyfile = KeyFile.load(vault.home.keys)  # the caller has finished any pending data-key rotation
    pending = keyfile.doc.get("pending_privileged")
    if pending is None:
        pending = _phase_one(vault, keyfile)
    new_private = _held(vault, pending["fpr"])
    new_public = base64.b64decode(pending["public"])
    settings = SettingsRepo(vault.conn)
    if settings.get("privileged_fpr") != pending["fpr"]:
        with transaction(vault.conn):  # phase 2a: from now on everything is sealed to the new key
            settings.set("privileged_public_key", pending["public"])
            settings.set("privileged_fpr", pending["fpr"])
            vault.audit("key.privileged.start")
    counts = _reseal(vault, new_private, new_public, pending["fpr"], progress)
    if pending.get("from") and pending["from"] in ResealRepo(vault.conn).fingerprints():
        # values still under the old key that this account could not open: never drop the old key then
        raise PermissionDenied(_("Your account does not hold the old attorney key, so the change of the "
                                 "attorney key cannot finish. Ask another administrator to unlock."))
    with transaction(vault.conn):  # phase 3a
        settings.delete(DUE)
        vault.audit("key.privileged.rotate", values=counts[0], letters=counts[1], reporters=counts[2])
    keyfile = KeyFile.load(vault.home.keys)
    keyfile.keep_only_next_privileged()  # phase 3b: the old privileged key is gone from the key file
    keyfile.doc.pop("pending_privileged", None)
    keyfile.save(vault.integrity_key(), signer=vault.keys.signing_key)
    vault.keyfile = keyfile
    vault.keys = replace(vault.keys, privileged_older=())
    return Resealed(*counts, time.perf_counter() - started)


def _phase_one(vault, keyfile: KeyFile) -> dict:
    keys = vault.keys
    if keys.privileged_private is None:
        raise PermissionDenied(_("Your account does not hold the attorney key. Ask the administrator."))
    new_private_raw, new_public = p.new_keypair()
    new_private, new_fpr = SecretBytes(new_private_raw), p.fingerprint(new_public)
    staff = StaffRepo(vault.conn)
    for entry in keyfile.entries():
        keyfile.add_privileged_link(entry, keys.privileged_private, new_fpr)
        found = staff.by_account(entry["account_id"])
        holds = entry["account_id"] == "recovery" or (found is not None and found[0].active
                                                      and found[0].role.privileged)
        keyfile.grant_privileged_next(entry, new_private if holds else None)
        if not holds:
            keyfile.grant_privileged(entry, None)  # a demoted account keeps no privileged key at all
    pending = {"fpr": new_fpr, "public": base64.b64encode(new_public).decode(), "from": keys.privileged_fpr}
    keyfile.doc["pending_privileged"] = pending
    keyfile.save(vault.integrity_key(), signer=vault.keys.signing_key)  # phase 1 is durable before the database changes
    vault.keys = replace(keys, privileged_private=new_private, privileged_fpr=new_fpr,
                         privileged_older=(keys.privileged_private, *keys.privileged_older))
    return pending


def _held(vault, fpr: str) -> SecretBytes:
    for key in (vault.keys.privileged_private, *vault.keys.privileged_older):
        if key is not None and p.fingerprint(p.public_of(bytes(key))) == fpr:
            return key
    raise PermissionDenied(_("Your account does not hold the new attorney key of the unfinished key change. "
                             "Ask another administrator to unlock."))


def _reseal(vault, new_private: SecretBytes, new_public: bytes, new_fpr: str,
            progress: Callable[[int, int], None] | None) -> tuple[int, int, int]:
    repo = ResealRepo(vault.conn)
    older = {p.fingerprint(p.public_of(bytes(k))): k for k in vault.keys.privileged_older}
    vid = vault.vault_id
    total, done, values = repo.count_values(), 0, 0
    skipped: set[int] = set()
    while True:
        rows = [r for r in repo.values_not_under(new_fpr, BATCH + len(skipped)) if r[0] not in skipped][:BATCH]
        if not rows:
            break
        with transaction(vault.conn):
            for value_id, client_id, field, blob in rows:
                ad = f"{vid}|{client_id}|{field}".encode()
                plain = _open(blob, ad, older)
                if plain is None:  # under a key nobody here holds: left as it is, `verify` reports it
                    skipped.add(value_id)
                    continue
                repo.set_value(value_id, p.seal(new_public, plain, ad), new_fpr)
                values += 1
        done += len(rows)
        if progress:
            progress(min(done, total), total)
    letters, after, unopened = 0, 0, 0
    while rows := repo.sealed_letters(after, BATCH):
        with transaction(vault.conn):
            for letter_id, referral_id, blob in rows:
                ad = f"{vid}|letter|{referral_id}".encode()
                if _open(blob, ad, {new_fpr: new_private}) is not None:
                    continue
                if (plain := _open(blob, ad, older)) is None:
                    unopened += 1
                    continue
                repo.set_letter(letter_id, p.seal(new_public, plain, ad))
                letters += 1
        after = rows[-1][0]
    if unopened and not older:  # without the old key those letters would be lost with it: stop here
        raise PermissionDenied(_("Your account does not hold the old attorney key, so the change of the "
                                 "attorney key cannot finish. Ask another administrator to unlock."))
    reporters = 0
    skipped = set()
    while rows := [r for r in repo.reporters_not_under(new_fpr, BATCH + len(skipped)) if r[0] not in skipped]:
        with transaction(vault.conn):
            for incident_id, ref, blob in rows[:BATCH]:
                ad = f"{vid}|incident:{ref}|reporter".encode()
                plain = _open(blob, ad, older)
                if plain is None:
                    skipped.add(incident_id)
                    continue
                repo.set_reporter(incident_id, p.seal(new_public, plain, ad), new_fpr)
                reporters += 1
    return values, letters, reporters


def _open(blob: bytes, ad: bytes, keys: dict[str, SecretBytes]) -> bytes | None:
    for key in keys.values():
        try:
            return p.unseal(bytes(key), blob, ad)
        except p.DecryptionFailed:
            continue
    return None
