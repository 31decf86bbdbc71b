"""The hash-chained audit log: ids and action names only, never client names or field values."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from json.encoder import encode_basestring_ascii as _quoted

from clinic.clock import now_iso
from clinic.storage.db import Connection

GENESIS = "0" * 64


VERIFY_CHUNK = 5_000  # rows read per fetchmany() while verifying, and how often progress is reported


def _digest_json(prev, at, actor_id, action, target, detail) -> str:
    # default=repr: a row edited outside the app to hold bytes or a float is reported, not a crash.
    payload = json.dumps([prev, at, actor_id, action, target, detail], separators=(",", ":"), default=repr)
    return hashlib.sha256(payload.encode()).hexdigest()


def _digest(prev: str, at: str, actor_id: int | None, action: str, target: str, detail: str) -> str:
    """SHA-256 of the JSON array [prev, at, actor_id, action, target, detail] (compact, ASCII-escaped).

    Written out with json's own C string escaper rather than json.dumps: the same bytes at under half
    the cost, which is most of verify's time over a long chain. Anything but str/int/None (a row edited
    outside the app can hold any type) goes through json.dumps itself.
    """
    try:
        if actor_id is None:
            actor = "null"
        elif type(actor_id) is int:
            actor = str(actor_id)
        else:
            return _digest_json(prev, at, actor_id, action, target, detail)
        payload = (f"[{_quoted(prev)},{_quoted(at)},{actor},{_quoted(action)},{_quoted(target)},"
                   f"{_quoted(detail)}]")
    except TypeError:
        return _digest_json(prev, at, actor_id, action, target, detail)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


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


def verify(conn: Connection, *, progress: Callable[[int, int], None] | None = None) -> list[int]:
    """Ids of entries whose hash or link is wrong (an edited, inserted or deleted entry).

    Streams the chain in chunks (memory and cost per row bounded whatever its length) and calls
    progress(done, total) after each chunk. Never call it on the GUI thread for a long chain.
    """
    bad: list[int] = []
    prev = GENESIS
    total = count(conn) if progress else 0
    done = 0
    digest_of = _digest
    cur = conn.execute(
        "SELECT id, at, actor_id, action, target, detail, prev_hash, hash FROM audit ORDER BY id"
    )
    while chunk := cur.fetchmany(VERIFY_CHUNK):
        for id_, at, actor, action, target, detail, prev_hash, digest in chunk:
            if prev_hash != prev or digest_of(prev_hash, at, actor, action, target, detail) != digest:
                bad.append(id_)
            prev = digest
        done += len(chunk)
        if progress:
            progress(done, max(total, done))
    return bad


def recent(conn: Connection, limit: int = 200) -> list[tuple]:
    return conn.execute(
        "SELECT id, at, actor_id, action, target, detail FROM audit ORDER BY id DESC LIMIT ?", (limit,)
    ).fetchall()


def count(conn: Connection, action: str | None = None) -> int:
    if action is None:
        return conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    return conn.execute("SELECT count(*) FROM audit WHERE action = ?", (action,)).fetchone()[0]
