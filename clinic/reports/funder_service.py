"""Make the funder report from the vault: who may, the facts it counts, PDF and CSV. Nothing is stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from clinic.access import Can
from clinic.errors import Cancelled, ValidationError
from clinic.i18n import _
from clinic.reports import funder
from clinic.session import Session
from clinic.storage.repos.funder import FunderRepo
from clinic.storage.repos.settings import SettingsRepo

MAX_RANGE_DAYS = 3 * 366


def _date(ts: str | None) -> dt.date | None:
    return dt.date.fromisoformat(ts[:10]) if ts else None


class FunderReports:
    def __init__(self, session: Session):
        self._v = session

    def _range(self, date_from: dt.date, date_to: dt.date) -> tuple[str, str]:
        if date_to < date_from or (date_to - date_from).days > MAX_RANGE_DAYS:
            raise ValidationError("to", _("The report's end must be on or after its start, within {days} days.")
                                  .format(days=MAX_RANGE_DAYS))
        return date_from.isoformat(), (date_to + dt.timedelta(days=1)).isoformat()

    def build(self, date_from: dt.date, date_to: dt.date, *, suppress_small: bool = True,
              task=None) -> funder.FunderReport:
        """Counts of cases opened and closed from date_from to date_to (inclusive). `task` (a TaskContext)
        gets progress and may cancel. Coordinators, attorneys and admins (Can.PUBLISH_REPORTS)."""
        self._v.require(Can.PUBLISH_REPORTS)
        start, end = self._range(date_from, date_to)
        rows = FunderRepo(self._v.conn).facts(start, end)
        facts = []
        for i, (opened, closed, status, code, closure, funding, percent) in enumerate(rows):
            if task is not None and i % 500 == 0:
                if task.cancelled:
                    raise Cancelled()
                task.progress(i, len(rows) + 1)
            facts.append(funder.FunderFact(_date(opened), _date(closed) if status == "closed" else None, code,
                                           closure, funding or "", None if percent is None else Decimal(percent)))
        report = funder.build(facts, date_from=date_from, date_to=date_to, suppress_small=suppress_small)
        if task is not None:
            task.progress(len(rows) + 1, len(rows) + 1)
        self._v.audit("report.funder", "", start=start, end=date_to.isoformat(), suppressed=suppress_small)
        return report

    def counts(self, date_from: dt.date, date_to: dt.date) -> tuple[int, int]:
        """(opened, closed) counted directly, to check a report's totals against."""
        self._v.require(Can.PUBLISH_REPORTS)
        return FunderRepo(self._v.conn).counts(*self._range(date_from, date_to))

    def pdf(self, report: funder.FunderReport) -> bytes:
        from clinic.reports.funder_pdf import render_funder_report

        return render_funder_report(report, SettingsRepo(self._v.conn).get("clinic_name"))

    @staticmethod
    def csv(report: funder.FunderReport) -> str:
        return funder.to_csv(report)
