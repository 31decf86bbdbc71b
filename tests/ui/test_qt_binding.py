"""The Qt binding itself: a broken PySide6 build must fail here, not crash a volunteer's session."""

import sys

from PySide6.QtWidgets import QLabel


def test_void_calls_do_not_leak_references_to_none(qtbot):
    """20,000 setText calls leave None's reference count where it was (PySide6 6.12.0 on 3.11 drops it)."""
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        label.setText("a")
    assert abs(sys.getrefcount(None) - before) < 100
