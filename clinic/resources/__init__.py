"""Files the app ships inside its package (fonts, translation catalogues), found with importlib.resources.

`path(*parts)` gives a real filesystem path: gettext and reportlab need one, and an installed wheel or a
PyInstaller bundle keeps these files as ordinary files beside the code.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def path(*parts: str) -> Path:
    """The path of a shipped resource, e.g. path("fonts", "DejaVuSans.ttf")."""
    node = files(__name__).joinpath(*parts)
    return Path(str(node))
