"""Every problem of an incident draft at once, each naming its field (what the hotline form marks)."""

from __future__ import annotations

import datetime as dt

from clinic.incidents import model as im
from clinic.incidents.checks import problems


def test_a_clean_draft_has_no_problems():
    """A plain report today passes."""
    assert problems(im.IncidentDraft(date=dt.date.today(), notes="seen"), neighbourhoods=()) == []


def test_every_wrong_field_is_named_once_in_field_order():
    """One wrong field never hides another: time, neighbourhood and notes are all reported."""
    draft = im.IncidentDraft(date=dt.date.today(), start_time="25:00", neighbourhood="Atlantis",
                             notes="bell\x07", reporter_phone="x" * 61)
    found = problems(draft, neighbourhoods=("Centro",))
    assert [e.field for e in found] == ["start_time", "neighbourhood", "notes", "reporter_phone"]
    assert all(e.message for e in found)


def test_vehicle_and_person_fields_carry_their_position():
    """The second vehicle's bad colour is `vehicles[1].colour`; the first vehicle is fine."""
    draft = im.IncidentDraft(date=dt.date.today(), vehicles=(im.Vehicle(make="Ford"),
                                                             im.Vehicle(colour="gr\x00ey", plate_text="x" * 21)))
    assert [e.field for e in problems(draft, neighbourhoods=())] == ["vehicles[1].colour", "vehicles[1].plate_text"]
