"""What the normal flow records by itself for a client an incident's intake opened (ids only): a referral
made with the coordinator's letter becomes a referral follow-up by service, and a case an attorney accepts
or closes becomes one legal consultation; both reach the public report's services table."""

from __future__ import annotations

import datetime as dt

from clinic import models as m
from clinic.conflicts.parties import ClearResult
from clinic.incidents import model as im
from clinic.models import hotline as hm
from tests.fixtures.core import sample_draft


def _incident(v):
    return v.incidents.record(im.IncidentDraft(date=dt.date.today(), activities=(im.Activity.DETAINING,),
                                               warrant="administrative", people=(im.Person(), im.Person())))


def _referral(client_id: int, partner_id: int, need=m.Need.FOOD) -> m.ReferralDraft:
    return m.ReferralDraft(client_id=client_id, partner_id=partner_id, need=need, groups=frozenset({"identity"}),
                           consent_date=dt.date.today(), consent_language="es", consent_method="in_person")


def _food_bank(v) -> int:
    return v.partners.add(m.PartnerDraft(name="Banco de Comida", services=("food_relief",),
                                         disclosure=("identity",))).id


def _services(v) -> dict[str, int | None]:
    report = v.public_reports.preview(dt.date.today().replace(day=1), dt.date.today())
    return {c.category: c.value for c in report.cells if c.table == "services"}


def test_a_normal_referral_for_a_linked_client_is_a_follow_up_of_the_incident(open_vault):
    """The coordinator refers the client made from person 2 through the ordinary flow: the incident shows a
    food-relief referral for person 2 with the referral's id only; an unlinked client's referral adds none."""
    v = open_vault("coordinator")
    incident = _incident(v)
    receipt = v.followups.record_intake(incident.ref, person=2, draft=sample_draft())
    other = v.intakes.record(sample_draft())
    food = _food_bank(v)
    referral = v.referrals.create(_referral(receipt.client_id, food))
    v.referrals.create(_referral(other.client_id, food))
    follow = [f for f in v.followups.for_incident(incident.ref) if f.kind is hm.FollowUpKind.REFERRAL]
    assert [(f.person, f.service, f.note) for f in follow] == [(2, hm.Service.FOOD_RELIEF, "")]
    row = v.conn.execute("SELECT referral_id, client_id FROM incident_followups WHERE kind = 'referral'").fetchall()
    assert row == [(referral.id, None)]
    legal = v.referrals.create(_referral(receipt.client_id, food, need=m.Need.IMMIGRATION))
    services = [f.service for f in v.followups.for_incident(incident.ref) if f.kind is hm.FollowUpKind.REFERRAL]
    assert services == [hm.Service.FOOD_RELIEF, hm.Service.LEGAL_HELP]
    assert v.followups.from_referral(legal.id) == 0  # recorded once, however often asked


def test_eleven_normal_referrals_are_counted_by_service_in_the_public_report(open_vault):
    v = open_vault("admin")
    incident = _incident(v)
    receipt = v.followups.record_intake(incident.ref, person=1, draft=sample_draft())
    food = _food_bank(v)
    for _ in range(11):
        v.referrals.create(_referral(receipt.client_id, food))
    assert _services(v)["referral:food_relief"] == 11


def _accept(att, case_id: int) -> None:
    att.conflicts.clear(case_id, ClearResult.NO_CONFLICT)
    att.cases.set_status(case_id, m.CaseStatus.ACCEPTED, "Eligible")


def test_a_linked_case_accepted_or_closed_counts_one_legal_consultation(open_vault):
    """Accepted, then closed with A: one consultation for that case. A case closed straight away (B) is
    another. A rejected linked case and an accepted unlinked case count none."""
    v = open_vault("volunteer")
    incident = _incident(v)
    first = v.followups.record_intake(incident.ref, person=1, draft=sample_draft())
    second = v.followups.record_intake(incident.ref, person=2, draft=sample_draft())
    rejected = v.followups.record_intake(incident.ref, person=2, draft=sample_draft())
    unlinked = v.intakes.record(sample_draft())
    att = open_vault("attorney")
    _accept(att, first.case_id)
    att.cases.set_status(first.case_id, m.CaseStatus.CLOSED, "Advice given", closure_category="A")
    att.cases.set_status(second.case_id, m.CaseStatus.CLOSED, "Brief service", closure_category="B")
    att.cases.set_status(rejected.case_id, m.CaseStatus.REJECTED, "Out of scope", rejection_reason="out_of_service_area")
    _accept(att, unlinked.case_id)
    consultations = [f for f in att.followups.for_incident(incident.ref)
                     if f.kind is hm.FollowUpKind.CONSULTATION]
    assert [f.person for f in consultations] == [1, 2]
    assert att.conn.execute("SELECT case_id FROM incident_followups WHERE kind = 'consultation' "
                            "ORDER BY id").fetchall() == [(first.case_id,), (second.case_id,)]
    assert _services(open_vault("admin"))["consultation"] is None  # 2: hidden as <11


def test_eleven_consultations_are_published_and_the_csv_names_them(open_vault):
    v = open_vault("volunteer")
    incident = _incident(v)
    cases = [v.followups.record_intake(incident.ref, person=1, draft=sample_draft()).case_id for _ in range(11)]
    att = open_vault("attorney")
    for case_id in cases:
        att.cases.set_status(case_id, m.CaseStatus.CLOSED, "Advice given", closure_category="A")
    admin = open_vault("admin")
    assert _services(admin)["consultation"] == 11
    report = admin.public_reports.preview(dt.date.today().replace(day=1), dt.date.today())
    csv = admin.public_reports.csv(report)
    assert "Legal consultations" in csv and "Consultas legales" in csv
    assert incident.ref not in csv


def test_forgetting_the_client_keeps_the_counts_but_no_referral_or_case_id(open_vault):
    """After `forget`, the incident still lists the referral and the consultation (published counts stay
    true), and no follow-up row keeps the deleted referral's or case's id."""
    from clinic.maintenance import purge

    v = open_vault("admin")
    incident = _incident(v)
    receipt = v.followups.record_intake(incident.ref, person=1, draft=sample_draft())
    v.referrals.create(_referral(receipt.client_id, _food_bank(v)))
    v.cases.set_status(receipt.case_id, m.CaseStatus.CLOSED, "Advice given", closure_category="A")
    purge.forget(v, receipt.client_ref, reason="lo pidió por escrito")
    kinds = [f.kind for f in v.followups.for_incident(incident.ref)]
    assert kinds == [hm.FollowUpKind.INTAKE, hm.FollowUpKind.REFERRAL, hm.FollowUpKind.CONSULTATION]
    assert v.conn.execute("SELECT count(*) FROM incident_followups WHERE referral_id IS NOT NULL "
                          "OR case_id IS NOT NULL OR client_id IS NOT NULL").fetchone()[0] == 0
