"""Administration: the staff table, adding, re-enrolling, re-roling and removing staff, recovery key, settings."""


import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from clinic import models as m
from tests.fixtures.app import CLINIC_NAME, STAFF, flush_deletes, unlock

NEW_NAME = "Óscar Peña"
NEW_PASSPHRASE = "girasol tambor nube once"


@pytest.fixture
def admin(qtbot, window, ctx):
    """The admin page of an admin's unlocked window."""
    unlock(qtbot, window, "admin")
    window.show_page("admin")
    return window.pages["admin"]


def _select(page, name):
    for row in range(page.proxy.rowCount()):
        if page.proxy.index(row, 0).data() == name:
            page.table.selectRow(row)
            return
    raise AssertionError(f"{name} not in the staff table")


def _names(page):
    return {page.proxy.index(r, 0).data(): page.proxy.index(r, 3).data() for r in range(page.proxy.rowCount())}


def _add(qtbot, type_text, page, *, name=NEW_NAME, passphrase=NEW_PASSPHRASE, confirm=None, role="volunteer"):
    dialog = page.add_staff()
    type_text(dialog.name, name)
    dialog.role.setCurrentIndex(dialog.role.findData(role))
    type_text(dialog.passphrase.passphrase, passphrase)
    type_text(dialog.passphrase.confirm, passphrase if confirm is None else confirm)
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton)
    return dialog


def test_only_admins_get_the_page(qtbot, window):
    """Administration is built for admins only; a volunteer's sidebar does not list it."""
    unlock(qtbot, window, "volunteer")
    assert "admin" not in window.pages
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert "Administration" not in titles


def test_staff_table_lists_everyone_and_passes_the_model_tester(admin, qtmodeltester):
    """The staff table shows name, role, language and active, and follows Qt's model rules."""
    assert _names(admin) == {STAFF["admin"][0]: "Yes", STAFF["attorney"][0]: "Yes", STAFF["volunteer"][0]: "Yes"}
    qtmodeltester.check(admin.model)
    qtmodeltester.check(admin.proxy)
    assert not admin.remove_button.isEnabled()
    _select(admin, STAFF["volunteer"][0])
    assert admin.remove_button.isEnabled()


def test_admin_adds_a_volunteer_who_can_then_unlock(qtbot, type_text, window, ctx, admin):
    """A new volunteer added in the dialog (their own passphrase, typed twice) can unlock afterwards."""
    dialog = _add(qtbot, type_text, admin)
    assert not dialog.isVisible()
    assert _names(admin)[NEW_NAME] == "Yes"
    window.lock()
    flush_deletes()
    screen = window.unlock_screen
    screen.names.setCurrentIndex(screen.names.findText(NEW_NAME))
    type_text(screen.passphrase, NEW_PASSPHRASE)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert ctx.vault is not None and ctx.vault.user.name == NEW_NAME
    assert ctx.vault.user.role is m.Role.VOLUNTEER


def test_add_errors_point_at_the_field_and_keep_the_dialog(qtbot, type_text, admin):
    """A short passphrase, a mismatch or a taken name: a message at that field, the dialog stays open."""
    dialog = _add(qtbot, type_text, admin, passphrase="corto")
    assert dialog.isVisible() and dialog.errors.is_marked(dialog.passphrase.passphrase)
    assert dialog.name.text() == NEW_NAME  # what was typed is kept
    dialog.reject()
    dialog = _add(qtbot, type_text, admin, confirm="something else entirely")
    assert dialog.isVisible() and dialog.errors.is_marked(dialog.passphrase.confirm)
    dialog.reject()
    dialog = _add(qtbot, type_text, admin, name=STAFF["attorney"][0])
    assert dialog.isVisible() and dialog.errors.is_marked(dialog.name)
    dialog.reject()


