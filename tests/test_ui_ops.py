"""Vault work in the screens goes through ui/kit/ops.py (VaultOp/VaultJob/LocalOp): no hand-written
`try: ... except UserError:` blocks outside ui/kit."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[1] / "ui"

# Modules that still hand-write the block. THIS LIST MAY ONLY SHRINK: move a block to VaultOp/VaultJob,
# then take the module off (ui/intake and ui/incidents have none left).
STILL_HAND_WRITTEN = {
    "app.py",  # the excepthook and the top-level start: where a refusal before any screen exists is shown
    "referrals/batch.py",  # a letter the core refuses is counted and skipped, the batch goes on
}


def catches_user_error(source: str) -> list[int]:
    """Line numbers of every `except UserError` (alone, dotted, or in a tuple) in `source`."""
    def names(node) -> list[str]:
        if isinstance(node, ast.Tuple):
            return [n for e in node.elts for n in names(e)]
        if isinstance(node, ast.Attribute):
            return [node.attr]
        if isinstance(node, ast.Name):
            return [node.id]
        return []
    return [h.lineno for h in ast.walk(ast.parse(source))
            if isinstance(h, ast.ExceptHandler) and h.type is not None and "UserError" in names(h.type)]


def _allowed(rel: str) -> bool:
    return any(rel == a or (a.endswith("/") and rel.startswith(a)) for a in STILL_HAND_WRITTEN)


def test_no_screen_hand_writes_an_except_user_error():
    found = []
    for path in sorted(UI.rglob("*.py")):
        rel = path.relative_to(UI).as_posix()
        if rel.startswith("kit/") or _allowed(rel):
            continue
        found += [f"ui/{rel}:{line}" for line in catches_user_error(path.read_text(encoding="utf-8"))]
    assert found == [], "use ui.kit.ops.VaultOp/VaultJob (its .failure() for a field mark) instead"


def test_the_allowlist_only_names_modules_that_still_need_it():
    stale = []
    for entry in STILL_HAND_WRITTEN:
        paths = sorted((UI / entry).rglob("*.py")) if entry.endswith("/") else [UI / entry]
        if not any(p.exists() and catches_user_error(p.read_text(encoding="utf-8")) for p in paths):
            stale.append(entry)
    assert stale == [], f"no hand-written block left: take these off STILL_HAND_WRITTEN: {stale}"


def test_the_scan_finds_each_form():
    source = ("try:\n    x()\nexcept UserError:\n    pass\n"
              "try:\n    x()\nexcept (ValueError, errors.UserError) as e:\n    pass\n"
              "try:\n    x()\nexcept ValueError:\n    pass\n")
    assert catches_user_error(source) == [3, 7]
