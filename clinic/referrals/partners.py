"""Partner organisations: the list staff refer to, checked drafts, and CSV export and import."""

from __future__ import annotations

import csv
import dataclasses
import io

from clinic import models as m
from clinic.access import Can
from clinic.clients.fields import check_text
from clinic.errors import NotFound, ValidationError
from clinic.i18n import _
from clinic.letters.disclosure import Group, Service
from clinic.referrals.csvfile import MAX_CSV_BYTES
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.referrals import PartnerRepo

CSV_COLUMNS = ("name", "services", "languages", "address", "phone", "email", "hours", "disclosure",
               "legal_representation", "lsc_funded", "is_example")


def choices(field: str, values, enum):
    """`values` as members of `enum`, in order, each once; a ValidationError for `field` names one not in it."""
    out = []
    for v in values:
        v = str(v).strip()
        if not v:
            continue
        try:
            out.append(enum(v))
        except ValueError:
            raise ValidationError(field, _("“{value}” is not one of: {choices}.").format(
                value=v[:40], choices=", ".join(e.value for e in enum))) from None
    return tuple(dict.fromkeys(out))


def check_partner(d: m.PartnerDraft) -> m.PartnerDraft:
    check_text("name", d.name, m.MAX_NAME, required=True)
    for field in ("languages", "phone", "email", "hours"):
        check_text(field, getattr(d, field), m.MAX_NAME)
    check_text("address", d.address, m.MAX_SHORT, multiline=True)
    services = choices("services", d.services, Service)
    disclosure = choices("disclosure", d.disclosure, Group)
    if Group.SEALED in disclosure and not d.legal_representation:
        raise ValidationError("disclosure", _("Only a partner marked as legal representation may receive "
                                              "sealed details."))
    return dataclasses.replace(d, services=services, disclosure=disclosure)


class Partners:
    def __init__(self, session: Session):
        self._v = session

    def _repo(self) -> PartnerRepo:
        return PartnerRepo(self._v.conn)

    def list(self, *, include_retired: bool = False) -> list[m.Partner]:
        self._v.require(Can.VIEW_CLIENTS)
        return self._repo().all(include_retired)

    def get(self, partner_id: int) -> m.Partner:
        self._v.require(Can.VIEW_CLIENTS)
        partner = self._repo().get(partner_id)
        if partner is None:
            raise NotFound(_("No partner organization with that number."))
        return partner

    def by_name(self, name: str) -> m.Partner:
        self._v.require(Can.VIEW_CLIENTS)
        partner = self._repo().by_name(name)
        if partner is None:
            raise NotFound(_("No partner organization called {name}.").format(name=name))
        return partner

    def add(self, draft: m.PartnerDraft) -> m.Partner:
        self._v.require(Can.MANAGE_PARTNERS)
        draft = check_partner(draft)
        if self._repo().by_name(draft.name):
            raise ValidationError("name", _("There is already a partner called {name}.").format(name=draft.name))
        with transaction(self._v.conn):
            partner_id = self._repo().add(draft)
            self._v.audit("partner.add", f"partner:{partner_id}")
        return self._repo().get(partner_id)

    def update(self, partner_id: int, draft: m.PartnerDraft) -> m.Partner:
        self._v.require(Can.MANAGE_PARTNERS)
        draft = check_partner(draft)
        same = self._repo().by_name(draft.name)
        if same and same.id != partner_id:
            raise ValidationError("name", _("There is already a partner called {name}.").format(name=draft.name))
        self.get(partner_id)
        with transaction(self._v.conn):
            self._repo().update(partner_id, draft)
            self._v.audit("partner.edit", f"partner:{partner_id}")
        return self._repo().get(partner_id)

    def retire(self, partner_id: int, retired: bool = True) -> None:
        self._v.require(Can.MANAGE_PARTNERS)
        self.get(partner_id)
        with transaction(self._v.conn):
            self._repo().set_retired(partner_id, retired)
            self._v.audit("partner.retire" if retired else "partner.restore", f"partner:{partner_id}")

    def export_csv(self) -> str:
        """The directory as CSV (it holds no client data); cells that a spreadsheet would run are defused."""
        self._v.require(Can.VIEW_CLIENTS)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for partner in self._repo().all(include_retired=False):
            row = [partner.name, ";".join(partner.services), partner.languages, partner.address, partner.phone,
                   partner.email, partner.hours, ";".join(partner.disclosure), _yes(partner.legal_representation),
                   _yes(partner.lsc_funded), _yes(partner.is_example)]
            writer.writerow([_defuse(str(c)) for c in row])
        with transaction(self._v.conn):
            self._v.audit("partner.export")
        return out.getvalue()

    def import_csv(self, text: str) -> tuple[int, int]:
        """Add or update partners by name from CSV text; all rows or none. Returns (added, updated)."""
        self._v.require(Can.MANAGE_PARTNERS)
        if len(text.encode("utf-8", "surrogatepass")) > MAX_CSV_BYTES:
            raise ValidationError("file", _("The file is too large for a partner directory."))
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        if reader.fieldnames is None or "name" not in reader.fieldnames:
            raise ValidationError("file", _("The CSV needs a header row with at least a “name” column."))
        unknown = set(reader.fieldnames) - set(CSV_COLUMNS)
        if unknown:
            raise ValidationError("file", _("Unknown column “{name}”.").format(name=sorted(unknown)[0][:40]))
        drafts = []
        for line, row in enumerate(reader, start=2):
            try:
                drafts.append(check_partner(m.PartnerDraft(
                    name=_undefuse(row.get("name") or ""),
                    services=tuple((row.get("services") or "").replace(",", ";").split(";")),
                    languages=_undefuse(row.get("languages") or ""), address=_undefuse(row.get("address") or ""),
                    phone=_undefuse(row.get("phone") or ""), email=_undefuse(row.get("email") or ""),
                    hours=_undefuse(row.get("hours") or ""),
                    disclosure=tuple((row.get("disclosure") or "").replace(",", ";").split(";")),
                    legal_representation=_truthy(row.get("legal_representation")),
                    lsc_funded=_truthy(row.get("lsc_funded")), is_example=_truthy(row.get("is_example")))))
            except ValidationError as exc:
                raise ValidationError(exc.field, _("Line {line}: {message}").format(line=line,
                                                                                   message=exc.message)) from None
        added = updated = 0
        with transaction(self._v.conn):
            for d in drafts:
                existing = self._repo().by_name(d.name)
                if existing:
                    self._repo().update(existing.id, d)
                    updated += 1
                else:
                    self._repo().add(d)
                    added += 1
            self._v.audit("partner.import", added=added, updated=updated)
        return added, updated


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _truthy(value: str | None) -> bool:
    return (value or "").strip().casefold() in ("yes", "y", "true", "1", "sí", "si", "x")


def _defuse(cell: str) -> str:
    """Stop spreadsheet formula injection: a cell starting with = + - @ is prefixed with a quote."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def _undefuse(cell: str) -> str:
    return cell[1:] if cell[:2] in ("'=", "'+", "'-", "'@") else cell


def lsc_warning(partner: m.Partner) -> str | None:
    """LSC-funded partners are barred from serving most non-citizens: warn, never put status in a letter."""
    if partner.lsc_funded:
        return _("{partner} is LSC-funded and may not be able to serve clients without certain immigration "
                 "statuses. The partner screens for itself; the letter never states status.").format(
                     partner=partner.name)
    return None
