"""Spanish plurals do not depend on the installed Babel: every plural message renders in Spanish, with a
non-empty form, for the numbers people see; and a language whose catalogue is missing is an error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from clinic import i18n

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import i18n as build_tool  # noqa: E402  (tools/i18n.py)

NUMBERS = (0, 1, 2, 5, 21, 1_000_000)


def _plural_messages() -> list[tuple[str, str]]:
    return sorted(msg.id for msg in build_tool.extract() if isinstance(msg.id, tuple))


def test_there_are_plural_messages_to_check():
    assert len(_plural_messages()) >= 5


def test_the_catalogue_carries_our_two_form_rule():
    header = (build_tool.OUT / "clinic.po").read_text(encoding="utf-8")
    assert f'"Plural-Forms: {i18n.PLURAL_FORMS["es"]}\\n"' in header


@pytest.mark.parametrize("n", NUMBERS)
def test_every_plural_message_renders_in_spanish(n):
    spanish = i18n.translator_for("es")
    english = []
    for singular, plural in _plural_messages():
        text = spanish.ngettext(singular, plural, n)
        if not text.strip() or text in (singular, plural):
            english.append(f"n={n}: {singular!r} -> {text!r}")
    assert english == []


def test_the_rule_picks_singular_only_for_one():
    singular, plural = _plural_messages()[0]
    spanish = i18n.translator_for("es")
    one = spanish.ngettext(singular, plural, 1)
    for n in (0, 2, 5, 21, 1_000_000):
        assert spanish.ngettext(singular, plural, n) != one or singular == plural


def _without_catalogue(monkeypatch, tmp_path, mo_bytes: bytes | None):
    if mo_bytes is not None:
        target = tmp_path / "es" / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "clinic.mo").write_bytes(mo_bytes)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translator_for.cache_clear()


@pytest.mark.parametrize("mo_bytes", [None, b"", b"not a catalogue at all" * 10], ids=["missing", "empty", "garbage"])
def test_a_missing_or_damaged_catalogue_is_an_error_not_english(monkeypatch, tmp_path, mo_bytes):
    before = i18n.current_language()
    try:
        _without_catalogue(monkeypatch, tmp_path, mo_bytes)
        with pytest.raises(i18n.CatalogueUnavailable) as caught:
            i18n.set_language("es")
        assert "reinstall" in caught.value.message and "vuelva a instalar" in caught.value.message
        assert i18n.current_language() == before
        assert i18n.translator_for("en").gettext("Save") == "Save"
    finally:
        monkeypatch.undo()
        i18n.translator_for.cache_clear()
