"""Checking a live vault: database integrity, key file, audit chain and the sealing key, as sentences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clinic import models as m
from clinic.crypto import primitives as p
from clinic.errors import VaultDamaged
from clinic.i18n import _, ngettext
from clinic.keys import roster
from clinic.keys.anchor import check_anchor
from clinic.keys.keyfile import KeyFile, chain_end
from clinic.staff import privileged
from clinic.storage import audit
from clinic.storage.db import integrity, transaction
from clinic.storage.repos.resealing import ResealRepo
from clinic.storage.repos.settings import SettingsRepo
from clinic.storage.repos.staff import StaffRepo

# The open facade (clinic.vault.Vault), untyped here: the Vault delegates its verify() to this module.
Vault = Any


def integrity_sentences(found: dict, *, full: bool) -> tuple[list[str], list[str]]:
    """storage.db.integrity()'s findings as (problems, what was checked), sentences for a person."""
    problems, checked = [], []
    if found["bad_pages"]:
        problems.append(_("Encrypted pages failed their integrity check ({n}).").format(n=found["bad_pages"]))
    checked.append(_("encrypted pages"))
    if full:
        if not found["structure_ok"]:
            problems.append(_("The database structure is damaged."))
        checked.append(_("database structure"))
        if not found["fts_ok"]:
            problems.append(_("The search index is damaged."))
        checked.append(_("search index"))
    return problems, checked


def verify_vault(vault: Vault, *, progress: Callable[[int, int], None] | None = None,
                 full: bool = False) -> m.VerifyReport:
    """Encrypted pages, key file, audit chain and the sealing key; problems as sentences.

    Every page's HMAC is checked (a changed byte anywhere in the file is found) and the audit chain is
    hashed row by row: both read each page or row once, so a million clients take seconds. `full` adds
    SQLite's structure check and the search index's check, which compare each index with its table and
    take minutes at that size (`clinic-intake verify --full`). progress(done, total) follows the audit
    chain as it is read. Never on a GUI thread. Audited as `vault.verify`."""
    conn = vault.conn
    problems, checked = integrity_sentences(integrity(conn, full=full), full=full)
    fresh = KeyFile.load(vault.home.keys)
    if not fresh.mac_ok(vault.integrity_key()):
        problems.append(_("The key file was changed outside Clinic Intake."))
    rotation_due = privileged.is_due(vault)
    if rotation_due:
        problems.append(_("A change of the attorney key after removing or demoting a staff member is not "
                          "finished: their old key may still open attorney-only values. Unlock as an "
                          "administrator to finish it."))
    if fresh.pending_rotation:
        problems.append(_("A key rotation after removing a staff member is not finished: the removed "
                          "person's key may still open the database. Unlock as an administrator to "
                          "finish it."))
    try:
        check_anchor(vault.home, fresh, vault.data_key, store=False)
    except VaultDamaged as exc:
        problems.append(str(exc))
    if fresh.vault_id != SettingsRepo(conn).get("vault_id"):
        problems.append(_("The key file belongs to another vault."))
    problems += roster.staff_problems(fresh, vault.keys.signer, StaffRepo(conn).accounts())
    checked.append(_("key file"))
    bad = audit.verify(conn, progress=progress)
    if bad:
        problems.append(_("The audit log was altered at entry {id}.").format(id=bad[0]))
    entries = audit.count(conn)
    checked.append(ngettext("audit log chain ({n} entry)", "audit log chain ({n} entries)", entries)
                   .format(n=entries))
    problems += _sealing_problems(vault, fresh, rotation_due)
    checked.append(_("sealing key"))
    with transaction(conn):
        vault.audit("vault.verify", ok=not problems, full=full)
    return m.VerifyReport(tuple(problems), tuple(checked))


def _sealing_problems(vault: Vault, fresh: KeyFile, rotation_due: bool) -> list[str]:
    """The attorney-only key in the database is the one staff hold, and nothing is sealed to a stranger."""
    public, fpr = vault.privileged_public()
    enrolled = {chain_end(e) for e in fresh.entries()}
    if p.fingerprint(public) != fpr or (enrolled != {fpr} and not rotation_due):
        return [_("The attorney-only sealing key in the database is not the one staff were enrolled with.")]
    if ResealRepo(vault.conn).fingerprints() - {fpr} and not rotation_due:
        return [_("Some attorney-only values are sealed to an unknown key.")]
    return []
