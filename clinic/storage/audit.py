"""The hash-chained audit log: ids and action names only, never client names or field values."""

from __future__ import annotations

import hashlib
import json

from clinic.storage.db import Connection
from clinic.timeutil import now_iso

GENESIS = "0" * 64


def _digest(prev: str, at: str, actor_id: int | None, action: str, target: str, detail: str) -> str:
    payload = json.dumps([prev, at, actor_id, action, target, detail], separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def append(conn: Connection, *, actor_id: int | None, action: str, target: str = "",
           detail: dict | None = None) -> None:
    """Append one entry. Call inside the transaction of the change it records."""
    row = conn.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    at = now_iso()
    detail_text = json.dumps(detail, sort_keys=True, separators=(",", ":")) if detail else ""
    digest = _digest(prev, at, actor_id, action, target, detail_text)
    conn.execute(
        "INSERT INTO audit (at, actor_id, action, target, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
        (at, actor_id, action, target, detail_text, prev, digest),
    )


def verify(conn: Connection) -> list[int]:
    """Ids of entries whose hash or link is wrong (an edited, inserted or deleted entry)."""
    bad: list[int] = []
    prev = GENESIS
    for id_, at, actor, action, target, detail, prev_hash, digest in conn.execute(
        "SELECT id, at, actor_id, action, target, detail, prev_hash, hash FROM audit ORDER BY id"
    ):
        if prev_hash != prev or _digest(prev_hash, at, actor, action, target, detail) != digest:
            bad.append(id_)
        prev = digest
    return bad


def recent(conn: Connection, limit: int = 200) -> list[tuple]:
    return conn.execute(
        "SELECT id, at, actor_id, action, target, detail FROM audit ORDER BY id DESC LIMIT ?", (limit,)
    ).fetchall()


def count(conn: Connection, action: str | None = None) -> int:
    if action is None:
        return conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    return conn.execute("SELECT count(*) FROM audit WHERE action = ?", (action,)).fetchone()[0]
