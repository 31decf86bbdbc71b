"""The plan's documents: the affidavit prefilled field for field, no sealed value or identity on any page,
hostile text printed literally, and the statute's wording with its warnings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess

import pypdf
import pytest

from clinic import models as m
from clinic.preparedness import compose, model, render
from tests.fixtures.hostile import CORPUS, MARKUP, NAMES
from tests.fixtures.pdf import pdf_text, tool
from tests.fixtures.preparedness_sample import readme_plan

TODAY = dt.date(2026, 12, 3)


CLINIC = compose.ClinicInfo("Clínica de Prueba", "213 555 0100")


KINDS = ("packet", "affidavit", "cards")


LANGS = ("es", "en", "both")


FOOTER = re.compile(r"^(Private: for the caregiver|Privado: para la persona que cuida)( · Cal\. Fam\. Code §§ 6550, "
                    r"6552)?( *((Page|Página) \d+ (of|de) \d+|\d+/\d+))?$")


def squeezed(pdf: bytes) -> str:
    """Text in drawing order, footers dropped, whitespace removed."""
    lines = tool("pdftotext", pdf, "-raw", "-enc", "UTF-8").splitlines()
    return re.sub(r"\s+", "", "\n".join(line for line in lines if not FOOTER.match(line.strip())))


def render_kind(plan: model.Plan, what: str, lang: str, today: dt.date = TODAY) -> bytes:
    if what == "packet":
        return render.render_packet(compose.compose_packet(plan, clinic=CLINIC, lang=lang, today=today))
    if what == "affidavit":
        return render.render_affidavit(compose.compose_affidavits(plan, lang=lang, today=today))
    return render.render_cards(compose.compose_cards(plan, clinic=CLINIC, lang=lang))


@pytest.fixture(scope="module")
def plan() -> model.Plan:
    return model.from_json(readme_plan())


def test_the_affidavit_is_prefilled_field_for_field(plan):
    """Items 1-8 carry, in order, the child's name and birth date and the caregiver's name, address,
    qualified-relative box, item 6 boxes, birth date and ID, exactly as in the plan."""
    pdf = render_kind(plan, "affidavit", "en")
    text = pdf_text(pdf)
    cg = plan.primary_caregiver
    for child in plan.minors(TODAY):
        expected = (
            f"1. Name of minor: {child.name} "
            f"2. Minor's birth date: {child.date_of_birth:%m/%d/%Y} "
            f"3. My name (adult giving authorization): {cg.name} "
            f"4. My home address: {cg.address} "
            f"5. ☒ I am a grandparent, aunt, uncle, or other qualified relative of the minor")
        assert expected in text, text[:1500]
        assert (f"7. My date of birth: {cg.date_of_birth:%m/%d/%Y} 8. My California driver's license or "
                f"identification card number: {cg.california_id}") in text
    assert text.count("☒ I have advised the parent(s)") == 2 and text.count("☐ I am unable to contact") == 2
    assert text.count("Caregiver's Authorization Affidavit") >= 2


def test_the_affidavit_boxes_follow_the_plan():
    """Not a relative, parents unreachable: item 5 unticked, item 6 'unable' ticked; nothing advised: both open."""
    base = model.from_json(readme_plan())
    plan = dataclasses.replace(base, parents_advised="unable",
                               primary_caregiver=dataclasses.replace(base.primary_caregiver,
                                                                     qualified_relative=False, california_id=""))
    text = pdf_text(render_kind(plan, "affidavit", "en"))
    assert "5. ☐ I am a grandparent" in text
    assert "☐ I have advised" in text and "☒ I am unable to contact" in text
    assert "identification card number: Warning" in text  # item 8 left as a blank line to fill by hand
    text = pdf_text(render_kind(dataclasses.replace(plan, parents_advised=""), "affidavit", "en"))
    assert "☒" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_affidavit_uses_the_statutes_words_and_warns_in_each_language(plan, lang):
    """The § 6552 wording, its perjury declaration and warning, the citation, and our notice (signed under
    penalty of perjury, not filed in court) in every language asked for."""
    text = pdf_text(render_kind(plan, "affidavit", lang))
    for words in (compose.FORM_AUTHORITY, compose.FORM_INSTRUCTIONS, compose.FORM_LEAD, compose.FORM_WARNING,
                  compose.FORM_DECLARATION, compose.ITEM_5, compose.ITEM_6_ADVISED, compose.ITEM_6_UNABLE,
                  *compose.FORM_NOTICES[1:], *(t for _h, ts in compose.FORM_ADDITIONAL for t in ts)):
        assert words.replace("\n", " ") in text, words[:60]
    assert "Cal. Fam. Code §§ 6550, 6552" in text
    if lang in ("es", "both"):
        assert "bajo pena de perjurio" in text and "No se presenta en el tribunal" in text
    if lang in ("en", "both"):
        assert "under penalty of perjury: sign only" in text and "It is not filed in court" in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_packet_carries_every_field_of_the_plan(plan, lang):
    """Every text of the plan is in the packet, in each language version."""
    text = squeezed(render_kind(plan, "packet", lang))
    values = [p.name for p in plan.parents] + [c.name for c in plan.children] + [
        plan.primary_caregiver.address, plan.primary_caregiver.california_id, plan.backup_caregiver.name,
        *(d.place for d in plan.documents), plan.guardian_nomination, plan.g28_holder,
        plan.power_of_attorney_holder, plan.numbers.consulate, plan.numbers.detainee_locator,
        plan.children_told, plan.money_property, plan.children[0].allergies_medications]
    for value in values:
        assert text.count(re.sub(r"\s+", "", value)) >= (2 if lang == "both" else 1), value
    if lang != "en":
        assert "Planpreparaciónfamiliar".lower() in text.lower().replace("de", "")


@pytest.mark.parametrize("lang", LANGS)
def test_wallet_cards_carry_rights_and_numbers_and_name_no_one(plan, lang):
    """Eight cards: the Fourth and Fifth Amendment statements, the clinic and hotline numbers; no name from
    the plan, no A-number, no status."""
    pdf = render_kind(plan, "cards", lang)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = pdf_text(pdf)
    if lang in ("en", "both"):
        assert text.count("Fourth Amendment") == (8 if lang == "en" else 4) * 2
        assert text.count("Fifth Amendment") == (8 if lang == "en" else 4)
    if lang in ("es", "both"):
        assert text.count("Quinta Enmienda") == (8 if lang == "es" else 4)
    assert text.count("213 555 0100") == 8 and text.count("213 555 0111") == 8
    names = [p.name for p in plan.parents] + [c.name for c in plan.children] + [
        plan.primary_caregiver.name, plan.backup_caregiver.name, "Lucía", "García", "A-", "A#"]
    assert [n for n in names if n in text] == []
    assert not re.search(r"\bA ?\d{8,9}\b", text)


SEALED_CANARIES = {f: f"Zzcanary{f.value.replace('_', '')}Qq" for f in m.SealedField}


@pytest.mark.parametrize("lang", LANGS)
def test_no_printed_page_carries_a_sealed_value(open_vault, lang):
    """A client with a canary in every sealed field: none of the three documents, printed through the
    vault by an attorney (who may read sealed values), carries any of them, nor the client's file's notes."""
    vault = open_vault("attorney")
    from tests.fixtures.core import sample_draft

    ref = vault.intakes.record(dataclasses.replace(sample_draft(), sealed=dict(SEALED_CANARIES),
                                                   notes="Zzcanarynotes")).client_ref
    vault.plans.set(ref, model.from_json(readme_plan()))
    for what in KINDS:
        pdf = vault.plans.print(ref, what=what, lang=lang).pdf
        text = squeezed(pdf)
        raw = pdf
        assert [v for v in SEALED_CANARIES.values() if v in text] == [], what
        assert b"Zzcanary" not in raw and "Zzcanary" not in text, what


def _every_text_field(value: str) -> model.Plan:
    """A plan with `value` in every text field (dates and booleans set so every item prints)."""
    cg = model.Caregiver(name=value, phone=value, relationship=value, qualified_relative=True,
                         date_of_birth=dt.date(1980, 1, 1), address=value, california_id=value)
    return model.Plan(
        parents=(model.Parent(value, value, value),),
        children=(model.Child(value, dt.date(2016, 5, 5), value, value, value),),
        primary_caregiver=cg, backup_caregiver=cg,
        documents=(model.DocumentPlace(value, value),),
        affidavit_signed=True, affidavit_date=dt.date(2026, 1, 1), parents_advised="both",
        guardian_nomination=value, g28_holder=value, power_of_attorney_holder=value,
        numbers=model.Numbers(value, value, value, value), children_told=value, money_property=value)


# Cards hold phone numbers (at most 60 characters each), so they get the short hostile strings.
SHORT = [t for t in MARKUP + NAMES if len(t) <= 60]


@pytest.mark.parametrize("what", KINDS)
@pytest.mark.parametrize("text, visible", [c for c in CORPUS if len(c[0]) <= 2000], ids=range(len(
    [c for c in CORPUS if len(c[0]) <= 2000])))
def test_hostile_text_in_every_field_renders_literally(png, what, text, visible):
    """Markup, other scripts, control characters and long words in every plan field print as typed (minus
    invisible characters), build, and embed no image, link or font other than ours."""
    if what == "cards" and text not in SHORT:
        pytest.skip("cards print only the numbers, which are at most 60 characters")
    text = text.replace("{png}", png)
    visible = [v.replace("{png}", png) for v in visible]
    plan = _every_text_field(text)
    pdf = render_kind(plan, what, "both" if what != "affidavit" else "en")
    found = squeezed(pdf)
    for v in visible:
        assert re.sub(r"\s+", "", v) in found, (what, v[:60])
    images = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True).stdout
    assert len(images.decode().splitlines()) == 2, "an image was embedded"
    assert b"/URI" not in pdf and b"/Link" not in pdf
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Helvetica" not in fonts and "Times" not in fonts


@pytest.fixture(scope="module")
def png(tmp_path_factory):
    from PIL import Image

    path = tmp_path_factory.mktemp("img") / "pixel.png"
    Image.new("RGB", (4, 4), "red").save(path)
    return str(path)


@pytest.mark.parametrize("what", KINDS)
def test_documents_have_blank_metadata_and_are_reproducible(plan, what):
    """No title, author or producer naming anyone or any software; the same plan gives the same bytes."""
    pdf = render_kind(plan, what, "both")
    assert pdf == render_kind(plan, what, "both")
    info = pypdf.PdfReader(io.BytesIO(pdf)).metadata or {}
    assert all(str(v) in ("", "/False") or str(v).startswith("D:") for v in info.values()), info
    assert b"ReportLab" not in pdf


@pytest.mark.parametrize("lang", LANGS)
def test_a_packet_page_never_starts_with_rows_cut_from_their_heading(plan, lang):
    """Each page starts with a title or a section heading: a caregiver's last rows alone at the top of
    page 2 read as someone else's (seen with pdftoppm, issue 12)."""
    import io

    from pypdf import PdfReader

    versions = compose.compose_packet(plan, clinic=CLINIC, lang=lang, today=TODAY)
    starts = {v.clinic for v in versions} | {s.heading for v in versions for s in v.sections}
    pages = PdfReader(io.BytesIO(render_kind(plan, "packet", lang))).pages
    assert len(pages) == 2 * len(versions)
    for number, page in enumerate(pages, start=1):
        first = page.extract_text().strip().splitlines()[0].strip()
        assert first in starts, (number, first)
