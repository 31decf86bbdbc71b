"""The app's look: a calm, high-contrast light palette and stylesheet, system fonts only, no URLs."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

BASE_POINT_SIZE = 11

# Dynamic properties the stylesheet reacts to; set them with set_flag() so the style is re-applied.
INVALID = "invalid"  # an input the person must correct (ui.kit.forms.FieldErrors)
FIELD_ERROR = "fieldError"  # the small message label under an invalid field
SEALED = "sealed"  # a QGroupBox of attorney-only fields
DEMO = "demo"  # the DEMO banner

# Colour pairs are checked for contrast by the tests (WCAG AAA, 7:1, for text).
COLORS = {
    "window": "#f4f4f2",
    "base": "#ffffff",
    "text": "#1b1b1b",
    "muted_border": "#6b6b6b",
    "focus": "#1a5fb4",
    "highlight_text": "#ffffff",
    "error": "#a4001d",
    "error_bg": "#fff2f2",
    "sealed_border": "#b36200",
    "sealed_bg": "#fff7e6",
    "sealed_title": "#6b3a00",
    "demo_bg": "#ffd400",
    "demo_text": "#000000",
}

_INPUTS = ("QLineEdit", "QPlainTextEdit", "QTextEdit", "QComboBox", "QSpinBox", "QDateEdit")


def _each(selector_suffix: str) -> str:
    return ", ".join(f"{w}{selector_suffix}" for w in _INPUTS)


STYLESHEET = f"""
{_each("")} {{
    border: 1px solid {COLORS["muted_border"]};
    border-radius: 3px;
    padding: 3px 4px;
    background: {COLORS["base"]};
    color: {COLORS["text"]};
}}
{_each(":focus")} {{
    border: 2px solid {COLORS["focus"]};
}}
{_each(f'[{INVALID}="true"]')} {{
    border: 2px solid {COLORS["error"]};
    background: {COLORS["error_bg"]};
}}
QCheckBox[{INVALID}="true"], QRadioButton[{INVALID}="true"] {{
    color: {COLORS["error"]};
    border: 2px solid {COLORS["error"]};
    border-radius: 3px;
    padding: 2px;
}}
QLabel[{FIELD_ERROR}="true"] {{
    color: {COLORS["error"]};
    font-weight: bold;
}}
QGroupBox {{
    margin-top: 1.4em;
    padding: 8px 6px 6px 6px;
    border: 1px solid {COLORS["muted_border"]};
    border-radius: 4px;
}}
QGroupBox::title {{
    subcontrol-origin: margin;
    left: 8px;
    padding: 0 4px;
    font-weight: bold;
}}
QGroupBox[{SEALED}="true"] {{
    border: 2px solid {COLORS["sealed_border"]};
    background: {COLORS["sealed_bg"]};
}}
QGroupBox[{SEALED}="true"]::title {{
    color: {COLORS["sealed_title"]};
}}
*[{DEMO}="true"] {{
    background: {COLORS["demo_bg"]};
    color: {COLORS["demo_text"]};
    font-weight: bold;
    padding: 6px;
    border-bottom: 2px solid {COLORS["demo_text"]};
}}
"""


def palette() -> QPalette:
    """A light palette set explicitly, so a dark desktop theme cannot lower the contrast."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: COLORS["window"],
        QPalette.ColorRole.WindowText: COLORS["text"],
        QPalette.ColorRole.Base: COLORS["base"],
        QPalette.ColorRole.AlternateBase: COLORS["window"],
        QPalette.ColorRole.Text: COLORS["text"],
        QPalette.ColorRole.Button: COLORS["window"],
        QPalette.ColorRole.ButtonText: COLORS["text"],
        QPalette.ColorRole.ToolTipBase: COLORS["base"],
        QPalette.ColorRole.ToolTipText: COLORS["text"],
        QPalette.ColorRole.PlaceholderText: COLORS["muted_border"],
        QPalette.ColorRole.Highlight: COLORS["focus"],
        QPalette.ColorRole.HighlightedText: COLORS["highlight_text"],
    }
    for role, color in roles.items():
        pal.setColor(role, QColor(color))
    return pal


def apply_theme(app: QApplication) -> None:
    """Fusion style, the palette, an 11 pt system font and the stylesheet, for the whole app."""
    app.setStyle("Fusion")
    app.setPalette(palette())
    font = app.font()
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)


def set_flag(widget: QWidget, name: str, on: bool) -> None:
    """Set a dynamic property the stylesheet selects on, and re-apply the style (Qt does not by itself)."""
    widget.setProperty(name, bool(on))
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
