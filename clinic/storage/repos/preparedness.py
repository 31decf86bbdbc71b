"""SQL for family preparedness plans and the documents printed from them."""

from __future__ import annotations

from clinic.clock import now_iso
from clinic.storage.db import Connection


class PlanRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def get(self, client_id: int) -> str | None:
        row = self.conn.execute("SELECT plan FROM preparedness_plans WHERE client_id = ?",
                                (client_id,)).fetchone()
        return row[0] if row else None

    def put(self, client_id: int, plan_json: str, affidavit_date: str | None, *, by: int) -> None:
        self.conn.execute(
            "INSERT INTO preparedness_plans (client_id, plan, affidavit_date, updated_at, updated_by) "
            "VALUES (?,?,?,?,?) ON CONFLICT(client_id) DO UPDATE SET plan = excluded.plan, "
            "affidavit_date = excluded.affidavit_date, updated_at = excluded.updated_at, "
            "updated_by = excluded.updated_by",
            (client_id, plan_json, affidavit_date, now_iso(), by))

    def signed_before(self, day: str) -> list[tuple[int, str, str]]:
        """(client id, client ref, plan JSON) of plans whose affidavit was signed on or before `day`."""
        return self.conn.execute(
            "SELECT p.client_id, c.ref, p.plan FROM preparedness_plans p JOIN clients c ON c.id = p.client_id "
            "WHERE p.affidavit_date IS NOT NULL AND p.affidavit_date <= ? ORDER BY p.affidavit_date, c.ref",
            (day,)).fetchall()

    def all(self) -> list[tuple[int, str, str]]:
        return self.conn.execute(
            "SELECT p.client_id, c.ref, p.plan FROM preparedness_plans p JOIN clients c ON c.id = p.client_id "
            "ORDER BY c.ref").fetchall()

    def add_document(self, client_id: int, kind: str, language: str, pdf: bytes, *, by: int) -> int:
        cur = self.conn.execute(
            "INSERT INTO preparedness_documents (client_id, kind, language, rendered_at, rendered_by, pdf) "
            "VALUES (?,?,?,?,?,?)", (client_id, kind, language, now_iso(), by, pdf))
        return cur.lastrowid

    def latest_document(self, client_id: int, kind: str) -> tuple[int, bytes] | None:
        row = self.conn.execute(
            "SELECT id, pdf FROM preparedness_documents WHERE client_id = ? AND kind = ? ORDER BY id DESC "
            "LIMIT 1", (client_id, kind)).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def count_print(self, document_id: int) -> None:
        self.conn.execute("UPDATE preparedness_documents SET printed_count = printed_count + 1 WHERE id = ?",
                          (document_id,))
