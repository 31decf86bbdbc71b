"""Turn a preparedness plan into the words of its packet, affidavit and wallet cards; pure, no I/O.

Every string is plain text, never markup: the renderer escapes it. Nothing here reads a sealed value, an
immigration status or an A-number; the plan has no field for them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from clinic.i18n import N_, _, using_language
from clinic.letters.compose import FieldRow, FieldSection
from clinic.letters.disclosure import long_date
from clinic.preparedness.model import Caregiver, Child, Plan, label

_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class ClinicInfo:
    name: str
    phone: str


def languages(lang: str) -> tuple[str, ...]:
    if lang not in ("es", "en", "both"):
        raise ValueError("lang must be es, en or both")
    return ("es", "en") if lang == "both" else (lang,)


def default_filename(what: str, client_ref: str) -> str:
    """A file name from the kind and the client's reference only: never a name."""
    safe = _FILENAME_UNSAFE.sub("-", client_ref).strip("-") or "plan"
    return f"{what}-{safe}.pdf"


# ----- the caregiver packet ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PacketVersion:
    lang: str
    clinic: str
    title: str
    intro: tuple[str, ...]
    sections: tuple[FieldSection, ...]
    grown_note: str  # said when children have left the plan at 18; empty otherwise
    footer: str
    page_label: str


def compose_packet(plan: Plan, *, clinic: ClinicInfo, lang: str, today: dt.date) -> tuple[PacketVersion, ...]:
    return tuple(_packet(plan, clinic, code, today) for code in languages(lang))


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _date(value: dt.date | None, lang: str) -> str:
    return long_date(value, lang) if value else ""


def _caregiver_rows(cg: Caregiver, lang: str) -> tuple[FieldRow, ...]:
    rows = [FieldRow(label("name"), cg.name), FieldRow(label("phone"), cg.phone),
            FieldRow(label("relationship"), cg.relationship),
            FieldRow(label("qualified_relative"), _yes_no(cg.qualified_relative)),
            FieldRow(label("date_of_birth"), _date(cg.date_of_birth, lang)),
            FieldRow(label("address"), cg.address),
            FieldRow(label("california_id"), cg.california_id)]
    return tuple(r for r in rows if r.value.strip())


def _child_rows(c: Child, lang: str) -> tuple[FieldRow, ...]:
    rows = [FieldRow(label("name"), c.name), FieldRow(label("date_of_birth"), _date(c.date_of_birth, lang)),
            FieldRow(label("school"), c.school),
            FieldRow(label("allergies_medications"), c.allergies_medications),
            FieldRow(label("doctor"), c.doctor)]
    return tuple(r for r in rows if r.value.strip())


ADVISED_LABELS = {
    "": N_("Not stated"),
    "advised": N_("The parents were told and did not object"),
    "unable": N_("The parents could not be reached"),
    "both": N_("One parent was told; the other could not be reached"),
}


def _packet(plan: Plan, clinic: ClinicInfo, lang: str, today: dt.date) -> PacketVersion:
    with using_language(lang):
        sections: list[FieldSection] = []
        for i, p in enumerate(plan.parents):
            rows = tuple(r for r in (FieldRow(label("name"), p.name), FieldRow(label("phone"), p.phone),
                                     FieldRow(label("relationship"), p.relationship)) if r.value.strip())
            if rows:
                sections.append(FieldSection(_("Parent or guardian {n}").format(n=i + 1), rows))
        for i, c in enumerate(plan.minors(today)):
            sections.append(FieldSection(_("Child {n}").format(n=i + 1), _child_rows(c, lang)))
        for role in ("primary_caregiver", "backup_caregiver"):
            cg = getattr(plan, role)
            if not cg.empty:
                sections.append(FieldSection(label(role), _caregiver_rows(cg, lang)))
        if plan.documents:
            sections.append(FieldSection(label("documents"), tuple(
                FieldRow(d.document or _("Document"), d.place) for d in plan.documents)))
        legal = [FieldRow(label("affidavit_signed"), _yes_no(plan.affidavit_signed)),
                 FieldRow(label("affidavit_date"), _date(plan.affidavit_date, lang)),
                 FieldRow(label("parents_advised"), _(ADVISED_LABELS[plan.parents_advised])),
                 FieldRow(label("guardian_nomination"), plan.guardian_nomination),
                 FieldRow(label("g28_holder"), plan.g28_holder),
                 FieldRow(label("power_of_attorney_holder"), plan.power_of_attorney_holder)]
        sections.append(FieldSection(_("Papers and who holds them"), tuple(r for r in legal if r.value.strip())))
        numbers = [FieldRow(label(k), getattr(plan.numbers, k))
                   for k in ("clinic", "hotline", "consulate", "detainee_locator")]
        numbers = [r for r in numbers if r.value.strip()]
        if numbers:
            sections.append(FieldSection(label("numbers"), tuple(numbers)))
        notes = [FieldRow(label("children_told"), plan.children_told),
                 FieldRow(label("money_property"), plan.money_property)]
        notes = [r for r in notes if r.value.strip()]
        if notes:
            sections.append(FieldSection(_("For the children and the home"), tuple(notes)))
        grown = len(plan.grown(today))
        return PacketVersion(
            lang=lang, clinic=clinic.name.strip(),
            title=_("Family preparedness plan: for the caregiver"),
            intro=(
                _("This packet tells you what the family has arranged if the parents cannot come home. Keep "
                  "it somewhere safe and private, with the signed Caregiver's Authorization Affidavit."),
                _("Show the affidavit, not this packet, to the school or the doctor. This packet is for you."),
            ),
            sections=tuple(sections),
            grown_note=(_("Children who have turned 18 are no longer part of this plan.") if grown else ""),
            footer=_("Private: for the caregiver"),
            page_label=_("Page {page} of {pages}"),
        )


