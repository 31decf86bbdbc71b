"""Spanish wherever a person reads: every string in clinic/ and ui/ has a translation with the same
placeholders, and the catalogue the app loads is the one the fragments build."""

from __future__ import annotations

import string
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import i18n  # noqa: E402  (tools/i18n.py builds the catalogue)

FRAGMENTS = sorted((ROOT / "clinic" / "resources" / "translations" / "es").glob("*.po"))


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_string_has_a_spanish_translation():
    """Extracting clinic/ and ui/ finds no msgid without Spanish in the fragments."""
    assert i18n.build() == []


def test_placeholders_match_in_every_translation():
    """Each Spanish string names exactly the placeholders its English source names."""
    wrong = []
    for path in FRAGMENTS:
        with path.open("rb") as f:
            for msg in read_po(f, locale="es"):
                if not msg.id or not msg.string:
                    continue
                ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
                strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
                expected = set().union(*(_fields(i) for i in ids))
                for s in strings:
                    if s and _fields(s) != expected:
                        wrong.append(f"{path.name}: {ids[0]!r}")
    assert wrong == []


def test_fragments_agree_with_each_other():
    """A msgid translated in two fragments is translated the same way (the last one would win silently)."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in FRAGMENTS:
        with path.open("rb") as f:
            for msg in read_po(f, locale="es"):
                if msg.id and isinstance(msg.id, str) and msg.string:
                    if msg.id in seen and seen[msg.id][1] != msg.string:
                        clashes.append(f"{msg.id!r}: {seen[msg.id][0]} vs {path.name}")
                    seen.setdefault(msg.id, (path.name, msg.string))
    assert clashes == []


def test_the_compiled_catalogue_translates_at_runtime():
    """The .mo the app loads turns a core sentence into Spanish."""
    from clinic.i18n import translator_for

    spanish = translator_for("es")
    assert spanish.gettext("That passphrase is not right. Check it and try again.") != \
        "That passphrase is not right. Check it and try again."
