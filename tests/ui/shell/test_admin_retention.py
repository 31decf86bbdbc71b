"""Administration → Retention and purge: the limits, the counts due, and a purge after confirming them."""


import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

import clinic
from clinic import models as m
from tests.fixtures.app import unlock

OLD = (dt.datetime.now(dt.UTC) - dt.timedelta(days=200)).isoformat(timespec="microseconds")


def _old_intake(vault) -> str:
    receipt = vault.intakes.record(m.IntakeDraft(
        given_names="Prueba", family_name_1="Qxvieja", language="es", needs=(m.Need.HOUSING,),
        urgency=m.Urgency.ROUTINE, consent_to_store=True))
    with vault.conn:  # the test's own synthetic client, moved 200 days back
        vault.conn.execute("BEGIN")
        vault.conn.execute("UPDATE clients SET created_at = ? WHERE id = ?", (OLD, receipt.client_id))
        vault.conn.execute("UPDATE intakes SET recorded_at = ? WHERE id = ?", (OLD, receipt.intake_id))
        vault.conn.execute("COMMIT")
    return receipt.client_ref


def test_the_dialog_shows_counts_and_purges_only_after_ok(qtbot, window, ctx):
    """Purge… asks with the counts; Cancel deletes nothing, OK deletes the due client; limits are saved."""
    unlock(qtbot, window, "admin")
    window.show_page("admin")
    page = window.pages["admin"]
    ref = _old_intake(ctx.vault)
    qtbot.mouseClick(page.retention_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(QDialog, "retentionDialog")
    assert "1 client" in dialog.due.text() and "Qxvieja" not in dialog.due.text()
    box = dialog.ask_purge()
    assert "1 client" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert ctx.vault.clients.get(ref)
    box = dialog.ask_purge()
    box.button(QMessageBox.StandardButton.Ok).click()
    assert "Deleted" in dialog.due.text()
    assert not dialog.purge_button.isEnabled()
    assert not ctx.vault.clients.search("Qxvieja")
    dialog.spins["intake_days"].setValue(30)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert clinic.Retention(ctx.vault).settings().intake_days == 30
    dialog.reject()


def test_incident_media_limits_and_counts_are_in_the_dialog_and_purged_after_ok(qtbot, window, ctx):
    """An incident dismissed as a false alarm 100 days ago: its video is due under the 90-day limit, named
    as a count in the dialog and the question, and after OK its content is gone (custody log says so)."""
    from clinic.incidents import model as im
    from clinic.models import hotline as hm
    from tests.fixtures.incident_media import aged_medium

    unlock(qtbot, window, "admin")
    window.show_page("admin")
    page = window.pages["admin"]
    _incident, medium = aged_medium(ctx.vault, im.Status.FALSE_ALARM, "Zqxvideo")
    qtbot.mouseClick(page.retention_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(QDialog, "retentionDialog")
    assert dialog.spins["media_days"].value() == 90 and dialog.spins["media_years"].value() == 7
    assert "1 incident photo or video" in dialog.due.text()
    dialog.spins["media_days"].setValue(120)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert clinic.Retention(ctx.vault).settings().media_days == 120
    assert "1 incident photo or video" not in dialog.due.text()
    dialog.spins["media_days"].setValue(60)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    box = dialog.ask_purge()
    assert "1 incident photo or video" in box.text()
    box.button(QMessageBox.StandardButton.Ok).click()
    assert "Deleted" in dialog.due.text()
    [after] = ctx.vault.incident_media.for_incident(_incident.ref)
    assert after.purged_at is not None
    assert ctx.vault.incident_media.custody(medium.id)[-1].action is hm.CustodyAction.PURGED
    dialog.reject()
