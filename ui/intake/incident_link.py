"""An intake started from an incident (the Hotline's "start an intake for person N"): the link it carries.

Nothing of the incident fills the form; saving goes through `v.followups.record_intake`, which keeps only
the ids (incident, person N, client, intake) inside the vault.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from clinic.i18n import _


class IncidentLink:
    def __init__(self):
        self.ref: str | None = None
        self.person = 0
        self.label = QLabel()
        self.label.setObjectName("incidentLink")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.hide()

    def start(self, ref: str, person: int) -> None:
        self.ref, self.person = ref, person
        self.retranslate()
        self.label.show()

    def clear(self) -> None:
        self.ref, self.person = None, 0
        self.label.clear()
        self.label.hide()

    def retranslate(self) -> None:
        if self.ref is None:
            return
        text = (_("This intake will be linked to person {n} of incident {ref}. Nothing is copied between them.")
                if self.person else
                _("This intake will be linked to incident {ref}. Nothing is copied between them."))
        self.label.setText(text.format(n=self.person, ref=self.ref))

    def recorder(self, draft):
        """The save: op(vault) -> IntakeReceipt, linked when the intake was started from an incident. Its
        conflict check is left to the form, which runs it on a worker (`receipt.check_pending`)."""
        if self.ref is None:
            return lambda v: v.intakes.record(draft, check_later=True)
        ref, person = self.ref, self.person or None
        return lambda v: v.followups.record_intake(ref, person=person, draft=draft, check_later=True)
