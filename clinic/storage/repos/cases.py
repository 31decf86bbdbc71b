"""SQL for cases: the queue, status history, notes and deadlines."""

from __future__ import annotations

import datetime as dt
import re

from clinic import clock
from clinic import models as m
from clinic.clock import iso_date, now_iso, parse_date, parse_ts
from clinic.storage.db import Connection
from clinic.storage.migrate import CASE_QUEUE_ORDER

_QUEUE_ORDER_K = re.sub(r"\b(next_date|urgency|opened_at)\b", r"k.\1", CASE_QUEUE_ORDER)


_CASE_COLS = ("k.id, k.client_id, k.intake_id, k.status, k.need, k.problem_code, k.assigned_to, "
              "coalesce(s.name, ''), k.opened_at, k.next_date, k.urgency")


class CaseRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def insert(self, *, client_id: int, intake_id: int, d: m.IntakeDraft, at: str) -> m.CaseId:
        need = d.needs[0] if d.needs else m.Need.OTHER
        cur = self.conn.execute(
            "INSERT INTO cases (client_id, intake_id, status, need, problem_code, urgency, next_date, "
            "opened_at) VALUES (?,?,?,?,?,?,?,?)",
            (client_id, intake_id, m.CaseStatus.OPEN.value, need.value, m.NEED_PROBLEM_CODES[need],
             d.urgency.value, iso_date(d.next_date), at))
        return m.CaseId(cur.lastrowid)

    def get(self, case_id: int) -> m.Case | None:
        r = self.conn.execute(f"SELECT {_CASE_COLS} FROM cases k LEFT JOIN staff s ON s.id = k.assigned_to "
                              "WHERE k.id = ?", (case_id,)).fetchone()
        return self._case(r) if r else None

    @staticmethod
    def _case(r) -> m.Case:
        return m.Case(m.CaseId(r[0]), m.ClientId(r[1]), m.IntakeId(r[2]), m.CaseStatus(r[3]), m.Need(r[4]),
                      r[5], r[6], r[7], parse_ts(r[8]), parse_date(r[9]), m.Urgency(r[10]))

    def for_client(self, client_id: int) -> list[m.Case]:
        return [self._case(r) for r in self.conn.execute(
            f"SELECT {_CASE_COLS} FROM cases k LEFT JOIN staff s ON s.id = k.assigned_to "
            "WHERE k.client_id = ? ORDER BY k.opened_at", (client_id,))]

    def list(self, f: m.CaseFilter, ids: list[int] | None, limit: int) -> list[m.CaseRow]:
        where, args = [], []
        if f.status:
            where.append("k.status = ?")
            args.append(f.status.value)
        elif f.open_work:
            where.append(f"k.status IN ({','.join('?' * len(m.ACTIVE_STATUSES))})")
            args += [s.value for s in m.ACTIVE_STATUSES]
        if f.need:
            where.append("(k.need = ? OR EXISTS (SELECT 1 FROM intake_needs n WHERE n.intake_id = "
                         "k.intake_id AND n.need = ?))")
            args += [f.need.value, f.need.value]
        if f.urgency:
            where.append("k.urgency = ?")
            args.append(f.urgency.value)
        if f.assigned_to is not None:
            where.append("k.assigned_to = ?")
            args.append(f.assigned_to)
        if f.hearing_within_days is not None:
            today = clock.today()
            where.append("k.next_date BETWEEN ? AND ?")
            args += [today.isoformat(), (today + dt.timedelta(days=f.hearing_within_days)).isoformat()]
        if ids is not None:
            where.append(f"k.client_id IN ({','.join('?' * len(ids))})" if ids else "0")
            args += ids
        # Pick the page of cases through the queue index first, then join the few rows it returns.
        inner = ("SELECT * FROM cases k " + ("WHERE " + " AND ".join(where) if where else "")
                 + f" ORDER BY {CASE_QUEUE_ORDER} LIMIT ?")
        sql = ("SELECT k.id, k.client_id, c.ref, c.given_names, c.family_name_1, c.family_name_2, k.status, "
               "k.need, k.urgency, k.next_date, k.assigned_to, coalesce(s.name, ''), k.opened_at, "
               f"i.detained_family_member FROM ({inner}) k JOIN clients c ON c.id = k.client_id "
               "JOIN intakes i ON i.id = k.intake_id LEFT JOIN staff s ON s.id = k.assigned_to "
               f"ORDER BY {_QUEUE_ORDER_K}")
        return [m.CaseRow(m.CaseId(r[0]), m.ClientId(r[1]), r[2], m.display_name(r[3], r[4], r[5]),
                          m.CaseStatus(r[6]), m.Need(r[7]), m.Urgency(r[8]), parse_date(r[9]), r[10], r[11],
                          parse_ts(r[12]), bool(r[13])) for r in self.conn.execute(sql, (*args, limit))]

    def set_status(self, case_id: int, status: m.CaseStatus, *, by: int, reason: str) -> m.CaseStatus:
        old = self.conn.execute("SELECT status FROM cases WHERE id = ?", (case_id,)).fetchone()[0]
        closed = now_iso() if status in (m.CaseStatus.CLOSED, m.CaseStatus.REJECTED) else None
        self.conn.execute("UPDATE cases SET status = ?, closed_at = ? WHERE id = ?",
                          (status.value, closed, case_id))
        self.conn.execute("INSERT INTO case_status_changes (case_id, at, by_staff, old_status, new_status, "
                          "reason) VALUES (?,?,?,?,?,?)", (case_id, now_iso(), by, old, status.value, reason))
        return m.CaseStatus(old)

    def history(self, case_id: int) -> list[m.StatusChange]:
        return [m.StatusChange(parse_ts(r[0]), r[1], m.CaseStatus(r[2]) if r[2] else None,
                               m.CaseStatus(r[3]), r[4]) for r in self.conn.execute(
            "SELECT h.at, s.name, h.old_status, h.new_status, h.reason FROM case_status_changes h "
            "JOIN staff s ON s.id = h.by_staff WHERE h.case_id = ? ORDER BY h.id", (case_id,))]

    def funding_source(self, case_id: int) -> str:
        row = self.conn.execute("SELECT funding_source FROM cases WHERE id = ?", (case_id,)).fetchone()
        return row[0] if row else ""

    def funding(self, case_id: int) -> tuple[str, str]:
        """(funding_source, funding_exception_reason); ("", "") for no case."""
        row = self.conn.execute("SELECT funding_source, funding_exception_reason FROM cases WHERE id = ?",
                                (case_id,)).fetchone()
        return (row[0], row[1]) if row else ("", "")

    def set_funding_source(self, case_id: int, name: str, exception_reason: str = "") -> str:
        old = self.funding_source(case_id)
        self.conn.execute("UPDATE cases SET funding_source = ?, funding_exception_reason = ? WHERE id = ?",
                          (name, exception_reason, case_id))
        return old

    def rename_funding_source(self, old: str, new: str) -> int:
        """Cases tagged `old` are tagged `new` (an admin renamed the source); how many."""
        return self.conn.execute("UPDATE cases SET funding_source = ? WHERE funding_source = ?",
                                 (new, old)).rowcount

    def assign(self, case_id: int, staff_id: int | None) -> None:
        self.conn.execute("UPDATE cases SET assigned_to = ? WHERE id = ?", (staff_id, case_id))

    def add_note(self, case_id: int, *, author: int, body: str) -> m.NoteId:
        cur = self.conn.execute("INSERT INTO notes (case_id, author_id, created_at, body) VALUES (?,?,?,?)",
                                (case_id, author, now_iso(), body))
        return m.NoteId(cur.lastrowid)

    def notes(self, *, case_id: int | None = None, client_id: int | None = None) -> list[m.Note]:
        if case_id is not None:
            where, arg = "n.case_id = ?", case_id
        else:
            where, arg = "n.case_id IN (SELECT id FROM cases WHERE client_id = ?)", client_id
        return [m.Note(m.NoteId(r[0]), m.CaseId(r[1]), m.StaffId(r[2]), r[3], parse_ts(r[4]), r[5])
                for r in self.conn.execute(
                    "SELECT n.id, n.case_id, n.author_id, s.name, n.created_at, n.body FROM notes n "
                    f"JOIN staff s ON s.id = n.author_id WHERE {where} ORDER BY n.created_at, n.id",  # noqa: S608
                    (arg,))]



