"""Notices when nobody has touched the keyboard, mouse or screen for a while, so the app can lock."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
        QEvent.Type.TabletRelease,
    }
)
MAX_CHECK_MS = 15_000

# Time that keeps running while the laptop sleeps (QTimer's monotonic clock does not on Linux), so
# input after a long suspend counts as idle and a timer check soon after resume locks.
_CLOCK = getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC)


def _now() -> float:
    return time.clock_gettime(_CLOCK)


class IdleWatcher(QObject):
    """Emits `went_idle` once when no person's input arrived for the timeout; then stops until start().

    Only input from the window system counts (spontaneous events): a program generating events does not
    keep the app unlocked.
    """

    went_idle = Signal()

    def __init__(self, parent: QObject | None = None, *, timeout_minutes: float = 5):
        super().__init__(parent)
        self._timeout_s = 0.0
        self._last_input = _now()
        self._running = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check)
        self.set_timeout_minutes(timeout_minutes)

    @property
    def running(self) -> bool:
        return self._running

    @property
    def timeout_ms(self) -> int:
        return round(self._timeout_s * 1000)

    def set_timeout_minutes(self, minutes: float) -> None:
        self.set_timeout_ms(round(minutes * 60_000))

    def set_timeout_ms(self, ms: int) -> None:
        """Raises ValueError below 1 ms: there is no "never lock"."""
        if ms < 1:
            raise ValueError("the idle timeout must be positive")
        self._timeout_s = ms / 1000
        # Check a few times per timeout, so it fires at most a quarter (15 s at most) late.
        self._timer.setInterval(max(1, min(MAX_CHECK_MS, ms // 4)))

    def start(self) -> None:
        """Start watching from now (after unlocking)."""
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("IdleWatcher needs a QApplication")
        app.removeEventFilter(self)
        app.installEventFilter(self)
        self._last_input = _now()
        self._running = True
        self._timer.start()

    def stop(self) -> None:
        self._running = False
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._running and event.type() in _INPUT and event.spontaneous():
            now = _now()
            if now - self._last_input >= self._timeout_s:
                self._fire()  # back after a sleep longer than the timeout: lock, and swallow this input
                return True
            self._last_input = now
        return False

    def _check(self) -> None:
        if self._running and _now() - self._last_input >= self._timeout_s:
            self._fire()

    def _fire(self) -> None:
        self.stop()
        self.went_idle.emit()
