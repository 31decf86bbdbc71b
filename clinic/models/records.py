"""Frozen records of staff, clients, intakes, cases and the vault: what services return and take."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from clinic.models.vocabulary import (
    CaseId,
    CaseStatus,
    Channel,
    ClientId,
    DeadlineKind,
    DocumentId,
    IntakeId,
    Need,
    NoteId,
    Role,
    SealedField,
    StaffId,
    Urgency,
)


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
    region: str = ""  # clinic.eligibility.guidelines.Region; "" for the clinic's default region
    assets: tuple = ()  # clinic.eligibility.assets.AssetLine


@dataclass(frozen=True, slots=True)
class IntakeReceipt:
    client_id: ClientId
    client_ref: str
    intake_id: IntakeId
    case_id: CaseId
    new_client: bool
    possible_conflict: bool = False  # the automatic conflict check found something for an attorney to review
    check_pending: bool = False  # saved with check_later: the check is still to run (Conflicts.finish_check_at_save)


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
    annual_income: int | None  # whole dollars a year, from the intake's income lines; None without lines
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
class CaseFunding:
    """A case's funding tag: the source's name ("" while none) and, when the household is over the source's
    ceiling but within its exception ceiling (45 CFR 1611.5), the reason noted for the exception."""

    source: str = ""
    exception_reason: str = ""


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
class DeadlineRow:
    """One upcoming (or overdue) hearing, check-in or deadline of an open or accepted case, for the list."""

    deadline_id: int | None  # None: the date the intake gave, not yet entered as a deadline
    case_id: CaseId
    client_ref: str
    client_name: str
    kind: DeadlineKind
    due_date: dt.date
    note: str
    assigned_to: StaffId | None
    assigned_name: str
    days_left: int  # due date minus today (the core's clock): negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


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
