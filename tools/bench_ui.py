"""UI start-up figures for `make bench` (tools/bench.py runs this and appends its table): fresh processes.

    QT_QPA_PLATFORM=offscreen .ci/with-keyring .venv/bin/python tools/bench_ui.py

Measured now: the floor under the app's launch time, in a fresh interpreter each run (offscreen):
importing PySide6.QtWidgets, creating the QApplication, showing one QWidget, and the wall time from
spawning the process to that widget being shown. The first run is reported apart (colder caches);
p50/p95 are over the warm runs.

Not measurable yet: launch to the unlock window of the real app (target 1.0 s warm).
`measure_app_launch()` is the hook: it returns None while ui/app.py does not exist. Once it does, it
tries a provisional protocol (see its docstring); the UI owner may replace that with an explicit one.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
LAUNCH_TARGET = 1.0
TIMEOUT = 60

_FLOOR_CHILD = r"""
import json, time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
t1 = time.perf_counter()
app = QApplication([])
t2 = time.perf_counter()
w = QWidget()
w.setWindowTitle("Clinic Intake")
QVBoxLayout(w).addWidget(QLabel("Clinic Intake"))
w.resize(480, 320)
w.show()
app.processEvents()
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "qapp": t2 - t1, "show": t3 - t2}), flush=True)
"""

# Provisional: wrap QApplication.exec so that, once the event loop runs and a top-level window is
# visible, the child reports and quits. Works for any `main(home=...)` that ends in app.exec().
_APP_CHILD = r"""
import json, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

_exec = QApplication.exec

def _exec_and_report():
    def check():
        if any(w.isVisible() for w in QApplication.topLevelWidgets()):
            print(json.dumps({"shown": True}), flush=True)
            QApplication.quit()
        else:
            QTimer.singleShot(5, check)
    QTimer.singleShot(0, check)
    return _exec()

