"""Frozen records and typed ids shared by the core and the UI; no I/O, no imports of ours but i18n."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NewType

from clinic.i18n import N_

StaffId = NewType("StaffId", int)
ClientId = NewType("ClientId", int)
IntakeId = NewType("IntakeId", int)
CaseId = NewType("CaseId", int)
NoteId = NewType("NoteId", int)
DocumentId = NewType("DocumentId", int)
PartnerId = NewType("PartnerId", int)
ReferralId = NewType("ReferralId", int)


class Role(StrEnum):
    VOLUNTEER = "volunteer"
    ATTORNEY = "attorney"
    COORDINATOR = "coordinator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def privileged(self) -> bool:
        """Whether this role holds the privileged key that opens sealed fields."""
        return self in (Role.ATTORNEY, Role.ADMIN)


ROLE_LABELS = {
    Role.VOLUNTEER: N_("Volunteer"),
    Role.ATTORNEY: N_("Attorney"),
    Role.COORDINATOR: N_("Coordinator"),
    Role.ADMIN: N_("Administrator"),
}


class Channel(StrEnum):
    WALK_IN = "walk-in"
    PHONE = "phone"
    OUTREACH = "outreach"


CHANNEL_LABELS = {
    Channel.WALK_IN: N_("Walk-in"),
    Channel.PHONE: N_("Phone"),
    Channel.OUTREACH: N_("Outreach"),
}


class Need(StrEnum):
    IMMIGRATION = "immigration"
    DETENTION = "detention"
    WORKPLACE = "workplace"
    HOUSING = "housing"
    FOOD = "food"
    OTHER = "other"


NEED_LABELS = {
    Need.IMMIGRATION: N_("Immigration"),
    Need.DETENTION: N_("Detention of a family member"),
    Need.WORKPLACE: N_("Workplace or wages"),
    Need.HOUSING: N_("Housing"),
    Need.FOOD: N_("Food"),
    Need.OTHER: N_("Other"),
}

# LSC CSR problem codes a need maps to by default (for funder reports; an attorney may change it).
NEED_PROBLEM_CODES = {
    Need.IMMIGRATION: 81,
    Need.DETENTION: 81,
    Need.WORKPLACE: 22,
    Need.HOUSING: 63,
    Need.FOOD: 73,
    Need.OTHER: 99,
}


class Urgency(StrEnum):
    ROUTINE = "routine"
    SOON = "soon"
    URGENT = "urgent"


URGENCY_LABELS = {
    Urgency.ROUTINE: N_("Routine"),
    Urgency.SOON: N_("Soon (within two weeks)"),
    Urgency.URGENT: N_("Urgent (detention or hearing within days)"),
}


class CaseStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REFERRED = "referred"
    REJECTED = "rejected"
    CLOSED = "closed"


# Cases someone still has to act on: the queue shows these first, by default.
ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.ACCEPTED)

CASE_STATUS_LABELS = {
    CaseStatus.OPEN: N_("Open"),
    CaseStatus.ACCEPTED: N_("Accepted"),
    CaseStatus.REFERRED: N_("Referred"),
    CaseStatus.REJECTED: N_("Rejected"),
    CaseStatus.CLOSED: N_("Closed"),
}


class SealedField(StrEnum):
    """Attorney-only fields: encrypted to the clinic's privileged key, never indexed or reported."""

    IMMIGRATION_STATUS = "immigration_status"
    A_NUMBER = "a_number"
    ENTRY_HISTORY = "entry_history"
    REMOVAL_HISTORY = "removal_history"
    CRIMINAL_HISTORY = "criminal_history"
    DETENTION_DETAILS = "detention_details"
    DETAINED_RELATIVE = "detained_relative"  # the detained family member: name, A-number, where held, next hearing
    PRIVILEGED_NOTES = "privileged_notes"


SEALED_LABELS = {
    SealedField.IMMIGRATION_STATUS: N_("Immigration status"),
    SealedField.A_NUMBER: N_("A-number"),
    SealedField.ENTRY_HISTORY: N_("Entry history"),
    SealedField.REMOVAL_HISTORY: N_("Removal proceedings history"),
    SealedField.CRIMINAL_HISTORY: N_("Criminal history"),
    SealedField.DETENTION_DETAILS: N_("Detention details"),
    SealedField.DETAINED_RELATIVE: N_("Detained relative's details"),
    SealedField.PRIVILEGED_NOTES: N_("Privileged notes"),
}