def test_change_role(qtbot, admin, ctx):
    """Change role moves a volunteer to coordinator, in the database and in the table."""
    _select(admin, STAFF["volunteer"][0])
    dialog = admin.change_role()
    dialog.role.setCurrentIndex(dialog.role.findData("coordinator"))
    dialog.try_accept()
    roles = {s.name: s.role for s in ctx.vault.staff.list()}
    assert roles[STAFF["volunteer"][0]] is m.Role.COORDINATOR
    row = next(r for r in range(admin.proxy.rowCount()) if admin.proxy.index(r, 0).data() == STAFF["volunteer"][0])
    assert admin.proxy.index(row, 1).data() == "Coordinator"


def test_reset_passphrase_lets_them_in_with_the_new_one(qtbot, type_text, window, ctx, admin):
    """After a reset the old passphrase fails and the new one unlocks."""
    _select(admin, STAFF["volunteer"][0])
    dialog = admin.reset_passphrase()
    type_text(dialog.passphrase.passphrase, NEW_PASSPHRASE)
    type_text(dialog.passphrase.confirm, NEW_PASSPHRASE)
    dialog.try_accept()
    assert not dialog.isVisible()
    window.lock()
    unlock(qtbot, window, "volunteer")
    assert ctx.vault is None
    unlock(qtbot, window, "volunteer", passphrase=NEW_PASSPHRASE)
    assert ctx.vault is not None and ctx.vault.user.name == STAFF["volunteer"][0]


def test_remove_asks_first_then_revokes(qtbot, window, ctx, admin):
    """Remove explains that the database key changes; Cancel keeps them, OK revokes them."""
    _select(admin, STAFF["attorney"][0])
    box = admin.remove_staff()
    assert "database key" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert _names(admin)[STAFF["attorney"][0]] == "Yes"
    _select(admin, STAFF["attorney"][0])
    box = admin.remove_staff()
    box.button(QMessageBox.StandardButton.Ok).click()
    assert _names(admin)[STAFF["attorney"][0]] == "No, removed"
    window.lock()
    names = [window.unlock_screen.names.itemText(i) for i in range(window.unlock_screen.names.count())]
    assert STAFF["attorney"][0] not in names


def test_new_recovery_key_is_shown_once_with_a_confirmation(qtbot, admin, type_text):
    """A new recovery key appears in a dialog whose Done waits for the check and the last group."""
    box = admin.new_recovery_key()
    assert "stop working" in box.text()
    box.button(QMessageBox.StandardButton.Ok).click()
    dialog = admin.recovery_dialog
    assert dialog.isVisible()
    groups = dialog.panel.key_label.text().split()
    assert len(groups) == 8
    assert not dialog.done_button.isEnabled()
    dialog.panel.written.setChecked(True)
    type_text(dialog.panel.last_group, groups[-1])
    assert dialog.done_button.isEnabled()
    qtbot.mouseClick(dialog.done_button, Qt.MouseButton.LeftButton)
    assert dialog.panel.key_label.text() == ""


def test_settings_save_updates_title_and_idle_lock(qtbot, type_text, window, admin):
    """Saving the clinic name and idle minutes updates the window title and the idle lock at once."""
    assert admin.clinic_name.text() == CLINIC_NAME
    admin.clinic_name.clear()
    type_text(admin.clinic_name, "Centro Legal Ñuñoa")
    admin.idle_minutes.setValue(3)
    qtbot.mouseClick(admin.save_button, Qt.MouseButton.LeftButton)
    assert window.windowTitle() == "Clinic Intake — Centro Legal Ñuñoa"
    assert window.idle.timeout_ms == 3 * 60_000


def test_settings_errors_are_shown_at_the_field(qtbot, admin, ctx):
    """An empty clinic name is refused by the core and marked at the name field; nothing is saved."""
    admin.clinic_name.clear()
    admin.save_settings()
    assert admin.settings_errors.is_marked(admin.clinic_name)
    assert ctx.vault.settings.get().name == CLINIC_NAME
