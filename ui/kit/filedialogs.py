"""Asking for a file: Qt's own dialog, starting in Documents or the last export folder of this session,
and leaving no trace of the folders chosen on disk (Qt keeps a history in ~/.config/QtProject.conf)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

OPTIONS = QFileDialog.Option.DontUseNativeDialog  # a native dialog keeps its own "recent" list
_QT_HISTORY_KEYS = ("FileDialog/history", "FileDialog/lastVisited")
_last_folder: list[Path] = []


def start_folder() -> Path:
    """The last folder chosen for an export in this session, else the person's Documents folder."""
    if _last_folder and _last_folder[0].is_dir():
        return _last_folder[0]
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def forget_history() -> None:
    """Remove the folders Qt's file dialog wrote into its settings (QtProject.conf)."""
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    for key in _QT_HISTORY_KEYS:
        settings.remove(key)
    settings.sync()


def ask_save(parent: QWidget | None, title: str, filename: str, filters: str = "") -> str:
    """A path to write to, or '' when cancelled; its folder is remembered (in memory) for the next one."""
    try:
        path, _filter = QFileDialog.getSaveFileName(parent, title, str(start_folder() / filename), filters,
                                                    options=OPTIONS)
    finally:
        forget_history()
    if path:
        _last_folder[:] = [Path(path).parent]
    return path


def ask_open(parent: QWidget | None, title: str, filters: str = "") -> str:
    """A file to read, or '' when cancelled."""
    try:
        path, _filter = QFileDialog.getOpenFileName(parent, title, str(start_folder()), filters,
                                                    options=OPTIONS)
    finally:
        forget_history()
    return path


def ask_folder(parent: QWidget | None, title: str) -> str:
    """An existing folder (a USB stick for a backup), or '' when cancelled."""
    try:
        path = QFileDialog.getExistingDirectory(parent, title, str(start_folder()),
                                                OPTIONS | QFileDialog.Option.ShowDirsOnly)
    finally:
        forget_history()
    return path
