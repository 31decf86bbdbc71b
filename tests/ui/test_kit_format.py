"""One family of formatters and one "not encrypted" warning, used by every screen."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

import ui.kit.format as fmt
from clinic.i18n import set_language
from ui.kit.dialogs import confirm_unencrypted

UI = Path(__file__).resolve().parents[2] / "ui"
OLD_NAMES = {"fmt_date", "fmt_moment", "fmt_size", "babel_locale"}


def test_dates_times_sizes_and_money_in_each_language():
    """The same values read as each language writes them."""
    moment = dt.datetime(2026, 3, 14, 22, 58)  # naive: already local time
    try:
        set_language("en")
        assert fmt.format_date(dt.date(1987, 3, 14)) == "Mar 14, 1987"
        assert fmt.format_when(moment) == "Mar 14, 2026, 10:58\u202fPM"
        assert (fmt.format_size(200), fmt.format_size(1536 * 1024)) == ("1 KB", "1.5 MB")
        assert fmt.format_money(1200) == "$1,200"
        set_language("es")
        assert fmt.format_date(dt.date(1987, 3, 14)) == "14 mar 1987"
        assert fmt.format_size(1536 * 1024) == "1,5 MB" and fmt.format_money(1200) == "$1,200"  # one money format in both languages (es_US)
        assert fmt.format_number(12345) == "12.345"
    finally:
        set_language("en")


def test_the_old_formatter_aliases_are_gone():
    """fmt_date, fmt_moment and fmt_size were aliases kept for old branches; nothing uses them now."""
    assert [name for name in ("fmt_date", "fmt_moment", "fmt_size") if hasattr(fmt, name)] == []


def test_no_screen_uses_the_old_formatter_names():
    """Every screen imports format_date/format_when/format_size, never the old fmt_* names."""
    users = []
    for path in UI.rglob("*.py"):
        if path.name == "format.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "ui.kit.format":
                users += [f"{path.relative_to(UI)}: {a.name}" for a in node.names if a.name in OLD_NAMES]
    assert users == []


def test_one_unencrypted_warning_for_every_save():
    """Only ui/kit/dialogs.py words the "will NOT be encrypted" warning; screens call confirm_unencrypted."""
    wording = [p.relative_to(UI).as_posix() for p in UI.rglob("*.py") if "NOT be encrypted" in p.read_text("utf-8")]
    assert wording == ["kit/dialogs.py"]


def test_the_warning_defaults_to_cancel_and_names_the_file(qtbot, monkeypatch):
    """Cancel is the default and Esc; the file is named as plain text; only Save returns True."""
    seen = {}

    def answer(box):
        seen.update(text=box.text(), default=box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel),
                    escape=box.escapeButton() is box.button(QMessageBox.StandardButton.Cancel),
                    plain=box.textFormat())
        return seen.get("reply", QMessageBox.StandardButton.Cancel)

    parent = QWidget()
    qtbot.addWidget(parent)
    monkeypatch.setattr(QMessageBox, "exec", answer)
    assert confirm_unencrypted(parent, "<b>carta</b>.pdf") is False
    assert "“<b>carta</b>.pdf”" in seen["text"] and "NOT be encrypted" in seen["text"]
    assert seen["default"] and seen["escape"] and seen["plain"] == Qt.TextFormat.PlainText
    seen["reply"] = QMessageBox.StandardButton.Save
    assert confirm_unencrypted(parent, "x.pdf") is True

