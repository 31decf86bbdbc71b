"""The desktop app makes no network calls: every socket call is traced with strace; only AF_UNIX may appear."""


import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.app import STAFF

REPO = Path(__file__).resolve().parents[3]
FORBIDDEN = re.compile(r"AF_INET6?|AF_NETLINK|AF_PACKET")

SESSION = """
import datetime as dt, sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from clinic import models as m
from clinic.home import Home
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.kit.tasks import TaskRunner
ctx = AppContext(home=Home.resolve(sys.argv[1]), runner=TaskRunner())
win = MainWindow(ctx)
win.show()
screen = win.unlock_screen
screen.names.setCurrentIndex(screen.names.findText(sys.argv[2]))
screen.passphrase.setText(sys.argv[3])
screen.try_unlock()
deadline = dt.datetime.now() + dt.timedelta(seconds=30)
while ctx.vault is None and dt.datetime.now() < deadline:
    app.processEvents()
assert ctx.vault is not None, "did not unlock"
receipt = ctx.vault.intakes.record(m.IntakeDraft(given_names="Rocío", family_name_1="Ibáñez",
                                                 date_of_birth=dt.date(1990, 1, 2), consent_to_store=True))
ctx.signals.changed.emit("clients")
ctx.signals.open_client.emit(receipt.client_id)
for _ in range(50):
    app.processEvents()
win.close()
ctx.runner.wait_idle(10_000)
print("session ok")
"""

STARTUP = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
QTimer.singleShot(1500, app.quit)
from ui.app import main
sys.exit(main(sys.argv[1]))
"""


def _traced(tmp_path: Path, script: str, *args: str, xvfb: bool = False
            ) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run `script` under strace (only the app is traced: with xvfb, the X server runs outside it)."""
    log = tmp_path / f"strace-{len(list(tmp_path.glob('strace-*')))}.log"
    env = dict(os.environ, QT_QPA_PLATFORM="xcb" if xvfb else "offscreen")
    command = ["strace", "-f", "-qq", "-e", "trace=%network", "-o", str(log), sys.executable, "-c", script, *args]
    if xvfb:
        command = ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24 -nolisten tcp", *command]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    return result, lines


pytestmark = pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")


def test_unlock_intake_and_search_make_no_network_calls(home, tmp_path):
    """Unlocking, recording an intake and opening the client's file: no AF_INET/AF_INET6/AF_NETLINK."""
    name, passphrase, _lang = STAFF["admin"]
    result, lines = _traced(tmp_path, SESSION, str(home.path), name, passphrase)
    assert result.returncode == 0 and "session ok" in result.stdout, result.stderr[-2000:]
    assert lines, "strace recorded nothing: the trace is not working"
    assert any("AF_UNIX" in line for line in lines)  # the keyring's D-Bus: proves calls are seen
    assert [line for line in lines if FORBIDDEN.search(line)] == []


def test_start_up_and_first_run_wizard_make_no_network_calls(tmp_path):
    """python -m ui.app's main() on an empty home (the first-run wizard): no network socket at all."""
    result, lines = _traced(tmp_path, STARTUP, str(tmp_path / "empty"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert [line for line in lines if FORBIDDEN.search(line)] == []


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_the_app_in_a_real_x_window_makes_no_network_calls(home, tmp_path):
    """The same session in a real window under Xvfb (the xcb platform): the X connection is AF_UNIX only."""
    name, passphrase, _lang = STAFF["admin"]
    result, lines = _traced(tmp_path, SESSION, str(home.path), name, passphrase, xvfb=True)
    assert result.returncode == 0 and "session ok" in result.stdout, result.stderr[-2000:]
    assert any("AF_UNIX" in line for line in lines)
    assert [line for line in lines if FORBIDDEN.search(line)] == []


PRINT = """
import os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
app = QApplication(sys.argv[:1])
if sys.argv[1] == "app":
    from ui.kit import printing
    QTimer.singleShot(500, lambda: [w.reject() for w in app.topLevelWidgets() if isinstance(w, QPrintDialog)])
    printing.ask_printer(None)   # Print...: the dialog opens, lists printers, and is cancelled
    print("print dialog ok", os.environ.get("CUPS_SERVER"))
else:                            # the control: Qt's print support as it is, without our pin
    printer = QPrinter()
    dialog = QPrintDialog(printer)
    QTimer.singleShot(500, dialog.reject)
    dialog.exec()
    print("print dialog ok")
"""


def test_print_dialog_talks_to_cups_only_through_its_local_socket(tmp_path, monkeypatch):
    """Pressing Print... lists this laptop's printers through CUPS's Unix socket: no AF_INET/AF_INET6 to
    localhost:631 or anywhere else (libcups does so by default, as the control run below shows)."""
    monkeypatch.delenv("CUPS_SERVER", raising=False)
    result, lines = _traced(tmp_path, PRINT, "app")
    assert result.returncode == 0 and "print dialog ok /" in result.stdout, result.stderr[-2000:]
    assert [line for line in lines if FORBIDDEN.search(line)] == []
    import ctypes.util

    if ctypes.util.find_library("cups"):  # the control: the same dialog without the pin does use TCP
        assert any("/cups" in line for line in lines if "AF_UNIX" in line)
        control, control_lines = _traced(tmp_path, PRINT, "control")
        assert control.returncode == 0, control.stderr[-2000:]
        assert any(FORBIDDEN.search(line) for line in control_lines)


def test_a_remote_print_server_is_refused_with_a_sentence(monkeypatch):
    from ui.kit.printing import RemotePrintServer, pin_local_print_server

    env = {"CUPS_SERVER": "printhost.example.org:631"}
    with pytest.raises(RemotePrintServer) as caught:
        pin_local_print_server(env)
    assert "CUPS_SERVER" in caught.value.message
    assert env == {"CUPS_SERVER": "printhost.example.org:631"}  # nothing changed, nothing printed
    for loopback in ("localhost", "127.0.0.1:631", ""):
        env = {"CUPS_SERVER": loopback} if loopback else {}
        pin_local_print_server(env)
        assert env["CUPS_SERVER"].startswith("/")
