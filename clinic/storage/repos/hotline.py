"""SQL for an incident's follow-ups (ids only) and its media with their append-only custody log."""

from __future__ import annotations

import datetime as dt

from clinic.clock import parse_ts
from clinic.models import hotline as hm
from clinic.storage.db import Connection


class FollowUpRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, incident_id: int, *, kind: hm.FollowUpKind, person: int | None = None,
            client_id: int | None = None, intake_id: int | None = None, service: hm.Service | None = None,
            note: str = "", by: int, at: str, referral_id: int | None = None, case_id: int | None = None) -> int:
        """The new row's id; 0 when the referral or case was already recorded for this incident."""
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO incident_followups (incident_id, person, kind, client_id, intake_id, service, "
            "note, at, by, referral_id, case_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (incident_id, person, kind.value, client_id, intake_id, service.value if service else "", note, at,
             by, referral_id, case_id))
        return cur.lastrowid if cur.rowcount else 0

    def links_of_client(self, client_id: int) -> list[tuple[int, int | None]]:
        """(incident id, person N) of every incident whose intake made this client file."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT DISTINCT incident_id, person FROM incident_followups WHERE kind = 'intake' AND client_id = ? "
            "ORDER BY incident_id", (client_id,))]

    def for_incident(self, incident_id: int) -> list[hm.FollowUp]:
        return [hm.FollowUp(r[0], r[1], r[2], hm.FollowUpKind(r[3]), r[4], r[5], hm.Service(r[6]) if r[6] else None,
                            r[7], parse_ts(r[8]), r[9])
                for r in self.conn.execute(
                    "SELECT f.id, i.ref, f.person, f.kind, f.client_id, f.intake_id, f.service, f.note, f.at, s.name "
                    "FROM incident_followups f JOIN incidents i ON i.id = f.incident_id "
                    "JOIN staff s ON s.id = f.by WHERE f.incident_id = ? ORDER BY f.id", (incident_id,))]

    def services(self, date_from: dt.date, date_to: dt.date) -> dict[str, int]:
        """Follow-ups made in the period (by day), counted as "intake", "consultation" and
        "referral:<service>". Counts only: the report never sees whose."""
        out: dict[str, int] = {}
        for kind, service, n in self.conn.execute(
                "SELECT kind, service, count(*) FROM incident_followups "
                "WHERE kind IN ('intake', 'referral', 'consultation') "
                "AND at >= ? AND at < ? GROUP BY kind, service",  # ISO text: a range on the (kind, at) index
                (date_from.isoformat(), (date_to + dt.timedelta(days=1)).isoformat())):
            out[f"referral:{service}" if kind == "referral" else kind] = n
        return out


class MediaRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    _COLS = ("m.id, i.ref, m.filename, m.mime_type, m.size, m.sha256, m.captured_at, m.captured_source, "
             "m.holder, m.added_at, s.name, m.purged_at")
    _FROM = ("FROM incident_media m JOIN incidents i ON i.id = m.incident_id "
             "JOIN staff s ON s.id = m.added_by")

    def add(self, incident_id: int, *, filename: str, mime_type: str, content: bytes, sha256: str,
            captured_at: str, captured_source: hm.CaptureSource, holder: str, by: int, at: str) -> int:
        return self.conn.execute(
            "INSERT INTO incident_media (incident_id, filename, mime_type, size, content, sha256, captured_at, "
            "captured_source, holder, added_at, added_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (incident_id, filename, mime_type, len(content), content, sha256, captured_at,
             captured_source.value, holder, at, by)).lastrowid

    @staticmethod
    def _media(r) -> hm.Media:
        return hm.Media(r[0], r[1], r[2], r[3], r[4], r[5], r[6], hm.CaptureSource(r[7]), r[8], parse_ts(r[9]),
                        r[10], parse_ts(r[11]) if r[11] else None)

    def for_incident(self, incident_id: int) -> list[hm.Media]:
        return [self._media(r) for r in self.conn.execute(
            f"SELECT {self._COLS} {self._FROM} WHERE m.incident_id = ? ORDER BY m.id",  # noqa: S608
            (incident_id,))]

    def get(self, media_id: int) -> tuple[int, hm.Media] | None:
        """(incident id, the medium) or None."""
        r = self.conn.execute(f"SELECT m.incident_id, {self._COLS} {self._FROM} WHERE m.id = ?",  # noqa: S608
                              (media_id,)).fetchone()
        return (r[0], self._media(r[1:])) if r else None

    def content(self, media_id: int) -> bytes:
        return bytes(self.conn.execute("SELECT content FROM incident_media WHERE id = ?", (media_id,)).fetchone()[0])

    def set_holder(self, media_id: int, holder: str) -> None:
        self.conn.execute("UPDATE incident_media SET holder = ? WHERE id = ?", (holder, media_id))

    def log(self, media_id: int, action: hm.CustodyAction, *, note: str, by: int, at: str) -> None:
        self.conn.execute("INSERT INTO incident_custody (media_id, action, note, at, by) VALUES (?,?,?,?,?)",
                          (media_id, action.value, note, at, by))

    def custody(self, media_id: int) -> list[hm.CustodyEntry]:
        return [hm.CustodyEntry(hm.CustodyAction(r[0]), r[1], parse_ts(r[2]), r[3]) for r in self.conn.execute(
            "SELECT c.action, c.note, c.at, s.name FROM incident_custody c JOIN staff s ON s.id = c.by "
            "WHERE c.media_id = ? ORDER BY c.id", (media_id,))]
