"""Incident records: their vocabularies and which fields may ever feed a public report.

Every field of `IncidentDraft` is marked in `FIELD_POLICY` as PUBLIC (may feed an aggregate count) or
NEVER (free text, exact place, time of day, plates, reporter). The public report reads incidents only
through `public_view`, which copies the PUBLIC fields and nothing else, so a new field stays out of
reports until someone marks it. Validation lives with the domain, in clinic/incidents/model.py; these
records are shared vocabulary so storage can build them without importing the domain.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum
from typing import NewType

from clinic.i18n import N_

IncidentId = NewType("IncidentId", int)
MAX_TEXT = 4000
MAX_SHORT = 200
MAX_COUNT = 10_000


class Publicity(StrEnum):
    PUBLIC = "public"  # may be counted in a public report (never shown row by row)
    NEVER = "never"  # stays inside the vault


class Labelled(StrEnum):
    @property
    def label(self) -> str:
        return LABELS[self]


class Precision(Labelled):
    EXACT = "exact"
    APPROXIMATE = "approximate"
    DAY_UNKNOWN = "day_unknown"


class PlaceKind(Labelled):
    HOME = "home"
    WORKPLACE = "workplace"
    STREET = "street"
    CAR_WASH = "car_wash"
    STORE = "store"
    SCHOOL = "school"
    COURT = "court"
    TRANSIT = "transit"
    OTHER = "other"


class Activity(Labelled):
    SURVEILLING = "surveilling"
    QUESTIONING = "questioning"
    DETAINING = "detaining"
    HOME_ENTRY = "home_entry"
    WORKSITE_OPERATION = "worksite_operation"
    CHECKPOINT = "checkpoint"
    OTHER = "other"


class Marking(Labelled):
    ICE = "ICE"
    ERO = "ERO"
    HSI = "HSI"
    CBP = "CBP"
    FBI = "FBI"
    POLICE = "POLICE"
    NONE = "none"


class Answer(Labelled):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Warrant(Labelled):
    JUDICIAL = "judicial"
    ADMINISTRATIVE = "administrative"
    NONE = "none"
    UNKNOWN = "unknown"


class PlateVisibility(Labelled):
    FULL = "full"
    PARTIAL = "partial"
    HIDDEN = "hidden"
    UNKNOWN = "unknown"


class ContactKind(Labelled):
    FIELD_OPERATION = "field_operation"
    HOME_VISIT = "home_visit"
    WORKSITE = "worksite"
    DETAINER_OR_HOLD = "detainer_or_hold"
    TRANSFER_FROM_LOCAL_CUSTODY = "transfer_from_local_custody"
    INFORMATION_REQUEST = "information_request"
    OTHER = "other"


class Relation(Labelled):
    SAW_IT = "saw_it"
    AFFECTED = "affected"
    RELATIVE = "relative"
    HEARD_FROM_SOMEONE = "heard_from_someone"


class AgeRange(Labelled):
    CHILD = "under_18"
    ADULT = "18_64"
    OLDER = "65_plus"
    UNKNOWN = "unknown"


class Status(Labelled):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    CORROBORATED = "corroborated"
    UNABLE_TO_VERIFY = "unable_to_verify"
    FALSE_ALARM = "false_alarm"
    MALICIOUS = "malicious"

    @property
    def counts_publicly(self) -> bool:
        return self in (Status.VERIFIED, Status.CORROBORATED)


class Method(Labelled):
    OBSERVER_ON_SITE = "observer_on_site"
    PHOTO_OR_VIDEO = "photo_or_video"
    CALLBACK = "callback"
    OTHER_REPORTS = "other_reports"
    OTHER = "other"


LABELS: dict[StrEnum, str] = {
    Precision.EXACT: N_("Exact"), Precision.APPROXIMATE: N_("Approximate"),
    Precision.DAY_UNKNOWN: N_("Day unknown"),
    PlaceKind.HOME: N_("Home"), PlaceKind.WORKPLACE: N_("Workplace"), PlaceKind.STREET: N_("Street"),
    PlaceKind.CAR_WASH: N_("Car wash"), PlaceKind.STORE: N_("Store"), PlaceKind.SCHOOL: N_("School"),
    PlaceKind.COURT: N_("Court"), PlaceKind.TRANSIT: N_("Transit"), PlaceKind.OTHER: N_("Other"),
    Activity.SURVEILLING: N_("Surveilling"), Activity.QUESTIONING: N_("Questioning"),
    Activity.DETAINING: N_("Detaining"), Activity.HOME_ENTRY: N_("Home entry"),
    Activity.WORKSITE_OPERATION: N_("Worksite operation"), Activity.CHECKPOINT: N_("Checkpoint"),
    Activity.OTHER: N_("Other"),
    Marking.ICE: "ICE", Marking.ERO: "ERO", Marking.HSI: "HSI", Marking.CBP: "CBP", Marking.FBI: "FBI",
    Marking.POLICE: "POLICE", Marking.NONE: N_("No markings"),
    Answer.YES: N_("Yes"), Answer.NO: N_("No"), Answer.UNKNOWN: N_("Unknown"),
    Warrant.JUDICIAL: N_("Judicial (signed by a judge)"), Warrant.ADMINISTRATIVE: N_("Administrative (ICE form)"),
    Warrant.NONE: N_("None shown"), Warrant.UNKNOWN: N_("Unknown"),
    PlateVisibility.FULL: N_("Full"), PlateVisibility.PARTIAL: N_("Partial"),
    PlateVisibility.HIDDEN: N_("Hidden"), PlateVisibility.UNKNOWN: N_("Unknown"),
    ContactKind.FIELD_OPERATION: N_("Field operation"), ContactKind.HOME_VISIT: N_("Home visit"),
    ContactKind.WORKSITE: N_("Worksite"), ContactKind.DETAINER_OR_HOLD: N_("Detainer or hold"),
    ContactKind.TRANSFER_FROM_LOCAL_CUSTODY: N_("Transfer from local custody"),
    ContactKind.INFORMATION_REQUEST: N_("Information request"), ContactKind.OTHER: N_("Other"),
    Relation.SAW_IT: N_("Saw it"), Relation.AFFECTED: N_("Affected"), Relation.RELATIVE: N_("Relative"),
    Relation.HEARD_FROM_SOMEONE: N_("Heard from someone else"),
    AgeRange.CHILD: N_("Under 18"), AgeRange.ADULT: N_("18 to 64"), AgeRange.OLDER: N_("65 or older"),
    AgeRange.UNKNOWN: N_("Unknown"),
    Status.UNVERIFIED: N_("Unverified"), Status.VERIFIED: N_("Verified by a trained observer"),
    Status.CORROBORATED: N_("Corroborated by other reports"), Status.UNABLE_TO_VERIFY: N_("Unable to verify"),
    Status.FALSE_ALARM: N_("False alarm"), Status.MALICIOUS: N_("Malicious"),
    Method.OBSERVER_ON_SITE: N_("Observer on site"), Method.PHOTO_OR_VIDEO: N_("Photo or video"),
    Method.CALLBACK: N_("Call back to the reporter"), Method.OTHER_REPORTS: N_("Other reports"),
    Method.OTHER: N_("Other"),
}


@dataclasses.dataclass(frozen=True, slots=True)
class Vehicle:
    make: str = ""
    colour: str = ""
    marked: Answer = Answer.UNKNOWN
    plate: PlateVisibility = PlateVisibility.UNKNOWN
    plate_text: str = ""  # as much of the plate as was seen; never public
    state: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class Person:
    """Someone affected, pseudonymous: "person 1", never a name."""

    age_range: AgeRange = AgeRange.UNKNOWN
    detained: bool = False
    child_left_without_caregiver: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class IncidentDraft:
    date: dt.date
    precision: Precision = Precision.EXACT
    start_time: str = ""  # HH:MM
    end_time: str = ""
    address: str = ""  # address or intersection
    place_kind: PlaceKind = PlaceKind.OTHER
    neighbourhood: str = ""  # from the clinic's list; "" when not known
    activities: tuple[Activity, ...] = ()
    agents: int | None = None
    vehicle_count: int | None = None
    markings: tuple[Marking, ...] = ()
    faces_covered: Answer = Answer.UNKNOWN
    name_or_badge_visible: Answer = Answer.UNKNOWN
    identified_when_asked: Answer = Answer.UNKNOWN
    possible_impersonator: Answer = Answer.UNKNOWN
    vehicles: tuple[Vehicle, ...] = ()
    warrant: Warrant = Warrant.UNKNOWN
    home_entry: Answer = Answer.UNKNOWN
    consent_asked: Answer = Answer.UNKNOWN
    people: tuple[Person, ...] = ()
    contact_kind: ContactKind = ContactKind.OTHER
    reporter_relation: Relation = Relation.SAW_IT
    equipment: str = ""
    notes: str = ""
    reporter_name: str = ""  # sealed
    reporter_phone: str = ""  # sealed


# Which fields may feed the public report. A test fails when a field of IncidentDraft is not listed.
FIELD_POLICY: dict[str, Publicity] = {
    "date": Publicity.PUBLIC,  # counted by week only, never a day or a time
    "precision": Publicity.NEVER,
    "start_time": Publicity.NEVER,
    "end_time": Publicity.NEVER,
    "address": Publicity.NEVER,
    "place_kind": Publicity.NEVER,
    "neighbourhood": Publicity.PUBLIC,
    "activities": Publicity.PUBLIC,
    "agents": Publicity.NEVER,
    "vehicle_count": Publicity.NEVER,
    "markings": Publicity.PUBLIC,
    "faces_covered": Publicity.PUBLIC,
    "name_or_badge_visible": Publicity.PUBLIC,
    "identified_when_asked": Publicity.PUBLIC,
    "possible_impersonator": Publicity.PUBLIC,
    "vehicles": Publicity.PUBLIC,  # only whether any was unmarked; plates never
    "warrant": Publicity.PUBLIC,
    "home_entry": Publicity.NEVER,
    "consent_asked": Publicity.NEVER,
    "people": Publicity.PUBLIC,  # only how many were detained
    "contact_kind": Publicity.NEVER,
    "reporter_relation": Publicity.NEVER,
    "equipment": Publicity.NEVER,
    "notes": Publicity.NEVER,
    "reporter_name": Publicity.NEVER,
    "reporter_phone": Publicity.NEVER,
}
# Parts of a PUBLIC field that are still never public.
NEVER_PARTS = {"vehicles": ("make", "colour", "plate_text", "state")}


@dataclasses.dataclass(frozen=True, slots=True)
class Incident:
    id: IncidentId
    ref: str
    draft: IncidentDraft  # reporter_name and reporter_phone are always "" here: they are sealed
    status: Status
    recorded_at: dt.datetime
    recorded_by: int
    has_reporter: bool


@dataclasses.dataclass(frozen=True, slots=True)
class IncidentRow:
    id: IncidentId
    ref: str
    date: dt.date
    neighbourhood: str
    place_kind: PlaceKind
    activities: tuple[Activity, ...]
    status: Status
    recorded_at: dt.datetime


@dataclasses.dataclass(frozen=True, slots=True)
class StatusChange:
    status: Status
    at: dt.datetime
    by: int
    by_name: str
    reason: str
    method: Method
    linked: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class PublicIncident:
    """What the public report may count about one incident: PUBLIC fields only, reduced to facts."""

    date: dt.date
    neighbourhood: str
    activities: frozenset[Activity]
    warrant: Warrant
    masked: bool
    no_identification: bool
    unmarked_vehicle: bool
    possible_impersonator: bool
    detained: int


def public_view(d: IncidentDraft) -> PublicIncident:
    """Reduce an incident to the PUBLIC facts the report counts (see FIELD_POLICY)."""
    public = {name: getattr(d, name) for name, policy in FIELD_POLICY.items() if policy is Publicity.PUBLIC}
    return PublicIncident(
        date=public["date"],
        neighbourhood=public["neighbourhood"],
        activities=frozenset(public["activities"]),
        warrant=public["warrant"],
        masked=public["faces_covered"] is Answer.YES,
        no_identification=(public["name_or_badge_visible"] is Answer.NO
                           and public["identified_when_asked"] is not Answer.YES
                           and Marking.NONE in public["markings"]),
        unmarked_vehicle=any(v.marked is Answer.NO for v in public["vehicles"]),
        possible_impersonator=public["possible_impersonator"] is Answer.YES,
        detained=sum(1 for p in public["people"] if p.detained),
    )
