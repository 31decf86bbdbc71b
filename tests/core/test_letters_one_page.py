"""Issue 14: a one-page letter stays on one page per language; the closing never stands alone on a page."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from clinic.letters.compose import compose_letter
from clinic.letters.disclosure import Group
from clinic.letters.render import render_letter
from clinic.letters.sample import sample_request

TYPICAL = frozenset({Group.IDENTITY, Group.CONTACT})  # what most referrals share


def _pages(lang: str, groups=TYPICAL, layout: str = "sequence") -> list[str]:
    pdf = render_letter(compose_letter(sample_request(lang, layout, groups=groups)))
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_typical_letter_is_one_page_with_its_signature(lang):
    pages = _pages(lang)
    assert len(pages) == 1
    assert "Ana Ruiz" in pages[0] and ("Atentamente" in pages[0] or "Sincerely" in pages[0])


def test_both_languages_one_after_the_other_make_two_pages_one_each():
    pages = _pages("both")
    assert len(pages) == 2
    assert "Atentamente" in pages[0] and "Sincerely" in pages[1]
    assert "Página 1 de 1" in pages[0] and "Page 1 of 1" in pages[1]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_long_letter_never_leaves_the_closing_alone_on_the_last_page(lang):
    pages = _pages(lang, groups=frozenset(Group) - {Group.SEALED})
    assert len(pages) == 2
    last = pages[-1]
    assert "Ana Ruiz" in last
    closing_at = last.index("Gracias" if lang == "es" else "Thank you")
    assert len(last[:closing_at].strip()) > 40  # at least a row of the shared information comes with it
