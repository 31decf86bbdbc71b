"""SQL for parties, the conflict name index, conflict checks, income lines and eligibility results."""

from __future__ import annotations

import datetime as dt
import json

from clinic.clock import iso_date, now_iso, parse_date, parse_ts
from clinic.storage.db import Connection


class PartyRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, *, client_id: int, case_id: int | None, intake_id: int | None, kind: str, is_org: bool,
            name: str, date_of_birth: dt.date | None, relationship: str, by: int) -> int:
        cur = self.conn.execute(
            "INSERT INTO parties (client_id, case_id, intake_id, kind, is_org, name, date_of_birth, "
            "relationship, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (client_id, case_id, intake_id, kind, int(is_org), name, iso_date(date_of_birth), relationship,
             now_iso(), by))
        if case_id is not None:
            self.conn.execute("INSERT INTO case_legal_aid (case_id, parties_version) VALUES (?, 1) "
                              "ON CONFLICT(case_id) DO UPDATE SET parties_version = parties_version + 1",
                              (case_id,))
        return cur.lastrowid

    def for_case(self, case_id: int) -> list[tuple]:
        """(id, kind, is_org, name, date_of_birth, relationship, created_at, created_by)."""
        return [(r[0], r[1], bool(r[2]), r[3], parse_date(r[4]), r[5], parse_ts(r[6]), r[7])
                for r in self.conn.execute(
                    "SELECT id, kind, is_org, name, date_of_birth, relationship, created_at, created_by "
                    "FROM parties WHERE case_id = ? ORDER BY id", (case_id,))]

    def plan_people(self, client_id: int, relationships: tuple[str, ...]) -> list[int]:
        """Ids of the client's parties that came from their preparedness plan (no case, no intake)."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM parties WHERE client_id = ? AND case_id IS NULL AND intake_id IS NULL AND "
            f"relationship IN ({','.join('?' * len(relationships))})", (client_id, *relationships))]

    def delete(self, ids: list[int]) -> None:
        """Drop parties and their index keys (a plan's people, replaced when the plan is saved)."""
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            self.conn.execute(f"DELETE FROM conflict_keys WHERE source = 'party' AND ref_id IN ({marks})", chunk)
            self.conn.execute(f"DELETE FROM parties WHERE id IN ({marks})", chunk)

    def get_many(self, ids: list[int]) -> list[tuple]:
        """(id, client_id, case_id, kind, is_org, name, date_of_birth) for the given ids."""
        out = []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            out += [(r[0], r[1], r[2], r[3], bool(r[4]), r[5], parse_date(r[6])) for r in self.conn.execute(
                "SELECT id, client_id, case_id, kind, is_org, name, date_of_birth FROM parties WHERE id IN "
                f"({','.join('?' * len(chunk))})", chunk)]
        return out


class ConflictIndexRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def pending_clients(self) -> list[tuple[int, str, str, str, str]]:
        """Clients added since the index was last brought up to date (ids only grow)."""
        return list(self.conn.execute(
            "SELECT id, given_names, family_name_1, family_name_2, preferred_name FROM clients "
            "WHERE id > ? ORDER BY id", (self.indexed_upto(),)))

    def indexed_upto(self) -> int:
        upto = self.conn.execute("SELECT value FROM settings WHERE key = 'conflict_indexed_upto'").fetchone()
        return int(upto[0]) if upto else 0

    def mark_indexed_upto(self, client_id: int) -> None:
        self.conn.execute("INSERT INTO settings (key, value) VALUES ('conflict_indexed_upto', ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(client_id),))

    def put(self, source: str, ref_id: int, keys: set[str]) -> None:
        self.conn.execute("DELETE FROM conflict_keys WHERE source = ? AND ref_id = ?", (source, ref_id))
        self.conn.executemany("INSERT INTO conflict_keys (key, source, ref_id) VALUES (?,?,?)",
                              [(k, source, ref_id) for k in sorted(keys)])

    def candidates(self, keys: list[str], limit: int, *, date_of_birth: dt.date | None = None
                   ) -> tuple[list[tuple[str, int]], bool]:
        """(records, more): up to `limit` (source, ref_id) sharing any of one name's `keys`, the most likely
        first, and whether more records shared a key than were returned (never silently short).

        Most likely first: clients born on `date_of_birth` (when given) that share a key; then by how many
        of the keys a record shares (an exact match of the whole name shares them all), then by how rare
        the shared keys are (a record sharing a rare given name before one sharing a common surname pair),
        then by record. Read from the (key, source, ref_id) index alone (migration 0015)."""
        if not keys:
            return [], False
        marks = ",".join("?" * len(keys))
        ranked = list(self.conn.execute(
            f"WITH hits AS MATERIALIZED (SELECT key, source, ref_id FROM conflict_keys WHERE key IN ({marks})), "  # noqa: S608
            "freq AS (SELECT key, COUNT(*) AS n FROM hits GROUP BY key) "
            "SELECT source, ref_id FROM hits JOIN freq USING (key) GROUP BY source, ref_id "
            "ORDER BY COUNT(*) DESC, SUM(1.0 / n) DESC, source, ref_id LIMIT ?", (*keys, limit + 1)))
        more = len(ranked) > limit
        if date_of_birth is None:
            return ranked[:limit], more
        born = [("client", r[0]) for r in self.conn.execute(
            "SELECT c.id FROM clients c WHERE c.date_of_birth = ? AND EXISTS (SELECT 1 FROM conflict_keys k "  # noqa: S608
            f"WHERE k.source = 'client' AND k.ref_id = c.id AND k.key IN ({marks})) ORDER BY c.id LIMIT ?",
            (iso_date(date_of_birth), *keys, limit + 1))]
        first = set(born)
        return (born + [r for r in ranked if r not in first])[:limit], more

    def clients(self, ids: list[int]) -> list[tuple]:
        """(id, ref, given, family_1, family_2, preferred, date_of_birth)."""
        out = []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            out += [(*r[:6], parse_date(r[6])) for r in self.conn.execute(
                "SELECT id, ref, given_names, family_name_1, family_name_2, preferred_name, date_of_birth "
                f"FROM clients WHERE id IN ({','.join('?' * len(chunk))})", chunk)]
        return out


class ConflictCheckRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def parties_version(self, case_id: int) -> int:
        row = self.conn.execute("SELECT parties_version FROM case_legal_aid WHERE case_id = ?",
                                (case_id,)).fetchone()
        return row[0] if row else 0

    def add(self, *, case_id: int, parties_version: int, by: int, matches: list[dict],
            more_candidates: bool = False) -> int:
        cur = self.conn.execute(
            "INSERT INTO conflict_checks (case_id, parties_version, run_at, run_by, match_count, matches, "
            "more_candidates) VALUES (?,?,?,?,?,?,?)",
            (case_id, parties_version, now_iso(), by, len(matches), json.dumps(matches), int(more_candidates)))
        return cur.lastrowid

    # Cases saved whose automatic check has not run yet: settings rows "conflict_pending:<case id>" (a key
    # range on the settings table's primary key; normally empty, one row for the moment between commits).
    _PENDING = "conflict_pending:"

    def mark_pending(self, case_ids: list[int]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, '')",
                              [(f"{self._PENDING}{c}",) for c in case_ids])

    def drop_pending(self, case_id: int) -> None:
        self.conn.execute("DELETE FROM settings WHERE key = ?", (f"{self._PENDING}{case_id}",))

    def is_pending(self, case_id: int) -> bool:
        return self.conn.execute("SELECT 1 FROM settings WHERE key = ?", (f"{self._PENDING}{case_id}",)
                                 ).fetchone() is not None

    def pending(self) -> list[int]:
        return sorted(int(r[0][len(self._PENDING):]) for r in self.conn.execute(
            "SELECT key FROM settings WHERE key >= ? AND key < ?", (self._PENDING, self._PENDING[:-1] + ";")))

    def clear(self, check_id: int, *, result: str, note: str, by: int) -> None:
        self.conn.execute("UPDATE conflict_checks SET result = ?, note = ?, cleared_by = ?, cleared_at = ? "
                          "WHERE id = ?", (result, note, by, now_iso(), check_id))

    def latest(self, case_id: int) -> tuple | None:
        """(id, case_id, parties_version, run_at, run_by, match_count, matches, result, note, cleared_by,
        cleared_at, more_candidates) of the case's latest check."""
        r = self.conn.execute(
            "SELECT id, case_id, parties_version, run_at, run_by, match_count, matches, result, note, "
            "cleared_by, cleared_at, more_candidates FROM conflict_checks WHERE case_id = ? ORDER BY id DESC "
            "LIMIT 1", (case_id,)).fetchone()
        if r is None:
            return None
        return (r[0], r[1], r[2], parse_ts(r[3]), r[4], r[5], json.loads(r[6]), r[7], r[8], r[9],
                parse_ts(r[10]), bool(r[11]))

    def get(self, check_id: int) -> tuple | None:
        r = self.conn.execute("SELECT case_id FROM conflict_checks WHERE id = ?", (check_id,)).fetchone()
        return self.latest(r[0]) if r else None


class EligibilityRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def put(self, intake_id: int, lines: list[tuple[str, str, str]], result: tuple | None, *,
            region: str, assets: list[tuple[str, str, bool]] = ()) -> None:
        """Lines (source, amount, per), the result (household_size, region, annual_income, table_year,
        guideline, percent, countable_assets) or None, the region asked and asset lines (kind, value,
        excluded)."""
        self.conn.executemany("INSERT INTO income_lines (intake_id, source, amount, per) VALUES (?,?,?,?)",
                              [(intake_id, *ln) for ln in lines])
        self.conn.executemany("INSERT INTO asset_lines (intake_id, kind, value, excluded) VALUES (?,?,?,?)",
                              [(intake_id, k, v, int(x)) for k, v, x in assets])
        self.conn.execute("INSERT OR REPLACE INTO intake_region (intake_id, region) VALUES (?, ?)",
                          (intake_id, region))
        if result is not None:
            self.put_result(intake_id, result)

    def put_result(self, intake_id: int, result: tuple) -> None:
        self.conn.execute("INSERT OR REPLACE INTO eligibility_results (intake_id, household_size, region, "
                          "annual_income, table_year, guideline, percent, countable_assets) "
                          "VALUES (?,?,?,?,?,?,?,?)", (intake_id, *result))

    def assets(self, intake_id: int) -> list[tuple[str, str, bool]]:
        return [(k, v, bool(x)) for k, v, x in self.conn.execute(
            "SELECT kind, value, excluded FROM asset_lines WHERE intake_id = ? ORDER BY id", (intake_id,))]

    def region(self, intake_id: int) -> str | None:
        row = self.conn.execute("SELECT region FROM intake_region WHERE intake_id = ?", (intake_id,)).fetchone()
        return row[0] if row else None

    def without_result(self, after: int, limit: int) -> list[tuple[int, str, int]]:
        """(intake id, recorded_at, household_size) of intakes with income lines and a household size but no
        stored result (their monthly income was moved into a line by migration 16)."""
        return list(self.conn.execute(
            "SELECT i.id, i.recorded_at, i.household_size FROM intakes i WHERE i.id > ? AND i.household_size IS NOT NULL "
            "AND EXISTS (SELECT 1 FROM income_lines l WHERE l.intake_id = i.id) "
            "AND NOT EXISTS (SELECT 1 FROM eligibility_results e WHERE e.intake_id = i.id) "
            "ORDER BY i.id LIMIT ?", (after, limit)))

    def settings(self, prefix: str) -> list[tuple[str, str]]:
        """Settings whose key starts with `prefix` (a constant of ours, never user text)."""
        return list(self.conn.execute("SELECT key, value FROM settings WHERE substr(key, 1, ?) = ?",
                                      (len(prefix), prefix)))

    def lines(self, intake_id: int) -> list[tuple[str, str, str]]:
        return list(self.conn.execute("SELECT source, amount, per FROM income_lines WHERE intake_id = ? "
                                      "ORDER BY id", (intake_id,)))

    def result(self, intake_id: int) -> tuple | None:
        return self.conn.execute("SELECT household_size, region, annual_income, table_year, guideline, percent, "
                                 "countable_assets FROM eligibility_results WHERE intake_id = ?", (intake_id,)).fetchone()


class CaseCodesRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def set_problem_code(self, case_id: int, code: int) -> None:
        self.conn.execute("UPDATE cases SET problem_code = ? WHERE id = ?", (code, case_id))

    def set(self, case_id: int, **values: str | None) -> None:
        """Set closure_category, rejection_reason or rejection_note (fixed column names only)."""
        for column, value in values.items():
            if column not in ("closure_category", "rejection_reason", "rejection_note"):
                raise ValueError(column)
            self.conn.execute(f"INSERT INTO case_legal_aid (case_id, {column}) VALUES (?, ?) "
                              f"ON CONFLICT(case_id) DO UPDATE SET {column} = excluded.{column}",
                              (case_id, value))

    def get(self, case_id: int) -> tuple[str | None, str | None, str]:
        row = self.conn.execute("SELECT closure_category, rejection_reason, rejection_note FROM case_legal_aid "
                                "WHERE case_id = ?", (case_id,)).fetchone()
        return tuple(row) if row else (None, None, "")
