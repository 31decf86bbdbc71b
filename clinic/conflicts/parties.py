"""Parties on an intake or case besides the client: adverse parties and household members; check results."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from clinic.i18n import N_

# A household member's relationship to the client, as the intake form offers it.
HOUSEHOLD_RELATIONSHIPS = {"child": N_("Child"), "spouse": N_("Spouse"), "parent": N_("Parent"),
                           "sibling": N_("Sibling"), "other_relative": N_("Other relative"), "other": N_("Other")}


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


# Endings that mark a business name (after dots are dropped: S.A. -> sa, L.L.C. -> llc, Cía. -> cia).
ORG_ENDINGS = frozenset({"inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company",
                         "cia", "sa", "sas", "sl", "srl", "cv", "rl", "lp", "llp", "pllc", "pc", "plc"})
_SHORT_ENDINGS = frozenset({"co", "sa", "sl", "cv", "rl", "lp", "pc"})


def looks_like_organisation(name: str) -> bool:
    """"Acme Staffing, Inc.", "Constructora del Valle S.A. de C.V.": the form marks such a party as an
    organisation (the person typing can change it), so the check compares it as one."""
    text = "".join(c for c in unicodedata.normalize("NFKD", name.casefold().replace(".", ""))
                   if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", text)
    if len(words) < 2 or words[-1] not in ORG_ENDINGS:
        return False
    if words[-1] in _SHORT_ENDINGS:  # also family names (Ana Sa, Luis Co): only as "S.A." or "SA"
        raw = re.findall(r"[^\W\d_]+\.?", name)
        return bool(raw) and (raw[-1].endswith(".") or raw[-1].isupper())
    return True


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
    # More records shared a key with a checked name than the check examined (the likeliest were): shown
    # as MORE_CANDIDATES_NOTICE, and counted as a possible conflict.
    more_candidates: bool = False


MORE_CANDIDATES_NOTICE = N_("More possible matches than shown: narrow the check by date of birth.")
