"""SQL for the funder report: per case, only what it counts (dates, codes, funding source, % of guideline)."""

from __future__ import annotations

from clinic.storage.db import Connection


class FunderRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def facts(self, start: str, end_exclusive: str) -> list[tuple]:
        """(opened_at, closed_at or None, status, problem_code, closure_category, funding_source, percent or
        None) for every case opened, or closed, in [start, end_exclusive). Never a name or a reference."""
        return list(self.conn.execute(
            "SELECT k.opened_at, k.closed_at, k.status, k.problem_code, a.closure_category, k.funding_source, "
            "e.percent FROM cases k LEFT JOIN case_legal_aid a ON a.case_id = k.id "
            "LEFT JOIN eligibility_results e ON e.intake_id = k.intake_id "
            "WHERE (k.opened_at >= ? AND k.opened_at < ?) OR (k.closed_at >= ? AND k.closed_at < ?)",
            (start, end_exclusive, start, end_exclusive)))

    def counts(self, start: str, end_exclusive: str) -> tuple[int, int]:
        """(cases opened, cases closed) in the range: the report's totals, counted another way for tests."""
        opened = self.conn.execute("SELECT count(*) FROM cases WHERE opened_at >= ? AND opened_at < ?",
                                   (start, end_exclusive)).fetchone()[0]
        closed = self.conn.execute("SELECT count(*) FROM cases WHERE status = 'closed' AND closed_at >= ? "
                                   "AND closed_at < ?", (start, end_exclusive)).fetchone()[0]
        return opened, closed
