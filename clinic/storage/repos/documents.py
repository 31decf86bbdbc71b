"""SQL for documents: encrypted blobs stored inside the vault."""

from __future__ import annotations

from clinic import models as m
from clinic.clock import now_iso, parse_ts
from clinic.storage.db import Connection


class DocumentRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    _COLS = "d.id, d.case_id, d.filename, d.mime_type, d.size, d.added_at, s.name"

    def add(self, case_id: int, *, filename: str, mime_type: str, content: bytes, by: int) -> m.DocumentId:
        cur = self.conn.execute(
            "INSERT INTO documents (case_id, filename, mime_type, size, content, added_at, added_by) "
            "VALUES (?,?,?,?,?,?,?)", (case_id, filename, mime_type, len(content), content, now_iso(), by))
        return m.DocumentId(cur.lastrowid)

    @staticmethod
    def _info(r) -> m.DocumentInfo:
        return m.DocumentInfo(m.DocumentId(r[0]), m.CaseId(r[1]), r[2], r[3], r[4], parse_ts(r[5]), r[6])

    def for_client(self, client_id: int) -> list[m.DocumentInfo]:
        return [self._info(r) for r in self.conn.execute(
            f"SELECT {self._COLS} FROM documents d JOIN staff s ON s.id = d.added_by "  # noqa: S608
            "WHERE d.case_id IN (SELECT id FROM cases WHERE client_id = ?) ORDER BY d.added_at", (client_id,))]

    def for_case(self, case_id: int) -> list[m.DocumentInfo]:
        return [self._info(r) for r in self.conn.execute(
            f"SELECT {self._COLS} FROM documents d JOIN staff s ON s.id = d.added_by "  # noqa: S608
            "WHERE d.case_id = ? ORDER BY d.added_at", (case_id,))]

    def info(self, doc_id: int) -> m.DocumentInfo | None:
        r = self.conn.execute(f"SELECT {self._COLS} FROM documents d JOIN staff s ON s.id = d.added_by "  # noqa: S608
                              "WHERE d.id = ?", (doc_id,)).fetchone()
        return self._info(r) if r else None

    def content(self, doc_id: int) -> bytes:
        return bytes(self.conn.execute("SELECT content FROM documents WHERE id = ?", (doc_id,)).fetchone()[0])