class DeadlineRepo:
    """A case's hearings and deadlines; the case's next_date follows the soonest one not done."""

    def __init__(self, conn: Connection):
        self.conn = conn

    @staticmethod
    def _row(r) -> m.Deadline:
        return m.Deadline(r[0], m.CaseId(r[1]), m.DeadlineKind(r[2]), parse_date(r[3]), r[4], bool(r[5]))

    def for_case(self, case_id: int) -> list[m.Deadline]:
        return [self._row(r) for r in self.conn.execute(
            "SELECT id, case_id, kind, due_date, note, done FROM deadlines WHERE case_id = ? "
            "ORDER BY done, due_date, id", (case_id,))]

    def get(self, deadline_id: int) -> m.Deadline | None:
        r = self.conn.execute("SELECT id, case_id, kind, due_date, note, done FROM deadlines WHERE id = ?",
                              (deadline_id,)).fetchone()
        return self._row(r) if r else None

    def add(self, case_id: int, d: m.DeadlineDraft) -> int:
        cur = self.conn.execute("INSERT INTO deadlines (case_id, kind, due_date, note, done) VALUES (?,?,?,?,?)",
                                (case_id, d.kind.value, iso_date(d.due_date), d.note, int(d.done)))
        return cur.lastrowid

    def update(self, deadline_id: int, d: m.DeadlineDraft) -> None:
        self.conn.execute("UPDATE deadlines SET kind = ?, due_date = ?, note = ?, done = ? WHERE id = ?",
                          (d.kind.value, iso_date(d.due_date), d.note, int(d.done), deadline_id))

    def sync_next_date(self, case_id: int) -> None:
        self.conn.execute("UPDATE cases SET next_date = (SELECT min(due_date) FROM deadlines WHERE case_id = ? "
                          "AND done = 0) WHERE id = ?", (case_id, case_id))
