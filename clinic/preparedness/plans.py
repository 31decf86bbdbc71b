"""Plans as the acting user may see them: read, set, print (audited, kept as sent) and renewal lists."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from clinic.access import Can
from clinic.clients.clients import Clients
from clinic.clients.settings import Settings
from clinic.clock import now
from clinic.errors import NotFound, PermissionDenied, ValidationError
from clinic.i18n import _
from clinic.preparedness import model
from clinic.preparedness.model import Plan
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.clients import ClientRepo, IntakeRepo
from clinic.storage.repos.preparedness import PlanRepo

KINDS = ("packet", "affidavit", "cards")
LANGS = ("es", "en", "both")


@dataclass(frozen=True, slots=True)
class RenewalRow:
    client_ref: str
    affidavit_date: dt.date
    renew_by: dt.date
    children: int  # children still under 18


@dataclass(frozen=True, slots=True)
class Reminder:
    """What the after-unlock banner says: counts only, never a name or a reference."""

    affidavits_due: int  # plans whose affidavit is older than 11 months
    turning_18: int  # children who turn 18 within REMIND_DAYS and so leave their plan

    @property
    def empty(self) -> bool:
        return not (self.affidavits_due or self.turning_18)


REMIND_DAYS = 30


@dataclass(frozen=True, slots=True)
class Printed:
    pdf: bytes
    document_id: int
    filename: str  # from the client's reference only: never a name


def plan_people(plan: Plan) -> list[tuple[str, dt.date | None, str]]:
    """The children and the caregivers, for the conflict check (every child: one who turned 18 is still a
    person the clinic knows of)."""
    people = [(c.name, c.date_of_birth, "plan_child") for c in plan.children]
    for role in ("primary_caregiver", "backup_caregiver"):
        cg = getattr(plan, role)
        people.append((cg.name, cg.date_of_birth, f"plan_{role}"))
    return [p for p in people if p[0].strip()]


class Plans:
    def __init__(self, session: Session, *, clients: Clients, settings: Settings,
                 index_people: Callable[[int, list[tuple[str, dt.date | None, str]]], None] | None = None):
        self._v = session
        self._clients = clients
        self._settings = settings
        # The conflict index's plan people (Conflicts.index_plan_people), composed by the Vault.
        self._index_people = index_people

    def today(self) -> dt.date:
        """The date for ages and renewals: the session's clock (tests set it)."""
        return self._v.clock.today()

    def _repo(self) -> PlanRepo:
        return PlanRepo(self._v.conn)

    def _client_id(self, ref_or_id: str | int) -> int:
        """The client, after checking the acting user may see their file (volunteers: own 24-hour window)."""
        self._v.require(Can.LOOKUP_CLIENT)
        client_id = self._clients.id_for(ref_or_id) if isinstance(ref_or_id, str) else ref_or_id
        if ClientRepo(self._v.conn).get(client_id) is None:
            raise NotFound(_("No client with that reference."))
        if not self._v.can(Can.VIEW_CLIENTS):
            from clinic.clients.common import VOLUNTEER_WINDOW

            since = now() - VOLUNTEER_WINDOW
            mine = [i for i in IntakeRepo(self._v.conn).for_client(client_id)
                    if i.recorded_by == self._v.user.id and i.recorded_at >= since]
            if not mine:
                raise PermissionDenied(_("Volunteers can open only intakes they recorded in the last 24 "
                                         "hours. Ask a coordinator or attorney."))
        return client_id

    def get(self, ref_or_id: str | int) -> Plan:
        """The client's plan (an empty plan when none is recorded yet). Audited as a view."""
        client_id = self._client_id(ref_or_id)
        raw = self._repo().get(client_id)
        with transaction(self._v.conn):
            self._v.audit("plan.view", f"client:{client_id}")
        return model.from_json(json.loads(raw)) if raw else Plan()

    def has_plan(self, ref_or_id: str | int) -> bool:
        return self._repo().get(self._client_id(ref_or_id)) is not None

    def set(self, ref_or_id: str | int, plan: Plan) -> Plan:
        client_id = self._client_id(ref_or_id)
        plan = model.check(plan, today=self.today())
        text = json.dumps(model.to_json(plan), ensure_ascii=False, sort_keys=True)
        signed = plan.affidavit_date.isoformat() if plan.affidavit_signed and plan.affidavit_date else None
        with transaction(self._v.conn):
            self._repo().put(client_id, text, signed, by=self._v.user.id)
            if self._index_people is not None:
                self._index_people(client_id, plan_people(plan))
            self._v.audit("plan.set", f"client:{client_id}", children=len(plan.children))
        return plan

    def due_for_renewal(self, today: dt.date | None = None) -> list[RenewalRow]:
        """Plans whose affidavit is older than 11 months (signed on or before today minus 11 months)."""
        self._v.require(Can.VIEW_CLIENTS)
        today = today or self.today()
        cutoff = model.add_months(today, -model.RENEW_AFTER_MONTHS)
        rows = []
        for _id, ref, raw in self._repo().signed_before(cutoff.isoformat()):
            plan = model.from_json(json.loads(raw))
            rows.append(RenewalRow(ref, plan.affidavit_date, plan.renewal_due(today),
                                   len(plan.minors(today))))
        return rows

    def reminder(self, today: dt.date | None = None) -> Reminder:
        """Counts for the renewal banner (staff who see the renewals list); reads every plan, so call it
        off the GUI thread."""
        self._v.require(Can.VIEW_CLIENTS)
        today = today or self.today()
        soon = today + dt.timedelta(days=REMIND_DAYS)
        turning = 0
        for _id, _ref, raw in self._repo().all():
            plan = model.from_json(json.loads(raw))
            turning += sum(1 for c in plan.children
                           if c.date_of_birth and c.age_on(today) < model.ADULT_AGE <= c.age_on(soon))
        return Reminder(len(self.due_for_renewal(today)), turning)

    def print(self, ref_or_id: str | int, *, what: str, lang: str, today: dt.date | None = None) -> Printed:
        """Render a document of the plan in memory and keep it, encrypted in the vault, as sent."""
        from clinic.preparedness import compose, render

        if what not in KINDS:
            raise ValidationError("what", _("“{value}” is not one of: {choices}.").format(
                value=str(what)[:40], choices=", ".join(KINDS)))
        if lang not in LANGS:
            raise ValidationError("lang", _("The language must be es, en or both."))
        client_id = self._client_id(ref_or_id)
        raw = self._repo().get(client_id)
        if raw is None:
            raise NotFound(_("This client has no preparedness plan yet."))
        plan = model.from_json(json.loads(raw))
        today = today or self.today()
        settings = self._settings.get()
        clinic = compose.ClinicInfo(name=settings.name, phone=settings.phone)
        if what == "packet":
            pdf = render.render_packet(compose.compose_packet(plan, clinic=clinic, lang=lang, today=today))
        elif what == "affidavit":
            if not plan.minors(today):
                raise ValidationError("children", _("The plan has no child under 18 to name in an affidavit."))
            pdf = render.render_affidavit(compose.compose_affidavits(plan, lang=lang, today=today))
        else:
            pdf = render.render_cards(compose.compose_cards(plan, clinic=clinic, lang=lang))
        ref = ClientRepo(self._v.conn).get(client_id).ref
        with transaction(self._v.conn):
            doc_id = self._repo().add_document(client_id, what, lang, pdf, by=self._v.user.id)
            self._v.audit("plan.render", f"client:{client_id}", kind=what, lang=lang, document=doc_id)
        return Printed(pdf, doc_id, compose.default_filename(what, ref))

    def latest(self, ref_or_id: str | int, what: str) -> bytes:
        """The document as last printed, for reprint."""
        client_id = self._client_id(ref_or_id)
        found = self._repo().latest_document(client_id, what)
        if found is None:
            raise NotFound(_("This document has not been printed yet."))
        return found[1]

    def record_output(self, ref_or_id: str | int, what: str, how: str) -> None:
        """Audit a print or a save-as-PDF of the latest rendering: who, when, which client, which document."""
        if how not in ("print", "save"):
            raise ValueError(how)
        client_id = self._client_id(ref_or_id)
        found = self._repo().latest_document(client_id, what)
        if found is None:
            raise NotFound(_("This document has not been printed yet."))
        with transaction(self._v.conn):
            self._repo().count_print(found[0])
            self._v.audit(f"plan.{how}", f"client:{client_id}", kind=what, document=found[0])
