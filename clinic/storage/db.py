"""Opening the SQLCipher database with a raw key, the pragmas DESIGN.md requires, and transactions."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import sqlcipher3
from sqlcipher3 import dbapi2

from clinic.crypto.primitives import SecretBytes
from clinic.errors import VaultDamaged, VaultExists
from clinic.i18n import _

Connection = dbapi2.Connection
DatabaseError = dbapi2.DatabaseError
IntegrityError = dbapi2.IntegrityError


# Set after keying, in this order. tools/bench.py gives its plaintext baseline exactly these, so that its
# ratios measure encryption and nothing else. Every page missing from the cache must be decrypted again:
# a 64 MiB cache keeps lists fast.
PRAGMAS = ("temp_store = MEMORY", "secure_delete = ON", "foreign_keys = ON", "journal_mode = WAL",
           "synchronous = FULL", "cache_size = -65536")


class WrongKey(Exception):
    """The data key does not open this database (or it is not a SQLCipher database)."""


def connect(path: Path, key: SecretBytes, *, create: bool = False, expect_schema: bool = False) -> Connection:
    """Open (or, with create, make) the encrypted database; never a plaintext one, never recreated.

    Raises WrongKey when the key does not open an existing file, VaultDamaged when the file is gone, or
    (with expect_schema) when it holds no vault: an empty file is refused, not set up afresh.
    """
    raw = key.view() if isinstance(key, SecretBytes) else bytes(key)  # no extra immutable copy
    if len(raw) != 32:
        raise ValueError("data key must be 32 bytes")
    if create:
        if path.exists():
            raise VaultExists(_("A database already exists there; it was left untouched."))
        # O_EXCL makes the file ours alone, with owner-only permissions, before SQLite writes a byte.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        uri = f"file:{_quote(path)}?mode=rw"
    else:
        if not path.exists():
            raise VaultDamaged(_("The database clinic.db is missing from the clinic folder. Nothing was "
                                 "created in its place. Restore it from a backup."))
        uri = f"file:{_quote(path)}?mode=rw"
    conn = sqlcipher3.connect(uri, uri=True, isolation_level=None, check_same_thread=True, timeout=10)
    try:
        conn.execute(f"PRAGMA key = \"x'{raw.hex()}'\"")
        conn.execute("PRAGMA cipher_log_level = NONE")
        cipher = conn.execute("PRAGMA cipher_version").fetchone()
        if not cipher or not cipher[0]:
            raise VaultDamaged(_("This build has no SQLCipher; refusing to use an unencrypted database."))
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except DatabaseError:
            raise WrongKey from None
        if expect_schema and version == 0:  # checked before any pragma below could write to the file
            raise VaultDamaged(_("The database clinic.db is empty or was never set up. It was left untouched; "
                                 "restore it from a backup."))
        for pragma in PRAGMAS:
            row = conn.execute(f"PRAGMA {pragma}").fetchone()
            if pragma.startswith("journal_mode") and (row is None or row[0].lower() != "wal"):
                raise VaultDamaged(_("The database could not be put in its safe writing mode."))
    except BaseException:
        conn.close()
        raise
    return conn


def _quote(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.resolve()), safe="/")


@contextlib.contextmanager
def transaction(conn: Connection):
    """BEGIN IMMEDIATE ... COMMIT; rolled back on any exception. Once it returns, the write is durable."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def rekey(conn: Connection, key: SecretBytes) -> None:
    """Re-encrypt every page under a new data key (one transaction), then fold the WAL into the file
    so that no frame written under the old key lingers."""
    conn.execute(f"PRAGMA rekey = \"x'{bytes(key).hex()}'\"")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def integrity(conn: Connection, *, full: bool = False) -> dict[str, bool | int | None]:
    """SQLCipher's page HMACs (every page read once: any change to the file, a corrupted or tampered page,
    fails its HMAC); with `full`, also SQLite's structure check and the search index's own check, which
    compare every index with its table (minutes at a million clients). Skipped checks are None."""
    bad_pages = len(conn.execute("PRAGMA cipher_integrity_check").fetchall())
    structure_ok = fts_ok = None
    if full:
        structure_ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        try:
            conn.execute("INSERT INTO client_search (client_search, rank) VALUES ('integrity-check', 1)")
            fts_ok = True
        except DatabaseError:
            fts_ok = False
    return {"bad_pages": bad_pages, "structure_ok": structure_ok, "fts_ok": fts_ok}
