"""Hostile text in every field of a letter prints literally, builds, fetches nothing and embeds nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic.letters.compose import compose_letter, default_filename
from clinic.letters.disclosure import Group, collect_fields
from clinic.letters.render import render_letter, render_recovery_kit
from clinic.letters.sample import sample_case, sample_client, sample_intake, sample_request
from clinic.models import Phone, SealedField
from tests.fixtures.hostile import CORPUS

FOOTER = re.compile(r"^(Confidential|Confidencial)( · Confidential)?( *(Page|Página) \d+ (of|de) \d+"
                    r"( · Page \d+ of \d+)?)?$")


@pytest.fixture(scope="module")
def png(tmp_path_factory):
    """A real image on disk: <img src> pointing at it must still embed nothing."""
    from PIL import Image

    path = tmp_path_factory.mktemp("img") / "pixel.png"
    Image.new("RGB", (4, 4), "red").save(path)
    return str(path)


def tool(name: str, pdf: bytes, *args: str) -> str:
    """A poppler tool's output for a PDF given on standard input."""
    return subprocess.run([name, *args, "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def pdf_text(pdf: bytes) -> str:
    """Text in drawing order, footers dropped, whitespace removed (wrapping adds line breaks)."""
    lines = tool("pdftotext", pdf, "-raw", "-enc", "UTF-8", "-").splitlines()
    return re.sub(r"\s+", "", "\n".join(line for line in lines if not FOOTER.match(line.strip())))


def assert_inert(pdf: bytes):
    """No link, annotation, image, embedded file, script or action anywhere in the PDF."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert "/Annots" not in page
        assert "/XObject" not in page["/Resources"]
    for marker in (b"/URI", b"/Annot", b"/Link", b"/XObject", b"/EmbeddedFile", b"/JavaScript",
                   b"/Launch", b"/OpenAction"):
        assert marker not in pdf, marker
    assert len(tool("pdfimages", pdf, "-list").splitlines()) == 2  # the header only


def hostile_request(text: str, language: str = "en", layout: str = "sequence"):
    """A letter with `text` in every field a person types, sealed fields included."""
    client = dataclasses.replace(
        sample_client(), ref=text, given_names=text, family_name_1=text, family_name_2=text,
        preferred_name=text, phones=(Phone(text, text, safe_to_call=False),), address=text)
    intake = dataclasses.replace(sample_intake(), notes=text)
    sealed = {f: text for f in SealedField}
    langs = ("es", "en") if language == "both" else (language,)
    disclosed = {lang: collect_fields(frozenset(Group), client=client, intake=intake, case=sample_case(),
                                      sealed_values=sealed, lang=lang) for lang in langs}
    return dataclasses.replace(
        sample_request(), language=language, layout=layout, disclosed=disclosed,
        clinic_name=text, clinic_address=text, clinic_phone=text, referral_ref=text,
        partner_name=text, partner_address=text, partner_phone=text, partner_email=text,
        coordinator_name=text, coordinator_title=text)


@pytest.mark.parametrize("text,expected", CORPUS, ids=lambda v: repr(v)[:40] if isinstance(v, str) else "")
def test_hostile_text_prints_literally(text, expected, png):
    """Markup, entities, any Latin script and control characters print as typed, nothing else."""
    text = text.replace("{png}", png)
    expected = [e.replace("{png}", png) for e in expected]
    pdf = render_letter(compose_letter(hostile_request(text)))
    assert_inert(pdf)
    found = pdf_text(pdf)
    for part in expected:
        assert re.sub(r"\s+", "", part) in found, part[:80]


@pytest.mark.parametrize("text", [t for t, _ in CORPUS], ids=lambda v: repr(v)[:40])
def test_hostile_text_builds_side_by_side_and_in_the_recovery_kit(text, png):
    """The same corpus builds in a bilingual side-by-side letter and the recovery kit, inert."""
    text = text.replace("{png}", png)
    assert_inert(render_letter(compose_letter(hostile_request(text, "both", "side_by_side"))))
    assert_inert(render_recovery_kit(clinic_name=text, vault_id=text, recovery_key=text[:60],
                                     created=dt.date(2026, 1, 1), lang="both"))


def test_markup_does_not_change_the_font_or_colour():
    """<font> and <b> in user text neither load a font nor colour anything."""
    pdf = render_letter(compose_letter(hostile_request('<font name="Courier" color="red">x</font><b>y')))
    fonts = tool("pdffonts", pdf)
    assert "Courier" not in fonts and "Helvetica" not in fonts
    assert b"1 0 0 rg" not in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()


@pytest.mark.parametrize("text", [t for t, _ in CORPUS], ids=lambda v: repr(v)[:40])
def test_default_filename_is_safe_for_any_reference(text):
    """Whatever the reference holds, the file name is plain ASCII with no path in it."""
    assert re.fullmatch(r"referral-[A-Za-z0-9_-]+\.pdf", default_filename(text))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_builds_and_stays_inert(text):
    """Random Unicode text in every field builds a letter without error, with nothing live in it."""
    pdf = render_letter(compose_letter(hostile_request(text, "both", "sequence")))
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert_inert(pdf)


LATIN = st.characters(min_codepoint=0x21, max_codepoint=0x24F,
                      exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zs"))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=LATIN, min_size=1, max_size=200))
def test_any_latin_text_prints_literally(text):
    """Random Latin-script text (letters, digits, symbols, markup characters) reads back as typed."""
    pdf = render_letter(compose_letter(hostile_request(text)))
    assert text in pdf_text(pdf)
