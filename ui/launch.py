"""The clinic-intake command: the desktop app when no command is given, the command line otherwise."""

from __future__ import annotations

import os
import sys

from clinic import cli_main
from clinic.i18n import _

_HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")


def display_problem(environ=os.environ, platform: str = sys.platform) -> str | None:
    """One sentence when there is no graphical session to open a window on; None when there is one.

    Without it Qt aborts with a hint about libxcb-cursor0 that has nothing to do with the cause.
    """
    qpa = environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    if not platform.startswith("linux") or qpa in _HEADLESS_PLATFORMS:
        return None
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return _("Clinic Intake needs a graphical desktop session: no display was found (DISPLAY and "
             "WAYLAND_DISPLAY are not set), so start it from the laptop's desktop, not from a bare "
             "terminal or SSH.")


def _choose_keyring_when_frozen() -> None:
    """A frozen bundle has no package metadata, so keyring cannot discover its backends through entry
    points and would silently pick its `fail` backend. Name the platform's backend explicitly (an
    explicit PYTHON_KEYRING_BACKEND still wins, as tests use)."""
    if not getattr(sys, "frozen", False) or os.environ.get("PYTHON_KEYRING_BACKEND"):
        return
    import keyring

    if sys.platform.startswith("linux"):
        from keyring.backends import SecretService as backend
    elif sys.platform == "win32":
        from keyring.backends import Windows as backend  # Windows Credential Manager
    elif sys.platform == "darwin":
        from keyring.backends import macOS as backend  # the login Keychain
    else:
        return
    keyring.set_keyring(getattr(backend, "WinVaultKeyring", None) or backend.Keyring())


def _gui(home: str | None) -> int:
    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    from ui.app import main as gui_main  # Qt is imported only when the app is wanted

    return gui_main(home=home)


def _self_test(argv: list[str]) -> int:
    from ui.selftest import run

    home = None
    if "--home" in argv and argv.index("--home") + 1 < len(argv):
        home = argv[argv.index("--home") + 1]
    return run(home)


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # a frozen bundle's print workers (ui.kit.raster) start through here
    argv = sys.argv[1:] if argv is None else argv
    _choose_keyring_when_frozen()
    if "--self-test" in argv:
        return _self_test(argv)
    return cli_main(argv, gui=_gui)


if __name__ == "__main__":
    sys.exit(main())
