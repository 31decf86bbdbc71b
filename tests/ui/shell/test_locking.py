"""Locking: idle, panic keys, the Lock button and closing all clear the screen and drop the key."""


import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QTableView, QVBoxLayout

from tests.fixtures.app import CANARY, STAFF, flush_deletes, texts_on_screen, unlock
from ui.kit.tablemodel import Column, RowTableModel


def _canary_on_screen() -> list[str]:
    return [t for t in texts_on_screen() if CANARY.casefold() in t.casefold()]


def _show_client_everywhere(qtbot, win, ctx, ui_template) -> list[str]:
    """Put the canary client on screen the ways a person would, and record every window title."""
    titles = []
    win.windowTitleChanged.connect(titles.append)
    ctx.signals.open_client.emit(ui_template.canary_id)  # the Clients page opens the file
    qtbot.wait(300)  # search-as-you-type and file loading use short timers
    intake = win.pages["intake"]
    field = next(w for w in intake.findChildren(QLineEdit) if w.isVisibleTo(intake) and not w.isReadOnly())
    field.setText(CANARY)
    # A dialog a page opened about this client, with a label, an input and a table.
    dialog = QDialog(win.pages["clients"])
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel(f"Xiomara {CANARY}"))
    layout.addWidget(QLineEdit(CANARY))
    table = QTableView()
    table.setModel(RowTableModel((Column("Name", lambda r: r),), [f"Xiomara {CANARY}"], parent=dialog))
    layout.addWidget(table)
    dialog.open()
    # A window parented to the main window itself.
    loose = QDialog(win)
    QVBoxLayout(loose).addWidget(QLabel(CANARY))
    loose.show()
    assert _canary_on_screen(), "the test must first put the canary on screen"
    return titles


def _assert_locked_and_clean(win, ctx, titles) -> None:
    flush_deletes()
    assert ctx.vault is None
    assert win.screens.currentWidget() is win.unlock_screen
    assert win.pages == {} and win.page_stack.count() == 0 and win.sidebar.count() == 0
    assert _canary_on_screen() == []
    assert all(CANARY not in t for t in titles + [win.windowTitle()])
    visible = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not win]
    assert visible == []


def test_idle_lock_clears_every_widget(qtbot, window, ctx, ui_template):
    """After the idle timeout no widget, model or title anywhere holds the client that was on screen."""
    unlock(qtbot, window, "admin")
    titles = _show_client_everywhere(qtbot, window, ctx, ui_template)
    vault = ctx.vault
    locked = []
    ctx.signals.locked.connect(lambda: locked.append(True))
    window.idle.set_timeout_ms(200)
    qtbot.waitUntil(lambda: ctx.vault is None, timeout=5000)
    assert not vault.is_open and vault.data_key is None and vault.keys is None
    assert locked == [True]
    _assert_locked_and_clean(window, ctx, titles)
    assert window.unlock_screen.names.currentText() == STAFF["admin"][0]  # the last user, preselected


@pytest.mark.parametrize("key, modifier", [(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier),
                                           (Qt.Key.Key_F12, Qt.KeyboardModifier.NoModifier)])
def test_panic_key_locks_at_once_from_any_window(qtbot, window, ctx, ui_template, key, modifier):
    """Ctrl+L and F12 lock immediately, even with focus in a dialog, and clear the screen."""
    unlock(qtbot, window, "admin")
    titles = _show_client_everywhere(qtbot, window, ctx, ui_template)
    dialog = next(d for d in window.findChildren(QDialog) if d.isVisible())
    dialog.activateWindow()
    qtbot.keyClick(dialog.findChild(QLineEdit), key, modifier)
    assert ctx.vault is None
    _assert_locked_and_clean(window, ctx, titles)


def test_lock_button_locks(qtbot, window, ctx, ui_template):
    """The visible Lock button locks like the panic key."""
    unlock(qtbot, window, "admin")
    titles = _show_client_everywhere(qtbot, window, ctx, ui_template)
    assert window.lock_button.isVisible()
    qtbot.mouseClick(window.lock_button, Qt.MouseButton.LeftButton)
    _assert_locked_and_clean(window, ctx, titles)


def test_closing_the_window_locks_the_vault(qtbot, ctx, prefs):
    """Closing the main window locks the vault before the window goes, and remembers its geometry."""
    from ui.main_window import MainWindow

    win = MainWindow(ctx, prefs=prefs)
    win.show()
    unlock(qtbot, win, "admin")
    vault = ctx.vault
    assert vault.is_open
    win.close()
    flush_deletes()
    assert ctx.vault is None and not vault.is_open
    assert not shiboken6.isValid(win)
    assert prefs.geometry()


def test_unlock_again_after_lock_rebuilds_pages(qtbot, window, ctx):
    """After a lock, the next person unlocks into fresh pages built for their own role."""
    unlock(qtbot, window, "admin")
    assert "admin" in window.pages
    window.lock()
    flush_deletes()
    unlock(qtbot, window, "volunteer")
    assert ctx.vault.user.name == STAFF["volunteer"][0]
    assert "admin" not in window.pages and "cases" not in window.pages
    assert window.idle.running


def test_idle_timeout_comes_from_the_vault_settings(qtbot, window, ctx):
    """The idle lock uses the clinic's idle_lock_minutes (5 by default)."""
    unlock(qtbot, window, "admin")
    assert window.idle.timeout_ms == 5 * 60_000
    import dataclasses

    ctx.vault.settings.update(dataclasses.replace(ctx.vault.settings.get(), idle_lock_minutes=2))
    ctx.signals.changed.emit("settings")
    assert window.idle.timeout_ms == 2 * 60_000


def test_lock_twice_and_while_locked_is_harmless(qtbot, window, ctx):
    """lock() with nothing unlocked, or twice in a row, changes nothing and raises nothing."""
    window.lock()
    unlock(qtbot, window, "admin")
    window.lock()
    window.lock()
    assert ctx.vault is None and window.screens.currentWidget() is window.unlock_screen