# ----- the Caregiver's Authorization Affidavit (Cal. Fam. Code § 6552) ------------------------------------
#
# The form's words are the statute's, in English, and are not translated: a translation would no longer be
# the form "in substantially the following form" that § 6552 prescribes. Our notice around it is translated.
#
# Source check, 2026-12-03: the statute's text (leginfo.legislature.ca.gov, FAM 6552) could NOT be retrieved
# here; only third-party copies were found, which differ from each other (item 4's address detail, item 5's
# "see back"/"see the other side") and may predate Assembly Bill 495 (2025), said to amend § 6552 (the
# item 5 relative definition; "not required to be notarized"). Not verified: see
# docs/preparedness/affidavit-wording.md before relying on this wording.

STATUTE_CITATION = "Cal. Fam. Code §§ 6550, 6552"
FORM_TITLE = "Caregiver's Authorization Affidavit"
FORM_AUTHORITY = ("Use of this affidavit is authorized by Part 1.5 (commencing with Section 6550) of Division 11 "
                  "of the California Family Code.")
FORM_INSTRUCTIONS = ("Instructions: Completion of items 1-4 and the signing of the affidavit is sufficient to "
                     "authorize enrollment of a minor in school and authorize school-related medical care. "
                     "Completion of items 5-8 is additionally required to authorize any other medical care. "
                     "Print clearly.")
FORM_LEAD = "The minor named below lives in my home and I am 18 years of age or older."
ITEM_LABELS = (
    "Name of minor:",
    "Minor's birth date:",
    "My name (adult giving authorization):",
    "My home address:",
)
ITEM_5 = ("I am a grandparent, aunt, uncle, or other qualified relative of the minor (see back of this form "
          "for a definition of \"qualified relative\").")
ITEM_6 = "Check one or both (for example, if one parent was advised and the other cannot be located):"
ITEM_6_ADVISED = ("I have advised the parent(s) or other person(s) having legal custody of the minor of my intent "
                  "to authorize medical care, and have received no objection.")
ITEM_6_UNABLE = ("I am unable to contact the parent(s) or other person(s) having legal custody of the minor at "
                 "this time, to notify them of my intended authorization.")
ITEM_7 = "My date of birth:"
ITEM_8 = "My California driver's license or identification card number:"
FORM_WARNING = ("Warning: Do not sign this form if any of the statements above are incorrect, or you will be "
                "committing a crime punishable by a fine, imprisonment, or both.")
FORM_DECLARATION = ("I declare under penalty of perjury under the laws of the State of California that the "
                    "foregoing is true and correct.")
FORM_SIGNATURE = ("Dated:", "Signed:")
FORM_NOTICES = (
    "Notices:",
    "1. This declaration does not affect the rights of the minor's parents or legal guardian regarding the "
    "care, custody, and control of the minor, and does not mean that the caregiver has legal custody of the "
    "minor.",
    "2. A person who relies on this affidavit has no obligation to make any further inquiry or investigation.",
)
FORM_ADDITIONAL = (
    ("TO CAREGIVERS:", (
        "1. \"Qualified relative,\" for purposes of item 5, means a spouse, parent, stepparent, brother, sister, "
        "stepbrother, stepsister, half-brother, half-sister, uncle, aunt, niece, nephew, first cousin, or any "
        "person denoted by the prefix \"grand\" or \"great,\" or the spouse of any of the persons specified in "
        "this definition, even after the marriage has been terminated by death or dissolution.",
        "2. The law may require you, if you are not a relative or a currently licensed, certified, or approved "
        "foster parent, to obtain resource family approval pursuant to Section 1517 of the Health and Safety "
        "Code or Section 16519.5 of the Welfare and Institutions Code in order to care for a minor. If you have "
        "any questions, please contact your local department of social services.",
        "3. If the minor stops living with you, you are required to notify any school, health care provider, or "
        "health care service plan to which you have given this affidavit. The affidavit is invalid after the "
        "school, health care provider, or health care service plan receives notice that the minor no longer "
        "lives with you.",
        "4. If you do not have the information requested in item 8 (California driver's license or I.D.), "
        "provide another form of identification such as your social security number or Medi-Cal number.",
    )),
    ("TO SCHOOL OFFICIALS:", (
        "1. Section 48204 of the Education Code provides that this affidavit constitutes a sufficient basis for "
        "a determination of residency of the minor, without the requirement of a guardianship or other custody "
        "order, unless the school district determines from actual facts that the minor is not living with the "
        "caregiver.",
        "2. The school district may require additional reasonable evidence that the caregiver lives at the "
        "address provided in item 4.",
    )),
    ("TO HEALTH CARE PROVIDERS AND HEALTH CARE SERVICE PLANS:", (
        "1. A person who acts in good faith reliance upon a caregiver's authorization affidavit to provide "
        "medical or dental care, without actual knowledge of facts contrary to those stated on the affidavit, "
        "is not subject to criminal liability or to civil liability to any person, and is not subject to "
        "professional disciplinary action, for that reliance if the applicable portions of the form are "
        "completed.",
        "2. This affidavit does not confer dependency for health care coverage purposes.",
    )),
)


