"""SQL for incident reports, their verification history and links, and the public reports published."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from enum import StrEnum

from clinic.clock import parse_ts
from clinic.models import incidents as im
from clinic.storage.db import Connection
from clinic.storage.repos.common import new_ref

_SCALAR_COLS = ("precision", "start_time", "end_time", "address", "place_kind", "neighbourhood", "agents",
                "vehicle_count", "faces_covered", "name_or_badge_visible", "identified_when_asked",
                "possible_impersonator", "warrant", "home_entry", "consent_asked", "contact_kind",
                "reporter_relation", "equipment", "notes")
_COLS = ("id, ref, occurred_on, " + ", ".join(_SCALAR_COLS)
         + ", activities, markings, vehicles, people, status, recorded_at, recorded_by, "
           "reporter_sealed IS NOT NULL")


def _enum_list(kind, text: str) -> tuple:
    return tuple(kind(x) for x in text.split(",") if x)


# The enum-valued scalar columns (those whose default is an enum), read back into their enums.
_ENUM_COLS = {f.name: type(f.default) for f in dataclasses.fields(im.IncidentDraft)
              if f.name in _SCALAR_COLS and isinstance(f.default, StrEnum)}


def _vehicle(v: dict) -> im.Vehicle:
    return im.Vehicle(**(v | {"marked": im.Answer(v["marked"]), "plate": im.PlateVisibility(v["plate"])}))


def _person(p: dict) -> im.Person:
    return im.Person(**(p | {"age_range": im.AgeRange(p["age_range"])}))


def _incident(row) -> im.Incident:
    scalars = dict(zip(_SCALAR_COLS, row[3:3 + len(_SCALAR_COLS)], strict=True))
    scalars |= {col: kind(scalars[col]) for col, kind in _ENUM_COLS.items()}
    rest = row[3 + len(_SCALAR_COLS):]
    draft = im.IncidentDraft(
        date=dt.date.fromisoformat(row[2]), **scalars,
        activities=_enum_list(im.Activity, rest[0]), markings=_enum_list(im.Marking, rest[1]),
        vehicles=tuple(_vehicle(v) for v in json.loads(rest[2])),
        people=tuple(_person(p) for p in json.loads(rest[3])))
    return im.Incident(im.IncidentId(row[0]), row[1], draft, im.Status(rest[4]), parse_ts(rest[5]), rest[6],
                       bool(rest[7]))


class IncidentRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def insert(self, d: im.IncidentDraft, *, by: int, at: str) -> tuple[im.IncidentId, str]:
        while True:
            ref = new_ref("I")
            if not self.conn.execute("SELECT 1 FROM incidents WHERE ref = ?", (ref,)).fetchone():
                break
        values = [getattr(d, c) for c in _SCALAR_COLS]
        cur = self.conn.execute(
            f"INSERT INTO incidents (ref, occurred_on, {', '.join(_SCALAR_COLS)}, activities, markings, "
            f"vehicles, people, recorded_at, recorded_by) VALUES ({', '.join('?' * (len(_SCALAR_COLS) + 8))})",
            (ref, d.date.isoformat(), *values, ",".join(d.activities), ",".join(d.markings),
             json.dumps([dataclasses.asdict(v) for v in d.vehicles]),
             json.dumps([dataclasses.asdict(p) for p in d.people]), at, by))
        return im.IncidentId(cur.lastrowid), ref

    def set_reporter(self, incident_id: int, blob: bytes, fpr: str) -> None:
        self.conn.execute("UPDATE incidents SET reporter_sealed = ?, reporter_fpr = ? WHERE id = ?",
                          (blob, fpr, incident_id))

    def reporter(self, incident_id: int) -> bytes | None:
        row = self.conn.execute("SELECT reporter_sealed FROM incidents WHERE id = ?", (incident_id,)).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def id_for_ref(self, ref: str) -> im.IncidentId | None:
        row = self.conn.execute("SELECT id FROM incidents WHERE ref = ?", (ref.strip().upper(),)).fetchone()
        return im.IncidentId(row[0]) if row else None

    def get(self, incident_id: int) -> im.Incident | None:
        row = self.conn.execute(f"SELECT {_COLS} FROM incidents WHERE id = ?", (incident_id,)).fetchone()
        return _incident(row) if row else None

    def rows(self, *, status: im.Status | None, recorded_by: int | None, since: str | None,
             limit: int) -> list[im.IncidentRow]:
        where, params = [], []
        if status is not None:
            where.append("status = ?")
            params.append(status.value)
        if recorded_by is not None:
            where.append("recorded_by = ? AND recorded_at >= ?")
            params += [recorded_by, since]
        sql = ("SELECT id, ref, occurred_on, neighbourhood, place_kind, activities, status, recorded_at "
               "FROM incidents" + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY occurred_on DESC, id DESC LIMIT ?")
        return [im.IncidentRow(im.IncidentId(r[0]), r[1], dt.date.fromisoformat(r[2]), r[3], im.PlaceKind(r[4]),
                               _enum_list(im.Activity, r[5]), im.Status(r[6]), parse_ts(r[7]))
                for r in self.conn.execute(sql, (*params, limit))]

    def set_status(self, incident_id: int, *, status: im.Status, method: im.Method, reason: str,
                   linked: tuple[int, ...], by: int, at: str) -> im.Status:
        old = im.Status(self.conn.execute("SELECT status FROM incidents WHERE id = ?",
                                          (incident_id,)).fetchone()[0])
        self.conn.execute("UPDATE incidents SET status = ? WHERE id = ?", (status.value, incident_id))
        self.conn.execute("INSERT INTO incident_status (incident_id, status, method, reason, linked, at, by) "
                          "VALUES (?,?,?,?,?,?,?)", (incident_id, status.value, method.value, reason,
                                                     ",".join(map(str, linked)), at, by))
        for other in linked:
            a, b = sorted((incident_id, other))
            self.conn.execute("INSERT OR IGNORE INTO incident_links (a, b) VALUES (?, ?)", (a, b))
        return old

    def history(self, incident_id: int) -> list[im.StatusChange]:
        out = []
        for status, method, reason, linked, at, by, name in self.conn.execute(
                "SELECT h.status, h.method, h.reason, h.linked, h.at, h.by, s.name FROM incident_status h "
                "JOIN staff s ON s.id = h.by WHERE h.incident_id = ? ORDER BY h.id", (incident_id,)):
            refs = tuple(r[0] for r in (self.conn.execute("SELECT ref FROM incidents WHERE id = ?", (int(i),))
                                        .fetchone() for i in linked.split(",") if i) if r)
            out.append(im.StatusChange(im.Status(status), parse_ts(at), by, name, reason, im.Method(method),
                                       refs))
        return out

    def linked(self, incident_id: int) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT i.ref FROM incident_links l JOIN incidents i ON i.id = CASE WHEN l.a = ? THEN l.b ELSE l.a END "
            "WHERE l.a = ? OR l.b = ? ORDER BY i.ref", (incident_id, incident_id, incident_id))]

    def public_facts(self, date_from: dt.date, date_to: dt.date) -> tuple[list[im.PublicIncident], int]:
        """PUBLIC facts of the incidents that count (verified, corroborated) and how many others were left out.

        Reads only the columns of fields marked PUBLIC in FIELD_POLICY (checked by a test).
        """
        counted = [s.value for s in im.Status if s.counts_publicly]
        marks = ",".join("?" * len(counted))
        facts = []
        for r in self.conn.execute(
                f"SELECT {', '.join(PUBLIC_COLUMNS)} FROM incidents WHERE occurred_on BETWEEN ? AND ? "
                f"AND status IN ({marks})", (date_from.isoformat(), date_to.isoformat(), *counted)):
            row = dict(zip(PUBLIC_COLUMNS, r, strict=True))
            facts.append(im.public_view(im.IncidentDraft(
                date=dt.date.fromisoformat(row["occurred_on"]), neighbourhood=row["neighbourhood"],
                activities=_enum_list(im.Activity, row["activities"]),
                markings=_enum_list(im.Marking, row["markings"]),
                faces_covered=im.Answer(row["faces_covered"]),
                name_or_badge_visible=im.Answer(row["name_or_badge_visible"]),
                identified_when_asked=im.Answer(row["identified_when_asked"]),
                possible_impersonator=im.Answer(row["possible_impersonator"]),
                vehicles=tuple(im.Vehicle(marked=im.Answer(v["marked"])) for v in json.loads(row["vehicles"])),
                warrant=im.Warrant(row["warrant"]),
                people=tuple(im.Person(detained=p["detained"]) for p in json.loads(row["people"])))))
        excluded = self.conn.execute(
            f"SELECT count(*) FROM incidents WHERE occurred_on BETWEEN ? AND ? AND status NOT IN ({marks})",
            (date_from.isoformat(), date_to.isoformat(), *counted)).fetchone()[0]
        return facts, excluded

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM incidents").fetchone()[0]


# The columns the public report reads: the PUBLIC fields of FIELD_POLICY ("date" is stored as occurred_on).
PUBLIC_COLUMNS = tuple("occurred_on" if name == "date" else name
                       for name, policy in im.FIELD_POLICY.items() if policy is im.Publicity.PUBLIC)


class PublishedRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, *, date_from: dt.date, date_to: dt.date, cells: list, by: int, at: str) -> int:
        return self.conn.execute(
            "INSERT INTO public_reports (date_from, date_to, cells, published_at, published_by) "
            "VALUES (?,?,?,?,?)", (date_from.isoformat(), date_to.isoformat(), json.dumps(cells), at, by)
        ).lastrowid

    def all_cells(self) -> list[list]:
        return [json.loads(r[0]) for r in self.conn.execute("SELECT cells FROM public_reports ORDER BY id")]
