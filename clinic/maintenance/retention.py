"""How long the clinic keeps what: the retention settings, and legal holds that no purge or forget touches.

    retention = Retention(vault)            # over an unlocked vault; roles checked here, in the core
    retention.settings(); retention.update(RetentionSettings(intake_days=90, ...))
    retention.hold(case_id, "subpoena"); retention.release(case_id)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from clinic.access import Can
from clinic.clients.fields import check_text
from clinic.clock import now
from clinic.errors import NotFound, ValidationError
from clinic.i18n import _
from clinic.storage.db import transaction
from clinic.storage.repos.retention import RetentionRepo
from clinic.storage.repos.settings import SettingsRepo

MAX_REASON = 300


@dataclass(frozen=True, slots=True)
class RetentionSettings:
    """Days or years after which records are deleted by a purge."""

    intake_days: int = 90  # intakes that never became a case, counted from the intake
    case_years: int = 7  # closed and rejected cases, counted from the closing
    letter_years: int = 7  # referral letters kept as sent, counted from the rendering
    document_years: int = 7  # documents of closed or rejected cases, counted from the closing
    # Incident photos and videos (their content; the hash and custody log stay), counted from the
    # incident's last status change (or its recording, when it never changed):
    media_days: int = 90  # of incidents not counted as fact (unverified, unable to verify, false, malicious)
    media_years: int = 7  # of verified or corroborated incidents


@dataclass(frozen=True, slots=True)
class Hold:
    case_id: int
    client_ref: str
    reason: str
    placed_at: str
    placed_by: str


_LIMITS = {"intake_days": (1, 3650), "case_years": (1, 50), "letter_years": (1, 50), "document_years": (1, 50),
           "media_days": (1, 3650), "media_years": (1, 50)}


def cutoffs(s: RetentionSettings, today: dt.datetime | None = None) -> dict[str, str]:
    """The ISO timestamps before which each kind of record is due."""
    t = today or now()

    def years(n: int) -> str:
        return (t - dt.timedelta(days=round(365.25 * n))).isoformat(timespec="microseconds")

    def days(n: int) -> str:
        return (t - dt.timedelta(days=n)).isoformat(timespec="microseconds")

    return {"intake": days(s.intake_days), "case": years(s.case_years), "letter": years(s.letter_years),
            "document": years(s.document_years), "media": days(s.media_days), "media_fact": years(s.media_years)}


class Retention:
    def __init__(self, vault):
        self._v = vault

    def settings(self) -> RetentionSettings:
        stored = SettingsRepo(self._v.conn)
        values = {}
        for name in _LIMITS:
            text = stored.get(f"retention_{name}")
            if text.isdigit():
                values[name] = int(text)
        return RetentionSettings(**values)

    def update(self, settings: RetentionSettings) -> RetentionSettings:
        """Change how long records are kept (admins)."""
        self._v.require(Can.MANAGE_SETTINGS)
        for name, (low, high) in _LIMITS.items():
            value = getattr(settings, name)
            if not isinstance(value, int) or not low <= value <= high:
                raise ValidationError(name, _("This must be a whole number from {low} to {high}.")
                                      .format(low=low, high=high))
        stored = SettingsRepo(self._v.conn)
        with transaction(self._v.conn):
            for name in _LIMITS:
                stored.set(f"retention_{name}", str(getattr(settings, name)))
            self._v.audit("retention.settings", **{name: getattr(settings, name) for name in _LIMITS})
        return self.settings()

    # ----- legal holds -----------------------------------------------------------------------------

    def hold(self, case_id: int, reason: str) -> None:
        """Put a case on legal hold: no purge or forget deletes anything of its client until it is lifted."""
        self._v.require(Can.LEGAL_HOLD)
        reason = check_reason(reason)
        repo = RetentionRepo(self._v.conn)
        if not repo.case_exists(case_id):
            raise NotFound(_("No case with that number."))
        with transaction(self._v.conn):
            repo.hold(case_id, reason, self._v.user.id)
            self._v.audit("case.hold", f"case:{case_id}")

    def release(self, case_id: int) -> None:
        self._v.require(Can.LEGAL_HOLD)
        repo = RetentionRepo(self._v.conn)
        with transaction(self._v.conn):
            if not repo.release(case_id):
                raise NotFound(_("That case is not on legal hold."))
            self._v.audit("case.release", f"case:{case_id}")

    def holds(self) -> list[Hold]:
        self._v.require(Can.VIEW_CLIENTS)
        return [Hold(*row) for row in RetentionRepo(self._v.conn).holds()]


def check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", _("Give a reason."))
    check_text("reason", reason, MAX_REASON)
    return reason
