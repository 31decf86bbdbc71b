"""The clinic-intake command: the desktop app when no command is given, the command line otherwise."""

from __future__ import annotations

import os
import sys

from clinic.cli import main as cli_main
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


def _gui(home: str | None) -> int:
    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    from ui.app import main as gui_main  # Qt is imported only when the app is wanted

    return gui_main(home=home)


def main(argv: list[str] | None = None) -> int:
    return cli_main(argv, gui=_gui)


if __name__ == "__main__":
    sys.exit(main())
