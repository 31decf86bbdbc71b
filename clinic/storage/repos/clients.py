"""Repositories over the encrypted connection: plain SQL in, frozen records out; no access rules here."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from clinic import models as m
from clinic.clock import iso_date, now_iso, parse_date, parse_ts
from clinic.storage.db import Connection
from clinic.storage.fts import phone_digits
from clinic.storage.migrate import CASE_QUEUE_ORDER

REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# A search ranks its matches only when there are at most this many: ranking reads every match.
RANK_CANDIDATES = 1000


def new_ref(prefix: str) -> str:
    """A random, non-sequential reference like C-7K3M-9QXD (it reveals neither names nor counts)."""
    chars = "".join(secrets.choice(REF_ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def sort_key(family_1: str, family_2: str, given: str) -> str:
    import unicodedata

    text = f"{family_1} {family_2} {given}".casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# ----- settings ----------------------------------------------------------------------------------------

class SettingsRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def get(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def delete(self, key: str) -> None:
        self.conn.execute("DELETE FROM settings WHERE key = ?", (key,))


# ----- staff -------------------------------------------------------------------------------------------

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

    def count_active(self, role: m.Role) -> int:
        return self.conn.execute("SELECT count(*) FROM staff WHERE active = 1 AND role = ?",
                                 (role.value,)).fetchone()[0]


# ----- clients and intakes --------------------------------------------------------------------------

_CLIENT_COLS = ("id, ref, given_names, family_name_1, family_name_2, preferred_name, date_of_birth, "
                "address, language, interpreter_needed, created_at, is_demo")
_INTAKE_COLS = ("i.id, i.client_id, i.recorded_at, i.recorded_by, s.name, i.site, i.channel, "
                "i.household_size, i.monthly_income, i.urgency, i.next_date, i.detained_family_member, "
                "i.consent_to_store, i.consent_date, i.consent_language, i.notes")


class ClientRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def insert(self, d: m.IntakeDraft, *, created_by: int, is_demo: bool = False,
               at: str | None = None) -> tuple[m.ClientId, str]:
        for _attempt in range(20):
            ref = new_ref("C")
            if not self.conn.execute("SELECT 1 FROM clients WHERE ref = ?", (ref,)).fetchone():
                break
        cur = self.conn.execute(
            "INSERT INTO clients (ref, given_names, family_name_1, family_name_2, preferred_name, sort_key, "
            "date_of_birth, address, language, interpreter_needed, created_at, created_by, is_demo) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (ref, d.given_names, d.family_name_1, d.family_name_2, d.preferred_name,
             sort_key(d.family_name_1, d.family_name_2, d.given_names), iso_date(d.date_of_birth),
             d.address, d.language, int(d.interpreter_needed), at or now_iso(), created_by, int(is_demo)))
        client_id = m.ClientId(cur.lastrowid)
        self.replace_phones(client_id, d.phones)
        return client_id, ref

    def update_contact(self, client_id: int, d: m.IntakeDraft) -> None:
        """A returning client's new intake may bring new phones or a new address. Their preferred language
        is kept: a form's default must not switch it (the intake records the interview's language)."""
        if d.phones:
            self.replace_phones(client_id, d.phones)
        if d.address:
            self.conn.execute("UPDATE clients SET address = ? WHERE id = ?", (d.address, client_id))

    def replace_phones(self, client_id: int, phones: tuple[m.Phone, ...]) -> None:
        self.conn.execute("DELETE FROM phones WHERE client_id = ?", (client_id,))
        self.conn.executemany(
            "INSERT INTO phones (client_id, position, number, label, safe_to_call, safe_to_text, "
            "safe_to_leave_message) VALUES (?,?,?,?,?,?,?)",
            [(client_id, i, p.number, p.label, int(p.safe_to_call), int(p.safe_to_text),
              int(p.safe_to_leave_message)) for i, p in enumerate(phones)])

    def touch_visit(self, client_id: int, at: str) -> None:
        self.conn.execute("UPDATE clients SET last_visit = ? WHERE id = ?", (at, client_id))

    def created_by(self, client_id: int) -> int | None:
        row = self.conn.execute("SELECT created_by FROM clients WHERE id = ?", (client_id,)).fetchone()
        return row[0] if row else None

    def id_for_ref(self, ref: str) -> m.ClientId | None:
        row = self.conn.execute("SELECT id FROM clients WHERE ref = ?", (ref.strip().upper(),)).fetchone()
        return m.ClientId(row[0]) if row else None

    def get(self, client_id: int) -> m.Client | None:
        row = self.conn.execute(f"SELECT {_CLIENT_COLS} FROM clients WHERE id = ?", (client_id,)).fetchone()
        if not row:
            return None
        phones = tuple(m.Phone(r[0], r[1], bool(r[2]), bool(r[3]), bool(r[4])) for r in self.conn.execute(
            "SELECT number, label, safe_to_call, safe_to_text, safe_to_leave_message FROM phones "
            "WHERE client_id = ? ORDER BY position", (client_id,)))
        return m.Client(m.ClientId(row[0]), row[1], row[2], row[3], row[4], row[5], parse_date(row[6]),
                        phones, row[7], row[8], bool(row[9]), parse_ts(row[10]), bool(row[11]))

    def matches(self, ids: list[int]) -> list[m.ClientMatch]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = {r[0]: r for r in self.conn.execute(
            f"SELECT id, ref, given_names, family_name_1, family_name_2, date_of_birth, last_visit "  # noqa: S608
            f"FROM clients WHERE id IN ({marks})", ids)}
        return [m.ClientMatch(m.ClientId(r[0]), r[1], m.display_name(r[2], r[3], r[4]), parse_date(r[5]),
                              parse_ts(r[6])) for i in ids if (r := rows.get(i))]

    _ROW_SQL = ("SELECT c.id, c.ref, c.given_names, c.family_name_1, c.family_name_2, c.date_of_birth, "
                "c.language, c.last_visit, (SELECT count(*) FROM cases k WHERE k.client_id = c.id "
                "AND k.status IN ('open','accepted')), c.sort_key FROM clients c ")

    @staticmethod
    def _row(r) -> m.ClientRow:
        return m.ClientRow(m.ClientId(r[0]), r[1], m.display_name(r[2], r[3], r[4]), parse_date(r[5]),
                           r[6], parse_ts(r[7]), r[8])

    def rows(self, ids: list[int]) -> list[m.ClientRow]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        found = {r[0]: r for r in self.conn.execute(self._ROW_SQL + f"WHERE c.id IN ({marks})", ids)}
        return [self._row(found[i]) for i in ids if i in found]

    def page(self, after: tuple[str, int] | None, limit: int) -> list[tuple[m.ClientRow, tuple[str, int]]]:
        """One page of the client list in name order, after the (sort_key, id) of the last row seen."""
        if after is None:
            cur = self.conn.execute(self._ROW_SQL + "ORDER BY c.sort_key, c.id LIMIT ?", (limit,))
        else:
            cur = self.conn.execute(self._ROW_SQL + "WHERE (c.sort_key, c.id) > (?, ?) "
                                    "ORDER BY c.sort_key, c.id LIMIT ?", (*after, limit))
        return [(self._row(r), (r[9], r[0])) for r in cur]

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM clients").fetchone()[0]

    # The full-text index: names, phones and ordinary notes; never sealed fields.
    def reindex(self, client_id: int) -> None:
        row = self.conn.execute("SELECT given_names, family_name_1, family_name_2, preferred_name "
                                "FROM clients WHERE id = ?", (client_id,)).fetchone()
        names = " ".join(x for x in row if x)
        phones = []
        for (number,) in self.conn.execute("SELECT number FROM phones WHERE client_id = ?", (client_id,)):
            phones.extend([number, *phone_digits(number)])
        notes = [r[0] for r in self.conn.execute(
            "SELECT notes FROM intakes WHERE client_id = ? AND notes != '' UNION ALL "
            "SELECT n.body FROM notes n JOIN cases k ON k.id = n.case_id WHERE k.client_id = ?",
            (client_id, client_id))]
        self.conn.execute("DELETE FROM client_search WHERE rowid = ?", (client_id,))
        self.conn.execute("INSERT INTO client_search (rowid, names, phones, notes) VALUES (?,?,?,?)",
                          (client_id, names, " ".join(phones), "\n".join(notes)))

    def search_ids(self, match: str, limit: int) -> list[int]:
        """Up to `limit` matching ids, best first, at a cost bounded whatever the vault's size.

        Ranking (bm25) reads every match, so it runs only when the match set is small (up to
        RANK_CANDIDATES, which the first query finds by reading no more than that); a broader text
        ("m", "555") returns the first matches found, in the index's order, and the list says to type
        more.
        """
        found = [r[0] for r in self.conn.execute(
            "SELECT rowid FROM client_search WHERE client_search MATCH ? LIMIT ?",
            (match, max(RANK_CANDIDATES, limit) + 1))]
        if len(found) > RANK_CANDIDATES:
            return found[:limit]
        if len(found) <= 1:
            return found
        return [r[0] for r in self.conn.execute(
            "SELECT rowid FROM client_search WHERE client_search MATCH ? ORDER BY rank LIMIT ?", (match, limit))]

    def ids_by_ref_prefix(self, prefix: str, limit: int) -> list[int]:
        """Clients whose reference starts with `prefix` (upper case, as stored): a range on its index."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM clients WHERE ref >= ? AND ref < ? ORDER BY ref LIMIT ?",
            (prefix, prefix + "\x7f", limit))]

    def ids_born_on(self, day: dt.date, limit: int) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM clients WHERE date_of_birth = ? LIMIT ?", (iso_date(day), limit))]


class IntakeRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def insert(self, client_id: int, d: m.IntakeDraft, *, recorded_by: int, at: str) -> m.IntakeId:
        cur = self.conn.execute(
            "INSERT INTO intakes (client_id, recorded_at, recorded_by, site, channel, household_size, "
            "monthly_income, urgency, next_date, detained_family_member, consent_to_store, consent_date, "
            "consent_language, notes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (client_id, at, recorded_by, d.site, d.channel.value, d.household_size, d.monthly_income,
             d.urgency.value, iso_date(d.next_date), int(d.detained_family_member), 1, at[:10],
             d.consent_language or d.language, d.notes))
        intake_id = m.IntakeId(cur.lastrowid)
        self.conn.executemany("INSERT INTO intake_needs (intake_id, need) VALUES (?, ?)",
                              [(intake_id, n.value) for n in d.needs])
        return intake_id

    def _from_row(self, r) -> m.Intake:
        needs = tuple(m.Need(x[0]) for x in self.conn.execute(
            "SELECT need FROM intake_needs WHERE intake_id = ? ORDER BY rowid", (r[0],)))
        sealed = tuple(m.SealedField(x[0]) for x in self.conn.execute(
            "SELECT DISTINCT field FROM sealed_values WHERE intake_id = ? ORDER BY field", (r[0],)))
        return m.Intake(m.IntakeId(r[0]), m.ClientId(r[1]), parse_ts(r[2]), m.StaffId(r[3]), r[4], r[5],
                        m.Channel(r[6]), r[7], r[8], needs, m.Urgency(r[9]), parse_date(r[10]),
                        bool(r[11]), bool(r[12]), parse_date(r[13]), r[14], r[15], sealed)

    def get(self, intake_id: int) -> m.Intake | None:
        r = self.conn.execute(f"SELECT {_INTAKE_COLS} FROM intakes i JOIN staff s ON s.id = i.recorded_by "
                              "WHERE i.id = ?", (intake_id,)).fetchone()
        return self._from_row(r) if r else None

    def for_client(self, client_id: int) -> list[m.Intake]:
        return [self._from_row(r) for r in self.conn.execute(
            f"SELECT {_INTAKE_COLS} FROM intakes i JOIN staff s ON s.id = i.recorded_by "
            "WHERE i.client_id = ? ORDER BY i.recorded_at", (client_id,))]

    def recorded_by_since(self, staff_id: int, since: str) -> list[m.Intake]:
        return [self._from_row(r) for r in self.conn.execute(
            f"SELECT {_INTAKE_COLS} FROM intakes i JOIN staff s ON s.id = i.recorded_by "
            "WHERE i.recorded_by = ? AND i.recorded_at >= ? ORDER BY i.recorded_at DESC", (staff_id, since))]


# ----- cases, notes, documents ------------------------------------------------------------------------

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
            today = dt.date.today()
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
