"""IdleWatcher: fires after the timeout without input, input postpones it, and it stops when told."""

import time

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

import ui.kit.idle
from ui.kit.idle import IdleWatcher


@pytest.fixture
def watcher(qapp):
    watcher = IdleWatcher()
    yield watcher
    watcher.stop()
    watcher.deleteLater()


@pytest.fixture
def field(qtbot):
    widget = QLineEdit()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_fires_after_the_timeout(qtbot, watcher):
    """With no input, went_idle is emitted once the timeout has passed, not before."""
    watcher.set_timeout_ms(300)
    started = time.monotonic()
    with qtbot.waitSignal(watcher.went_idle, timeout=3000):
        watcher.start()
    assert time.monotonic() - started >= 0.3
    assert not watcher.running


def test_input_postpones_it(qtbot, watcher, field):
    """Key presses and mouse clicks keep the watcher from firing; it fires once they stop."""
    fired = []
    watcher.went_idle.connect(lambda: fired.append(time.monotonic()))
    watcher.set_timeout_ms(400)
    watcher.start()
    end = time.monotonic() + 1.2
    while time.monotonic() < end:
        QTest.keyClick(field, Qt.Key.Key_A)
        qtbot.wait(60)
        QTest.mouseClick(field, Qt.MouseButton.LeftButton)
        qtbot.wait(60)
    assert fired == []
    last_input = time.monotonic()
    qtbot.waitUntil(lambda: len(fired) == 1, timeout=3000)
    assert fired[0] - last_input >= 0.3


def test_events_made_by_the_program_do_not_count(qtbot, watcher, field):
    """Synthetic (non-spontaneous) key events do not keep the app unlocked."""
    watcher.set_timeout_ms(300)
    fired = []
    watcher.went_idle.connect(lambda: fired.append(True))
    watcher.start()
    end = time.monotonic() + 2.0
    while not fired and time.monotonic() < end:
        event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
        QApplication.sendEvent(field, event)
        qtbot.wait(50)
    assert fired == [True]


def test_stop_prevents_firing(qtbot, watcher):
    """After stop(), nothing is emitted however long it stays idle."""
    watcher.set_timeout_ms(100)
    watcher.start()
    watcher.stop()
    with qtbot.assertNotEmitted(watcher.went_idle, wait=400):
        pass


def test_first_input_after_a_long_sleep_locks_and_is_swallowed(qtbot, watcher, field, monkeypatch):
    """Input arriving after the laptop slept longer than the timeout fires went_idle and is not typed."""
    watcher.set_timeout_minutes(5)
    clock = [1000.0]
    monkeypatch.setattr(ui.kit.idle, "_now", lambda: clock[0])
    watcher.start()
    clock[0] += 6 * 60  # asleep for six minutes: QTimer's clock did not move
    with qtbot.waitSignal(watcher.went_idle, timeout=1000):
        QTest.keyClick(field, Qt.Key.Key_X)
    assert field.text() == ""


def test_timeout_settings(qapp):
    """Minutes convert to milliseconds; a zero or negative timeout is refused."""
    watcher = IdleWatcher(timeout_minutes=5)
    assert watcher.timeout_ms == 300_000
    watcher.set_timeout_minutes(1)
    assert watcher.timeout_ms == 60_000
    with pytest.raises(ValueError):
        watcher.set_timeout_ms(0)
    watcher.deleteLater()
