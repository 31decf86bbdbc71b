"""Incident reports as the acting user may see them, their verification, and the public report.

Reporter name and phone are sealed to the clinic's privileged public key, like a client's sealed fields:
only accounts holding the privileged private key (attorneys and admins) can read them back. Coordinators
do not hold that key in this design, so they cannot either; a volunteer never can, by role and by key.
"""

from __future__ import annotations

import datetime as dt
import json

from clinic.access import Can
from clinic.clock import now, now_iso
from clinic.crypto import primitives as p
from clinic.errors import NotFound, PermissionDenied, UserError, ValidationError, VaultDamaged
from clinic.i18n import _
from clinic.incidents import model as im
from clinic.reports import public
from clinic.reports.suppression import Cell, Exposed
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.hotline import FollowUpRepo
from clinic.storage.repos.incidents import IncidentRepo, PublishedRepo
from clinic.storage.repos.settings import SettingsRepo

VOLUNTEER_WINDOW = dt.timedelta(hours=24)
NEIGHBOURHOODS_KEY = "incident_neighbourhoods"
MAX_RANGE_DAYS = 400


def not_found() -> NotFound:
    return NotFound(_("No incident with that reference."))


class Incidents:
    def __init__(self, session: Session):
        self._v = session

    def _repo(self) -> IncidentRepo:
        return IncidentRepo(self._v.conn)

    # ----- the clinic's list of neighbourhoods ------------------------------------------------------

    def neighbourhoods(self) -> tuple[str, ...]:
        self._v.require(Can.RECORD_INCIDENT)
        text = SettingsRepo(self._v.conn).get(NEIGHBOURHOODS_KEY)
        return tuple(json.loads(text)) if text else ()

    def set_neighbourhoods(self, names: list[str]) -> tuple[str, ...]:
        self._v.require(Can.MANAGE_NEIGHBOURHOODS)
        clean = tuple(dict.fromkeys(im.check_text("neighbourhoods", n, im.MAX_SHORT) for n in names))
        if "" in clean or len(clean) > 200:
            raise ValidationError("neighbourhoods", _("Give 1 to 200 neighbourhood names, none empty."))
        with transaction(self._v.conn):
            SettingsRepo(self._v.conn).set(NEIGHBOURHOODS_KEY, json.dumps(list(clean)))
            self._v.audit("incident.neighbourhoods", count=len(clean))
        return clean

    # ----- recording and reading --------------------------------------------------------------------

    def record(self, draft: im.IncidentDraft) -> im.Incident:
        """Validate and save one report (unverified); the reporter's name and phone are sealed."""
        self._v.require(Can.RECORD_INCIDENT)
        draft = im.validate(draft, neighbourhoods=self.neighbourhoods())
        reporter = {"name": draft.reporter_name, "phone": draft.reporter_phone}
        stored = im.IncidentDraft(**{**{f: getattr(draft, f) for f in im.FIELD_POLICY},
                                     "reporter_name": "", "reporter_phone": ""})
        conn = self._v.conn
        with transaction(conn):
            incident_id, ref = self._repo().insert(stored, by=self._v.user.id, at=now_iso())
            if any(reporter.values()):
                public_key, fpr = self._sealing_key()
                blob = p.seal(public_key, json.dumps(reporter).encode(), self._ad(ref))
                self._repo().set_reporter(incident_id, blob, fpr)
            self._v.audit("incident.create", f"incident:{incident_id}", reporter=any(reporter.values()))
        return self._repo().get(incident_id)

    def _ad(self, ref: str) -> bytes:
        return f"{self._v.vault_id}|incident:{ref}|reporter".encode()

    def _sealing_key(self) -> tuple[bytes, str]:
        public_key, fpr = self._v.privileged_public()
        if p.fingerprint(public_key) != fpr or fpr != self._v.keys.privileged_fpr:
            raise VaultDamaged(_("The clinic's sealing key in the database does not match the one your "
                                 "account was enrolled with. Nothing was saved. Ask the administrator."))
        return public_key, fpr

    def id_for(self, ref: str) -> im.IncidentId:
        found = self._repo().id_for_ref(ref)
        if found is None:
            raise not_found()
        return found

    def _visible(self, incident: im.Incident | None) -> im.Incident:
        if incident is None:
            raise not_found()
        if not self._v.can(Can.VIEW_INCIDENTS) and (
                incident.recorded_by != self._v.user.id or incident.recorded_at < now() - VOLUNTEER_WINDOW):
            raise PermissionDenied(_("Volunteers can open only incidents they recorded in the last 24 hours."))
        return incident

    def visible_id(self, ref: str) -> im.IncidentId:
        """The id of an incident the acting user may open (a volunteer: their own of the last day)."""
        self._v.require(Can.RECORD_INCIDENT)
        return self._visible(self._repo().get(self.id_for(ref))).id

    def get(self, ref: str) -> im.Incident:
        """One incident, without its reporter (see `reporter`)."""
        self._v.require(Can.RECORD_INCIDENT)
        incident = self._visible(self._repo().get(self.id_for(ref)))
        with transaction(self._v.conn):
            self._v.audit("incident.view", f"incident:{incident.id}")
        return incident

    def list(self, *, status: im.Status | None = None, limit: int = 500) -> list[im.IncidentRow]:
        """Every incident for coordinators, attorneys and admins; a volunteer's own of the last day."""
        self._v.require(Can.RECORD_INCIDENT)
        status = im.Status(status) if status is not None else None
        if self._v.can(Can.VIEW_INCIDENTS):
            return self._repo().rows(status=status, recorded_by=None, since=None, limit=limit)
        since = (now() - VOLUNTEER_WINDOW).isoformat(timespec="microseconds")
        return self._repo().rows(status=status, recorded_by=self._v.user.id, since=since, limit=limit)

    def reporter(self, ref: str) -> dict[str, str]:
        """The reporter's name and phone (empty when not given). Attorneys and admins only; audited."""
        self._v.require(Can.VIEW_SEALED)
        private = self._v.keys.privileged_private
        if private is None:
            raise PermissionDenied(_("Your account does not hold the attorney key. Ask the administrator."))
        incident_id = self.id_for(ref)
        blob = self._repo().reporter(incident_id)
        values = {"name": "", "phone": ""}
        if blob is not None:
            try:
                values = json.loads(self._v.keys.unseal_privileged(blob, self._ad(ref.strip().upper())))
            except p.DecryptionFailed:
                raise VaultDamaged(_("An attorney-only value could not be decrypted; it may have been "
                                     "altered.")) from None
        with transaction(self._v.conn):
            self._v.audit("incident.reporter", f"incident:{incident_id}")
        return values

    # ----- verification -----------------------------------------------------------------------------

    def verify(self, ref: str, *, status: im.Status, reason: str, method: im.Method = im.Method.OTHER,
               linked: tuple[str, ...] = ()) -> im.Incident:
        """Change the verification status, saying why and how; "corroborated" links the other reports."""
        self._v.require(Can.VERIFY_INCIDENTS)
        incident_id = self.id_for(ref)
        status = im._enum("status", im.Status, status)
        method = im._enum("method", im.Method, method)
        reason = im.check_text("reason", reason, im.MAX_SHORT, multiline=True)
        if not reason:
            raise ValidationError("reason", _("Say why the status changes."))
        others = tuple(dict.fromkeys(self.id_for(r) for r in linked))
        if incident_id in others:
            raise ValidationError("link", _("A report cannot corroborate itself."))
        if status is im.Status.CORROBORATED and not others and not self._repo().linked(incident_id):
            raise ValidationError("link", _("Name the other reports that corroborate this one."))
        with transaction(self._v.conn):
            old = self._repo().set_status(incident_id, status=status, method=method, reason=reason,
                                          linked=others, by=self._v.user.id, at=now_iso())
            self._v.audit("incident.status", f"incident:{incident_id}", old=old.value, new=status.value,
                          linked=list(others))
        return self._repo().get(incident_id)

    def history(self, ref: str) -> list[im.StatusChange]:
        self._v.require(Can.VIEW_INCIDENTS)
        return self._repo().history(self.id_for(ref))

    def linked(self, ref: str) -> list[str]:
        self._v.require(Can.VIEW_INCIDENTS)
        return self._repo().linked(self.id_for(ref))


