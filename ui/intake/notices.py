"""The intake screen's notices: the "Saved" banner, the returning-client chip, a possible match's line."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from clinic import models as m
from clinic.i18n import _
from ui.kit.format import format_date


def match_text(match: m.ClientMatch) -> str:
    """One line about a possible returning client: name, date of birth, last visit. Nothing more."""
    born = (_("born {date}").format(date=format_date(match.date_of_birth)) if match.date_of_birth
            else _("date of birth not recorded"))
    visit = (_("last visit {date}").format(date=format_date(match.last_visit)) if match.last_visit
             else _("no visit recorded"))
    return f"{match.display_name}\n{born} · {visit}"


def saved_banner() -> tuple[QFrame, QLabel]:
    """The green "Saved. Client reference: …" banner (hidden) and its selectable label."""
    banner = QFrame()
    banner.setObjectName("savedBanner")
    banner.setStyleSheet("#savedBanner { background: #e7f4ea; border: 1px solid #1d6b32; "
                         "border-radius: 4px; } #savedBanner QLabel { color: #0d3b1a; } "
                         "#savedBanner[conflict=\"true\"] { background: #fff3d6; border-color: #8a5a00; }")
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    QHBoxLayout(banner).addWidget(label)
    banner.hide()
    return banner, label


def returning_chip() -> tuple[QFrame, QLabel, QPushButton]:
    """The blue "Returning client …" chip (hidden), its label and its Undo button."""
    chip = QFrame()
    chip.setObjectName("returningChip")
    chip.setStyleSheet("#returningChip { background: #e8f0fb; border: 1px solid #1a5fb4; border-radius: 12px; }")
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    undo = QPushButton()
    undo.setAutoDefault(True)
    layout = QHBoxLayout(chip)
    layout.setContentsMargins(10, 2, 4, 2)
    layout.addWidget(label, 1)
    layout.addWidget(undo)
    chip.hide()
    return chip, label, undo
