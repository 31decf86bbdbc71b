"""Follow-up from an incident (intake, referral, "reported to the city") and its media with custody log.

Records only: a follow-up carries ids (the incident's, "person N" of it, the client's and intake's), never
either record's details. Shared by the core and the UI; no I/O.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import StrEnum

from clinic.i18n import N_


class FollowUpKind(StrEnum):
    INTAKE = "intake"
    REFERRAL = "referral"
    CITY = "city"  # reported to the city
    CONSULTATION = "consultation"  # an attorney's legal consultation for a linked client (recorded by the core)

    @property
    def label(self) -> str:
        return LABELS[self]


class Service(StrEnum):
    """The services a person affected is referred to from an incident (counted in the public report)."""

    FAMILY_SUPPORT = "family_support"
    LEGAL_HELP = "legal_help"
    FOOD_RELIEF = "food_relief"

    @property
    def label(self) -> str:
        return LABELS[self]


class CustodyAction(StrEnum):
    RECEIVED = "received"
    VIEWED = "viewed"
    EXPORTED_COPY = "exported_copy"
    HANDED_OVER = "handed_over"
    PURGED = "purged"  # the content was deleted under the retention settings; hash and log stay

    @property
    def label(self) -> str:
        return LABELS[self]


class CaptureSource(StrEnum):
    EXIF = "exif"  # read from the file's own metadata
    TYPED = "typed"  # given by the person attaching it
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS: dict[StrEnum, str] = {
    FollowUpKind.INTAKE: N_("Intake"), FollowUpKind.REFERRAL: N_("Referral"),
    FollowUpKind.CITY: N_("Reported to the city"), FollowUpKind.CONSULTATION: N_("Legal consultation"),
    Service.FAMILY_SUPPORT: N_("Family support"), Service.LEGAL_HELP: N_("Legal help"),
    Service.FOOD_RELIEF: N_("Food relief"),
    CustodyAction.RECEIVED: N_("Received"), CustodyAction.VIEWED: N_("Viewed"),
    CustodyAction.EXPORTED_COPY: N_("Exported a copy"), CustodyAction.HANDED_OVER: N_("Handed over"),
    CustodyAction.PURGED: N_("Deleted under the retention settings"),
    CaptureSource.EXIF: N_("from the file"), CaptureSource.TYPED: N_("typed"),
    CaptureSource.UNKNOWN: N_("unknown"),
}


@dataclasses.dataclass(frozen=True, slots=True)
class FollowUp:
    id: int
    incident_ref: str
    person: int | None  # "person N" of the incident (1-based), or None for the incident as a whole
    kind: FollowUpKind
    client_id: int | None  # an intake's client (ids only)
    intake_id: int | None
    service: Service | None  # a referral's service
    note: str
    at: dt.datetime
    by_name: str


@dataclasses.dataclass(frozen=True, slots=True)
class Media:
    id: int
    incident_ref: str
    filename: str
    mime_type: str
    size: int
    sha256: str  # taken when the file arrived; stays inside the vault
    captured_at: str  # "YYYY-MM-DD HH:MM[:SS]" or ""
    captured_source: CaptureSource
    holder: str  # who holds the original
    added_at: dt.datetime
    added_by_name: str
    purged_at: dt.datetime | None = None  # the content was deleted under the retention settings


@dataclasses.dataclass(frozen=True, slots=True)
class CustodyEntry:
    action: CustodyAction
    note: str
    at: dt.datetime
    by_name: str


@dataclasses.dataclass(frozen=True, slots=True)
class SharingCopy:
    """A copy of a medium for sharing: location and device metadata stripped (re-encoded)."""

    filename: str
    content: bytes
    stripped: tuple[str, ...]  # what was removed, e.g. ("EXIF", "GPS", "XMP")
