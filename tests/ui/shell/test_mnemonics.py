"""Every screen, in each language: no two widgets share an Alt-letter, and no mnemonic leads nowhere."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from clinic.i18n import set_language
from tests.fixtures.app import unlock
from tests.fixtures.mnemonics import mnemonic, problems


def test_the_checker_finds_a_collision_and_a_dead_mnemonic(qtbot):
    from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

    w = QWidget()
    qtbot.addWidget(w)
    layout = QVBoxLayout(w)
    for text in ("&Save", "&Send", "S&top"):
        layout.addWidget(QPushButton(text))
    layout.addWidget(QLabel("&Lonely"))
    w.show()
    found = problems(w, "test")
    assert any("Alt+S" in p for p in found) and any("Lonely" in p for p in found)
    assert not any("Alt+T" in p for p in found)
    assert mnemonic("Fish && &Chips") == "c" and mnemonic("no mnemonic") is None


def _walk(qtbot, win, ctx, ui_template) -> list[str]:
    found = problems(win, "unlock screen")
    lang = QApplication.instance() and __import__("clinic.i18n").i18n.current_language()
    unlock(qtbot, win, "admin")
    win.switch_language(lang)  # the admin's own language is English
    for key, page in list(win.pages.items()):
        win.show_page(key)
        qtbot.waitUntil(page.isVisible, timeout=2000)
        found += problems(win, key)
    win.show_page("clients")
    ctx.signals.open_client.emit(ui_template.canary_id)
    found += problems(win, "client file")
    cases = win.pages["cases"]
    case_id = ctx.v.clients.get(ui_template.canary_id).cases[0].id
    cases.open_case(case_id)
    win.show_page("cases")
    found += problems(win, "case file")
    return found


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_screen_has_an_alt_letter_twice(qtbot, window, ctx, ui_template, lang):
    set_language(lang)
    ctx.signals.language_changed.emit(lang)
    window.unlock_screen.refresh()
    found = _walk(qtbot, window, ctx, ui_template)
    assert found == [], "\n".join(found)
