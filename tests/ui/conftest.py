"""Fixtures for widget tests: offscreen Qt, an immediate task runner, typing that survives accents."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

from collections.abc import Callable, Iterator  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from clinic.i18n import current_language, set_language  # noqa: E402
from ui.kit.tasks import ImmediateTaskRunner  # noqa: E402


@pytest.fixture
def immediate_runner(qapp) -> Iterator[ImmediateTaskRunner]:
    """A TaskRunner that runs each task at once on the calling thread."""
    runner = ImmediateTaskRunner()
    yield runner
    runner.deleteLater()


@pytest.fixture
def type_text(qtbot) -> Callable[[QWidget, str], None]:
    """type_text(widget, text): type like a person, accents included.

    qtbot.keyClicks aborts the process on lowercase accented letters (a Qt testlib assert), so non-ASCII
    characters go as text key events.
    """

    def type_(widget: QWidget, text: str) -> None:
        for ch in text:
            if ch.isascii() and ch.isprintable():
                qtbot.keyClicks(widget, ch)
            else:
                QTest.sendKeyEvent(
                    QTest.KeyAction.Click,
                    widget,
                    Qt.Key.Key_unknown,
                    ch,
                    Qt.KeyboardModifier.NoModifier,
                )

    return type_


@pytest.fixture
def spanish() -> Iterator[None]:
    """Run the test with the UI in Spanish."""
    previous = current_language()
    set_language("es")
    yield
    set_language(previous)
