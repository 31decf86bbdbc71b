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
