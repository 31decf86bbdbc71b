"""Referrals to partner organisations: minimal disclosure, recorded consent, letters kept as sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from clinic import models as m
from clinic.access import Can
from clinic.clients.sealed import Sealed
from clinic.clients.settings import Settings
from clinic.crypto import primitives as p
from clinic.errors import NotFound, PermissionDenied, ValidationError
from clinic.i18n import LANGUAGES, _
from clinic.letters.disclosure import Group, allowed_groups, collect_fields
from clinic.referrals.partners import MAX_CSV_BYTES, Partners, check_partner, choices, lsc_warning
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.cases import CaseRepo
from clinic.storage.repos.clients import ClientRepo, IntakeRepo
from clinic.storage.repos.referrals import ReferralRepo

if TYPE_CHECKING:
    from clinic.letters.compose import LetterRequest

class Referrals:
    def __init__(self, session: Session, *, partners: Partners, sealed: Sealed, settings: Settings,
                 on_created: Callable[[int], object] | None = None):
        """`on_created(referral_id)` runs inside the new referral's transaction (the facade records it as an
        incident's follow-up when the client came from one); referrals never import incidents."""
        self._v = session
        self._on_created = on_created
        self._partners = partners
        self._sealed = sealed
        self._settings = settings

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
        start = dt.datetime.combine(self._v.clock.today(), dt.time.min).astimezone(dt.UTC)
        return self._repo().list(since=start.isoformat(timespec="microseconds"),
                                 outcome=m.ReferralOutcome.PENDING, unprinted=True)

    def disclosable(self, partner_id: int, ticked: frozenset[m.Group]) -> frozenset[m.Group]:
        """The groups a letter would carry: the partner's profile ∩ what is ticked, sealed only when allowed.

        Raises PermissionDenied naming what the partner's profile or the acting user's role does not allow.
        """
        self._v.require(Can.MAKE_REFERRALS)
        partner = self._partners.get(partner_id)
        ticked = frozenset(choices("fields", ticked, Group))
        outside = sorted(ticked - set(partner.disclosure), key=list(Group).index)
        if outside:
            raise PermissionDenied(_("{partner} does not receive “{group}”. Untick it or edit the partner's "
                                     "disclosure profile.").format(partner=partner.name,
                                                                   group=_(outside[0].label)))
        if Group.SEALED in ticked:
            if not partner.legal_representation:
                raise PermissionDenied(_("Sealed details go only to a legal representation partner."))
            if not self._v.can(Can.APPROVE_SEALED_DISCLOSURE):
                raise PermissionDenied(_("Sealed details need an attorney's approval: ask an attorney to make "
                                         "this letter."))
        approved = self._v.can(Can.APPROVE_SEALED_DISCLOSURE)
        return allowed_groups(frozenset(Group(g) for g in partner.disclosure), partner.legal_representation,
                              ticked, approved)

    def preview(self, draft: m.ReferralDraft, lang: str | None = None):
        """The exact fields the letter would disclose, labelled in `lang` (the UI shows this list).

        Reading sealed values for the preview is audited like any reveal.
        """
        groups = self.disclosable(draft.partner_id, draft.groups)
        if lang is None:
            lang = draft.consent_language if draft.letter_language == m.LetterLanguage.BOTH else draft.letter_language
        return self._fields(draft.client_id, draft.case_id, groups, lang)

    def _fields(self, client_id: int, case_id: int | None, groups: frozenset[m.Group], lang: str):
        conn = self._v.conn
        client = ClientRepo(conn).get(client_id)
        if client is None:
            raise NotFound(_("No client with that reference."))
        cases = CaseRepo(conn).for_client(client_id)
        case = next((c for c in cases if c.id == case_id), cases[-1] if cases else None)
        intake = IntakeRepo(conn).get(case.intake_id) if case else None
        sealed = self._sealed.reveal(client_id) if Group.SEALED in groups else {}
        return collect_fields(frozenset(Group(g) for g in groups), client=client, intake=intake, case=case,
                              sealed_values=sealed, lang=lang)

    def create(self, draft: m.ReferralDraft) -> m.Referral:
        """Record a referral with the consent given for exactly the fields its letter discloses."""
        self._v.require(Can.MAKE_REFERRALS)
        groups = self.disclosable(draft.partner_id, draft.groups)
        if not groups:
            raise ValidationError("fields", _("Choose at least one group of information for the letter."))
        partner = self._partners.get(draft.partner_id)
        if partner.retired:
            raise ValidationError("partner", _("{partner} is retired from the directory.").format(
                partner=partner.name))
        if ClientRepo(self._v.conn).get(draft.client_id) is None:
            raise NotFound(_("No client with that reference."))
        if draft.case_id is not None:
            case = CaseRepo(self._v.conn).get(draft.case_id)
            if case is None or case.client_id != draft.client_id:
                raise ValidationError("case", _("That case belongs to another client."))
        if draft.consent_method not in set(m.ConsentMethod):
            raise ValidationError("consent_method", _("Say how the client consented: in person or by phone."))
        if draft.consent_language not in LANGUAGES:
            raise ValidationError("consent_language", _("Unknown language."))
        if draft.consent_date > self._v.clock.today() or draft.consent_date < self._v.clock.today() - dt.timedelta(days=90):
            raise ValidationError("consent_date", _("The consent date must be within the last 90 days."))
        if draft.letter_language not in set(m.LetterLanguage):
            raise ValidationError("letter_language", _("The letter language must be es, en or both."))
        if draft.layout not in set(m.LetterLayout):
            raise ValidationError("layout", _("Unknown layout."))
        ordered = tuple(g for g in Group if g in groups)
        approved_by = self._v.user.id if Group.SEALED in groups else None
        with transaction(self._v.conn):
            referral_id = self._repo().add(draft, groups=ordered, sealed_approved_by=approved_by,
                                           by=self._v.user.id)
            self._v.audit("referral.create", f"referral:{referral_id}", client=draft.client_id,
                          partner=draft.partner_id, fields=list(ordered), consent=draft.consent_method)
            if self._on_created:
                self._on_created(referral_id)
        return self._repo().get(referral_id)

    def letter_request(self, referral_id: int, *, today: dt.date | None = None) -> LetterRequest:
        """Everything the letter says, gathered on the vault's thread; compose/render can run anywhere."""
        from clinic.letters.compose import LetterRequest

        referral = self.get(referral_id)
        partner = self._partners.get(referral.partner_id)
        case_id = self._repo().case_id(referral_id)
        langs = m.LetterLanguage(referral.letter_language).languages
        groups = frozenset(referral.groups)
        disclosed = {lang: self._fields(referral.client_id, case_id, groups, lang) for lang in langs}
        settings = self._settings.get()
        from clinic.storage.repos.staff import StaffRepo

        staff = StaffRepo(self._v.conn).get(self._repo().created_by(referral_id))
        return LetterRequest(
            language=referral.letter_language, clinic_name=settings.name, clinic_address=settings.address,
            clinic_phone=settings.phone, letter_date=today or self._v.clock.today(), referral_ref=referral.ref,
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
        sealed = Group.SEALED in referral.groups
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


__all__ = ["MAX_CSV_BYTES", "Partners", "Referrals", "check_partner", "lsc_warning"]
