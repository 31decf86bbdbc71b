"""SQL for clients and intakes, and the ranked client search."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from clinic import models as m
from clinic.clock import iso_date, now_iso, parse_date, parse_ts
from clinic.storage.db import Connection
from clinic.storage.fts import phone_digits
from clinic.storage.repos.common import new_ref, sort_key

_PER_YEAR = {"week": 52, "biweekly": 26, "month": 12, "year": 1}  # clinic.eligibility.income.Period

# A search ranks its matches only when there are at most this many: ranking reads every match.
RANK_CANDIDATES = 1000


_CLIENT_COLS = ("id, ref, given_names, family_name_1, family_name_2, preferred_name, date_of_birth, "
                "address, language, interpreter_needed, created_at, is_demo")


_INTAKE_COLS = ("i.id, i.client_id, i.recorded_at, i.recorded_by, s.name, i.site, i.channel, "
                "i.household_size, NULL, i.urgency, i.next_date, i.detained_family_member, "
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

    def update_details(self, client_id: int, d: m.ClientDetails) -> None:
        self.conn.execute(
            "UPDATE clients SET given_names = ?, family_name_1 = ?, family_name_2 = ?, preferred_name = ?, "
            "sort_key = ?, date_of_birth = ?, address = ?, language = ?, interpreter_needed = ? WHERE id = ?",
            (d.given_names, d.family_name_1, d.family_name_2, d.preferred_name,
             sort_key(d.family_name_1, d.family_name_2, d.given_names), iso_date(d.date_of_birth), d.address,
             d.language, int(d.interpreter_needed), client_id))
        self.replace_phones(client_id, d.phones)

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
    def _row(r, _row=m.ClientRow, _date=dt.date.fromisoformat, _ts=dt.datetime.fromisoformat) -> m.ClientRow:
        # A list page builds 200 of these per scroll or keystroke: m.display_name and the parse helpers
        # inlined (same results), so the Python around the query costs less than the query.
        return _row(r[0], r[1], " ".join(filter(None, (r[2].strip(), r[3].strip(), r[4].strip()))),
                    _date(r[5]) if r[5] else None, r[6], _ts(r[7]) if r[7] else None, r[8])

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

    def page_row(self, client_id: int) -> tuple[m.ClientRow, tuple[str, int]] | None:
        r = self.conn.execute(self._ROW_SQL + "WHERE c.id = ?", (client_id,)).fetchone()
        return (self._row(r), (r[9], r[0])) if r else None

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
        self.conn.execute("DELETE FROM phone_digits WHERE client_id = ?", (client_id,))
        self.conn.executemany("INSERT OR IGNORE INTO phone_digits (digits, client_id) VALUES (?, ?)",
                              [(p, client_id) for p in phones if p.isdigit()])
        self.conn.execute("DELETE FROM client_search WHERE rowid = ?", (client_id,))
        self.conn.execute("INSERT INTO client_search (rowid, names, phones, notes) VALUES (?,?,?,?)",
                          (client_id, names, " ".join(phones), "\n".join(notes)))

    def search_ids(self, match: str, limit: int, *, ranked: bool = True) -> list[int]:
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
        if len(found) <= 1 or (not ranked and len(found) <= limit):
            return found  # unranked: every match fits, and the caller scores them itself
        return [r[0] for r in self.conn.execute(
            "SELECT rowid FROM client_search WHERE client_search MATCH ? ORDER BY rank LIMIT ?", (match, limit))]

    def ids_by_phone_digits(self, digits: str, limit: int) -> list[int]:
        """Clients with a phone whose digits (all, the last ten or the last seven) start with `digits`: a
        range on the phone_digits key, so the cost is the rows returned, whatever the vault's size."""
        out: dict[int, None] = {}
        for (client_id,) in self.conn.execute(
                "SELECT client_id FROM phone_digits WHERE digits >= ? AND digits < ? ORDER BY digits LIMIT ?",
                (digits, digits + ":", limit * 3)):  # ':' sorts right after '9'
            out[client_id] = None
            if len(out) == limit:
                break
        return list(out)

    def ids_by_ref_prefix(self, prefix: str, limit: int) -> list[int]:
        """Clients whose reference starts with `prefix` (upper case, as stored): a range on its index."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM clients WHERE ref >= ? AND ref < ? ORDER BY ref LIMIT ?",
            (prefix, prefix + "\x7f", limit))]

    def has_ref_prefix(self, client_id: int, prefix: str) -> bool:
        return self.conn.execute("SELECT 1 FROM clients WHERE id = ? AND ref >= ? AND ref < ?",
                                 (client_id, prefix, prefix + "\x7f")).fetchone() is not None

    def has_phone_digits(self, client_id: int, digits: str) -> bool:
        return self.conn.execute("SELECT 1 FROM phone_digits WHERE client_id = ? AND digits >= ? AND digits < ?",
                                 (client_id, digits, digits + ":")).fetchone() is not None

    def matches_search(self, client_id: int, match: str) -> bool:
        return self.conn.execute("SELECT 1 FROM client_search WHERE client_search MATCH ? AND rowid = ?",
                                 (match, client_id)).fetchone() is not None

    def ids_born_on(self, day: dt.date, limit: int) -> list[int]:
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM clients WHERE date_of_birth = ? LIMIT ?", (iso_date(day), limit))]


class IntakeRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def insert(self, client_id: int, d: m.IntakeDraft, *, recorded_by: int, at: str) -> m.IntakeId:
        cur = self.conn.execute(
            "INSERT INTO intakes (client_id, recorded_at, recorded_by, site, channel, household_size, "
            "urgency, next_date, detained_family_member, consent_to_store, consent_date, "
            "consent_language, notes) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (client_id, at, recorded_by, d.site, d.channel.value, d.household_size,
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
                        m.Channel(r[6]), r[7], self._annual_income(r[0]), needs, m.Urgency(r[9]), parse_date(r[10]),
                        bool(r[11]), bool(r[12]), parse_date(r[13]), r[14], r[15], sealed)

    def _annual_income(self, intake_id: int) -> int | None:
        """Whole dollars a year from the intake's income lines (what clinic.eligibility.income adds up)."""
        lines = self.conn.execute("SELECT amount, per FROM income_lines WHERE intake_id = ?", (intake_id,)).fetchall()
        if not lines:
            return None
        total = sum((Decimal(a) * _PER_YEAR.get(p, 0) for a, p in lines), Decimal(0))
        return int(total.to_integral_value(ROUND_HALF_UP))

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

