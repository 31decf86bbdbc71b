"""Load the letter code and its fonts in the background after unlock, once per process.

The first letter of a session otherwise pays for importing reportlab, registering the fonts and reading their
coverage (~500 ms here, against ~80 ms for every later letter). After unlock, once the first page has had
time to paint, one synthetic letter (no real person) is laid out on a worker and thrown away.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from ui.context import AppContext
from ui.kit.tasks import TaskHandle

log = logging.getLogger(__name__)

WARM_AFTER_MS = 1500
_warm = False  # reportlab and the fonts load once per process


def warm_letters_later(ctx: AppContext, owner: QWidget) -> None:
    """Schedule `warm_letters_now` for a moment after the workspace shows."""
    QTimer.singleShot(WARM_AFTER_MS, owner, lambda: warm_letters_now(ctx, owner))


def warm_letters_now(ctx: AppContext, owner: QWidget) -> TaskHandle | None:
    """Start the warm-up on the runner unless it ran already in this process or the vault is locked."""
    global _warm
    if _warm or ctx.vault is None:
        return None
    _warm = True
    import clinic

    return ctx.runner.run(clinic.warm_letters, owner=owner, on_done=lambda _ok: None,
                          on_error=lambda exc: log.warning("letters not warmed: %s", type(exc).__name__))
