"""The panic keys: Ctrl+L or F12 locks at once, in every window, modal dialogs included; what a lock closes."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

PANIC_KEYS = ("Ctrl+L", "F12")


class PanicKeys(QObject):
    """`PanicKeys(window, lock, is_open)`: application-wide shortcuts, plus an event filter because Qt
    disables a window's shortcuts while a modal dialog is open, and the panic key must not be."""

    def __init__(self, window: QWidget, lock: Callable[[], None], is_open: Callable[[], bool]):
        super().__init__(window)
        self._lock, self._is_open = lock, is_open
        self._keys = [QKeySequence(keys)[0] for keys in PANIC_KEYS]
        self.shortcuts = []
        for keys in PANIC_KEYS:
            shortcut = QShortcut(QKeySequence(keys), window)
            shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
            shortcut.activated.connect(lock)
            self.shortcuts.append(shortcut)
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and self._is_open():
            combination = event.keyCombination()
            plain = QKeyCombination(combination.keyboardModifiers() & ~Qt.KeyboardModifier.KeypadModifier,
                                    combination.key())
            if plain in self._keys:
                self._lock()
                return True
        return False


def parented_to(widget: QWidget, ancestor: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.parentWidget()
    return False


def close_other_windows(window: QWidget) -> None:
    """Close every top-level window but `window` (any may show client data); delete those it owns."""
    for widget in QApplication.topLevelWidgets():
        if widget is window or not shiboken6.isValid(widget):
            continue
        if widget.isVisible():
            widget.close()
        if parented_to(widget, window):
            widget.deleteLater()