QApplication.exec = staticmethod(_exec_and_report)  # exec is static in Qt: app.exec() and QApplication.exec()
from ui.app import main
main(home=sys.argv[1])
"""


def _env() -> dict:
    return {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "PYTHONPATH": str(ROOT)}


def _spawn_until_line(code: str, *args: str) -> tuple[float, dict]:
    """Seconds from spawning `python -c code` to its first stdout line, and that line as JSON."""
    with tempfile.TemporaryFile("w+") as errors:  # a file, not a pipe: a chatty child cannot block
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=_env(),
                                stdout=subprocess.PIPE, stderr=errors, text=True)
        try:
            line = proc.stdout.readline()
            elapsed = time.perf_counter() - t
            try:
                proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                pass  # measured already; a child that does not quit is ended below
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        if not line:
            errors.seek(0)
            raise RuntimeError((errors.read() or "no output").strip()[-800:])
    return elapsed, json.loads(line)


def measure_floor(runs: int = RUNS) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"import": [], "qapp": [], "show": [], "launch": []}
    for _ in range(runs):
        elapsed, parts = _spawn_until_line(_FLOOR_CHILD)
        for key in ("import", "qapp", "show"):
            out[key].append(parts[key])
        out["launch"].append(elapsed)
    return out


def measure_app_launch(runs: int = RUNS) -> list[float] | None:
    """Launch to the unlock window of the real app, in seconds per run; None while ui/app.py is missing.

    TODO(ui): agree on an explicit hook with the UI owner (for example an environment variable that makes
    the app print a line and quit once the unlock window is shown). Until then, when ui/app.py exists,
    a child process wraps QApplication.exec to notice the first visible top-level window, runs
    `ui.app.main(home=...)` on a small vault made here, and the parent times spawn -> that moment.
    Returns None (and says why on stderr) when that protocol does not fit the app.
    """
    if not (ROOT / "ui" / "app.py").exists():
        return None
    sys.path.insert(0, str(ROOT))
    from clinic.home import Home
    from clinic.vault import Vault

    with tempfile.TemporaryDirectory(prefix="clinic-bench-ui-") as tmp:
        home = Home(Path(tmp) / "home")
        try:
            Vault.init(home, clinic_name="Bench", admin_name="Bench Admin",
                       passphrase="bench admin passphrase")[0].lock()
            return [_spawn_until_line(_APP_CHILD, str(home.path))[0] for _ in range(runs)]
        except Exception as exc:  # the provisional protocol may not fit the app: say so, measure nothing
            print(f"bench_ui: app launch not measured: {type(exc).__name__}: {exc}", file=sys.stderr)
            return None


BUNDLE = ROOT / "dist" / "clinic-intake" / "clinic-intake"


def measure_bundle_vs_source(runs: int = RUNS) -> tuple[list[float], list[float]] | None:
    """Seconds for `clinic-intake --self-test` to open the unlock window on a vault, check the keyring and
    the catalogue, and quit: from our venv (as `make run` starts it) and from the PyInstaller bundle.
    None when no bundle was built (`make dist`)."""
    if not BUNDLE.exists():
        return None
    from clinic.home import Home
    from clinic.vault import Vault

    def once(cmd: list[str], home: Path) -> float:
        t = time.perf_counter()
        subprocess.run([*cmd, "--self-test", "--home", str(home)], cwd=ROOT, env=_env(), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=TIMEOUT)
        return time.perf_counter() - t

    with tempfile.TemporaryDirectory(prefix="clinic-bench-bundle-") as tmp:
        home = Home(Path(tmp) / "home")
        Vault.init(home, clinic_name="Bench", admin_name="Bench Admin",
                   passphrase="bench admin passphrase")[0].lock()
        source = [once([sys.executable, "-m", "ui.launch"], home.path) for _ in range(runs)]
        bundle = [once([str(BUNDLE)], home.path) for _ in range(runs)]
    return source, bundle


def _ms(s: float) -> str:
    return f"{s * 1000:.0f} ms"


def _stats(values: list[float]) -> tuple[str, str, str]:
    first, warm = values[0], values[1:] or values
    p95 = statistics.quantiles(warm, n=100, method="inclusive")[94] if len(warm) > 1 else warm[0]
    return _ms(first), _ms(statistics.median(warm)), _ms(p95)


def main() -> int:
    floor = measure_floor()
    app = measure_app_launch()
    head = ("UI operation (fresh process, offscreen)", "first run", "p50 warm", "p95 warm", "target", "ok?")
    rows = [
        ("import PySide6.QtWidgets", *_stats(floor["import"]), "—", "info"),
        ("QApplication()", *_stats(floor["qapp"]), "—", "info"),
        ("one QWidget shown + events processed", *_stats(floor["show"]), "—", "info"),
        ("spawn -> QWidget shown (floor of app launch)", *_stats(floor["launch"]), "—", "info"),
    ]
    if app is None:
        rows.append(("launch -> unlock window (ui.app)", "—", "—", "—", f"≤ {LAUNCH_TARGET:.1f} s warm",
                     "not available yet (ui/app.py missing)" if not (ROOT / "ui" / "app.py").exists()
                     else "not measured (see stderr)"))
    else:
        first, p50, p95 = _stats(app)
        warm95 = statistics.quantiles(app[1:], n=100, method="inclusive")[94] if len(app) > 2 else app[-1]
        rows.append(("launch -> unlock window (ui.app)", first, p50, p95, f"≤ {LAUNCH_TARGET:.1f} s warm",
                     "ok" if warm95 <= LAUNCH_TARGET else "MISSED"))
    both = measure_bundle_vs_source()
    if both is None:
        rows.append(("bundle --self-test (unlock window, quit)", "—", "—", "—", "≤ 2x venv",
                     "not measured: run make dist first"))
    else:
        source, bundle = both
        rows.append(("venv --self-test (unlock window, quit)", *_stats(source), "—", "info"))
        ratio = statistics.median(bundle[1:] or bundle) / statistics.median(source[1:] or source)
        rows.append((f"bundle --self-test ({ratio:.2f}x venv)", *_stats(bundle), "≤ 2x venv",
                     "ok" if ratio <= 2.0 else "MISSED"))
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    print(" | ".join(c.ljust(w) for c, w in zip(head, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print(f"({RUNS} runs each; p50/p95 over runs 2..{RUNS})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
