"""What this installation is made of: the versions a clinic is asked for when something breaks."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from clinic.version import __version__


def _dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def versions(qt: str | None = None) -> list[tuple[str, str]]:
    """(component, version) pairs. `qt` is the Qt runtime's own version when the UI knows it; the core
    never imports Qt, so otherwise the installed binding's version is given."""
    import reportlab
    import sqlcipher3

    conn = sqlcipher3.connect(":memory:")
    try:
        cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
        sqlite = conn.execute("SELECT sqlite_version()").fetchone()[0]
    finally:
        conn.close()
    frozen = " (bundle)" if getattr(sys, "frozen", False) else ""
    return [
        ("Clinic Intake", __version__ + frozen),
        ("SQLCipher", f"{cipher} (SQLite {sqlite})"),
        ("Qt", qt or _dist_version("PySide6-Essentials")),
        ("reportlab", reportlab.Version),
        ("keyring", _dist_version("keyring")),
        ("Python", f"{platform.python_version()} ({platform.machine()})"),
    ]


def version_text(qt: str | None = None) -> str:
    return "\n".join(f"{name} {value}" for name, value in versions(qt))
