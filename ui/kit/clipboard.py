"""What the app puts on the clipboard and the X primary selection: cleared on lock, sealed values after 30 s.

Like KeePassXC: only text the app itself put there is cleared, so a locking app never wipes what the person
copied from another program. The app's own copies are recognised by the platform's ownership flag, or (on a
platform without one) by the app having the active window when the clipboard changed.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QClipboard
from PySide6.QtWidgets import QApplication

SEALED_CLEAR_MS = 30_000
_MODES = (QClipboard.Mode.Clipboard, QClipboard.Mode.Selection)


class ClipboardGuard(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._ours: dict[QClipboard.Mode, str] = {}
        self._sensitive: dict[int, tuple[str, ...]] = {}
        self.sealed_timer = QTimer(self)
        self.sealed_timer.setSingleShot(True)
        self.sealed_timer.setInterval(SEALED_CLEAR_MS)
        self.sealed_timer.timeout.connect(self.clear_sealed)
        board = QApplication.clipboard()
        board.dataChanged.connect(lambda: self._changed(QClipboard.Mode.Clipboard))
        board.selectionChanged.connect(lambda: self._changed(QClipboard.Mode.Selection))

    # ----- what is on screen -------------------------------------------------------------------------

    def set_sensitive(self, owner: QObject, values) -> None:
        """The sealed values `owner` shows now (empty: none); copying one of them starts the 30 s clock."""
        values = tuple(v for v in values if v and v.strip())
        if values:
            self._sensitive[id(owner)] = values
        else:
            self._sensitive.pop(id(owner), None)

    def is_sensitive(self, text: str) -> bool:
        text = text.strip()
        return bool(text) and any(text in v for vs in self._sensitive.values() for v in vs)

    # ----- clearing ----------------------------------------------------------------------------------

    def _owns(self, mode: QClipboard.Mode) -> bool:
        board = QApplication.clipboard()
        owned = board.ownsClipboard() if mode == QClipboard.Mode.Clipboard else board.ownsSelection()
        return owned or QApplication.activeWindow() is not None

    def _changed(self, mode: QClipboard.Mode) -> None:
        text = QApplication.clipboard().text(mode)
        if text and self._owns(mode):
            self._ours[mode] = text
            if self.is_sensitive(text):
                self.sealed_timer.start()
        else:
            self._ours.pop(mode, None)

    def _clear(self, mode: QClipboard.Mode, *, only_sealed: bool = False) -> None:
        board = QApplication.clipboard()
        if mode == QClipboard.Mode.Selection and not board.supportsSelection():
            return
        ours = self._ours.get(mode)
        text = board.text(mode)
        if ours is not None and text == ours and (not only_sealed or self.is_sensitive(text)):
            board.clear(mode)
            self._ours.pop(mode, None)

    def clear_ours(self) -> None:
        """On lock: empty the clipboard and the selection when they hold text this app put there."""
        self.sealed_timer.stop()
        for mode in _MODES:
            self._clear(mode)
        self._sensitive.clear()

    def clear_sealed(self) -> None:
        """30 s after a sealed value was copied: empty the clipboard if it still holds that value."""
        for mode in _MODES:
            self._clear(mode, only_sealed=True)


_guard: list[ClipboardGuard] = []


def guard() -> ClipboardGuard:
    """The application's one guard (made on first use)."""
    if not _guard or not shiboken6.isValid(_guard[0]):
        _guard[:] = [ClipboardGuard(QApplication.instance())]
    return _guard[0]
