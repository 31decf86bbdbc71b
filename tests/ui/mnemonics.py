"""Find Alt-letter collisions and dead mnemonics among the widgets a window shows (issue 14)."""

from __future__ import annotations

import re

import shiboken6
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabWidget, QWidget

_MNEMONIC = re.compile(r"&(.)")


def mnemonic(text: str) -> str | None:
    """The Alt-letter of a text, lower case: '&Save' -> 's'; '&&' is a literal ampersand."""
    for match in _MNEMONIC.finditer(text.replace("&&", "")):
        return match.group(1).casefold()
    return None


def _texts(widget: QWidget) -> list[str]:
    if isinstance(widget, QLabel):
        return [widget.text()]
    if isinstance(widget, QAbstractButton):
        return [widget.text()]
    if isinstance(widget, QGroupBox):
        return [widget.title()]
    if isinstance(widget, QTabWidget):
        return [widget.tabText(i) for i in range(widget.count()) if widget.isTabEnabled(i)]
    return []


def problems(window: QWidget, where: str) -> list[str]:
    """Every letter two visible widgets of `window` share, and every visible label mnemonic that
    leads nowhere (no buddy, or a buddy that is hidden or cannot take the focus)."""
    owners: dict[str, list[str]] = {}
    found: list[str] = []
    for widget in [window, *window.findChildren(QWidget)]:
        if not shiboken6.isValid(widget) or not widget.isVisible() or widget.window() is not window:
            continue
        for text in _texts(widget):
            letter = mnemonic(text)
            if letter is None:
                continue
            owners.setdefault(letter, []).append(text)
            if isinstance(widget, QLabel):
                buddy = widget.buddy()
                if buddy is None:
                    found.append(f"{where}: {text!r} has no buddy")
                elif not buddy.isVisible():
                    found.append(f"{where}: {text!r} points at a hidden field")
    for letter, texts in sorted(owners.items()):
        if len(texts) > 1:
            found.append(f"{where}: Alt+{letter.upper()} is {texts}")
    return found
