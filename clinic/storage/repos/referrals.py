"""SQL for partner organisations, referrals and the letters kept as sent."""

from __future__ import annotations

from clinic import models as m
from clinic.clock import iso_date, now_iso, parse_date, parse_ts
from clinic.storage.db import Connection
from clinic.storage.repos.common import new_ref

_PARTNER_COLS = ("id, name, services, languages, address, phone, email, hours, disclosure, "
                 "legal_representation, lsc_funded, is_example, retired")


def _split(text: str) -> tuple[str, ...]:
    return tuple(x for x in text.split(",") if x)


def _partner(r) -> m.Partner:
    return m.Partner(m.PartnerId(r[0]), r[1], m.as_options(m.Service, _split(r[2])), r[3], r[4], r[5], r[6], r[7],
                     m.as_options(m.Group, _split(r[8])),
                     bool(r[9]), bool(r[10]), bool(r[11]), bool(r[12]))


def _values(d: m.PartnerDraft) -> tuple:
    return (d.name, d.name.strip().casefold(), ",".join(d.services), d.languages, d.address, d.phone,
            d.email, d.hours, ",".join(d.disclosure), int(d.legal_representation), int(d.lsc_funded),
            int(d.is_example))


class PartnerRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, d: m.PartnerDraft) -> m.PartnerId:
        cur = self.conn.execute(
            "INSERT INTO partners (name, name_key, services, languages, address, phone, email, hours, "
            "disclosure, legal_representation, lsc_funded, is_example, created_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", (*_values(d), now_iso()))
        return m.PartnerId(cur.lastrowid)

    def update(self, partner_id: int, d: m.PartnerDraft) -> None:
        self.conn.execute(
            "UPDATE partners SET name = ?, name_key = ?, services = ?, languages = ?, address = ?, phone = ?, "
            "email = ?, hours = ?, disclosure = ?, legal_representation = ?, lsc_funded = ?, is_example = ? "
            "WHERE id = ?", (*_values(d), partner_id))

    def set_retired(self, partner_id: int, retired: bool) -> None:
        self.conn.execute("UPDATE partners SET retired = ? WHERE id = ?", (int(retired), partner_id))

    def get(self, partner_id: int) -> m.Partner | None:
        r = self.conn.execute(f"SELECT {_PARTNER_COLS} FROM partners WHERE id = ?", (partner_id,)).fetchone()
        return _partner(r) if r else None

    def by_name(self, name: str) -> m.Partner | None:
        r = self.conn.execute(f"SELECT {_PARTNER_COLS} FROM partners WHERE name_key = ?",
                              (name.strip().casefold(),)).fetchone()
        return _partner(r) if r else None

    def all(self, include_retired: bool) -> list[m.Partner]:
        where = "" if include_retired else "WHERE retired = 0 "
        return [_partner(r) for r in self.conn.execute(
            f"SELECT {_PARTNER_COLS} FROM partners {where}ORDER BY is_example, name_key")]  # noqa: S608


_REFERRAL_SQL = (
    "SELECT r.id, r.ref, r.client_id, c.ref, r.partner_id, p.name, r.need, r.fields, r.sealed_approved_by, "
    "r.consent_date, r.consent_language, r.consent_method, r.letter_language, r.layout, r.outcome, "
    "r.created_at, s.name, (SELECT count(*) FROM letters l WHERE l.referral_id = r.id), r.case_id "
    "FROM referrals r JOIN clients c ON c.id = r.client_id JOIN partners p ON p.id = r.partner_id "
    "JOIN staff s ON s.id = r.created_by ")


def _referral(r) -> m.Referral:
    return m.Referral(m.ReferralId(r[0]), r[1], m.ClientId(r[2]), r[3], m.PartnerId(r[4]), r[5], m.Need(r[6]),
                      m.as_options(m.Group, _split(r[7])), r[8], parse_date(r[9]), r[10],
                      *m.as_options(m.ConsentMethod, (r[11],)), *m.as_options(m.LetterLanguage, (r[12],)),
                      *m.as_options(m.LetterLayout, (r[13],)),
                      m.ReferralOutcome(r[14]), parse_ts(r[15]), r[16], r[17])


