"""Keyboard help every screen shares: a list reached with Tab has a selected row, so Enter acts on it."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QAbstractSlider, QApplication, QScrollArea, QWidget

_NOT_MOUSE = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
              Qt.FocusReason.ShortcutFocusReason, Qt.FocusReason.OtherFocusReason)


class _FirstRowOnFocus(QObject):
    """When a list or table gets the keyboard focus with nothing selected, select its first row."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QAbstractItemView) \
                and event.reason() in _NOT_MOUSE:
            select_first_row(watched)
        return False


def select_first_row(view: QAbstractItemView) -> None:
    """Make the first row current and selected when the view has rows and no selection yet."""
    model, selection = view.model(), view.selectionModel()
    if model is None or selection is None or model.rowCount() == 0 or selection.hasSelection():
        return
    if view.selectionMode() == QAbstractItemView.SelectionMode.NoSelection:
        return
    current = view.currentIndex()
    index = current if current.isValid() else model.index(0, 0)
    flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
    if view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows:
        flags |= QItemSelectionModel.SelectionFlag.Rows
    selection.setCurrentIndex(index, flags)


class ScrollArea(QScrollArea):
    """A page's scroll area: Page Up/Down, Home and End scroll it (also from a button or label inside
    it that does not use those keys), it brings the focused child into view, and it has a name."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        actions = {Qt.Key.Key_Home: QAbstractSlider.SliderAction.SliderToMinimum,
                   Qt.Key.Key_End: QAbstractSlider.SliderAction.SliderToMaximum}
        action = actions.get(event.key())
        if action is not None and not event.modifiers() & ~(Qt.KeyboardModifier.ControlModifier
                                                           | Qt.KeyboardModifier.KeypadModifier):
            self.verticalScrollBar().triggerAction(action)
            event.accept()
            return
        super().keyPressEvent(event)


_installed: list[_FirstRowOnFocus] = []


def install() -> None:
    """Install the helpers on the application once (idempotent); every page calls it."""
    app = QApplication.instance()
    if app is None or (_installed and shiboken6.isValid(_installed[0])):
        return
    _installed[:] = [_FirstRowOnFocus(app)]
    app.installEventFilter(_installed[0])
