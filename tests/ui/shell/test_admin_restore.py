"""Administration → Restore from a backup…: on a worker with progress, the current vault moved aside, then locked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

import clinic
from clinic import models as m
from clinic.errors import PermissionDenied
from clinic.home import Home
from clinic.keys import device
from clinic.maintenance.backup import make_backup
from clinic.vault import Vault
from tests.fixtures.app import show_active
from ui.admin.restore import ReplaceDialog
from ui.context import AppContext
from ui.kit.tasks import TaskRunner

ADMIN, PW, NEW_PW = "Admin Reemplazo", "replace admin passphrase", "la nueva contraseña larga"
VOLUNTEER, VOLUNTEER_PW = "Voluntaria Reemplazo", "replace volunteer pw"


@pytest.fixture
def clinic_home(tmp_path):
    """A vault of its own (admin, volunteer, one client) backed up to a USB folder, then one more client."""
    home = Home(tmp_path / "clinic")
    vault, recovery_key = Vault.init(home, clinic_name="Reemplazo", admin_name=ADMIN, passphrase=PW)
    vault_id = vault.vault_id
    try:
        vault.staff.add(VOLUNTEER, m.Role.VOLUNTEER, VOLUNTEER_PW)
        vault.intakes.record(m.IntakeDraft(given_names="Rosa", family_name_1="Qxantes", consent_to_store=True,
                                           needs=(m.Need.HOUSING,)))
        usb = tmp_path / "usb"
        usb.mkdir()
        path = make_backup(vault, usb).path
        vault.intakes.record(m.IntakeDraft(given_names="Luis", family_name_1="Qxdespues", consent_to_store=True,
                                           needs=(m.Need.HOUSING,)))
    finally:
        vault.lock()
    yield home, path, recovery_key
    device.delete(vault_id)
    device.delete_backup_head(vault_id)


def _unlock(qtbot, win, name: str, passphrase: str) -> None:
    screen = win.unlock_screen
    screen.names.setCurrentIndex(screen.names.findText(name))
    screen.passphrase.setText(passphrase)
    qtbot.keyClick(screen.passphrase, "\r")


def test_an_admin_restores_over_the_open_vault_and_lands_on_the_unlock_screen(qtbot, clinic_home, prefs,
                                                                              type_text):
    """Real worker: OK starts the job and returns at once; then the old vault is aside, the app locked, and
    the restored vault (without the client added after the backup) unlocks with the new passphrase."""
    from ui.main_window import MainWindow

    home, path, recovery_key = clinic_home
    runner = TaskRunner()
    ctx = AppContext(home=home, runner=runner)
    win = MainWindow(ctx, prefs=prefs)  # closed (and deleted) by the test itself
    show_active(qtbot, win)
    _unlock(qtbot, win, ADMIN, PW)
    qtbot.waitUntil(lambda: ctx.vault is not None, timeout=20_000)
    win.show_page("admin")
    page = win.pages["admin"]
    button = page.findChild(QPushButton, "restoreOverVault")
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(ReplaceDialog, "replaceFromBackupDialog")
    assert dialog.isVisible() and dialog.fields.admin_name.text() == ADMIN
    assert str(home.path) + ".before-restore-" in dialog.intro.text()
    dialog.fields.file.setText(str(path))
    dialog.fields.recovery_key.setText(recovery_key)
    type_text(dialog.fields.passphrase.passphrase, NEW_PW)
    type_text(dialog.fields.passphrase.confirm, NEW_PW)
    assert not dialog.ok_button.isEnabled()  # not before the explicit confirmation
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.progress.isVisible() and not dialog.ok_button.isEnabled()  # running on the worker
    assert ctx.vault is not None and ctx.vault.is_open  # the open vault is untouched while it runs
    qtbot.waitUntil(lambda: ctx.vault is None, timeout=60_000)
    assert win.screens.currentWidget() is win.unlock_screen
    aside = [p for p in home.path.parent.iterdir() if p.name.startswith("clinic.before-restore-")]
    assert len(aside) == 1 and (aside[0] / "clinic.db").exists()
    assert not [p for p in home.path.parent.iterdir() if ".restoring-" in p.name]
    box = win.findChild(QMessageBox, "restoreDoneBox")
    assert box is not None and str(aside[0]) in box.text()
    box.close()
    old = Vault.unlock(Home(aside[0]), ADMIN, PW)  # the vault moved aside is whole, newer client included
    try:
        assert old.clients.search("Qxdespues")
    finally:
        old.lock()
    _unlock(qtbot, win, ADMIN, NEW_PW)
    qtbot.waitUntil(lambda: ctx.vault is not None, timeout=20_000)
    assert ctx.vault.clients.search("Qxantes") and not ctx.vault.clients.search("Qxdespues")
    win.close()
    Vault.unlock(home, VOLUNTEER, VOLUNTEER_PW).lock()  # other staff keep their passphrases on this laptop
    assert runner.wait_idle(20_000)


def test_a_wrong_recovery_key_changes_nothing_and_the_vault_stays_open(qtbot, clinic_home, prefs, immediate_runner):
    """One sentence; no folder moved, nothing staged left, still unlocked."""
    from ui.main_window import MainWindow

    home, path, recovery_key = clinic_home
    ctx = AppContext(home=home, runner=immediate_runner)
    win = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(win)
    show_active(qtbot, win)
    _unlock(qtbot, win, ADMIN, PW)
    win.show_page("admin")
    dialog = win.pages["admin"].backup_box.open_restore()
    shown = []
    dialog._failed = lambda exc: shown.append(str(exc))  # the sentence, instead of a message box
    dialog.fields.file.setText(str(path))
    dialog.fields.recovery_key.setText(("2" if recovery_key[0] != "2" else "3") + recovery_key[1:])
    dialog.fields.passphrase.passphrase.setText(NEW_PW)
    dialog.fields.passphrase.confirm.setText(NEW_PW)
    dialog.confirm.setChecked(True)
    dialog.restore()
    assert len(shown) == 1 and ctx.vault is not None and ctx.vault.is_open
    assert sorted(p.name for p in home.path.parent.iterdir()) == ["clinic", "usb"]
    assert ctx.vault.clients.search("Qxdespues")


def test_a_volunteer_has_no_button_and_the_core_refuses_them(qtbot, clinic_home, tmp_path, prefs, immediate_runner):
    """No Administration page for a volunteer; stage and replace are refused by the core, nothing staged."""
    from ui.main_window import MainWindow

    home, path, recovery_key = clinic_home
    ctx = AppContext(home=home, runner=immediate_runner)
    win = MainWindow(ctx, prefs=prefs)
    qtbot.addWidget(win)
    show_active(qtbot, win)
    _unlock(qtbot, win, VOLUNTEER, VOLUNTEER_PW)
    assert ctx.vault is not None and "admin" not in win.pages
    assert not [b for b in win.findChildren(QPushButton, "restoreOverVault") if b.isVisible()]
    with pytest.raises(PermissionDenied):
        clinic.stage_restore_over(ctx.vault, path, recovery_key=recovery_key, admin_name=ADMIN,
                                  new_passphrase=NEW_PW)
    assert sorted(p.name for p in home.path.parent.iterdir()) == ["clinic", "usb"]
