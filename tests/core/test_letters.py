"""Referral letter PDFs read back: what they disclose, what they never do, how they look to a machine."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess
import sys

import pypdf
import pytest

from clinic.letters.compose import compose_letter, default_filename
from clinic.letters.disclosure import Group, allowed_groups, collect_fields
from clinic.letters.render import render_letter, render_recovery_kit
from clinic.letters.sample import sample_case, sample_client, sample_intake, sample_request
from clinic.models import CaseStatus, Need, Phone, SealedField, Urgency

ALL = frozenset(Group)
FOOTER = re.compile(r"^(Confidential|Confidencial)( · Confidential)?( *(Page|Página) \d+ (of|de) \d+"
                    r"( · Page \d+ of \d+)?)?$")

# Distinctive values per group: each must appear exactly when its group is disclosed.
CLIENT = dataclasses.replace(
    sample_client(), ref="CL-IDQX", given_names="Idgivenqx", family_name_1="Idfamqx", family_name_2="",
    preferred_name="Idprefqx", date_of_birth=dt.date(1931, 2, 3),
    phones=(Phone("555-0142", "Ctlabelqx", safe_to_call=False),), address="12 Ctaddrqx Lane",
    language="pt", interpreter_needed=True)
INTAKE = dataclasses.replace(
    sample_intake(), household_size=37, annual_income=98765, needs=(Need.FOOD,),
    urgency=Urgency.URGENT, next_date=dt.date(2029, 9, 19), detained_family_member=True,
    notes="Notesqx: the intake notes.")
CASE = dataclasses.replace(sample_case(), status=CaseStatus.CLOSED, need=Need.HOUSING, next_date=None)
SEALED = {f: f"Sealqx{i}" for i, f in enumerate(SealedField)}
CANARIES = {
    Group.IDENTITY: ["Idgivenqx", "Idfamqx", "Idprefqx", "CL-IDQX", "1931"],
    Group.CONTACT: ["555-0142", "Ctlabelqx", "Ctaddrqx", "Portuguese"],
    Group.HOUSEHOLD: ["98,765"],
    Group.NEEDS: ["hearing within days", "2029"],
    Group.CASE_SUMMARY: ["Notesqx", "Closed"],
    Group.SEALED: list(SEALED.values()),
}


def request(groups=ALL - {Group.SEALED}, language="en", layout="sequence", sealed=None, **changes):
    """A letter about the canary client; pass `sealed` to hand over sealed values."""
    langs = ("es", "en") if language == "both" else (language,)
    disclosed = {lang: collect_fields(frozenset(groups), client=changes.pop("client", CLIENT),
                                      intake=INTAKE, case=CASE, sealed_values=sealed or {}, lang=lang)
                 for lang in langs}
    return dataclasses.replace(sample_request(), language=language, layout=layout, need=Need.OTHER,
                               disclosed=disclosed, **changes)


def raw_text(pdf: bytes) -> str:
    """All the text, in drawing order (-raw)."""
    return tool("pdftotext", pdf, "-raw", "-enc", "UTF-8", "-")


def pdf_text(pdf: bytes) -> str:
    """The text without page footers, so a value split over two pages reads whole."""
    return "\n".join(line for line in raw_text(pdf).splitlines() if not FOOTER.match(line.strip()))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def tool(name: str, pdf: bytes, *args: str) -> str:
    """A poppler tool's output for a PDF given on standard input."""
    return subprocess.run([name, *args, "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def assert_inert(pdf: bytes):
    """No link, annotation, image, embedded file, script or action anywhere in the PDF."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert "/Annots" not in page
        assert "/XObject" not in page["/Resources"]
    for marker in (b"/URI", b"/Annot", b"/Link", b"/XObject", b"/EmbeddedFile", b"/JavaScript",
                   b"/Launch", b"/OpenAction"):
        assert marker not in pdf, marker
    listing = tool("pdfimages", pdf, "-list").splitlines()
    assert len(listing) == 2, listing  # the two header lines only


def assert_blank_metadata(pdf: bytes):
    """pdfinfo lists no value for any identifying field; nothing names the software."""
    info = dict(line.split(":", 1) for line in tool("pdfinfo", pdf).splitlines() if ":" in line)
    for key in ("Title", "Author", "Subject", "Creator", "Producer", "Keywords"):
        assert info.get(key, "").strip() == "", key
    assert b"ReportLab" not in pdf and b"anonymous" not in pdf


@pytest.mark.parametrize("groups", [frozenset({g}) for g in Group if g is not Group.SEALED]
                         + [ALL - {Group.SEALED}, frozenset()],
                         ids=lambda groups: "+".join(sorted(g.value for g in groups)) or "none")
def test_letter_shows_exactly_the_disclosed_groups(groups):
    """Every disclosed value is in the PDF text and no canary of an undisclosed group is."""
    req = request(groups)
    text = squash(pdf_text(render_letter(compose_letter(req))))
    for field in req.disclosed["en"]:
        assert squash(field.value) in text, field
    for group, canaries in CANARIES.items():
        for canary in canaries:
            assert (squash(canary) in text) == (group in groups), (group, canary)


@pytest.mark.parametrize("legal,approved", [(False, False), (False, True), (True, False)])
def test_sealed_values_never_reach_a_partner_that_may_not_have_them(legal, approved):
    """Whatever is ticked, sealed values stay out unless legal partner and attorney approval."""
    groups = allowed_groups(ALL, legal, ALL, approved)
    text = squash(pdf_text(render_letter(compose_letter(request(groups, "both", sealed=SEALED)))))
    assert "Idgivenqx" in text
    assert not any(value in text for value in SEALED.values())


def test_sealed_values_reach_an_approved_legal_partner():
    """With a legal partner and attorney approval, sealed values are printed in both languages."""
    groups = allowed_groups(ALL, True, ALL, True)
    text = pdf_text(render_letter(compose_letter(request(groups, "both", sealed=SEALED))))
    for value in SEALED.values():
        assert squash(text).count(value) == 2


def test_metadata_is_blank_and_the_font_embedded():
    """pdfinfo shows no author, creator, producer, title, subject or keywords; fonts are embedded."""
    pdf = render_letter(compose_letter(request(language="both")))
    assert_blank_metadata(pdf)
    fonts = tool("pdffonts", pdf).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    assert any("DejaVuSans" in line for line in fonts)


def test_rendering_is_deterministic():
    """The same letter renders to the same bytes (no print time, no random id)."""
    req = request()
    assert render_letter(compose_letter(req)) == render_letter(compose_letter(req))


def test_spanish_letter_is_in_spanish():
    """A Spanish letter has Spanish body text, labels, footer and a Spanish long date."""
    text = pdf_text(render_letter(compose_letter(request(language="es"))))
    assert "21 de noviembre de 2026" in text
    assert "Les pedimos que" in text and "Nombre completo" in text
    assert "Confidencial" in raw_text(render_letter(compose_letter(request(language="es"))))
    assert "We ask you" not in text and "November" not in text


def test_english_letter_is_in_english():
    """An English letter has English text and an English date, no Spanish."""
    text = pdf_text(render_letter(compose_letter(request(language="en"))))
    assert "November 21, 2026" in text and "We ask you" in text
    assert "noviembre" not in text and "Les pedimos" not in text


@pytest.mark.parametrize("layout", ["sequence", "side_by_side"])
def test_both_languages_carry_both_versions(layout):
    """'both' holds the Spanish and the English letter, in sequence or side by side."""
    pdf = render_letter(compose_letter(request(language="both", layout=layout)))
    text = pdf_text(pdf)
    for phrase in ("21 de noviembre de 2026", "November 21, 2026", "Les pedimos que", "We ask you",
                   "Asunto: referido RF-8K3D", "Re: referral RF-8K3D"):
        assert phrase in text, phrase
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    single = len(pypdf.PdfReader(io.BytesIO(render_letter(compose_letter(request())))).pages)
    if layout == "sequence":
        assert pages == 2 * single  # each version starts on a new page
    else:  # never longer than the two letters one after the other (equal since those fit a page each)
        assert pages <= 2 * single


def test_sequence_numbers_each_language_on_its_own():
    """In 'sequence', each version counts its own pages, in its own language."""
    pdf = render_letter(compose_letter(request(language="both", layout="sequence")))
    raw = raw_text(pdf)
    per_version = len(pypdf.PdfReader(io.BytesIO(pdf)).pages) // 2
    for page in range(1, per_version + 1):
        assert f"Página {page} de {per_version}" in raw and f"Page {page} of {per_version}" in raw


def test_the_client_name_is_in_no_reference_or_file_name():
    """The reference line and default file name use the referral reference, not the client's name."""
    content = compose_letter(request(language="both"))
    for version in content.versions:
        assert "Idgivenqx" not in version.reference and "RF-8K3D" in version.reference
    assert default_filename("RF-8K3D") == "referral-RF-8K3D.pdf"
    assert default_filename("../../etc/passwd") == "referral-etc-passwd.pdf"
    assert default_filename("") == "referral-letter.pdf"


def test_request_rejects_a_language_without_fields():
    """A 'both' letter needs fields collected for both languages."""
    with pytest.raises(ValueError):
        dataclasses.replace(request(language="es"), language="both")


def test_reportlab_is_not_imported_until_rendering():
    """Importing the letters package and disclosure does not import reportlab (start-up cost)."""
    code = ("import sys, clinic.letters.disclosure, clinic.letters.compose, clinic.letters.render; "
            "sys.exit('reportlab' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_rendering_writes_no_file():
    """Rendering opens nothing for writing: letters live in memory only."""
    render_letter(compose_letter(request()))  # fonts registered and read before watching
    writes = []

    def hook(event, args):
        if watching and event == "open" and len(args) > 1 and isinstance(args[1], str) \
                and any(m in args[1] for m in "wax+"):
            writes.append(args[0])
        if watching and event == "open" and len(args) > 2 and isinstance(args[2], int) \
                and args[2] & 0o3:  # os.open with O_WRONLY or O_RDWR
            writes.append(args[0])

    watching = True
    sys.addaudithook(hook)
    try:
        render_letter(compose_letter(request(language="both", layout="side_by_side")))
        render_recovery_kit(clinic_name="C", vault_id="v", recovery_key="ABCDE", created=dt.date.today(),
                            lang="both")
    finally:
        watching = False
    assert writes == []


def test_recovery_kit_holds_the_key_exactly_on_one_page():
    """The recovery kit prints the key verbatim, on one page, in each language asked for."""
    key = "7K2QX-M9PDA-4TRW8-ZB3NE-Q8HV1-KX5T0-9WJCM-P2DRS"
    for lang, phrase in (("es", "Clave de recuperación"), ("en", "Recovery key"), ("both", "Recovery kit")):
        pdf = render_recovery_kit(clinic_name="Clínica Łódź", vault_id="v-3f9a2c", recovery_key=key,
                                  created=dt.datetime(2026, 11, 21, 9, 0), lang=lang)
        text = raw_text(pdf)
        assert key in text and phrase in text and "Clínica Łódź" in text
        assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
        assert_blank_metadata(pdf)
        assert_inert(pdf)


def test_recovery_kit_both_is_bilingual():
    """The bilingual kit carries both languages' explanations."""
    pdf = render_recovery_kit(clinic_name="C", vault_id="v", recovery_key="ABCDE-FGHJK",
                              created=dt.date(2026, 11, 21), lang="both")
    text = raw_text(pdf)
    assert "Dónde guardarla" in text and "Where to keep it" in text
    assert "21 de noviembre de 2026" in text and "November 21, 2026" in text


def test_a_plain_letter_is_inert():
    """An ordinary letter has no link, image or annotation (the check itself is sound)."""
    assert_inert(render_letter(compose_letter(request(language="both"))))


def test_inert_check_catches_a_link():
    """The inertness check fails on a PDF that does have a link, so it can catch a regression."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    buf = io.BytesIO()
    SimpleDocTemplate(buf).build([Paragraph('<a href="http://example.com/">x</a>',
                                            getSampleStyleSheet()["Normal"])])
    with pytest.raises(AssertionError):
        assert_inert(buf.getvalue())
