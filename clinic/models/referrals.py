"""Partner organisations and referrals (issue 4): drafts as typed, records as stored, outcomes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from clinic.i18n import N_
from clinic.models.vocabulary import (
    CaseId,
    ClientId,
    Need,
    PartnerId,
    ReferralId,
    StaffId,
)


class ReferralOutcome(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    NO_RESPONSE = "no_response"


OUTCOME_LABELS = {
    ReferralOutcome.PENDING: N_("Pending"),
    ReferralOutcome.ACCEPTED: N_("Accepted"),
    ReferralOutcome.DECLINED: N_("Declined"),
    ReferralOutcome.NO_RESPONSE: N_("No response"),
}

CONSENT_METHOD_LABELS = {"in_person": N_("In person"), "phone": N_("By phone")}


@dataclass(frozen=True, slots=True)
class PartnerDraft:
    """A partner organisation as typed. services and disclosure hold clinic.letters.disclosure values."""

    name: str
    services: tuple[str, ...] = ()
    languages: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    hours: str = ""
    disclosure: tuple[str, ...] = ()
    legal_representation: bool = False
    lsc_funded: bool = False
    is_example: bool = False


@dataclass(frozen=True, slots=True)
class Partner:
    id: PartnerId
    name: str
    services: tuple[str, ...]
    languages: str
    address: str
    phone: str
    email: str
    hours: str
    disclosure: tuple[str, ...]
    legal_representation: bool
    lsc_funded: bool
    is_example: bool
    retired: bool


@dataclass(frozen=True, slots=True)
class ReferralDraft:
    client_id: ClientId
    partner_id: PartnerId
    need: Need
    groups: frozenset[str]  # what the coordinator ticked (clinic.letters.disclosure.Group values)
    consent_date: dt.date
    consent_language: str
    consent_method: str  # 'in_person' or 'phone'
    letter_language: str = "es"  # 'es', 'en' or 'both'
    layout: str = "sequence"  # for 'both': 'sequence' or 'side_by_side'
    case_id: CaseId | None = None


@dataclass(frozen=True, slots=True)
class Referral:
    id: ReferralId
    ref: str
    client_id: ClientId
    client_ref: str
    partner_id: PartnerId
    partner_name: str
    need: Need
    groups: tuple[str, ...]  # what the letter discloses
    sealed_approved_by: StaffId | None
    consent_date: dt.date
    consent_language: str
    consent_method: str
    letter_language: str
    layout: str
    outcome: ReferralOutcome
    created_at: dt.datetime
    created_by_name: str
    letters: int
