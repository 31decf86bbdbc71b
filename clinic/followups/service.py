"""What was done for the people of an incident, kept as ids in its own table.

    v.followups.record_intake("I-7KQ2", person=1, draft=intake_draft)   # an ordinary client file, linked
    v.followups.refer("I-7KQ2", person=2, service=Service.FOOD_RELIEF)
    v.followups.reported_to_city("I-7KQ2", note="Form 12 sent")

Neither record copies the other's details: the link holds the incident's id, "person N" of it, and the
client's and intake's ids. Who may see the links follows the incident's rules (a volunteer: the incidents
they recorded in the last day). This package never imports client files or referrals: the intake
recorder comes in through the constructor, and the facade calls `from_referral` and `from_case_status`
inside the referral's or case's own transaction, with ids only.

What is recorded by itself, for a client file that an incident's intake opened ("person N"):
- a referral made through the normal flow (the coordinator's letter), as a referral follow-up by service
  (REFERRAL_SERVICE below maps the referral's need);
- a legal consultation: one per case, the first time an attorney accepts it or closes it. Every LSC
  closure category, from A (counsel and advice) up, means legal advice was given; a case rejected or
  referred out is not a consultation. Only cases of linked clients count: the public report's services
  are the raid-response pilot's, not the whole clinic's.
"""

from __future__ import annotations

from typing import Any, Protocol

from clinic.access import Can
from clinic.clock import now_iso
from clinic.errors import ValidationError
from clinic.i18n import _
from clinic.incidents.model import MAX_SHORT, check_text
from clinic.incidents.service import Incidents
from clinic.models import hotline as hm
from clinic.models.vocabulary import CaseStatus, Need
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.cases import CaseRepo
from clinic.storage.repos.hotline import FollowUpRepo
from clinic.storage.repos.incidents import IncidentRepo
from clinic.storage.repos.referrals import ReferralRepo

# The service a normal-flow referral counts under, from the need it was made for.
REFERRAL_SERVICE = {Need.FOOD: hm.Service.FOOD_RELIEF, Need.OTHER: hm.Service.FAMILY_SUPPORT,
                    Need.IMMIGRATION: hm.Service.LEGAL_HELP, Need.DETENTION: hm.Service.LEGAL_HELP,
                    Need.WORKPLACE: hm.Service.LEGAL_HELP, Need.HOUSING: hm.Service.LEGAL_HELP}
CONSULTATION_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.CLOSED)


class IntakeRecorder(Protocol):
    def record(self, draft: Any) -> Any: ...  # returns an IntakeReceipt (client_id, intake_id)


class FollowUps:
    def __init__(self, session: Session, *, incidents: Incidents, intakes: IntakeRecorder):
        self._v = session
        self._incidents = incidents
        self._intakes = intakes

    def _person(self, incident_id: int, person: int | None) -> int | None:
        if person is None:
            return None
        people = len(IncidentRepo(self._v.conn).get(incident_id).draft.people)
        if isinstance(person, bool) or not isinstance(person, int) or not 1 <= person <= max(people, 1):
            raise ValidationError("person", _("Choose a person from 1 to {n} of this incident.")
                                  .format(n=max(people, 1)))
        return person

    def record_intake(self, ref: str, *, person: int | None, draft: Any, check_later: bool = False):
        """Save an intake (an ordinary client file) and keep the link incident <-> intake, ids only.

        Everything about the link is checked before the intake is saved; the intake then commits on its
        own, and the link right after it."""
        self._v.require(Can.RECORD_INTAKE)
        incident_id = self._incidents.visible_id(ref)
        person = self._person(incident_id, person)
        receipt = self._intakes.record(draft, check_later=check_later)
        with transaction(self._v.conn):
            FollowUpRepo(self._v.conn).add(incident_id, kind=hm.FollowUpKind.INTAKE, person=person,
                                           client_id=receipt.client_id, intake_id=receipt.intake_id,
                                           by=self._v.user.id, at=now_iso())
            self._v.audit("incident.followup", f"incident:{incident_id}", kind="intake", intake=receipt.intake_id)
        return receipt

    def refer(self, ref: str, *, person: int | None, service: hm.Service, note: str = "") -> hm.FollowUp:
        """A referral by service for a person affected (family support, legal help, food relief)."""
        self._v.require(Can.MAKE_REFERRALS)
        incident_id = self._incidents.visible_id(ref)
        person = self._person(incident_id, person)
        try:
            service = hm.Service(service)
        except ValueError:
            raise ValidationError("service", _("“{value}” is not one of: {choices}.").format(
                value=str(service)[:40], choices=", ".join(s.value for s in hm.Service))) from None
        return self._add(incident_id, kind=hm.FollowUpKind.REFERRAL, person=person, service=service, note=note)

    def reported_to_city(self, ref: str, *, note: str = "") -> hm.FollowUp:
        """Mark the incident as reported to the city: who and when are recorded."""
        self._v.require(Can.VERIFY_INCIDENTS)
        return self._add(self._incidents.visible_id(ref), kind=hm.FollowUpKind.CITY, person=None, note=note)

    def _add(self, incident_id: int, *, kind: hm.FollowUpKind, person: int | None,
             service: hm.Service | None = None, note: str = "") -> hm.FollowUp:
        note = check_text("note", note, MAX_SHORT, multiline=True)
        repo = FollowUpRepo(self._v.conn)
        with transaction(self._v.conn):
            new_id = repo.add(incident_id, kind=kind, person=person, service=service, note=note,
                              by=self._v.user.id, at=now_iso())
            self._v.audit("incident.followup", f"incident:{incident_id}", kind=kind.value)
        return next(f for f in repo.for_incident(incident_id) if f.id == new_id)

    def for_incident(self, ref: str) -> list[hm.FollowUp]:
        """The follow-ups of one incident, as the incident's rules allow."""
        return FollowUpRepo(self._v.conn).for_incident(self._incidents.visible_id(ref))

    # ----- recorded by the core from the normal flow (inside the caller's transaction) ---------------

    def from_referral(self, referral_id: int) -> int:
        """A referral just made for a client some incident's intake opened: a referral follow-up of each
        such incident (ids only). Runs inside the referral's transaction; returns how many were added."""
        self._v.require(Can.MAKE_REFERRALS)
        referral = ReferralRepo(self._v.conn).get(referral_id)
        if referral is None:
            return 0
        repo, added = FollowUpRepo(self._v.conn), 0
        for incident_id, person in repo.links_of_client(referral.client_id):
            if repo.add(incident_id, kind=hm.FollowUpKind.REFERRAL, person=person,
                        service=REFERRAL_SERVICE[referral.need], referral_id=referral_id,
                        by=self._v.user.id, at=now_iso()):
                self._v.audit("incident.followup", f"incident:{incident_id}", kind="referral",
                              referral=referral_id)
                added += 1
        return added

    def from_case_status(self, case_id: int) -> int:
        """A case just accepted or closed, of a client some incident's intake opened: one legal consultation
        of each such incident, once per case. Runs inside the status change's transaction."""
        self._v.require(Can.REVIEW_CASES)
        case = CaseRepo(self._v.conn).get(case_id)
        if case is None or case.status not in CONSULTATION_STATUSES:
            return 0
        repo, added = FollowUpRepo(self._v.conn), 0
        for incident_id, person in repo.links_of_client(case.client_id):
            if repo.add(incident_id, kind=hm.FollowUpKind.CONSULTATION, person=person, case_id=case_id,
                        by=self._v.user.id, at=now_iso()):
                self._v.audit("incident.followup", f"incident:{incident_id}", kind="consultation", case=case_id)
                added += 1
        return added
