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



# ----- the options of a referral and its letter (stored as these values: they never change) -----------

class Service(StrEnum):
    """What a partner organisation offers."""

    LEGAL_REPRESENTATION = "legal_representation"
    DETENTION_SUPPORT = "detention_support"
    WORKERS_RIGHTS = "workers_rights"
    FOOD_RELIEF = "food_relief"
    HOUSING = "housing"
    HEALTH = "health"
    OTHER = "other"

    @property
    def label(self) -> str:
        return SERVICE_LABELS[self]


SERVICE_LABELS = {
    Service.LEGAL_REPRESENTATION: N_("Legal representation"),
    Service.DETENTION_SUPPORT: N_("Detention support"),
    Service.WORKERS_RIGHTS: N_("Workers' rights"),
    Service.FOOD_RELIEF: N_("Food relief"),
    Service.HOUSING: N_("Housing"),
    Service.HEALTH: N_("Health"),
    Service.OTHER: N_("Other"),
}


class Group(StrEnum):
    """A group of fields a letter discloses all together or not at all (a partner's disclosure profile)."""

    IDENTITY = "identity"
    CONTACT = "contact"
    HOUSEHOLD = "household"
    NEEDS = "needs"
    CASE_SUMMARY = "case_summary"
    SEALED = "sealed"

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]

    @property
    def description(self) -> str:
        return GROUP_DESCRIPTIONS[self]


GROUP_LABELS = {
    Group.IDENTITY: N_("Identity"),
    Group.CONTACT: N_("Contact"),
    Group.HOUSEHOLD: N_("Household and income"),
    Group.NEEDS: N_("Needs"),
    Group.CASE_SUMMARY: N_("Case summary"),
    Group.SEALED: N_("Sealed details (attorney approval)"),
}

GROUP_DESCRIPTIONS = {
    Group.IDENTITY: N_("Full name, preferred name, date of birth and the clinic's client reference."),
    Group.CONTACT: N_("Phones, and whether it is safe to call, text or leave a message on each; "
                      "address; preferred language; whether an interpreter is needed."),
    Group.HOUSEHOLD: N_("Household size and monthly income."),
    Group.NEEDS: N_("What the client needs help with, how urgent it is, the next hearing or deadline, "
                    "and whether a family member is detained."),
    Group.CASE_SUMMARY: N_("The problem area, the case status and the intake notes."),
    Group.SEALED: N_("Immigration and other sealed details. Only for a legal representation partner, "
                     "and only when an attorney approves the letter."),
}


class ConsentMethod(StrEnum):
    """How the client gave consent to a referral."""

    IN_PERSON = "in_person"
    PHONE = "phone"


CONSENT_METHOD_LABELS = {ConsentMethod.IN_PERSON: N_("In person"), ConsentMethod.PHONE: N_("By phone")}


class LetterLanguage(StrEnum):
    """The language a referral letter is written in: one, or both."""

    ES = "es"
    EN = "en"
    BOTH = "both"

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages written: ('es', 'en') for both."""
        return ("es", "en") if self is LetterLanguage.BOTH else (self.value,)


class LetterLayout(StrEnum):
    """How a letter in both languages is laid out (a letter in one language ignores it)."""

    SEQUENCE = "sequence"  # one language after the other
    SIDE_BY_SIDE = "side_by_side"


def as_options(enum: type[StrEnum], values) -> tuple:
    """Stored values as members of `enum`; a value the enum does not know stays as it is (shown as typed)."""
    known = enum._value2member_map_
    return tuple(known.get(v, v) for v in values)


@dataclass(frozen=True, slots=True)
class PartnerDraft:
    """A partner organisation as typed: what it offers, and the groups its letters may disclose."""

    name: str
    services: tuple[Service, ...] = ()
    languages: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    hours: str = ""
    disclosure: tuple[Group, ...] = ()
    legal_representation: bool = False
    lsc_funded: bool = False
    is_example: bool = False


@dataclass(frozen=True, slots=True)
class Partner:
    id: PartnerId
    name: str
    services: tuple[Service, ...]
    languages: str
    address: str
    phone: str
    email: str
    hours: str
    disclosure: tuple[Group, ...]
    legal_representation: bool
    lsc_funded: bool
    is_example: bool
    retired: bool


@dataclass(frozen=True, slots=True)
class ReferralDraft:
    client_id: ClientId
    partner_id: PartnerId
    need: Need
    groups: frozenset[Group]  # what the coordinator ticked
    consent_date: dt.date
    consent_language: str
    consent_method: ConsentMethod
    letter_language: LetterLanguage = LetterLanguage.ES
    layout: LetterLayout = LetterLayout.SEQUENCE  # for both languages
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
    groups: tuple[Group, ...]  # what the letter discloses
    sealed_approved_by: StaffId | None
    consent_date: dt.date
    consent_language: str
    consent_method: ConsentMethod
    letter_language: LetterLanguage
    layout: LetterLayout
    outcome: ReferralOutcome
    created_at: dt.datetime
    created_by_name: str
    letters: int
