"""Incident reports: validation of a draft and reading one from JSON. The records themselves (vocabularies,
FIELD_POLICY, public_view) are shared vocabulary in clinic/models/incidents.py, re-exported here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from enum import StrEnum

from clinic import clock
from clinic.errors import ValidationError
from clinic.i18n import _
from clinic.models.incidents import (  # noqa: F401 - the records, re-exported for `im.X`
    FIELD_POLICY,
    LABELS,
    MAX_COUNT,
    MAX_SHORT,
    MAX_TEXT,
    NEVER_PARTS,
    Activity,
    AgeRange,
    Answer,
    ContactKind,
    Incident,
    IncidentDraft,
    IncidentId,
    IncidentRow,
    Labelled,
    Marking,
    Method,
    Person,
    PlaceKind,
    PlateVisibility,
    Precision,
    PublicIncident,
    Publicity,
    Relation,
    Status,
    StatusChange,
    Vehicle,
    Warrant,
    public_view,
)

# ----- validation ---------------------------------------------------------------------------------------

def check_text(field: str, value, limit: int, *, multiline: bool = False) -> str:
    if not isinstance(value, str):
        raise ValidationError(field, _("{field} must be text.").format(field=field))
    if len(value) > limit:
        raise ValidationError(field, _("{field} is too long: at most {limit} characters.")
                              .format(field=field, limit=limit))
    for ch in value:
        cat = unicodedata.category(ch)
        if (cat == "Cc" and not (multiline and ch in "\n\t")) or cat == "Cs":
            raise ValidationError(field, _("{field} contains an invisible control character. Retype "
                                           "it without pasting.").format(field=field))
    return value.strip()


def _enum(field: str, kind: type[StrEnum], value):
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except (ValueError, TypeError):
        raise ValidationError(field, _("“{value}” is not one of: {choices}.").format(
            value=str(value)[:40], choices=", ".join(k.value for k in kind))) from None


def _count(field: str, value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ValidationError(field, _("{field} must be a whole number from 0 to {max}.")
                              .format(field=field, max=MAX_COUNT))
    return value


def _time(field: str, value: str) -> str:
    value = check_text(field, value, 5)
    if value:
        try:
            dt.time.fromisoformat(value)
        except ValueError:
            raise ValidationError(field, _("{field} must be a time as HH:MM.").format(field=field)) from None
    return value


def validate(d: IncidentDraft, *, neighbourhoods: tuple[str, ...]) -> IncidentDraft:
    """The draft with enums coerced and text checked; raises ValidationError naming the field."""
    if not isinstance(d.date, dt.date) or isinstance(d.date, dt.datetime):
        raise ValidationError("date", _("{field} must be a date as YYYY-MM-DD.").format(field="date"))
    if d.date > clock.today() + dt.timedelta(days=1) or d.date.year < 2000:
        raise ValidationError("date", _("The date of the incident is not plausible."))
    neighbourhood = check_text("neighbourhood", d.neighbourhood, MAX_SHORT)
    if neighbourhood and neighbourhood not in neighbourhoods:
        raise ValidationError("neighbourhood", _("“{value}” is not on the clinic's list of neighbourhoods.")
                              .format(value=neighbourhood[:40]))
    vehicles = tuple(Vehicle(make=check_text("vehicles.make", v.make, MAX_SHORT),
                             colour=check_text("vehicles.colour", v.colour, MAX_SHORT),
                             marked=_enum("vehicles.marked", Answer, v.marked),
                             plate=_enum("vehicles.plate", PlateVisibility, v.plate),
                             plate_text=check_text("vehicles.plate_text", v.plate_text, 20),
                             state=check_text("vehicles.state", v.state, 40)) for v in d.vehicles)
    people = tuple(Person(age_range=_enum("people.age_range", AgeRange, p.age_range),
                          detained=bool(p.detained),
                          child_left_without_caregiver=bool(p.child_left_without_caregiver)) for p in d.people)
    if len(vehicles) > 100 or len(people) > 500:
        raise ValidationError("people", _("Too many vehicles or people in one report."))
    return dataclasses.replace(
        d,
        precision=_enum("precision", Precision, d.precision),
        start_time=_time("start_time", d.start_time), end_time=_time("end_time", d.end_time),
        address=check_text("address", d.address, MAX_SHORT, multiline=True),
        place_kind=_enum("place_kind", PlaceKind, d.place_kind),
        neighbourhood=neighbourhood,
        activities=tuple(dict.fromkeys(_enum("activities", Activity, a) for a in d.activities)),
        agents=_count("agents", d.agents), vehicle_count=_count("vehicle_count", d.vehicle_count),
        markings=tuple(dict.fromkeys(_enum("markings", Marking, x) for x in d.markings)),
        faces_covered=_enum("faces_covered", Answer, d.faces_covered),
        name_or_badge_visible=_enum("name_or_badge_visible", Answer, d.name_or_badge_visible),
        identified_when_asked=_enum("identified_when_asked", Answer, d.identified_when_asked),
        possible_impersonator=_enum("possible_impersonator", Answer, d.possible_impersonator),
        vehicles=vehicles,
        warrant=_enum("warrant", Warrant, d.warrant),
        home_entry=_enum("home_entry", Answer, d.home_entry),
        consent_asked=_enum("consent_asked", Answer, d.consent_asked),
        people=people,
        contact_kind=_enum("contact_kind", ContactKind, d.contact_kind),
        reporter_relation=_enum("reporter_relation", Relation, d.reporter_relation),
        equipment=check_text("equipment", d.equipment, MAX_TEXT, multiline=True),
        notes=check_text("notes", d.notes, MAX_TEXT, multiline=True),
        reporter_name=check_text("reporter_name", d.reporter_name, MAX_SHORT),
        reporter_phone=check_text("reporter_phone", d.reporter_phone, 60),
    )


_SCALARS = {f.name for f in dataclasses.fields(IncidentDraft)} - {"date", "vehicles", "people", "activities",
                                                                    "markings"}


def draft_from_json(data) -> IncidentDraft:
    """An IncidentDraft from the README's JSON; unknown keys are refused, naming them."""
    if not isinstance(data, dict):
        raise ValidationError("", _("An incident must be a JSON object."))
    known = {f.name for f in dataclasses.fields(IncidentDraft)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationError(unknown[0], _("Unknown field “{field}”.").format(field=unknown[0][:40]))
    if "date" not in data:
        raise ValidationError("date", _("{field} must be a date as YYYY-MM-DD.").format(field="date"))
    try:
        date = dt.date.fromisoformat(data["date"]) if isinstance(data["date"], str) else None
    except ValueError:
        date = None
    if date is None:
        raise ValidationError("date", _("{field} must be a date as YYYY-MM-DD.").format(field="date"))
    kw = {k: v for k, v in data.items() if k in _SCALARS}
    for key in ("activities", "markings"):
        value = data.get(key, [])
        if not isinstance(value, list):
            raise ValidationError(key, _("{field} must be a list.").format(field=key))
        kw[key] = tuple(value)
    for key, kind in (("vehicles", Vehicle), ("people", Person)):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
            raise ValidationError(key, _("{field} must be a list of objects.").format(field=key))
        names = {f.name for f in dataclasses.fields(kind)}
        for item in value:
            bad = sorted(set(item) - names)
            if bad:
                raise ValidationError(f"{key}.{bad[0][:40]}", _("Unknown field “{field}”.")
                                      .format(field=f"{key}.{bad[0][:40]}"))
        kw[key] = tuple(kind(**item) for item in value)
    return IncidentDraft(date=date, **kw)