class PublicReports:
    """Build (preview) and publish the public report; every publication is kept to check later ones."""

    def __init__(self, session: Session):
        self._v = session

    def preview(self, date_from: dt.date, date_to: dt.date) -> public.PublicReport:
        """Exactly what would be published, suppression included; nothing is saved."""
        self._v.require(Can.PUBLISH_REPORTS)
        if date_to < date_from or (date_to - date_from).days > MAX_RANGE_DAYS:
            raise ValidationError("to", _("The report's end must be on or after its start, within {days} days.")
                                  .format(days=MAX_RANGE_DAYS))
        conn = self._v.conn
        facts, excluded = IncidentRepo(conn).public_facts(date_from, date_to)
        history = [Cell.from_json(c) for cells in PublishedRepo(conn).all_cells() for c in cells]
        names = tuple(json.loads(SettingsRepo(conn).get(NEIGHBOURHOODS_KEY) or "[]"))
        services = FollowUpRepo(conn).services(date_from, date_to)
        try:
            return public.build(facts, excluded, date_from=date_from, date_to=date_to, neighbourhoods=names,
                                history=history, services=services)
        except Exposed:
            raise UserError(_("This period overlaps reports already published so that a hidden count could be "
                              "worked out. Choose a period made of whole published periods.")) from None

    def publish(self, date_from: dt.date, date_to: dt.date) -> public.PublicReport:
        """Build the report and record it as published (inside the vault), in one transaction."""
        report = self.preview(date_from, date_to)
        with transaction(self._v.conn):
            report_id = PublishedRepo(self._v.conn).add(
                date_from=date_from, date_to=date_to, cells=[c.to_json() for c in report.cells],
                by=self._v.user.id, at=now_iso())
            self._v.audit("report.publish", f"public_report:{report_id}")
        return report

    def pdf(self, report: public.PublicReport) -> bytes:
        from clinic.reports.render import render_public_report

        return render_public_report(report, SettingsRepo(self._v.conn).get("clinic_name"))

    @staticmethod
    def csv(report: public.PublicReport) -> str:
        return public.to_csv(report)
