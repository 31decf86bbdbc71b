"""SQL for retention: what is due for deletion, legal holds, deleting a client, case or intake entirely,
and making the freed bytes unrecoverable."""

from __future__ import annotations

import json

from clinic.clock import now_iso
from clinic.storage.db import Connection

_ENDED = "('closed', 'rejected')"
# A client some held case protects: nothing of theirs is deleted while the hold lasts.
# From the few holds to their cases (CROSS JOIN keeps that order: the other way scans every case).
_HELD_CLIENT = "SELECT k.client_id FROM legal_holds h CROSS JOIN cases k ON k.id = h.case_id"


# A case is due when it ended (closed or rejected) before the case limit, or when its intake never became
# a case: recorded before the intake limit and still open with nothing done on it (no status change,
# note, document or referral). Uses the aliases k (cases) and i (its intake).
_CASE_ENDED_DUE = f"k.status IN {_ENDED} AND k.closed_at IS NOT NULL AND k.closed_at < :case"
_CASE_UNUSED_DUE = """k.status = 'open' AND i.recorded_at < :intake
        AND NOT EXISTS (SELECT 1 FROM case_status_changes h WHERE h.case_id = k.id)
        AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.case_id = k.id)
        AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.case_id = k.id)
        AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.case_id = k.id)"""
_CASE_DUE = f"({_CASE_ENDED_DUE}) OR ({_CASE_UNUSED_DUE})"


def _ids(conn: Connection, sql: str, args=()) -> list[int]:
    return [r[0] for r in conn.execute(sql, args)]


def _marks(ids) -> str:
    return ",".join("?" * len(ids))


class RetentionRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    # ----- legal holds ---------------------------------------------------------------------------

    def hold(self, case_id: int, reason: str, by: int) -> None:
        self.conn.execute("INSERT INTO legal_holds (case_id, reason, placed_at, placed_by) VALUES (?,?,?,?) "
                          "ON CONFLICT(case_id) DO UPDATE SET reason = excluded.reason", (case_id, reason,
                                                                                          now_iso(), by))

    def release(self, case_id: int) -> bool:
        return self.conn.execute("DELETE FROM legal_holds WHERE case_id = ?", (case_id,)).rowcount > 0

    def holds(self) -> list[tuple[int, str, str, str, str]]:
        """(case id, client ref, reason, placed at, placed by name), oldest first."""
        return list(self.conn.execute(
            "SELECT h.case_id, c.ref, h.reason, h.placed_at, s.name FROM legal_holds h "
            "JOIN cases k ON k.id = h.case_id JOIN clients c ON c.id = k.client_id "
            "JOIN staff s ON s.id = h.placed_by ORDER BY h.placed_at"))

    def held_cases_of(self, client_id: int) -> list[int]:
        return _ids(self.conn, "SELECT h.case_id FROM legal_holds h JOIN cases k ON k.id = h.case_id "
                               "WHERE k.client_id = ? ORDER BY h.case_id", (client_id,))

    def case_exists(self, case_id: int) -> bool:
        return self.conn.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone() is not None

    # ----- what is due ---------------------------------------------------------------------------

    def clients_due(self, *, intake_before: str, case_before: str) -> list[int]:
        """Clients with nothing left to keep: every case of theirs is due, no preparedness plan, no hold."""
        return _ids(self.conn, f"""
            SELECT c.id FROM clients c
            WHERE c.created_at < :intake
              AND NOT EXISTS (SELECT 1 FROM cases k JOIN intakes i ON i.id = k.intake_id
                              WHERE k.client_id = c.id AND NOT ({_CASE_DUE}))
              AND NOT EXISTS (SELECT 1 FROM intakes i WHERE i.client_id = c.id AND i.recorded_at >= :intake)
              AND NOT EXISTS (SELECT 1 FROM preparedness_plans pp WHERE pp.client_id = c.id)
              AND c.id NOT IN ({_HELD_CLIENT})
            ORDER BY c.id""", {"intake": intake_before, "case": case_before})

    def cases_due(self, *, intake_before: str, case_before: str, skip_clients: list[int]) -> list[int]:
        """Due cases (see _CASE_DUE) of clients who are otherwise kept; nothing of a client with a held case
        (their intakes and letters are kept for the hold too; this once deleted their other old cases).

        Found from the two ends that make a case due, each through its index: cases that ended before the
        case limit (by closed_at), and intakes recorded before the intake limit (by recorded_at, then their
        case). Walking every open case to look at its intake read each intake row at random: 5.3 s at a
        million clients, every time an admin unlocked (the purge counts)."""
        skip = set(skip_clients)
        return [r[0] for r in self.conn.execute(f"""
            SELECT k.id, k.client_id FROM cases k
            WHERE {_CASE_ENDED_DUE} AND k.client_id NOT IN ({_HELD_CLIENT})
            UNION
            SELECT k.id, k.client_id FROM intakes i CROSS JOIN cases k ON k.intake_id = i.id
            WHERE {_CASE_UNUSED_DUE} AND k.client_id NOT IN ({_HELD_CLIENT})
            ORDER BY 1""", {"intake": intake_before, "case": case_before}) if r[1] not in skip]

    def intakes_due(self, *, intake_before: str, skip_clients: list[int], skip_cases: list[int]) -> list[int]:
        """Intakes that never became a case (or whose cases go now), older than the intake limit."""
        skip_cases_set, skip_clients_set = set(skip_cases), set(skip_clients)
        out = []
        # Sorted here, not by ORDER BY i.id, which made SQLite walk every intake in id order instead of
        # reading the old ones from the recorded_at index; each intake's cases in the same query (one
        # query, not one per intake).
        for intake_id, client_id, cases in sorted(self.conn.execute(f"""
                SELECT i.id, i.client_id, (SELECT group_concat(k.id) FROM cases k WHERE k.intake_id = i.id)
                FROM intakes i WHERE i.recorded_at < ? AND i.client_id NOT IN ({_HELD_CLIENT})""",
                (intake_before,)).fetchall()):
            if client_id in skip_clients_set:
                continue
            if cases is None or all(int(k) in skip_cases_set for k in cases.split(",")):
                out.append(intake_id)
        return out

    def letters_due(self, *, before: str) -> list[int]:
        return _ids(self.conn, f"""
            SELECT l.id FROM letters l JOIN referrals r ON r.id = l.referral_id
            WHERE l.rendered_at < ? AND r.client_id NOT IN ({_HELD_CLIENT}) ORDER BY l.id""", (before,))

    def documents_due(self, *, before: str) -> list[int]:
        """Documents of cases that ended before the document limit (never of an open or held case)."""
        return _ids(self.conn, f"""
            SELECT d.id FROM documents d JOIN cases k ON k.id = d.case_id
            WHERE k.status IN {_ENDED} AND k.closed_at < ? AND k.client_id NOT IN ({_HELD_CLIENT})
            ORDER BY d.id""", (before,))

    def client_of_case(self, case_id: int) -> int:
        return self.conn.execute("SELECT client_id FROM cases WHERE id = ?", (case_id,)).fetchone()[0]

    def count(self, table: str, column: str, ids: list[int]) -> int:
        """Rows of `table` whose `column` is one of `ids` (table and column are ours, never input)."""
        total = 0
        for chunk in _chunks(ids):
            total += self.conn.execute(f"SELECT count(*) FROM {table} WHERE {column} IN ({_marks(chunk)})",
                                       chunk).fetchone()[0]
        return total

    def cases_of(self, client_ids: list[int]) -> list[int]:
        return [i for chunk in _chunks(client_ids) for i in _ids(
            self.conn, f"SELECT id FROM cases WHERE client_id IN ({_marks(chunk)})", chunk)]

    def intakes_of(self, client_ids: list[int]) -> list[int]:
        return [i for chunk in _chunks(client_ids) for i in _ids(
            self.conn, f"SELECT id FROM intakes WHERE client_id IN ({_marks(chunk)})", chunk)]

    # ----- deleting --------------------------------------------------------------------------------

    def delete_letters(self, letter_ids: list[int]) -> None:
        self._delete("letters", "id", letter_ids)

    def delete_documents(self, document_ids: list[int]) -> None:
        self._delete("documents", "id", document_ids)

    def delete_cases(self, case_ids: list[int]) -> None:
        parties = self._select("parties", "case_id", case_ids)
        self._redact_matches(set(), set(parties))
        self._delete("conflict_keys", "ref_id", parties, extra="source = 'party' AND ")
        self._delete("parties", "id", parties)
        referrals = self._select("referrals", "case_id", case_ids)
        self._unlink_followups("referral_id", referrals)
        self._unlink_followups("case_id", case_ids)
        self._delete("letters", "referral_id", referrals)
        self._delete("referrals", "id", referrals)
        for table in ("notes", "documents", "deadlines", "case_status_changes", "case_legal_aid",
                      "conflict_checks", "legal_holds"):
            self._delete(table, "case_id", case_ids)
        self._delete("cases", "id", case_ids)

    def delete_intakes(self, intake_ids: list[int]) -> None:
        self.delete_cases(self._select("cases", "intake_id", intake_ids))
        parties = self._select("parties", "intake_id", intake_ids)
        self._redact_matches(set(), set(parties))
        self._delete("conflict_keys", "ref_id", parties, extra="source = 'party' AND ")
        self._delete("parties", "id", parties)
        for table in ("intake_needs", "income_lines", "eligibility_results", "asset_lines", "intake_region",
                      "sealed_values"):
            self._delete(table, "intake_id", intake_ids)
        self._unlink_followups("intake_id", intake_ids)
        self._delete("intakes", "id", intake_ids)

    def delete_clients(self, client_ids: list[int]) -> None:
        """Every row about these clients, in an order the foreign keys accept."""
        self.delete_cases(self.cases_of(client_ids))
        self.delete_intakes(self.intakes_of(client_ids))
        referrals = self._select("referrals", "client_id", client_ids)
        self._unlink_followups("referral_id", referrals)
        self._delete("letters", "referral_id", referrals)
        self._delete("referrals", "id", referrals)
        parties = self._select("parties", "client_id", client_ids)
        self._redact_matches(set(client_ids), set(parties))
        self._delete("conflict_keys", "ref_id", parties, extra="source = 'party' AND ")
        self._delete("parties", "id", parties)
        self._delete("conflict_keys", "ref_id", client_ids, extra="source = 'client' AND ")
        for table in ("phones", "sealed_values", "preparedness_documents", "preparedness_plans", "change_history",
                      "phone_digits"):
            self._delete(table, "client_id", client_ids)
        self._delete("client_search", "rowid", client_ids)
        self._unlink_followups("client_id", client_ids)
        self._delete("clients", "id", client_ids)

    def client_names(self, client_id: int) -> list[str]:
        """Each word of the client's names (to keep them out of an audited reason)."""
        row = self.conn.execute("SELECT given_names, family_name_1, family_name_2, preferred_name FROM clients "
                                "WHERE id = ?", (client_id,)).fetchone()
        return [w for part in row or () for w in (part or "").split()]

    def clients_of_intakes(self, intake_ids: list[int]) -> list[int]:
        return [i for chunk in _chunks(intake_ids) for i in _ids(
            self.conn, f"SELECT DISTINCT client_id FROM intakes WHERE id IN ({_marks(chunk)})", chunk)]

    def select(self, table: str, column: str, ids: list[int]) -> list[int]:
        """Ids of `table` rows whose `column` is one of `ids` (table and column are ours, never input)."""
        return self._select(table, column, ids)

    def _redact_matches(self, clients: set[int], parties: set[int]) -> None:
        """Other cases' conflict checks keep what they matched; a deleted client or party keeps no name there."""
        if not clients and not parties:
            return
        gone = {("client", i) for i in clients} | {("party", i) for i in parties}
        for check_id, text in self.conn.execute("SELECT id, matches FROM conflict_checks "
                                                "WHERE match_count > 0").fetchall():
            matches = json.loads(text)
            changed = False
            for x in matches:
                if (x.get("source"), x.get("id")) in gone:
                    x.update(name="", ref="", id=0, reasons=[], forgotten=True)
                    changed = True
            if changed:
                self.conn.execute("UPDATE conflict_checks SET matches = ? WHERE id = ?",
                                  (json.dumps(matches), check_id))

    def _select(self, table: str, column: str, ids: list[int]) -> list[int]:
        return [i for chunk in _chunks(ids) for i in _ids(
            self.conn, f"SELECT id FROM {table} WHERE {column} IN ({_marks(chunk)})", chunk)]

    def _unlink_followups(self, column: str, ids: list[int]) -> None:
        """An incident's follow-up keeps that an intake, referral or consultation happened (the public report
        counted it), not whose: no id of a deleted record is left to point at a later one."""
        for chunk in _chunks(ids):
            self.conn.execute(f"UPDATE incident_followups SET client_id = NULL, intake_id = NULL, "  # noqa: S608
                              f"referral_id = NULL, case_id = NULL "
                              f"WHERE {column} IN ({_marks(chunk)})", chunk)

    def _delete(self, table: str, column: str, ids: list[int], *, extra: str = "") -> None:
        for chunk in _chunks(ids):
            self.conn.execute(f"DELETE FROM {table} WHERE {extra}{column} IN ({_marks(chunk)})", chunk)

    # ----- incident media -------------------------------------------------------------------------

    def media_due(self, *, before: str, fact_before: str) -> list[int]:
        """Media not yet purged whose incident settled (last status change, else its recording) before the
        limit for its status. An incident one of whose people became a client with a case on legal hold
        keeps its media (incidents have no hold of their own)."""
        return _ids(self.conn, f"""
            SELECT m.id FROM incident_media m JOIN incidents i ON i.id = m.incident_id
            WHERE m.purged_at IS NULL
              AND coalesce((SELECT max(s.at) FROM incident_status s WHERE s.incident_id = i.id), i.recorded_at)
                  < CASE WHEN i.status IN ('verified', 'corroborated') THEN :fact ELSE :other END
              AND NOT EXISTS (SELECT 1 FROM incident_followups f WHERE f.incident_id = i.id
                              AND f.client_id IN ({_HELD_CLIENT}))
            ORDER BY m.id""", {"fact": fact_before, "other": before})

    def purge_media(self, media_ids: list[int], *, by: int, at: str) -> None:
        """Empty each medium's content and file name (secure_delete zeroes the freed pages), and append
        "purged" to its custody log; the hash, size and earlier log entries stay."""
        for chunk in _chunks(media_ids):
            self.conn.execute(f"UPDATE incident_media SET content = X'', filename = '', purged_at = ? "  # noqa: S608
                              f"WHERE id IN ({_marks(chunk)})", [at, *chunk])
            self.conn.execute(f"INSERT INTO incident_custody (media_id, action, note, at, by) "  # noqa: S608
                              f"SELECT id, 'purged', '', ?, ? FROM incident_media WHERE id IN ({_marks(chunk)})",
                              [at, by, *chunk])

    # ----- making it unrecoverable -----------------------------------------------------------------

    def scrub(self) -> None:
        """After the deletes have committed: merge the search index (its deleted terms linger in old
        segments until then), fold the WAL into the file and empty it, and rebuild the file without
        free pages. secure_delete (on for every connection) has already zeroed freed cells."""
        self.conn.execute("INSERT INTO client_search (client_search) VALUES ('optimize')")
        self.checkpoint()
        self.conn.execute("VACUUM")
        self.checkpoint()

    def checkpoint(self) -> None:
        busy, _log, _done = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise BlockingIOError("another connection holds the database open")


def _chunks(ids: list[int], size: int = 500):
    ids = list(ids)
    for i in range(0, len(ids), size):
        yield ids[i:i + size]
