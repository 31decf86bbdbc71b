"""Issue 14, safety: the clipboard on lock, sealed values copied, and where file dialogs start."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtGui import QClipboard
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from tests.fixtures.app import show_active, unlock
from ui.kit import clipboard, filedialogs


def test_lock_clears_text_the_app_put_on_the_clipboard(qtbot, window):
    unlock(qtbot, window, "admin")
    board = QApplication.clipboard()
    board.setText("Xiomara Quetzalcanario")  # copied from the client list, the app active
    assert board.text() == "Xiomara Quetzalcanario"
    window.lock()
    assert board.text() == ""


def test_lock_leaves_what_another_program_copied(qtbot, window, monkeypatch):
    unlock(qtbot, window, "admin")
    board = QApplication.clipboard()
    monkeypatch.setattr(clipboard.ClipboardGuard, "_owns", lambda self, mode: False)
    board.setText("a recipe from the browser")
    window.lock()
    assert board.text() == "a recipe from the browser"
    board.clear()


def test_lock_clears_the_primary_selection_where_there_is_one(qtbot, window):
    board = QApplication.clipboard()
    unlock(qtbot, window, "admin")
    if not board.supportsSelection():
        assert clipboard.guard()._owns(QClipboard.Mode.Selection)  # the guard still follows the rule
        return
    board.setText("Quetzalcanario", QClipboard.Mode.Selection)
    window.lock()
    assert board.text(QClipboard.Mode.Selection) == ""


def test_a_copied_sealed_value_is_cleared_after_30_seconds(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    show_active(qtbot, host)
    guard = clipboard.guard()
    guard.set_sensitive(host, ["A-123456789", ""])
    board = QApplication.clipboard()
    board.setText("ordinary text")
    assert not guard.sealed_timer.isActive()
    board.setText("123456789")  # part of the sealed value
    assert guard.sealed_timer.isActive() and guard.sealed_timer.interval() == 30_000
    guard.sealed_timer.timeout.emit()  # what 30 s later does, without waiting
    assert board.text() == ""
    board.setText("A-123456789")
    board.setText("copied later, not sealed")
    guard.sealed_timer.timeout.emit()
    assert board.text() == "copied later, not sealed", "only a sealed value is cleared"
    guard.set_sensitive(host, [])
    board.clear()


def test_file_dialogs_start_in_documents_then_the_last_folder_and_keep_no_history(qtbot, tmp_path,
                                                                                   monkeypatch):
    settings_dir = tmp_path / "config"
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(settings_dir))
    try:
        qt = QSettings(QSettings.Scope.UserScope, "QtProject")
        qt.setValue("FileDialog/history", ["/home/someone/Asylum cases"])
        qt.setValue("FileDialog/lastVisited", "file:///home/someone/Asylum cases")
        qt.sync()
        asked = []
        chosen = tmp_path / "exports" / "letter.pdf"
        chosen.parent.mkdir()

        def ask(parent, caption, start, filters, **options):
            asked.append((start, options.get("options")))
            return str(chosen), filters

        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(ask))
        filedialogs._last_folder.clear()
        assert filedialogs.ask_save(None, "Save", "letter.pdf") == str(chosen)
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        assert Path(asked[0][0]) == Path(documents) / "letter.pdf"
        assert asked[0][1] & QFileDialog.Option.DontUseNativeDialog
        filedialogs.ask_save(None, "Save", "other.pdf")
        assert Path(asked[1][0]) == chosen.parent / "other.pdf"
        qt = QSettings(QSettings.Scope.UserScope, "QtProject")
        assert qt.value("FileDialog/history") is None and qt.value("FileDialog/lastVisited") is None
    finally:
        filedialogs._last_folder.clear()
        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                          QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation))
