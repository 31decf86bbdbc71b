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
    sha256 = hashlib.sha256
    # SQLite writes the hashed JSON array itself (json_array: compact, the same escapes as ours for ASCII
    # text), so Python only hashes and compares: ~1.6x faster a row than building it here. A row whose
    # SQL-written payload does not match (non-ASCII text, a type edited outside the app, a blob json_array refuses) is checked
    # again the slow way, so the result is exactly _digest's.
    cur = conn.execute(
        "SELECT id, CASE WHEN 'blob' IN (typeof(prev_hash), typeof(at), typeof(actor_id), typeof(action), "
        "typeof(target), typeof(detail)) THEN NULL "
        "ELSE json_array(prev_hash, at, actor_id, action, target, detail) END, prev_hash, hash "
        "FROM audit ORDER BY id"
    )
    while chunk := cur.fetchmany(VERIFY_CHUNK):
        for id_, payload, prev_hash, digest in chunk:
            if prev_hash != prev or ((payload is None or sha256(payload.encode()).hexdigest() != digest)
                                     and not _row_matches(conn, id_, digest)):
                bad.append(id_)
            prev = digest
        done += len(chunk)
        if progress:
            progress(done, max(total, done))
    return bad


def _row_matches(conn: Connection, id_: int, digest: str) -> bool:
    row = conn.execute("SELECT prev_hash, at, actor_id, action, target, detail FROM audit WHERE id = ?",
                       (id_,)).fetchone()
    return _digest(*row) == digest


def recent(conn: Connection, limit: int = 200) -> list[tuple]:
    return conn.execute(
        "SELECT id, at, actor_id, action, target, detail FROM audit ORDER BY id DESC LIMIT ?", (limit,)
    ).fetchall()


def count(conn: Connection, action: str | None = None) -> int:
    if action is None:
        return conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    return conn.execute("SELECT count(*) FROM audit WHERE action = ?", (action,)).fetchone()[0]
