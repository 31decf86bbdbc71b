"""Letters rendered one after another share only fonts, styles and classes: no client's text leaks into the next."""

from __future__ import annotations

import dataclasses
import io

import pypdf
import pytest

from clinic.letters.compose import compose_letter
from clinic.letters.disclosure import Group, collect_fields
from clinic.letters.render import render_letter
from clinic.letters.sample import sample_case, sample_client, sample_intake, sample_request


def letter_for(given: str, family: str, language: str, layout: str) -> bytes:
    client = dataclasses.replace(sample_client(), given_names=given, family_name_1=family, family_name_2="",
                                 preferred_name="", ref=f"CL-{family[:4].upper()}")
    langs = ("es", "en") if language == "both" else (language,)
    disclosed = {lang: collect_fields(frozenset(Group) - {Group.SEALED}, client=client, intake=sample_intake(),
                                      case=sample_case(), sealed_values={}, lang=lang) for lang in langs}
    request = dataclasses.replace(sample_request(), language=language, layout=layout, disclosed=disclosed)
    return render_letter(compose_letter(request))


def text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(("language", "layout"), [("es", "sequence"), ("en", "sequence"),
                                                   ("both", "sequence"), ("both", "side_by_side")])
def test_each_letter_in_a_row_holds_only_its_own_client(language, layout):
    first = letter_for("Primeraqx", "Alfaqx", language, layout)
    second = letter_for("Segundaqx", "Betaqx", language, layout)
    assert "Primeraqx" in text(first) and "Alfaqx" in text(first)
    assert "Segundaqx" not in text(first) and "Betaqx" not in text(first)
    assert "Segundaqx" in text(second) and "Betaqx" in text(second)
    assert "Primeraqx" not in text(second) and "Alfaqx" not in text(second)
    # The order letters are made in changes nothing: the first one made again is the same file.
    assert letter_for("Primeraqx", "Alfaqx", language, layout) == first