@dataclass(frozen=True, slots=True)
class AffidavitItem:
    number: int
    text: str  # the statute's words for the item
    value: str = ""  # prefilled from the plan; empty leaves a line to fill in by hand
    box: bool | None = None  # a check box: ticked or not; None when the item has none


@dataclass(frozen=True, slots=True)
class Affidavit:
    """One affidavit, for one minor; `notice` is our warning in each language asked for."""

    notice_heading: tuple[str, ...]
    notice: tuple[str, ...]
    items: tuple[AffidavitItem, ...]
    item_6_boxes: tuple[tuple[str, bool], ...]
    citation: str
    footer: str


def compose_affidavits(plan: Plan, *, lang: str, today: dt.date) -> tuple[Affidavit, ...]:
    """One prefilled affidavit per child under 18, caregiver = the primary caregiver (items 1 to 8)."""
    notice_heading, notice = [], []
    for code in languages(lang):
        with using_language(code):
            notice_heading.append(_("Before you sign"))
            notice.append(" ".join((
                _("The caregiver signs this affidavit under penalty of perjury: sign only if every statement "
                  "in it is true."),
                _("It is not filed in court. Give a copy to the child's school and doctor, and keep the "
                  "original."),
                _("The form's wording is set by California Family Code section 6552 and stays in English."),
            )))
    with using_language(languages(lang)[0]):
        footer = _("Private: for the caregiver")
    cg = plan.primary_caregiver
    out = []
    for child in plan.minors(today):
        items = (
            AffidavitItem(1, ITEM_LABELS[0], child.name),
            AffidavitItem(2, ITEM_LABELS[1], _us_date(child.date_of_birth)),
            AffidavitItem(3, ITEM_LABELS[2], cg.name),
            AffidavitItem(4, ITEM_LABELS[3], cg.address),
            AffidavitItem(5, ITEM_5, box=cg.qualified_relative),
            AffidavitItem(6, ITEM_6),
            AffidavitItem(7, ITEM_7, _us_date(cg.date_of_birth)),
            AffidavitItem(8, ITEM_8, cg.california_id),
        )
        boxes = ((ITEM_6_ADVISED, plan.parents_advised in ("advised", "both")),
                 (ITEM_6_UNABLE, plan.parents_advised in ("unable", "both")))
        out.append(Affidavit(tuple(notice_heading), tuple(notice), items, boxes, STATUTE_CITATION, footer))
    return tuple(out)


def _us_date(value: dt.date | None) -> str:
    """MM/DD/YYYY, as California forms write dates."""
    return value.strftime("%m/%d/%Y") if value else ""


# ----- wallet cards -----------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CardText:
    """One side of a wallet card. It names no one: no name, A-number or status, only rights and numbers."""

    lang: str
    title: str
    rights: tuple[str, ...]
    numbers: tuple[tuple[str, str], ...]  # (label, number)


def compose_cards(plan: Plan, *, clinic: ClinicInfo, lang: str) -> tuple[CardText, ...]:
    clinic_phone = plan.numbers.clinic.strip() or clinic.phone.strip()
    cards = []
    for code in languages(lang):
        with using_language(code):
            numbers = []
            if clinic_phone:
                numbers.append((_("Clinic"), clinic_phone))
            if plan.numbers.hotline.strip():
                numbers.append((_("Hotline"), plan.numbers.hotline.strip()))
            cards.append(CardText(
                lang=code,
                title=_("Know your rights: say this at the door"),
                rights=(
                    _("I will not open the door. If you have a warrant signed by a judge, slide it under the "
                      "door or show it at the window. I do not consent to your entry. (Fourth Amendment)"),
                    _("I do not consent to a search of me, my home or my things. (Fourth Amendment)"),
                    _("I choose to remain silent. I will not answer questions. (Fifth Amendment)"),
                    _("I want to speak with a lawyer. I will not sign anything without one."),
                ),
                numbers=tuple(numbers),
            ))
    return tuple(cards)
