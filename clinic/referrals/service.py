"""Partner organisations and referrals: minimal disclosure, recorded consent, letters kept as sent."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from typing import TYPE_CHECKING

from clinic import models as m
from clinic.access import Can
from clinic.clients import intake as rules
from clinic.clock import now
from clinic.crypto import primitives as p
from clinic.errors import NotFound, PermissionDenied, ValidationError
from clinic.i18n import LANGUAGES, _
from clinic.letters.disclosure import Group, Service, allowed_groups, collect_fields
from clinic.storage.db import transaction
from clinic.storage.repos.cases import CaseRepo
from clinic.storage.repos.clients import ClientRepo, IntakeRepo
from clinic.storage.repos.referrals import PartnerRepo, ReferralRepo

if TYPE_CHECKING:
    from clinic.letters.compose import LetterRequest
    from clinic.vault import Vault

CSV_COLUMNS = ("name", "services", "languages", "address", "phone", "email", "hours", "disclosure",
               "legal_representation", "lsc_funded", "is_example")
MAX_CSV_BYTES = 1024 * 1024
LETTER_LANGUAGES = ("es", "en", "both")


def _choices(field: str, values, enum) -> tuple[str, ...]:
    out = []
    for v in values:
        v = str(v).strip()
        if not v:
            continue
        try:
            out.append(enum(v).value)
        except ValueError:
            raise ValidationError(field, _("“{value}” is not one of: {choices}.").format(
                value=v[:40], choices=", ".join(e.value for e in enum))) from None
    return tuple(dict.fromkeys(out))


def check_partner(d: m.PartnerDraft) -> m.PartnerDraft:
    rules._check_text("name", d.name, m.MAX_NAME, required=True)
    for field in ("languages", "phone", "email", "hours"):
        rules._check_text(field, getattr(d, field), m.MAX_NAME)
    rules._check_text("address", d.address, m.MAX_SHORT, multiline=True)
    services = _choices("services", d.services, Service)
    disclosure = _choices("disclosure", d.disclosure, Group)
    if Group.SEALED.value in disclosure and not d.legal_representation:
        raise ValidationError("disclosure", _("Only a partner marked as legal representation may receive "
                                              "sealed details."))
    return dataclasses.replace(d, services=services, disclosure=disclosure)


class Partners:
    def __init__(self, vault: Vault):
        self._v = vault

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


class Referrals:
    def __init__(self, vault: Vault):
        self._v = vault

    def _repo(self) -> ReferralRepo:
        return ReferralRepo(self._v.conn)

    def get(self, referral_id: int) -> m.Referral:
        self._v.require(Can.VIEW_CLIENTS)
        referral = self._repo().get(referral_id)
        if referral is None:
            raise NotFound(_("No referral with that reference."))
        return referral

    def by_ref(self, ref: str) -> m.Referral:
        self._v.require(Can.VIEW_CLIENTS)
        referral = self._repo().by_ref(ref)
        if referral is None:
            raise NotFound(_("No referral with that reference."))
        return referral

    def list(self, *, client_id: int | None = None) -> list[m.Referral]:
        self._v.require(Can.VIEW_CLIENTS)
        return self._repo().list(client_id=client_id)

    def pending_today(self) -> list[m.Referral]:
        """Today's referrals still pending: the batch a coordinator prints at the end of a clinic day."""
        self._v.require(Can.MAKE_REFERRALS)
        start = dt.datetime.combine(dt.date.today(), dt.time.min).astimezone(dt.UTC)
        return self._repo().list(since=start.isoformat(timespec="microseconds"),
                                 outcome=m.ReferralOutcome.PENDING, unprinted=True)

    def disclosable(self, partner_id: int, ticked: frozenset[str]) -> frozenset[str]:
        """The groups a letter would carry: the partner's profile ∩ what is ticked, sealed only when allowed.

        Raises PermissionDenied naming what the partner's profile or the acting user's role does not allow.
        """
        self._v.require(Can.MAKE_REFERRALS)
        partner = self._v.partners.get(partner_id)
        ticked = frozenset(_choices("fields", ticked, Group))
        outside = sorted(ticked - set(partner.disclosure), key=lambda g: list(Group).index(Group(g)))
        if outside:
            raise PermissionDenied(_("{partner} does not receive “{group}”. Untick it or edit the partner's "
                                     "disclosure profile.").format(partner=partner.name,
                                                                   group=_(Group(outside[0]).label)))
        if Group.SEALED.value in ticked:
            if not partner.legal_representation:
                raise PermissionDenied(_("Sealed details go only to a legal representation partner."))
            if not self._v.can(Can.APPROVE_SEALED_DISCLOSURE):
                raise PermissionDenied(_("Sealed details need an attorney's approval: ask an attorney to make "
                                         "this letter."))
        approved = self._v.can(Can.APPROVE_SEALED_DISCLOSURE)
        groups = allowed_groups(frozenset(Group(g) for g in partner.disclosure), partner.legal_representation,
                                frozenset(Group(g) for g in ticked), approved)
        return frozenset(g.value for g in groups)

    def preview(self, draft: m.ReferralDraft, lang: str | None = None):
        """The exact fields the letter would disclose, labelled in `lang` (the UI shows this list).

        Reading sealed values for the preview is audited like any reveal.
        """
        groups = self.disclosable(draft.partner_id, draft.groups)
        if lang is None:
            lang = draft.consent_language if draft.letter_language == "both" else draft.letter_language
        return self._fields(draft.client_id, draft.case_id, groups, lang)

    def _fields(self, client_id: int, case_id: int | None, groups: frozenset[str], lang: str):
        conn = self._v.conn
        client = ClientRepo(conn).get(client_id)
        if client is None:
            raise NotFound(_("No client with that reference."))
        cases = CaseRepo(conn).for_client(client_id)
        case = next((c for c in cases if c.id == case_id), cases[-1] if cases else None)
        intake = IntakeRepo(conn).get(case.intake_id) if case else None
        sealed = self._v.sealed.reveal(client_id) if Group.SEALED.value in groups else {}
        return collect_fields(frozenset(Group(g) for g in groups), client=client, intake=intake, case=case,
                              sealed_values=sealed, lang=lang)

    def create(self, draft: m.ReferralDraft) -> m.Referral:
        """Record a referral with the consent given for exactly the fields its letter discloses."""
        self._v.require(Can.MAKE_REFERRALS)
        groups = self.disclosable(draft.partner_id, draft.groups)
        if not groups:
            raise ValidationError("fields", _("Choose at least one group of information for the letter."))
        partner = self._v.partners.get(draft.partner_id)
        if partner.retired:
            raise ValidationError("partner", _("{partner} is retired from the directory.").format(
                partner=partner.name))
        if ClientRepo(self._v.conn).get(draft.client_id) is None:
            raise NotFound(_("No client with that reference."))
        if draft.case_id is not None:
            case = CaseRepo(self._v.conn).get(draft.case_id)
            if case is None or case.client_id != draft.client_id:
                raise ValidationError("case", _("That case belongs to another client."))
        if draft.consent_method not in m.CONSENT_METHOD_LABELS:
            raise ValidationError("consent_method", _("Say how the client consented: in person or by phone."))
        if draft.consent_language not in LANGUAGES:
            raise ValidationError("consent_language", _("Unknown language."))
        if draft.consent_date > dt.date.today() or draft.consent_date < dt.date.today() - dt.timedelta(days=90):
            raise ValidationError("consent_date", _("The consent date must be within the last 90 days."))
        if draft.letter_language not in LETTER_LANGUAGES:
            raise ValidationError("letter_language", _("The letter language must be es, en or both."))
        if draft.layout not in ("sequence", "side_by_side"):
            raise ValidationError("layout", _("Unknown layout."))
        ordered = tuple(g.value for g in Group if g.value in groups)
        approved_by = self._v.user.id if Group.SEALED.value in groups else None
        with transaction(self._v.conn):
            referral_id = self._repo().add(draft, groups=ordered, sealed_approved_by=approved_by,
                                           by=self._v.user.id)
            self._v.audit("referral.create", f"referral:{referral_id}", client=draft.client_id,
                          partner=draft.partner_id, fields=list(ordered), consent=draft.consent_method)
        return self._repo().get(referral_id)

    def letter_request(self, referral_id: int, *, today: dt.date | None = None) -> LetterRequest:
        """Everything the letter says, gathered on the vault's thread; compose/render can run anywhere."""
        from clinic.letters.compose import LetterRequest

        referral = self.get(referral_id)
        partner = self._v.partners.get(referral.partner_id)
        case_id = self._repo().case_id(referral_id)
        langs = ("es", "en") if referral.letter_language == "both" else (referral.letter_language,)
        groups = frozenset(referral.groups)
        disclosed = {lang: self._fields(referral.client_id, case_id, groups, lang) for lang in langs}
        settings = self._v.settings.get()
        from clinic.storage.repos.staff import StaffRepo

        staff = StaffRepo(self._v.conn).get(self._repo().created_by(referral_id))
        return LetterRequest(
            language=referral.letter_language, clinic_name=settings.name, clinic_address=settings.address,
            clinic_phone=settings.phone, letter_date=today or dt.date.today(), referral_ref=referral.ref,
            partner_name=partner.name, partner_address=partner.address, partner_phone=partner.phone,
            partner_email=partner.email, need=referral.need, disclosed=disclosed,
            coordinator_name=staff.name, coordinator_title=staff.role.label,
            consent_date=referral.consent_date, consent_method=referral.consent_method, layout=referral.layout)

    def store_letter(self, referral_id: int, pdf: bytes) -> int:
        """Keep the rendered letter, encrypted in the vault, so it can be reprinted exactly as sent.

        A letter that discloses sealed details is sealed to the privileged key, like the values it holds.
        """
        self._v.require(Can.MAKE_REFERRALS)
        referral = self.get(referral_id)
        sealed = Group.SEALED.value in referral.groups
        blob = pdf
        if sealed:
            self._v.require(Can.VIEW_SEALED)
            public, _fpr = self._v.privileged_public()
            blob = p.seal(public, pdf, self._letter_ad(referral_id))
        with transaction(self._v.conn):
            letter_id = self._repo().add_letter(referral_id, blob, sealed=sealed, by=self._v.user.id)
            self._v.audit("letter.render", f"referral:{referral_id}", letter=letter_id)
        return letter_id

    def _letter_ad(self, referral_id: int) -> bytes:
        return f"{self._v.vault_id}|letter|{referral_id}".encode()

    def make_letter(self, referral_id: int) -> bytes:
        """Gather, compose, render and store in one go (the command line; the app renders in background)."""
        from clinic.letters.compose import compose_letter
        from clinic.letters.render import render_letter

        pdf = render_letter(compose_letter(self.letter_request(referral_id)))
        self.store_letter(referral_id, pdf)
        return pdf

    def letter_pdf(self, referral_id: int) -> bytes:
        """The letter as sent (the latest rendering), for preview or reprint."""
        self._v.require(Can.MAKE_REFERRALS)
        found = self._repo().latest_letter(referral_id)
        if found is None:
            raise NotFound(_("This referral has no letter yet."))
        _id, blob, sealed = found
        if not sealed:
            return blob
        self._v.require(Can.VIEW_SEALED)
        try:
            return self._v.keys.unseal_privileged(blob, self._letter_ad(referral_id))
        except (p.DecryptionFailed, TypeError):
            raise PermissionDenied(_("This letter holds attorney-only information; your account cannot "
                                     "open it.")) from None

    def record_output(self, referral_id: int, how: str) -> None:
        """Audit a print or a save-as-PDF of the letter: who, when, which referral, which fields."""
        self._v.require(Can.MAKE_REFERRALS)
        if how not in ("print", "save"):
            raise ValueError(how)
        referral = self.get(referral_id)
        found = self._repo().latest_letter(referral_id)
        if found is None:
            raise NotFound(_("This referral has no letter yet."))
        with transaction(self._v.conn):
            self._repo().count_print(found[0])
            self._v.audit(f"letter.{how}", f"referral:{referral_id}", fields=list(referral.groups))

    def set_outcome(self, referral_id: int, outcome: m.ReferralOutcome) -> m.Referral:
        self._v.require(Can.MAKE_REFERRALS)
        self.get(referral_id)
        with transaction(self._v.conn):
            self._repo().set_outcome(referral_id, m.ReferralOutcome(outcome))
            self._v.audit("referral.outcome", f"referral:{referral_id}", outcome=m.ReferralOutcome(outcome).value)
        return self.get(referral_id)


def lsc_warning(partner: m.Partner) -> str | None:
    """LSC-funded partners are barred from serving most non-citizens: warn, never put status in a letter."""
    if partner.lsc_funded:
        return _("{partner} is LSC-funded and may not be able to serve clients without certain immigration "
                 "statuses. The partner screens for itself; the letter never states status.").format(
                     partner=partner.name)
    return None


__all__ = ["Partners", "Referrals", "lsc_warning", "now"]
