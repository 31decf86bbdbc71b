"""SQL for backups: a consistent encrypted copy of the database (sqlcipher_export), its counts and audit head."""

from __future__ import annotations

import os
from pathlib import Path

from clinic.crypto.primitives import SecretBytes
from clinic.storage.db import Connection

# What a backup says it holds (table -> name in the manifest).
COUNTED = (("clients", "clients"), ("intakes", "intakes"), ("cases", "cases"), ("notes", "notes"),
           ("documents", "documents"), ("letters", "letters"), ("sealed_values", "sealed_values"),
           ("staff", "staff"))


def export(conn: Connection, target: Path, key: SecretBytes) -> dict:
    """Copy the whole database into a new file at `target`, encrypted under `key`, in one read transaction.

    Everything returned (schema version, counts, audit head) is read in that same transaction, so it
    describes exactly the copy: writers carry on meanwhile (WAL), and what they commit later is not in it.
    The target's journal is off (it is a scratch file that is deleted on any failure); every page written
    is encrypted. Raises the driver's error when the disk is full.
    """
    raw = bytes(key)
    if len(raw) != 32:
        raise ValueError("backup key must be 32 bytes")
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    conn.execute("ATTACH DATABASE ? AS bak KEY ?", (str(target), f"x'{raw.hex()}'"))
    try:
        if not conn.execute("PRAGMA bak.cipher_version").fetchone():  # pragma: no cover - checked at connect
            raise RuntimeError("attached database is not encrypted")
        conn.execute("PRAGMA bak.journal_mode = OFF")
        conn.execute("PRAGMA bak.synchronous = OFF")  # a scratch copy: the finished backup is fsynced instead
        conn.execute("BEGIN")
        try:
            version = conn.execute("PRAGMA main.user_version").fetchone()[0]
            facts = describe(conn, schema="main")
            conn.execute("SELECT sqlcipher_export('bak')")
            conn.execute(f"PRAGMA bak.user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # a full disk has already rolled it back
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("DETACH DATABASE bak")
    facts["schema"] = version
    return facts


def describe(conn: Connection, *, schema: str = "main") -> dict:
    """Counts of what a backup holds and the audit chain's head (entries, last id, last hash)."""
    counts = {name: conn.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()[0]
              for table, name in COUNTED}
    entries = conn.execute(f"SELECT count(*) FROM {schema}.audit").fetchone()[0]
    row = conn.execute(f"SELECT id, hash, at FROM {schema}.audit ORDER BY id DESC LIMIT 1").fetchone()
    head = {"entries": entries, "id": row[0] if row else 0, "hash": row[1] if row else "", "at": row[2] if row else ""}
    return {"counts": counts, "audit": head}


def audit_hash_at(conn: Connection, entry_id: int) -> str | None:
    """The hash of audit entry `entry_id` in this database, or None when it has no such entry."""
    row = conn.execute("SELECT hash FROM audit WHERE id = ?", (entry_id,)).fetchone()
    return row[0] if row else None