class ReferralRepo:
    def __init__(self, conn: Connection):
        self.conn = conn

    def add(self, d: m.ReferralDraft, *, groups: tuple[str, ...], sealed_approved_by: int | None,
            by: int) -> m.ReferralId:
        for _attempt in range(20):
            ref = new_ref("RF")
            if not self.conn.execute("SELECT 1 FROM referrals WHERE ref = ?", (ref,)).fetchone():
                break
        cur = self.conn.execute(
            "INSERT INTO referrals (ref, client_id, case_id, partner_id, need, fields, sealed_approved_by, "
            "consent_date, consent_language, consent_method, letter_language, layout, created_at, created_by) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (ref, d.client_id, d.case_id, d.partner_id, d.need.value, ",".join(groups), sealed_approved_by,
             iso_date(d.consent_date), d.consent_language, d.consent_method, d.letter_language, d.layout,
             now_iso(), by))
        return m.ReferralId(cur.lastrowid)

    def get(self, referral_id: int) -> m.Referral | None:
        r = self.conn.execute(_REFERRAL_SQL + "WHERE r.id = ?", (referral_id,)).fetchone()
        return _referral(r) if r else None

    def case_id(self, referral_id: int) -> int | None:
        r = self.conn.execute("SELECT case_id FROM referrals WHERE id = ?", (referral_id,)).fetchone()
        return r[0] if r else None

    def created_by(self, referral_id: int) -> int:
        return self.conn.execute("SELECT created_by FROM referrals WHERE id = ?", (referral_id,)).fetchone()[0]

    def by_ref(self, ref: str) -> m.Referral | None:
        r = self.conn.execute(_REFERRAL_SQL + "WHERE r.ref = ?", (ref.strip().upper(),)).fetchone()
        return _referral(r) if r else None

    def list(self, *, client_id: int | None = None, since: str | None = None,
             outcome: m.ReferralOutcome | None = None, unprinted: bool = False,
             limit: int = 1000) -> list[m.Referral]:
        where, args = [], []
        if unprinted:
            where.append("NOT EXISTS (SELECT 1 FROM letters l WHERE l.referral_id = r.id AND l.printed_count > 0)")
        if client_id is not None:
            where.append("r.client_id = ?")
            args.append(client_id)
        if since is not None:
            where.append("r.created_at >= ?")
            args.append(since)
        if outcome is not None:
            where.append("r.outcome = ?")
            args.append(outcome.value)
        sql = _REFERRAL_SQL + ("WHERE " + " AND ".join(where) + " " if where else "") + \
            "ORDER BY r.created_at DESC LIMIT ?"
        return [_referral(r) for r in self.conn.execute(sql, (*args, limit))]

    def set_outcome(self, referral_id: int, outcome: m.ReferralOutcome) -> None:
        self.conn.execute("UPDATE referrals SET outcome = ?, outcome_at = ? WHERE id = ?",
                          (outcome.value, now_iso(), referral_id))

    def add_letter(self, referral_id: int, blob: bytes, *, sealed: bool, by: int) -> int:
        cur = self.conn.execute("INSERT INTO letters (referral_id, rendered_at, rendered_by, pdf, sealed) "
                                "VALUES (?,?,?,?,?)", (referral_id, now_iso(), by, blob, int(sealed)))
        return cur.lastrowid

    def latest_letter(self, referral_id: int) -> tuple[int, bytes, bool] | None:
        """(letter id, stored bytes, sealed?) of the newest rendering; sealed bytes need the privileged key."""
        r = self.conn.execute("SELECT id, pdf, sealed FROM letters WHERE referral_id = ? ORDER BY id DESC "
                              "LIMIT 1", (referral_id,)).fetchone()
        return (r[0], bytes(r[1]), bool(r[2])) if r else None

    def count_print(self, letter_id: int) -> None:
        self.conn.execute("UPDATE letters SET printed_count = printed_count + 1 WHERE id = ?", (letter_id,))
