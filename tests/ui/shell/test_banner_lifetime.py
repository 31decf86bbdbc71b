"""A banner or dialog that is gone no longer answers the context's signals (its connections die with it)."""

from __future__ import annotations

import shiboken6

from ui.context import AppContext
from ui.shell.renewals import RenewalBanner


def test_a_deleted_renewal_banner_ignores_language_and_change_signals(qtbot, home, immediate_runner):
    ctx = AppContext(home, runner=immediate_runner)
    banner = RenewalBanner(ctx, lambda: None)
    shiboken6.delete(banner)
    ctx.signals.language_changed.emit("es")  # pytest-qt fails the test on an exception in a slot
    ctx.signals.changed.emit("plans")
    assert not shiboken6.isValid(banner)
