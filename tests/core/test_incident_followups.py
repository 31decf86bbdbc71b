"""Follow-up from an incident: the intake link (ids only), referrals by service, "reported to the city"."""

from __future__ import annotations

import datetime as dt

import pytest

from clinic.errors import PermissionDenied, ValidationError
from clinic.incidents import model as im
from clinic.models import hotline as hm
from tests.fixtures.core import sample_draft

DAY = dt.date(2026, 11, 10)


def _draft(**kw) -> im.IncidentDraft:
    base = dict(date=DAY, activities=(im.Activity.DETAINING,), warrant="administrative",
                people=(im.Person(detained=True), im.Person()))
    return im.IncidentDraft(**(base | kw))


def test_an_intake_from_an_incident_keeps_only_the_link(open_vault):
    """The intake is an ordinary client file; the link table holds ids and person N, and neither record
    carries the other's details."""
    v = open_vault("volunteer")
    incident = v.incidents.record(_draft(notes="CANARY-INCIDENT-NOTE", address="CANARY-ADDR"))
    receipt = v.followups.record_intake(incident.ref, person=2, draft=sample_draft())
    [link] = v.followups.for_incident(incident.ref)
    assert (link.kind, link.person, link.client_id, link.intake_id) == (
        hm.FollowUpKind.INTAKE, 2, receipt.client_id, receipt.intake_id)
    assert link.note == "" and link.service is None
    row = v.conn.execute("SELECT * FROM incident_followups").fetchone()
    assert not any("García" in str(x) or "Rosa" in str(x) for x in row)
    admin = open_vault("admin")
    intake = admin.intakes.get(receipt.intake_id)
    assert "CANARY" not in repr(intake) and incident.ref not in repr(intake)
    assert "García" not in repr(admin.incidents.get(incident.ref))


def test_links_follow_the_incidents_rules(open_vault):
    """Another volunteer cannot see or add follow-ups of an incident they may not open; a bad person is named."""
    mine = open_vault("volunteer").incidents.record(_draft())
    coordinator = open_vault("coordinator")
    other = coordinator.incidents.record(_draft())
    v = open_vault("volunteer")
    with pytest.raises(PermissionDenied):
        v.followups.for_incident(other.ref)
    with pytest.raises(PermissionDenied):
        v.followups.record_intake(other.ref, person=1, draft=sample_draft())
    with pytest.raises(ValidationError) as err:
        v.followups.record_intake(mine.ref, person=3, draft=sample_draft())
    assert err.value.field == "person"
    assert coordinator.conn.execute("SELECT count(*) FROM incident_followups").fetchone()[0] == 0
    with pytest.raises(PermissionDenied):  # volunteers refer no one and mark nothing
        v.followups.refer(mine.ref, person=1, service="food_relief")
    with pytest.raises(PermissionDenied):
        v.followups.reported_to_city(mine.ref)


def test_referrals_and_the_city_mark_say_who_and_when(open_vault):
    """A referral by service and "reported to the city" are kept with who and when; a bad service is named."""
    v = open_vault("coordinator")
    incident = v.incidents.record(_draft())
    v.followups.refer(incident.ref, person=1, service=hm.Service.FOOD_RELIEF, note="banco de alimentos")
    city = v.followups.reported_to_city(incident.ref, note="Formulario enviado")
    assert city.kind is hm.FollowUpKind.CITY and city.by_name and city.at.tzinfo is not None
    kinds = [(f.kind, f.service) for f in v.followups.for_incident(incident.ref)]
    assert kinds == [(hm.FollowUpKind.REFERRAL, hm.Service.FOOD_RELIEF), (hm.FollowUpKind.CITY, None)]
    with pytest.raises(ValidationError) as err:
        v.followups.refer(incident.ref, person=1, service="massage")
    assert err.value.field == "service"


def test_the_public_report_counts_services_from_the_links(open_vault):
    """Eleven food-relief referrals are published as 11; two intakes are hidden as <11; no ids leak."""
    v = open_vault("admin")
    incident = v.incidents.record(_draft())
    for _ in range(11):
        v.followups.refer(incident.ref, person=1, service="food_relief", note="CANARY-FOLLOWUP-NOTE")
    for _ in range(2):
        v.followups.record_intake(incident.ref, person=1, draft=sample_draft())
    report = v.public_reports.preview(dt.date.today().replace(day=1), dt.date.today())
    cells = {(c.table, c.category): c.value for c in report.cells if c.table == "services"}
    assert cells[("services", "referral:food_relief")] == 11
    assert cells[("services", "intake")] is None
    assert cells[("services", "referral:legal_help")] == 0
    csv = v.public_reports.csv(report)
    assert "CANARY" not in csv and incident.ref not in csv and "Food relief" in csv


def test_forgetting_the_client_keeps_that_an_intake_happened_but_not_whose(open_vault):
    """After `forget`, the follow-up row stays (counted in reports) with no client or intake id."""
    from clinic.maintenance import purge

    v = open_vault("admin")
    incident = v.incidents.record(_draft())
    receipt = v.followups.record_intake(incident.ref, person=1, draft=sample_draft())
    purge.forget(v, receipt.client_ref, reason="lo pidió por escrito")
    [link] = v.followups.for_incident(incident.ref)
    assert link.kind is hm.FollowUpKind.INTAKE and (link.client_id, link.intake_id) == (None, None)


def test_services_are_counted_by_the_day_the_follow_up_was_made(open_vault):
    """A referral made on the last day of October counts in October, not in November."""
    from clinic import clock

    v = open_vault("admin")
    incident = v.incidents.record(_draft())
    with clock.frozen(dt.datetime(2026, 10, 31, 23, 59, tzinfo=dt.UTC)):
        for _ in range(11):
            v.followups.refer(incident.ref, person=1, service="legal_help")
    with clock.frozen(dt.datetime(2026, 12, 15, 12, 0, tzinfo=dt.UTC)):
        def count(start, end):
            report = v.public_reports.preview(start, end)
            return next(c.value for c in report.cells if c.category == "referral:legal_help")

        assert count(dt.date(2026, 10, 1), dt.date(2026, 10, 31)) == 11
        assert count(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == 0
