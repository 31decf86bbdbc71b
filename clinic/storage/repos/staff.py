"""SQL for staff accounts."""

from __future__ import annotations

from clinic import models as m
from clinic.clock import now_iso, parse_ts
from clinic.storage.db import Connection

_STAFF_COLS = "id, name, role, active, language, created_at"


def _staff(row) -> m.Staff:
    return m.Staff(m.StaffId(row[0]), row[1], m.Role(row[2]), bool(row[3]), row[4], parse_ts(row[5]))


class StaffRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, *, account_id: str, name: str, role: m.Role, language: str, public_key: str) -> m.StaffId:
        cur = self.conn.execute(
            "INSERT INTO staff (account_id, name, name_key, role, language, public_key, created_at) "
            "VALUES (?,?,?,?,?,?,?)",
            (account_id, name, name.strip().casefold(), role.value, language, public_key, now_iso()))
        return m.StaffId(cur.lastrowid)

    def by_account(self, account_id: str) -> tuple[m.Staff, str] | None:
        row = self.conn.execute(f"SELECT {_STAFF_COLS}, public_key FROM staff WHERE account_id = ?",
                                (account_id,)).fetchone()
        return (_staff(row), row[6]) if row else None

    def by_name(self, name: str) -> tuple[m.Staff, str] | None:
        row = self.conn.execute(f"SELECT {_STAFF_COLS}, account_id FROM staff WHERE name_key = ?",
                                (name.strip().casefold(),)).fetchone()
        return (_staff(row), row[6]) if row else None

    def get(self, staff_id: int) -> m.Staff | None:
        row = self.conn.execute(f"SELECT {_STAFF_COLS} FROM staff WHERE id = ?", (staff_id,)).fetchone()
        return _staff(row) if row else None

    def all(self) -> list[m.Staff]:
        return [_staff(r) for r in self.conn.execute(
            f"SELECT {_STAFF_COLS} FROM staff ORDER BY active DESC, name_key")]

    def rekey_account(self, staff_id: int, *, account_id: str, public_key: str) -> None:
        self.conn.execute("UPDATE staff SET account_id = ?, public_key = ? WHERE id = ?",
                          (account_id, public_key, staff_id))

    def set_role(self, staff_id: int, role: m.Role) -> None:
        self.conn.execute("UPDATE staff SET role = ? WHERE id = ?", (role.value, staff_id))

    def set_language(self, staff_id: int, language: str) -> None:
        self.conn.execute("UPDATE staff SET language = ? WHERE id = ?", (language, staff_id))

    def revoke(self, staff_id: int) -> None:
        self.conn.execute("UPDATE staff SET active = 0, revoked_at = ? WHERE id = ?", (now_iso(), staff_id))

    def accounts(self) -> list[tuple[str, str, str, bool]]:
        """(account id, role, public key, active) of every staff row, for the signed roster's checks."""
        return [(r[0], r[1], r[2], bool(r[3])) for r in self.conn.execute(
            "SELECT account_id, role, public_key, active FROM staff ORDER BY id")]

    def count_active(self, role: m.Role) -> int:
        return self.conn.execute("SELECT count(*) FROM staff WHERE active = 1 AND role = ?",
                                 (role.value,)).fetchone()[0]

