"""From a Hotline report, "start an intake for person N" goes through the main window to New intake."""

from __future__ import annotations

import datetime as dt

from clinic.incidents import model as im
from tests.fixtures.app import unlock


def test_an_intake_started_from_an_incident_is_saved_with_the_link_only(qtbot, window, ctx):
    """The intake screen opens empty (nothing of the incident), says what it will be linked to, and saving
    keeps the link incident <-> intake for person 2 in the vault."""
    from ui.incidents.followup import FollowUpDialog

    unlock(qtbot, window, "volunteer")
    qtbot.waitUntil(lambda: ctx.vault is not None, timeout=5000)
    incident = ctx.vault.incidents.record(im.IncidentDraft(
        date=dt.date.today(), notes="NOTE-CANARY", address="ADDR-CANARY",
        people=(im.Person(), im.Person(detained=True))))
    window.show_page("incidents")
    dialog = FollowUpDialog(ctx, incident, parent=window.pages["incidents"])
    dialog.show()
    dialog.person.setCurrentIndex(dialog.person.findData(2))
    assert dialog.intake_button.isVisible() and not dialog.city_button.isVisible()
    dialog.intake_button.click()
    intake = window.pages["intake"]
    assert window.sidebar.currentRow() == list(window.pages).index("intake")
    assert intake.incident_link.label.isVisible() and incident.ref in intake.incident_link.label.text()
    assert intake.form.given_names.text() == "" and "CANARY" not in intake.form.notes.toPlainText()
    intake.form.given_names.setText("Ana")
    intake.form.family_name_1.setText("Ruiz")
    intake.form.consent.setChecked(True)
    intake.save()
    assert intake._saved_ref is not None and not intake.incident_link.label.isVisible()
    [link] = ctx.vault.followups.for_incident(incident.ref)
    assert link.person == 2 and link.client_id is not None and link.intake_id is not None
