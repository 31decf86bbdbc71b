"""Parties on an intake or case besides the client: adverse parties and household members; check results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from clinic.i18n import N_


class PartyKind(StrEnum):
    ADVERSE = "adverse"
    HOUSEHOLD = "household"


class Relationship(StrEnum):
    LANDLORD = "landlord"
    EMPLOYER = "employer"
    SPOUSE = "spouse"
    EX_PARTNER = "ex_partner"
    OTHER_PARTY = "other_party"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    OTHER_RELATIVE = "other_relative"
    OTHER = "other"


# People named in a client's preparedness plan, indexed as parties of that client (no case, no intake) so a
# conflict check on their name finds them; the plan's save replaces them (clinic.conflicts.service).
PLAN_RELATIONSHIPS = ("plan_child", "plan_primary_caregiver", "plan_backup_caregiver")


@dataclass(frozen=True, slots=True)
class PartyDraft:
    kind: PartyKind
    name: str
    relationship: str = ""
    date_of_birth: dt.date | None = None
    is_org: bool = False


@dataclass(frozen=True, slots=True)
class Party:
    id: int
    kind: PartyKind
    name: str
    relationship: str
    date_of_birth: dt.date | None
    is_org: bool


class ClearResult(StrEnum):
    NO_CONFLICT = "no_conflict"
    WAIVED = "waived"  # a note says who waived and how
    REJECTED = "rejected"  # a conflict: the case cannot be accepted; the reason is recorded

    @property
    def label(self) -> str:
        return CLEAR_LABELS[self]


CLEAR_LABELS = {
    ClearResult.NO_CONFLICT: N_("No conflict"),
    ClearResult.WAIVED: N_("Conflict waived"),
    ClearResult.REJECTED: N_("Conflict: rejected"),
}

VOLUNTEER_NOTICE = N_("Possible conflict: an attorney must review before advice is given.")


@dataclass(frozen=True, slots=True)
class ConflictMatch:
    """One matched record, for attorneys and coordinators only."""

    checked_name: str  # which of the case's names matched (the client's or a party's)
    source: str  # client, adverse, household
    record_id: int  # client id or party id
    client_ref: str  # the matched client's reference (for a party: the client whose case names them)
    name: str
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConflictCheck:
    """A check as the acting user may see it: volunteers get `possible_conflict` and nothing else."""

    id: int
    case_id: int | None
    possible_conflict: bool
    matches: tuple[ConflictMatch, ...]  # empty for volunteers
    run_at: dt.datetime | None = None
    result: ClearResult | None = None
    note: str = ""
    cleared_by: int | None = None
    cleared_at: dt.datetime | None = None
    current: bool = True  # False once the case's parties changed after the check
