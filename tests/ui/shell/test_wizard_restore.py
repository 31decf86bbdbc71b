"""First run on a new laptop: "Restore from a backup…" with the recovery key opens the restored vault."""


import pytest
from PySide6.QtCore import Qt

from clinic import models as m
from clinic.home import Home
from clinic.keys import device
from clinic.maintenance.backup import make_backup
from clinic.vault import Vault
from tests.fixtures.app import show_active
from ui.context import AppContext
from ui.shell.restore import RestoreDialog
from ui.shell.wizard import FirstRunWizard

ADMIN, PW, NEW_PW = "Admin Restaurada", "old laptop admin pw", "nueva contraseña larga"


@pytest.fixture
def backup_file(tmp_path):
    """A vault with one client, backed up, and then the 'old laptop' gone from the keyring."""
    vault, recovery_key = Vault.init(Home(tmp_path / "old"), clinic_name="Vieja", admin_name=ADMIN, passphrase=PW)
    vault_id = vault.vault_id
    try:
        vault.intakes.record(m.IntakeDraft(given_names="Rosa", family_name_1="García", consent_to_store=True,
                                           needs=(m.Need.HOUSING,)))
        path = make_backup(vault, tmp_path).path
    finally:
        vault.lock()
    device.delete(vault_id)
    device.delete_backup_head(vault_id)
    yield path, recovery_key
    device.delete(vault_id)


def test_restore_from_the_wizard_hands_over_the_restored_vault(qtbot, tmp_path, immediate_runner, prefs,
                                                               backup_file, type_text):
    """The welcome page's button opens the dialog; OK restores, and the wizard completes with the vault open."""
    path, recovery_key = backup_file
    ctx = AppContext(home=Home(tmp_path / "new-home"), runner=immediate_runner)
    wiz = FirstRunWizard(ctx, prefs=prefs)
    qtbot.addWidget(wiz)
    show_active(qtbot, wiz)
    got = []
    wiz.completed.connect(got.append)
    qtbot.mouseClick(wiz.restore_button, Qt.MouseButton.LeftButton)
    dialog = wiz.findChild(RestoreDialog, "restoreDialog")
    dialog.file.setText(str(path))
    dialog.recovery_key.setText(recovery_key)
    type_text(dialog.admin_name, ADMIN)
    type_text(dialog.passphrase.passphrase, NEW_PW)
    type_text(dialog.passphrase.confirm, NEW_PW)
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert got, "the wizard did not complete"
    vault = got[0]
    try:
        assert vault.user.name == ADMIN and vault.clients.count() == 1
    finally:
        vault.lock()
    Vault.unlock(ctx.home, ADMIN, NEW_PW).lock()


def test_a_wrong_recovery_key_is_one_sentence_and_nothing_is_restored(qtbot, tmp_path, immediate_runner, prefs,
                                                                      backup_file, monkeypatch):
    """A mistyped key: the error is shown, the dialog stays open and usable, the folder is not made."""
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "open", lambda self: shown.append(self.text()))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    path, recovery_key = backup_file
    ctx = AppContext(home=Home(tmp_path / "new-home"), runner=immediate_runner)
    wiz = FirstRunWizard(ctx, prefs=prefs)
    qtbot.addWidget(wiz)
    dialog = wiz.open_restore()
    dialog.file.setText(str(path))
    dialog.recovery_key.setText("1" + recovery_key[1:] if recovery_key[0] != "1" else "2" + recovery_key[1:])
    dialog.admin_name.setText(ADMIN)
    dialog.passphrase.passphrase.setText(NEW_PW)
    dialog.passphrase.confirm.setText(NEW_PW)
    dialog.restore()
    assert shown and "mistyped" in shown[0]
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    assert not ctx.home.path.exists()
