"""Turn a referral into the translated text of its letter (and the recovery kit's text); pure, no I/O."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from clinic.i18n import N_, _, using_language
from clinic.letters.disclosure import GROUP_LABELS, DisclosedField, Group, long_date
from clinic.models import ConsentMethod, LetterLanguage, LetterLayout, Need

LANGUAGES = tuple(LetterLanguage)
LAYOUTS = tuple(LetterLayout)
CONSENT_METHODS = tuple(ConsentMethod)

# What we ask the partner to do, one plain-language paragraph per need.
NEED_REQUESTS = {
    Need.IMMIGRATION: N_(
        "The client needs advice about an immigration matter. We ask you to offer the client a "
        "consultation and, if you can, legal representation. Please screen the client under your own "
        "rules, as you normally would."
    ),
    Need.DETENTION: N_(
        "A member of the client's family has been detained. We ask you to help the family find out where "
        "the person is held, explain what may happen next, and tell them about any legal help or bond "
        "support you can offer. This may be urgent."
    ),
    Need.WORKPLACE: N_(
        "The client has a problem at work, such as unpaid wages or unsafe conditions. We ask you to explain "
        "the client's rights at work and, if the client chooses, help them recover what they are owed or "
        "make a complaint."
    ),
    Need.HOUSING: N_(
        "The client has a housing problem, such as needed repairs, a rent increase or an eviction notice. "
        "We ask you to explain the client's rights as a tenant and help them keep their home or find a "
        "safe place to live."
    ),
    Need.FOOD: N_(
        "The client's household needs food. We ask you to provide food assistance and tell the client "
        "about other food programs they may be able to use."
    ),
    Need.OTHER: N_(
        "The client needs help that our clinic does not provide. We ask you to meet with the client and "
        "help them, or point them to the right service."
    ),
}

_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class LetterRequest:
    """Everything a letter says, as plain data.

    `disclosed` maps each language the letter is written in ('es', 'en') to the fields collected for it
    with `clinic.letters.disclosure.collect_fields(..., lang=...)`: labels and formats differ by language.
    """

    language: LetterLanguage
    clinic_name: str
    clinic_address: str
    clinic_phone: str
    letter_date: dt.date
    referral_ref: str
    partner_name: str
    partner_address: str
    partner_phone: str
    partner_email: str
    need: Need
    disclosed: Mapping[str, tuple[DisclosedField, ...]]
    coordinator_name: str
    coordinator_title: str  # an N_() role label or free text; translated into each version's language
    consent_date: dt.date
    consent_method: ConsentMethod
    layout: LetterLayout = LetterLayout.SEQUENCE  # for both languages: one after the other, or side by side

    def __post_init__(self):
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}")
        if self.layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}")
        if self.consent_method not in CONSENT_METHODS:
            raise ValueError(f"consent_method must be one of {CONSENT_METHODS}")
        # the options as their enums, whether given so or as their stored values
        object.__setattr__(self, "language", LetterLanguage(self.language))
        object.__setattr__(self, "layout", LetterLayout(self.layout))
        object.__setattr__(self, "consent_method", ConsentMethod(self.consent_method))
        missing = [lang for lang in self.languages if lang not in self.disclosed]
        if missing:
            raise ValueError(f"disclosed fields missing for {missing}")

    @property
    def languages(self) -> tuple[str, ...]:
        return LetterLanguage(self.language).languages


@dataclass(frozen=True, slots=True)
class FieldRow:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class FieldSection:
    heading: str
    rows: tuple[FieldRow, ...]


@dataclass(frozen=True, slots=True)
class LetterVersion:
    """The letter in one language. Every string is plain text (not markup): the renderer escapes it."""

    lang: str
    letterhead: tuple[str, ...]  # the clinic's name first, then its address lines and phone
    date: str
    reference: str
    recipient: tuple[str, ...]  # the partner's name first, then address lines, phone, email
    salutation: str
    body: tuple[str, ...]  # paragraphs
    fields_heading: str
    sections: tuple[FieldSection, ...]
    no_fields: str  # said instead of the sections when nothing is disclosed
    closing: tuple[str, ...]
    signature: tuple[str, ...]
    footer: str  # "Confidential"
    page_label: str  # "Page {page} of {pages}", filled in by the renderer


@dataclass(frozen=True, slots=True)
class LetterContent:
    """layout: 'single' (one language), 'sequence' or 'side_by_side' (two)."""

    versions: tuple[LetterVersion, ...]
    layout: str


def default_filename(referral_ref: str) -> str:
    """A file name from the referral's reference only: never the client's name."""
    safe = _FILENAME_UNSAFE.sub("-", referral_ref).strip("-") or "letter"
    return f"referral-{safe}.pdf"


def compose_letter(req: LetterRequest) -> LetterContent:
    versions = tuple(_version(req, lang) for lang in req.languages)
    layout = "single" if len(versions) == 1 else req.layout
    return LetterContent(versions=versions, layout=layout)


def _version(req: LetterRequest, lang: str) -> LetterVersion:
    with using_language(lang):
        fields = tuple(req.disclosed[lang])
        partner = req.partner_name.strip() or _("your organization")
        contact_shared = any(f.group is Group.CONTACT for f in fields)
        return LetterVersion(
            lang=lang,
            letterhead=_lines(req.clinic_name, req.clinic_address,
                              _("Tel. {phone}").format(phone=req.clinic_phone.strip())
                              if req.clinic_phone.strip() else ""),
            date=long_date(req.letter_date, lang),
            reference=_("Re: referral {ref}").format(ref=req.referral_ref),
            recipient=_lines(req.partner_name, req.partner_address,
                             _("Tel. {phone}").format(phone=req.partner_phone.strip())
                             if req.partner_phone.strip() else "",
                             req.partner_email),
            salutation=(_("Dear colleagues at {partner},").format(partner=req.partner_name.strip())
                        if req.partner_name.strip() else _("Dear colleagues,")),
            body=(
                _("We are writing to refer one of our clients to {partner}. Our reference for this "
                  "referral is {ref}; please mention it when you contact us.")
                .format(partner=partner, ref=req.referral_ref),
                _(NEED_REQUESTS[req.need]),
                _next_step(req, contact_shared),
                _consent(req, lang, partner),
            ),
            fields_heading=_("Information shared with the client's consent"),
            sections=_sections(fields),
            no_fields=_("This letter shares no personal information about the client."),
            closing=(_("Thank you for your help."), _("Sincerely,")),
            signature=_lines(req.coordinator_name, _(req.coordinator_title), req.clinic_name),
            footer=_("Confidential"),
            page_label=_("Page {page} of {pages}"),
        )


def _next_step(req: LetterRequest, contact_shared: bool) -> str:
    phone = req.clinic_phone.strip()
    if contact_shared:
        text = _("Please contact the client using the details below, and follow the client's "
                 "instructions about calls, texts and messages.")
    else:
        text = _("The client will contact you directly.")
    if phone:
        return text + " " + _("If you have questions, please call us at {phone}.").format(phone=phone)
    return text


def _consent(req: LetterRequest, lang: str, partner: str) -> str:
    date = long_date(req.consent_date, lang)
    if req.consent_method == "phone":
        text = _("On {date}, the client agreed by phone that we may share the information in this letter "
                 "with {partner}.")
    else:
        text = _("On {date}, the client agreed in person that we may share the information in this "
                 "letter with {partner}.")
    return text.format(date=date, partner=partner) + " " + _(
        "Please keep it confidential and use it only to help the client.")


def _sections(fields: tuple[DisclosedField, ...]) -> tuple[FieldSection, ...]:
    sections = []
    for group in Group:
        rows = tuple(FieldRow(f.label, f.value) for f in fields if f.group is group)
        if rows:
            sections.append(FieldSection(_(GROUP_LABELS[group]), rows))
    return tuple(sections)


def _lines(*parts: str) -> tuple[str, ...]:
    """Non-empty lines of the given parts, splitting multi-line addresses."""
    return tuple(line.strip() for part in parts for line in (part or "").splitlines() if line.strip())


@dataclass(frozen=True, slots=True)
class RecoveryKitText:
    """The recovery kit's words in one language (plain text)."""

    lang: str
    title: str
    vault_line: str
    purpose: tuple[str, ...]
    key_label: str
    keep_heading: str
    keep: tuple[str, ...]
    record_heading: str
    record_labels: tuple[str, ...]
    footer: str


