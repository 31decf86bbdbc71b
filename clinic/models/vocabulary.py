"""Typed ids, roles, needs, statuses and the other enums with their labels, and the input limits."""

from __future__ import annotations

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
