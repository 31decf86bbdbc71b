"""Clinic settings an admin may change."""

from __future__ import annotations

from clinic import models as m
from clinic.access import Can
from clinic.clients.fields import check_text
from clinic.errors import ValidationError
from clinic.i18n import _
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.settings import SettingsRepo


class Settings:
    def __init__(self, session: Session):
        self._v = session

    def get(self) -> m.ClinicSettings:
        s = SettingsRepo(self._v.conn)
        return m.ClinicSettings(name=s.get("clinic_name"), address=s.get("clinic_address"),
                                phone=s.get("clinic_phone"),
                                idle_lock_minutes=int(s.get("idle_lock_minutes", "5") or 5),
                                demo=s.get("demo") == "1")

    def update(self, settings: m.ClinicSettings) -> m.ClinicSettings:
        self._v.require(Can.MANAGE_SETTINGS)
        check_text("clinic_name", settings.name, m.MAX_NAME, required=True)
        check_text("clinic_address", settings.address, m.MAX_SHORT, multiline=True)
        check_text("clinic_phone", settings.phone, 60)
        if not 1 <= settings.idle_lock_minutes <= 120:
            raise ValidationError("idle_lock_minutes", _("The idle lock must be between 1 and 120 minutes."))
        s = SettingsRepo(self._v.conn)
        with transaction(self._v.conn):
            s.set("clinic_name", settings.name.strip())
            s.set("clinic_address", settings.address.strip())
            s.set("clinic_phone", settings.phone.strip())
            s.set("idle_lock_minutes", str(settings.idle_lock_minutes))
            s.set("demo", "1" if settings.demo else "")
            self._v.audit("settings.update")
        return self.get()

    def audit_log(self, limit: int = 200) -> list[m.AuditEntry]:
        from clinic.clock import parse_ts
        from clinic.storage import audit

        self._v.require(Can.VIEW_AUDIT)
        return [m.AuditEntry(r[0], parse_ts(r[1]), r[2], r[3], r[4]) for r in audit.recent(self._v.conn, limit)]

