"""The deadlines list, with its rule: attorneys see their own cases' dates; a supervising attorney (or an
admin) may see everyone's. Nothing here leaves the vault: there is no calendar export."""

from __future__ import annotations

import datetime as dt

from clinic import clock
from clinic import models as m
from clinic.access import Can
from clinic.errors import NotFound, PermissionDenied, ValidationError
from clinic.i18n import _
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.deadlines import UpcomingRepo
from clinic.storage.repos.settings import SettingsRepo
from clinic.storage.repos.staff import StaffRepo

_SUPERVISORS = "supervising_attorneys"  # staff ids, comma-separated, chosen by an admin
MAX_ROWS = 5000


class Deadlines:
    def __init__(self, session: Session):
        self._v = session

    def supervisors(self) -> frozenset[int]:
        raw = SettingsRepo(self._v.conn).get(_SUPERVISORS)
        return frozenset(int(x) for x in raw.split(",") if x.strip().isdigit())

    def may_see_everyone(self) -> bool:
        """Admins (Can.SUPERVISE_CASES), and attorneys an admin made supervising attorneys."""
        u = self._v.user
        return self._v.can(Can.SUPERVISE_CASES) or (
            self._v.can(Can.REVIEW_CASES) and u.role is m.Role.ATTORNEY and u.id in self.supervisors())

    def set_supervising(self, staff_id: int, on: bool) -> None:
        """An admin makes an attorney a supervising attorney (sees everyone's deadlines), or stops it."""
        self._v.require(Can.MANAGE_STAFF)
        staff = StaffRepo(self._v.conn).get(staff_id)
        if staff is None:
            raise NotFound(_("No staff member with that number."))
        if on and staff.role is not m.Role.ATTORNEY:
            raise ValidationError("role", _("Only an attorney can be a supervising attorney."))
        ids = set(self.supervisors())
        ids = ids | {staff_id} if on else ids - {staff_id}
        with transaction(self._v.conn):
            SettingsRepo(self._v.conn).set(_SUPERVISORS, ",".join(str(i) for i in sorted(ids)))
            self._v.audit("staff.supervising", f"staff:{staff_id}", on=bool(on))

    def upcoming(self, *, everyone: bool = False, within_days: int | None = None,
                 limit: int = MAX_ROWS) -> list[m.DeadlineRow]:
        """Every date not done on the open and accepted cases assigned to the acting attorney (everyone's,
        for a supervising attorney who asks), soonest first; past ones are marked overdue."""
        self._v.require(Can.REVIEW_CASES)
        if everyone and not self.may_see_everyone():
            raise PermissionDenied(_("Only a supervising attorney sees everyone's deadlines."))
        today = clock.today()
        until = None if within_days is None else (today + dt.timedelta(days=within_days)).isoformat()
        rows = UpcomingRepo(self._v.conn).rows(assigned_to=None if everyone else self._v.user.id, until=until,
                                               limit=limit)
        return [m.DeadlineRow(r[0], m.CaseId(r[1]), r[2], m.display_name(r[3], r[4], r[5]),
                              m.DeadlineKind(r[6]), r[7], r[8], r[9], r[10], (r[7] - today).days) for r in rows]
