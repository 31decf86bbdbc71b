"""Partner services and disclosure groups as people read them, and the tick boxes for choosing groups."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from clinic.i18n import _
from clinic.models import Group, Service
from ui.kit.forms import set_accessible


def services_text(values) -> str:
    """Service values as translated labels ('Housing, Health'); unknown values as they are."""
    return ", ".join(_(Service(v).label) if v in Service._value2member_map_ else v for v in values)


def groups_text(values) -> str:
    """Disclosure group values as translated labels, in the fixed group order."""
    known = [g for g in Group if g in values]
    return ", ".join(_(g.label) for g in known)


class GroupChecks(QGroupBox):
    """A checkbox per disclosure group with its description as help, and a note saying why one is off.

    `changed` fires when a tick changes (not when set_allowed() unticks what is no longer allowed).
    """

    changed = Signal()

    def __init__(self, *, prefix: str, help_below: bool, parent: QWidget | None = None):
        super().__init__(parent)
        # A group box without a frame or title: screen readers hear the boxes as one named group (its
        # accessible name is the form label's), sighted people see the plain list.
        self.setFlat(True)
        self.setStyleSheet("QGroupBox { border: none; margin: 0px; padding: 0px; }")
        self.help_below = help_below
        self.boxes = {g: QCheckBox() for g in Group}
        self.help = {g: QLabel() for g in Group} if help_below else {}
        self.reason = QLabel()
        self.reason.setObjectName(f"{prefix}Reason")
        self.note = QLabel()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        for group, box in self.boxes.items():
            box.setObjectName(f"{prefix}_{group.value}")
            box.toggled.connect(lambda _on: self.changed.emit())
            column.addWidget(box)
            if group in self.help:
                self.help[group].setStyleSheet("color: #444;")
                column.addWidget(self.help[group])
        for label in (*self.help.values(), self.reason, self.note):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setIndent(24 if label is not self.note else 0)
        column.addWidget(self.reason)
        column.addWidget(self.note)
        self.retranslate()

    def retranslate(self) -> None:
        for group, box in self.boxes.items():
            box.setText(_(group.label))
            if group in self.help:
                self.help[group].setText(_(group.description))
            else:
                box.setToolTip(_(group.description))
            set_accessible(box, _(group.label), _(group.description))

    def ticked(self) -> frozenset[Group]:
        return frozenset(g for g, box in self.boxes.items() if box.isChecked())

    def set_ticked(self, values) -> None:
        for group, box in self.boxes.items():
            box.setChecked(group in values)

    def set_allowed(self, allowed, *, reason: str = "", note: str = "") -> None:
        """Enable only `allowed` groups (untick the others, silently); show why sealed is off and a note."""
        for group, box in self.boxes.items():
            if group not in allowed and box.isChecked():
                box.blockSignals(True)
                box.setChecked(False)
                box.blockSignals(False)
            box.setEnabled(group in allowed)
        for label, text in ((self.reason, reason), (self.note, note)):
            label.setText(text)
            label.setVisible(bool(text))