def compose_recovery_kit(*, clinic_name: str, vault_id: str, created: dt.date, lang: str,
                         ) -> tuple[RecoveryKitText, ...]:
    """The kit's text in 'es', 'en' or both. The key itself is not part of it: the renderer places it."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}")
    langs = ("es", "en") if lang == "both" else (lang,)
    if isinstance(created, dt.datetime):
        created = created.date()
    texts = []
    for code in langs:
        with using_language(code):
            texts.append(RecoveryKitText(
                lang=code,
                title=_("Recovery kit"),
                vault_line=_("{clinic}: vault {vault_id}, created {date}").format(
                    clinic=clinic_name.strip() or _("Clinic"), vault_id=vault_id,
                    date=long_date(created, code)),
                purpose=(
                    _("This recovery key opens the clinic's vault when no staff passphrase works any more, "
                      "or when the vault must be restored on a new laptop."),
                    _("Anyone who has this key and a copy of the vault can read every client file. "
                      "Guard it like the keys to the office."),
                ),
                key_label=_("Recovery key"),
                keep_heading=_("Where to keep it"),
                keep=(
                    _("Keep this page in a locked place away from the laptop, such as a safe at "
                      "another site."),
                    _("Do not photograph it, email it, or save it on a computer or phone."),
                    _("Tell only the people who may need to restore the vault where it is."),
                ),
                record_heading=_("Fill in by hand"),
                record_labels=(_("Date stored:"), _("Where it is kept:"), _("Stored by:")),
                footer=_("Confidential"),
            ))
    return tuple(texts)
