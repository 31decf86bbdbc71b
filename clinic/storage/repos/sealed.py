"""SQL for sealed values: ciphertext only, keyed by client and field."""

from __future__ import annotations

from clinic import models as m
from clinic.clock import now_iso
from clinic.storage.db import Connection


class SealedRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, *, client_id: int, intake_id: int | None, field: m.SealedField, ciphertext: bytes,
            key_fpr: str, by: int) -> int:
        cur = self.conn.execute(
            "INSERT INTO sealed_values (client_id, intake_id, field, ciphertext, key_fpr, created_at, "
            "created_by) VALUES (?,?,?,?,?,?,?)",
            (client_id, intake_id, field.value, ciphertext, key_fpr, now_iso(), by))
        return cur.lastrowid

    def for_client(self, client_id: int) -> list[tuple[int, int | None, m.SealedField, bytes]]:
        """Latest first per field is decided by the caller; rows in the order written."""
        return [(r[0], r[1], m.SealedField(r[2]), bytes(r[3])) for r in self.conn.execute(
            "SELECT id, intake_id, field, ciphertext FROM sealed_values WHERE client_id = ? ORDER BY id",
            (client_id,))]

    def fields_for_client(self, client_id: int) -> list[m.SealedField]:
        return [m.SealedField(r[0]) for r in self.conn.execute(
            "SELECT DISTINCT field FROM sealed_values WHERE client_id = ? ORDER BY field", (client_id,))]

    def fingerprints(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT DISTINCT key_fpr FROM sealed_values")}