LANGUAGE_LABELS = {"es": N_("Spanish"), "en": N_("English")}

# Field size limits, in characters: generous for people, bounded for the database and the letters.
MAX_NAME = 200
MAX_SHORT = 500
MAX_NOTES = 20_000
MAX_SEALED = 20_000
MAX_PHONES = 5
MAX_HOUSEHOLD = 50
MAX_MONTHLY_INCOME = 1_000_000


@dataclass(frozen=True, slots=True)
class Staff:
    id: StaffId
    name: str
    role: Role
    active: bool
    language: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Phone:
    number: str
    label: str = ""
    safe_to_call: bool = True
    safe_to_text: bool = True
    safe_to_leave_message: bool = False


@dataclass(frozen=True, slots=True)
class IntakeDraft:
    """What a volunteer typed, before validation. `validate_intake` in clinic.clients.intake turns it clean."""

    given_names: str
    family_name_1: str
    family_name_2: str = ""
    preferred_name: str = ""
    date_of_birth: dt.date | None = None
    phones: tuple[Phone, ...] = ()
    address: str = ""
    language: str = "es"
    interpreter_needed: bool = False
    channel: Channel = Channel.WALK_IN
    site: str = ""
    household_size: int | None = None
    monthly_income: int | None = None  # whole dollars a month
    needs: tuple[Need, ...] = ()
    urgency: Urgency = Urgency.ROUTINE
    next_date: dt.date | None = None  # next hearing, check-in or deadline
    detained_family_member: bool = False
    consent_to_store: bool = False
    consent_language: str = ""
    notes: str = ""
    sealed: dict[SealedField, str] = field(default_factory=dict)
    existing_client: ClientId | None = None  # a returning client chosen from the duplicate hint
    adverse_parties: tuple = ()  # clinic.conflicts.parties.PartyDraft, kind adverse
    household_members: tuple = ()  # PartyDraft, kind household
    income: tuple = ()  # clinic.eligibility.income.IncomeLine
    region: str = "contiguous"  # clinic.eligibility.guidelines.Region


@dataclass(frozen=True, slots=True)
class IntakeReceipt:
    client_id: ClientId
    client_ref: str
    intake_id: IntakeId
    case_id: CaseId
    new_client: bool
    possible_conflict: bool = False  # the automatic conflict check found something for an attorney to review


@dataclass(frozen=True, slots=True)
class ClientMatch:
    """What anyone may see of a possible match: enough to avoid a duplicate, nothing more."""

    id: ClientId
    ref: str
    display_name: str
    date_of_birth: dt.date | None
    last_visit: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ClientRow:
    """A row of the client list (coordinators, attorneys, admins)."""

    id: ClientId
    ref: str
    display_name: str
    date_of_birth: dt.date | None
    language: str
    last_visit: dt.datetime | None
    open_cases: int


@dataclass(frozen=True, slots=True)
class Client:
    id: ClientId
    ref: str
    given_names: str
    family_name_1: str
    family_name_2: str
    preferred_name: str
    date_of_birth: dt.date | None
    phones: tuple[Phone, ...]
    address: str
    language: str
    interpreter_needed: bool
    created_at: dt.datetime
    is_demo: bool = False

    @property
    def display_name(self) -> str:
        return display_name(self.given_names, self.family_name_1, self.family_name_2)


@dataclass(frozen=True, slots=True)
class Intake:
    id: IntakeId
    client_id: ClientId
    recorded_at: dt.datetime
    recorded_by: StaffId
    recorded_by_name: str
    site: str
    channel: Channel
    household_size: int | None
    monthly_income: int | None
    needs: tuple[Need, ...]
    urgency: Urgency
    next_date: dt.date | None
    detained_family_member: bool
    consent_to_store: bool
    consent_date: dt.date
    consent_language: str
    notes: str
    sealed_fields: tuple[SealedField, ...]  # which sealed fields were recorded (not their values)


