"""SQL for the deadlines list: every hearing, check-in and deadline not done, across open work."""

from __future__ import annotations

from clinic import models as m
from clinic.clock import parse_date
from clinic.storage.db import Connection

_ACTIVE = tuple(s.value for s in m.ACTIVE_STATUSES)


class UpcomingRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def rows(self, *, assigned_to: int | None, until: str | None, limit: int) -> list[tuple]:
        """(deadline id or None, case id, ref, given, family 1, family 2, kind, due, note, assigned id,
        assigned name), soonest first. A case with no deadline rows yet contributes the date its intake
        gave (kind 'other')."""
        where, args = [f"k.status IN ({','.join('?' * len(_ACTIVE))})"], list(_ACTIVE)
        if assigned_to is not None:
            where.append("k.assigned_to = ?")
            args.append(assigned_to)
        cond = " AND ".join(where)
        due_limit = " AND d.due_date <= ?" if until else ""
        next_limit = " AND k.next_date <= ?" if until else ""
        sql = (
            "SELECT * FROM ("
            "SELECT d.id, k.id, d.kind, d.due_date, d.note, k.assigned_to, k.client_id FROM deadlines d "
            f"JOIN cases k ON k.id = d.case_id WHERE d.done = 0 AND {cond}{due_limit} "
            "UNION ALL "
            "SELECT NULL, k.id, 'other', k.next_date, '', k.assigned_to, k.client_id FROM cases k "
            f"WHERE k.next_date IS NOT NULL AND {cond}{next_limit} "
            "AND NOT EXISTS (SELECT 1 FROM deadlines x WHERE x.case_id = k.id)"
            ") u ORDER BY u.due_date, u.id LIMIT ?")
        params = [*args, *([until] if until else []), *args, *([until] if until else []), limit]
        raw = list(self.conn.execute(sql, params))
        if not raw:
            return []
        clients = {r[0]: r[1:] for r in self.conn.execute(
            f"SELECT id, ref, given_names, family_name_1, family_name_2 FROM clients WHERE id IN "
            f"({','.join('?' * len({r[6] for r in raw}))})", sorted({r[6] for r in raw}))}
        staff = dict(self.conn.execute("SELECT id, name FROM staff"))
        return [(r[0], r[1], *clients[r[6]], r[2], parse_date(r[3]), r[4], r[5], staff.get(r[5], ""))
                for r in raw]
