"""The clinic-intake command: the desktop app when no command is given, the command line otherwise."""

from __future__ import annotations

import sys

from clinic.cli import main as cli_main


def _gui(home: str | None) -> int:
    from ui.app import main as gui_main  # Qt is imported only when the app is wanted

    return gui_main(home=home)


def main(argv: list[str] | None = None) -> int:
    return cli_main(argv, gui=_gui)


if __name__ == "__main__":
    sys.exit(main())
