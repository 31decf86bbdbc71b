"""`clinic-intake --self-test`: start the real app window, check the keyring and the catalogue, and quit.

For CI's smoke test of an installed wheel or the bundle, and for a clinic asking "does it work on this
laptop?". Prints one line per check; exit 0 when every check passed. Writes no client data anywhere: the
keyring check stores and deletes one probe entry.
"""

from __future__ import annotations

import os
import secrets

from clinic import Home, version_text

PROBE_SERVICE = "clinic-intake-self-test"


def _check_keyring() -> str:
    import keyring

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if "fail" in name or "null" in name:
        raise RuntimeError(f"no usable keyring backend ({name})")
    user, value = secrets.token_hex(8), secrets.token_hex(16)
    keyring.set_password(PROBE_SERVICE, user, value)
    try:
        if keyring.get_password(PROBE_SERVICE, user) != value:
            raise RuntimeError("the keyring did not give back what was stored")
    finally:
        keyring.delete_password(PROBE_SERVICE, user)
    return name


def _check_catalogue() -> str:
    from clinic.i18n import translator_for

    spanish = translator_for("es")
    text = spanish.gettext("That passphrase is not right. Check it and try again.")
    one, many = (spanish.ngettext("audit log chain ({n} entry)", "audit log chain ({n} entries)", n)
                 for n in (1, 1_000_000))
    if text.startswith("That passphrase") or not many or many.startswith("audit"):
        raise RuntimeError("the Spanish catalogue does not translate")
    return f"es ({text[:24]}…; {one!r}/{many!r})"


def _check_window(home: str | None) -> str:
    from PySide6.QtCore import QTimer, qVersion
    from PySide6.QtWidgets import QApplication

    from ui.app import Prefs, Shell
    from ui.context import AppContext
    from ui.kit import theme
    from ui.kit.tasks import TaskRunner

    app = QApplication.instance() or QApplication(["clinic-intake"])
    theme.apply_theme(app)
    ctx = AppContext(home=Home.resolve(home), runner=TaskRunner())
    shell = Shell(app, ctx, Prefs())
    shell.start()
    seen: list[str] = []

    def look() -> None:
        window = shell.window
        if window is not None and window.isVisible():
            seen.append(f"{type(window).__name__} '{window.windowTitle()}'")
            window.hide()
        app.quit()

    QTimer.singleShot(300, look)
    app.exec()
    if not seen:
        raise RuntimeError("no window was shown")
    return f"{seen[0]} on {QApplication.platformName()}, Qt {qVersion()}"


def run(home: str | None = None) -> int:
    failures = 0
    print(version_text())
    for name, check in (("catalogue", _check_catalogue), ("keyring", _check_keyring),
                        ("window", lambda: _check_window(home))):
        try:
            print(f"self-test {name}: ok {check()}")
        except Exception as exc:  # a check's failure is the report, never a traceback
            failures += 1
            print(f"self-test {name}: FAILED {type(exc).__name__}: {exc}")
    print("self-test: " + ("passed" if not failures else f"{failures} failed"))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(run(os.environ.get("CLINIC_HOME")))
