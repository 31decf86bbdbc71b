"""Recording an intake: the client, the intake, its case and sealed values in one transaction; then its
conflict check, in a second one (so the save's cost does not grow with the vault)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from clinic import models as m
from clinic.access import Can
from clinic.clients import intake as intake_rules
from clinic.clients.common import VOLUNTEER_WINDOW
from clinic.clients.sealed import Sealer
from clinic.clock import now, now_iso
from clinic.conflicts.service import Conflicts
from clinic.eligibility.service import Eligibility
from clinic.errors import NotFound, PermissionDenied, ValidationError
from clinic.i18n import _
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.cases import CaseRepo
from clinic.storage.repos.clients import ClientRepo, IntakeRepo


class Intakes:
    def __init__(self, session: Session, *, conflicts: Conflicts, eligibility: Eligibility):
        self._v = session
        self._conflicts = conflicts
        self._eligibility = eligibility

    def record(self, draft: m.IntakeDraft, *, is_demo: bool = False, check_later: bool = False
               ) -> m.IntakeReceipt:
        """Validate and save in one transaction; once it commits, the intake survives a crash.

        Then the case is checked for conflicts (the client and every party named) in a transaction of its
        own; a volunteer learns only that there is a possible conflict for an attorney to review. With
        `check_later` the case is only marked as awaiting it (`receipt.check_pending`): the form shows
        "saved" at once and runs `Conflicts.finish_check_at_save` on a worker (a check over a million
        clients can take 100-200 ms); if that never happens, the next unlock runs it."""
        return self.record_many([draft], is_demo=is_demo, check=True, check_later=check_later)[0]

    def record_many(self, drafts: list[m.IntakeDraft], *, is_demo: bool = False,
                    check: bool = False, check_later: bool = False) -> list[m.IntakeReceipt]:
        """Save several intakes in one transaction (imports, the demo vault): all or none. With `check`,
        each case's conflict check runs after that commit, each in its own transaction: the cases are
        marked as awaiting their check in the save's transaction, so a crash between the two leaves the
        mark, and the next unlock runs the check (`Conflicts.run_pending`). Until a check is stored and
        cleared, the case cannot be accepted (`Conflicts.require_cleared`). Bulk imports check on demand."""
        self._v.require(Can.RECORD_INTAKE)
        drafts = [intake_rules.validate(intake_rules.with_defaults(d)) for d in drafts]
        if any(not d.region for d in drafts):
            region = self._eligibility.default_region().value
            drafts = [d if d.region else dataclasses.replace(d, region=region) for d in drafts]
        sealer = Sealer(self._v) if any(d.sealed for d in drafts) else None
        with transaction(self._v.conn):
            receipts = [self._record_one(d, sealer, is_demo) for d in drafts]
            if check:
                self._conflicts.mark_pending([r.case_id for r in receipts])
        if check and check_later:
            receipts = [dataclasses.replace(r, check_pending=True) for r in receipts]
        elif check:
            receipts = [dataclasses.replace(r, possible_conflict=self._conflicts.run_check_at_save(r.case_id))
                        for r in receipts]
        return receipts

    def _record_one(self, draft: m.IntakeDraft, sealer: Sealer | None, is_demo: bool) -> m.IntakeReceipt:
        conn = self._v.conn
        at = now_iso()
        clients = ClientRepo(conn)
        if draft.existing_client is not None:
            existing = clients.get(draft.existing_client)
            if existing is None:
                raise ValidationError("existing_client", _("That returning client no longer exists."))
            client_id, ref, new = existing.id, existing.ref, False
            clients.update_contact(client_id, draft)
        else:
            (client_id, ref), new = clients.insert(draft, created_by=self._v.user.id, is_demo=is_demo,
                                                   at=at), True
        intake_id = IntakeRepo(conn).insert(client_id, draft, recorded_by=self._v.user.id, at=at)
        case_id = CaseRepo(conn).insert(client_id=client_id, intake_id=intake_id, d=draft, at=at)
        for field, value in draft.sealed.items():
            sealer.seal(client_id=client_id, intake_id=intake_id, field=field, value=value)
        conflicts = self._conflicts
        conflicts.add_parties(client_id=client_id, case_id=case_id, intake_id=intake_id,
                              drafts=[*draft.adverse_parties, *draft.household_members])
        self._eligibility.save_for_intake(intake_id, draft.income, household_size=draft.household_size,
                                            on=dt.date.fromisoformat(at[:10]), region=draft.region,
                                            assets=draft.assets)
        clients.touch_visit(client_id, at)
        clients.reindex(client_id)
        c = clients.get(client_id)
        conflicts.index_client(client_id, c.given_names, c.family_name_1, c.family_name_2, c.preferred_name)
        self._v.audit("intake.create", f"intake:{intake_id}", client=client_id, new_client=new,
                      sealed=len(draft.sealed))
        return m.IntakeReceipt(client_id, ref, intake_id, case_id, new)

    def get(self, intake_id: int) -> m.Intake:
        self._v.require(Can.LOOKUP_CLIENT)
        intake = IntakeRepo(self._v.conn).get(intake_id)
        if intake is None:
            raise NotFound(_("No intake with that number."))
        if not self._v.can(Can.VIEW_CLIENTS) and (
                intake.recorded_by != self._v.user.id or intake.recorded_at < now() - VOLUNTEER_WINDOW):
            raise PermissionDenied(_("Volunteers can open only intakes they recorded in the last 24 hours. "
                                     "Ask a coordinator or attorney."))
        with transaction(self._v.conn):
            self._v.audit("intake.view", f"intake:{intake_id}")
        return intake

    def mine_recent(self) -> list[tuple[m.Intake, m.ClientMatch]]:
        """What the acting user recorded in the last 24 hours (a volunteer's own list)."""
        self._v.require(Can.RECORD_INTAKE)
        since = (now() - VOLUNTEER_WINDOW).isoformat(timespec="microseconds")
        intakes = IntakeRepo(self._v.conn).recorded_by_since(self._v.user.id, since)
        matches = {c.id: c for c in ClientRepo(self._v.conn).matches(list({i.client_id for i in intakes}))}
        return [(i, matches[i.client_id]) for i in intakes if i.client_id in matches]