@dataclass(frozen=True, slots=True)
class Note:
    id: NoteId
    case_id: CaseId
    author_id: StaffId
    author_name: str
    created_at: dt.datetime
    body: str


@dataclass(frozen=True, slots=True)
class StatusChange:
    at: dt.datetime
    by_name: str
    old_status: CaseStatus | None
    new_status: CaseStatus
    reason: str


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    id: DocumentId
    case_id: CaseId
    filename: str
    mime_type: str
    size: int
    added_at: dt.datetime
    added_by_name: str


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: CaseId
    client_id: ClientId
    client_ref: str
    client_name: str
    status: CaseStatus
    need: Need
    urgency: Urgency
    next_date: dt.date | None
    assigned_to: StaffId | None
    assigned_name: str
    opened_at: dt.datetime
    detained_family_member: bool


@dataclass(frozen=True, slots=True)
class CaseFilter:
    status: CaseStatus | None = None
    open_work: bool = False  # only cases still to work on (ACTIVE_STATUSES); the case queue's default
    need: Need | None = None
    urgency: Urgency | None = None
    assigned_to: StaffId | None = None
    hearing_within_days: int | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class Case:
    id: CaseId
    client_id: ClientId
    intake_id: IntakeId
    status: CaseStatus
    need: Need
    problem_code: int
    assigned_to: StaffId | None
    assigned_name: str
    opened_at: dt.datetime
    next_date: dt.date | None
    urgency: Urgency = Urgency.ROUTINE


@dataclass(frozen=True, slots=True)
class ClientDetails:
    """A client's own details as corrected after intake (the whole set; unchanged fields are kept)."""

    given_names: str
    family_name_1: str
    family_name_2: str = ""
    preferred_name: str = ""
    date_of_birth: dt.date | None = None
    phones: tuple[Phone, ...] = ()
    address: str = ""
    language: str = "es"
    interpreter_needed: bool = False

    @classmethod
    def of(cls, c: Client) -> ClientDetails:
        return cls(c.given_names, c.family_name_1, c.family_name_2, c.preferred_name, c.date_of_birth,
                   c.phones, c.address, c.language, c.interpreter_needed)


class DeadlineKind(StrEnum):
    HEARING = "hearing"
    CHECK_IN = "check_in"
    FILING = "filing"
    OTHER = "other"


DEADLINE_KIND_LABELS = {
    DeadlineKind.HEARING: N_("Court hearing"),
    DeadlineKind.CHECK_IN: N_("ICE check-in"),
    DeadlineKind.FILING: N_("Filing deadline"),
    DeadlineKind.OTHER: N_("Other deadline"),
}


@dataclass(frozen=True, slots=True)
class DeadlineDraft:
    kind: DeadlineKind
    due_date: dt.date
    note: str = ""
    done: bool = False


@dataclass(frozen=True, slots=True)
class Deadline:
    id: int
    case_id: CaseId
    kind: DeadlineKind
    due_date: dt.date
    note: str
    done: bool


@dataclass(frozen=True, slots=True)
class Change:
    """One corrected field, as the history keeps it: who, when, and the old and new values as text."""

    at: dt.datetime
    by_name: str
    target: str  # "client:<id>" or "deadline:<id>"
    field: str
    old_value: str
    new_value: str


@dataclass(frozen=True, slots=True)
class ClientFile:
    """A client's file as the acting user may see it. Sealed values are never in it: reveal them."""

    client: Client
    intakes: tuple[Intake, ...]
    cases: tuple[Case, ...]
    notes: tuple[Note, ...]
    documents: tuple[DocumentInfo, ...]
    sealed_fields: tuple[SealedField, ...]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor_id: StaffId | None
    action: str
    target: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    problems: tuple[str, ...]
    checked: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class ClinicSettings:
    name: str = ""
    address: str = ""
    phone: str = ""
    idle_lock_minutes: int = 5
    demo: bool = False  # a training vault full of synthetic people, marked DEMO everywhere


def display_name(given: str, family_1: str, family_2: str = "") -> str:
    return " ".join(p for p in (given.strip(), family_1.strip(), family_2.strip()) if p)


# ----- partners and referrals (issue 4) ----------------------------------------------------------------

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
