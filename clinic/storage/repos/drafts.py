"""SQL for drafts (unsaved forms). Every read and write names its owner: no query reaches another's."""

from __future__ import annotations

from clinic.storage.db import Connection


class DraftsRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, *, owner_id: int, kind: str, payload: str, at: str) -> int:
        cur = self.conn.execute("INSERT INTO drafts (owner_id, kind, payload, updated_at) VALUES (?, ?, ?, ?)",
                                (owner_id, kind, payload, at))
        return int(cur.lastrowid)

    def update(self, draft_id: int, *, owner_id: int, kind: str, payload: str, at: str) -> bool:
        cur = self.conn.execute("UPDATE drafts SET payload = ?, updated_at = ? "
                                "WHERE id = ? AND owner_id = ? AND kind = ?",
                                (payload, at, draft_id, owner_id, kind))
        return cur.rowcount > 0

    def list(self, owner_id: int, kind: str | None) -> list[tuple[int, str, str]]:
        sql = "SELECT id, kind, updated_at FROM drafts WHERE owner_id = ?"
        args: tuple = (owner_id,)
        if kind is not None:
            sql, args = sql + " AND kind = ?", (owner_id, kind)
        return [(int(i), k, at) for i, k, at in self.conn.execute(sql + " ORDER BY updated_at DESC, id DESC",
                                                                   args)]

    def get(self, draft_id: int, owner_id: int) -> tuple[int, str, str, str] | None:
        row = self.conn.execute("SELECT id, kind, payload, updated_at FROM drafts WHERE id = ? AND owner_id = ?",
                                (draft_id, owner_id)).fetchone()
        return None if row is None else (int(row[0]), row[1], row[2], row[3])

    def delete(self, draft_id: int, owner_id: int) -> bool:
        return self.conn.execute("DELETE FROM drafts WHERE id = ? AND owner_id = ?",
                                 (draft_id, owner_id)).rowcount > 0

    def older_than(self, at: str) -> list[int]:
        return [int(r[0]) for r in self.conn.execute("SELECT id FROM drafts WHERE updated_at < ?", (at,))]

    def delete_ids(self, ids: list[int]) -> None:
        self.conn.executemany("DELETE FROM drafts WHERE id = ?", [(i,) for i in ids])
