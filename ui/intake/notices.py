"""The intake screen's notices: the "Saved" banner, the returning-client chip and hint, "clear the form?"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic import CONFLICT_NOTICE
from clinic import models as m
from clinic.i18n import _
from ui.kit import theme
from ui.kit.errors import app_title
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


def duplicates_panel() -> tuple[QGroupBox, QLabel, QListWidget, QPushButton]:
    """The "Possible returning clients" box beside the person section: its hint, list and Same button."""
    box, hint, matches, same = QGroupBox(), QLabel(), QListWidget(), QPushButton()
    hint.setWordWrap(True)
    matches.setWordWrap(True)
    matches.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    same.setAutoDefault(True)
    layout = QVBoxLayout(box)
    layout.addWidget(hint)
    layout.addWidget(matches, 1)
    layout.addWidget(same, 0, Qt.AlignmentFlag.AlignLeft)
    return box, hint, matches, same


def confirm_clear_box(parent: QWidget) -> QMessageBox:
    """"Clear everything typed?", window-modal, No by default, deleted on close (the caller opens it)."""
    box = QMessageBox(QMessageBox.Icon.Question, app_title(),
                      _("Clear everything typed on this form? It has not been saved."),
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("confirmClearIntake")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(_("Clear the form"))
    box.button(QMessageBox.StandardButton.No).setText(_("Keep typing"))
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box


def show_saved(banner: QWidget, label: QLabel, ref: str | None, conflict: bool) -> None:
    """The "Saved" banner for client `ref` (hidden for None), with the conflict notice when the check found
    something: the core checked the names as it saved; a volunteer learns only this."""
    if ref is None:
        label.clear()
        banner.hide()
        return
    text = _("Saved. Client reference: {ref}").format(ref=ref)
    if conflict:
        text += "\n" + _(CONFLICT_NOTICE)
    label.setText(text)
    theme.set_flag(banner, "conflict", conflict)
    banner.show()
