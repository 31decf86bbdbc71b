"""A complete example plan (the README's), shared by the preparedness tests."""

from __future__ import annotations

import json
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_plan_json() -> str:
    """The plan JSON exactly as the README shows it (the block after the `plan set` heading)."""
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- plan-example -->")
    block = text[start:].split("```json\n", 1)[1].split("\n```", 1)[0]
    return block + "\n"


def readme_plan() -> dict:
    return json.loads(readme_plan_json())
