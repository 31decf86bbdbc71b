"""The memory row of `make bench` (tools/bench_core.py runs it in a fresh process, on a scratch vault).

    python tools/bench_memory.py HOME    -> {"VmRSS": bytes, "VmHWM": bytes}
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import benchlib as lib

from clinic.home import Home
from clinic.vault import Vault

ADMIN, PASSPHRASE = lib.ADMIN, lib.PASSPHRASE


def memory_probe(home: str) -> None:
    """Run in a fresh process: the desktop app's main window (offscreen) unlocked on the vault, the client
    list's first page, searches typed into its box, a client's file opened; print RSS figures as JSON."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.context import AppContext
    from ui.kit.tasks import ImmediateTaskRunner
    from ui.main_window import MainWindow

    app = QApplication([])
    ctx = AppContext(home=Home(Path(home)), runner=ImmediateTaskRunner())
    window = MainWindow(ctx)
    window.resize(1280, 800)
    window.show()
    window.enter(Vault.unlock(ctx.home, ADMIN, PASSPHRASE))
    window.show_page("clients")
    page = window.pages["clients"]
    for _ in range(20):
        app.processEvents()
    for q in ("garcia", "maria hernandez", "lop", "rodrig", "jose luis"):
        page.search.setText(q)
        page.refresh()
        app.processEvents()
    first = ctx.vault.clients.page(None, 1)[0][0]
    ctx.signals.open_client.emit(first.id)
    for _ in range(20):
        app.processEvents()
    status = Path("/proc/self/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    print(json.dumps({k: int(fields[k].split()[0]) * 1024 for k in ("VmRSS", "VmHWM")}))
    window.lock()


if __name__ == "__main__":
    memory_probe(sys.argv[1])
