"""The README's architecture tree names every package of the core and every screen folder (issue 8)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tree() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1]
    return section.split("```", 2)[1]


def test_every_package_and_top_module_is_in_the_readme_tree():
    tree = _tree()
    named = set(re.findall(r"([A-Za-z0-9_]+)(?:/|\.py)", tree))
    missing = []
    for top in ("clinic", "ui"):
        for child in sorted((ROOT / top).iterdir()):
            if child.is_dir() and (child / "__init__.py").exists() and child.name not in named:
                missing.append(f"{top}/{child.name}/")
            if child.suffix == ".py" and child.stem != "__init__" and child.stem not in named:
                missing.append(f"{top}/{child.name}")
    assert not missing, f"the README's architecture tree does not name: {missing}"
