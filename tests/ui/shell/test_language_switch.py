"""Issue 14: switching the language keeps the intake form where the person was (it used to jump down)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.fixtures.app import unlock


@pytest.mark.parametrize("field", ["given_names", "notes"])
def test_the_language_buttons_leave_the_form_where_it_was(qtbot, window, ctx, field):
    window.resize(1366, 708)
    unlock(qtbot, window, "volunteer")
    window.show_page("intake")
    page = window.pages["intake"]
    qtbot.waitUntil(page.isVisible, timeout=2000)
    getattr(page.form, field).setFocus()
    qtbot.wait(20)
    bar = page.scroll.verticalScrollBar()
    before = bar.value()
    for lang in ("es", "en"):
        qtbot.mouseClick(window.language_switch.buttons[lang], Qt.MouseButton.LeftButton)
        qtbot.wait(20)
        assert bar.value() == before, lang
    window.language_switch.buttons["es"].setFocus()
    qtbot.keyClick(window.language_switch.buttons["es"], Qt.Key.Key_Space)  # the keyboard way
    qtbot.wait(20)
    assert bar.value() == before and QApplication.focusWidget() is window.language_switch.buttons["es"]
