"""SQL for the change history: corrected fields with their old and new values (never in the audit)."""

from __future__ import annotations

from clinic import models as m
from clinic.clock import now_iso, parse_ts
from clinic.storage.db import Connection


class HistoryRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, *, client_id: int, target: str, changes: list[tuple[str, str, str]], by: int) -> list[int]:
        """Store (field, old, new) rows; returns their ids, which are what the audit row names."""
        at = now_iso()
        ids = []
        for field, old, new in changes:
            cur = self.conn.execute(
                "INSERT INTO change_history (client_id, target, field, old_value, new_value, at, by_staff) "
                "VALUES (?,?,?,?,?,?,?)", (client_id, target, field, old, new, at, by))
            ids.append(cur.lastrowid)
        return ids

    def for_client(self, client_id: int, *, target_prefix: str = "") -> list[m.Change]:
        return [m.Change(parse_ts(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in self.conn.execute(
            "SELECT h.at, s.name, h.target, h.field, h.old_value, h.new_value FROM change_history h "
            "JOIN staff s ON s.id = h.by_staff WHERE h.client_id = ? AND h.target LIKE ? ORDER BY h.id",
            (client_id, target_prefix.replace("%", "") + "%"))]
