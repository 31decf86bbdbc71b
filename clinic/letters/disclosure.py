"""What a referral letter may disclose: partner services, disclosure groups, and the fields each carries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from clinic.i18n import N_, _, format_money, using_language
from clinic.models import (  # noqa: F401 - Service, Group and their labels are re-exported here
    CASE_STATUS_LABELS,
    GROUP_DESCRIPTIONS,
    GROUP_LABELS,
    LANGUAGE_LABELS,
    NEED_LABELS,
    SEALED_LABELS,
    SERVICE_LABELS,
    URGENCY_LABELS,
    Case,
    Client,
    Group,
    Intake,
    Phone,
    SealedField,
    Service,
)

# Field keys per group, in the order a letter lists them; phones become phone_1, phone_2, ...
GROUP_FIELDS: dict[Group, tuple[str, ...]] = {
    Group.IDENTITY: ("full_name", "preferred_name", "date_of_birth", "client_ref"),
    Group.CONTACT: ("phone", "address", "preferred_language", "interpreter_needed"),
    Group.HOUSEHOLD: ("household_size", "annual_income"),
    Group.NEEDS: ("needs", "urgency", "next_date", "detained_family_member"),
    Group.CASE_SUMMARY: ("problem_area", "case_status", "intake_notes"),
    Group.SEALED: tuple(f.value for f in SealedField),
}

FIELD_LABELS = {
    "full_name": N_("Full name"),
    "preferred_name": N_("Preferred name"),
    "date_of_birth": N_("Date of birth"),
    "client_ref": N_("Client reference"),
    "phone": N_("Phone"),
    "address": N_("Address"),
    "preferred_language": N_("Preferred language"),
    "interpreter_needed": N_("Interpreter needed"),
    "household_size": N_("People in the household"),
    "annual_income": N_("Yearly household income"),
    "needs": N_("Needs"),
    "urgency": N_("Urgency"),
    "next_date": N_("Next hearing or deadline"),
    "detained_family_member": N_("Family member in detention"),
    "problem_area": N_("Problem area"),
    "case_status": N_("Case status"),
    "intake_notes": N_("Intake notes"),
} | {f.value: SEALED_LABELS[f] for f in SealedField}

# Letters go to US organisations: US-style numbers and money in both languages ($1,200.00).
_BABEL_LOCALES = {"es": "es_US", "en": "en_US"}


@dataclass(frozen=True, slots=True)
class DisclosedField:
    """One line of a letter: its label already translated, its value already formatted."""

    group: Group
    key: str
    label: str
    value: str


def babel_locale(lang: str) -> str:
    return _BABEL_LOCALES.get(lang, "en_US")


def long_date(day: dt.date, lang: str) -> str:
    return format_date(day, format="long", locale=babel_locale(lang))


def allowed_groups(
    partner_profile: frozenset[Group],
    partner_is_legal: bool,
    ticked: frozenset[Group],
    sealed_approved_by_attorney: bool,
) -> frozenset[Group]:
    """The groups a letter may carry: what the partner's profile allows and the coordinator ticked.

    Sealed details go only to a legal representation partner and only with an attorney's approval,
    whatever the profile or the ticks say.
    """
    groups = frozenset(partner_profile) & frozenset(ticked)
    if not (partner_is_legal and sealed_approved_by_attorney):
        groups -= {Group.SEALED}
    return groups


def collect_fields(
    groups: frozenset[Group],
    *,
    client: Client,
    intake: Intake | None,
    case: Case | None,
    sealed_values: dict[SealedField, str],
    lang: str,
) -> tuple[DisclosedField, ...]:
    """The fields of `groups`, labelled in `lang` and formatted for its locale; empty values left out.

    Pass only what the letter is allowed to carry (see `allowed_groups`); sealed values are read only
    when Group.SEALED is among the groups.
    """
    out: list[DisclosedField] = []
    with using_language(lang):
        for group in Group:  # a fixed order, whatever order the caller's set has
            if group not in groups:
                continue
            for key, value in _group_values(group, client, intake, case, sealed_values, lang):
                if value is None or not str(value).strip():
                    continue
                label_key = "phone" if key.startswith("phone_") else key
                out.append(DisclosedField(group, key, _(FIELD_LABELS[label_key]), value))
    return tuple(out)


def _group_values(group, client, intake, case, sealed_values, lang) -> list[tuple[str, str | None]]:
    """(key, formatted value) pairs of one group; called inside using_language(lang)."""
    if group is Group.IDENTITY:
        return [
            ("full_name", client.display_name),
            ("preferred_name", client.preferred_name),
            ("date_of_birth", _date(client.date_of_birth, lang)),
            ("client_ref", client.ref),
        ]
    if group is Group.CONTACT:
        phones = [(f"phone_{i}", _phone(p)) for i, p in enumerate(client.phones, start=1)]
        return phones + [
            ("address", client.address),
            ("preferred_language", _language_name(client.language, lang)),
            ("interpreter_needed", _yes_no(client.interpreter_needed)),
        ]
    if group is Group.HOUSEHOLD:
        if intake is None:
            return []
        return [
            ("household_size", _number(intake.household_size, lang)),
            ("annual_income", _money(intake.annual_income, lang)),
        ]
    if group is Group.NEEDS:
        if intake is None:
            return []
        next_date = (case.next_date if case else None) or intake.next_date
        return [
            ("needs", ", ".join(_(NEED_LABELS[n]) for n in intake.needs)),
            ("urgency", _(URGENCY_LABELS[intake.urgency])),
            ("next_date", _date(next_date, lang)),
            ("detained_family_member", _yes_no(intake.detained_family_member)),
        ]
    if group is Group.CASE_SUMMARY:
        return [
            ("problem_area", _(NEED_LABELS[case.need]) if case else None),
            ("case_status", _(CASE_STATUS_LABELS[case.status]) if case else None),
            ("intake_notes", intake.notes if intake else None),
        ]
    if group is Group.SEALED:
        return [(f.value, sealed_values.get(f)) for f in SealedField]
    raise ValueError(group)


def _phone(phone: Phone) -> str:
    """The number, its label and the safety instructions in words: a partner must not call an unsafe phone."""
    if not phone.number.strip():
        return ""
    instructions = "; ".join((
        _("safe to call") if phone.safe_to_call else _("do not call"),
        _("safe to text") if phone.safe_to_text else _("do not text"),
        _("safe to leave a message") if phone.safe_to_leave_message else _("do not leave a message"),
    ))
    label = f" ({phone.label.strip()})" if phone.label.strip() else ""
    return f"{phone.number.strip()}{label}: {instructions}"


def _language_name(code: str, lang: str) -> str:
    if code in LANGUAGE_LABELS:
        return _(LANGUAGE_LABELS[code])
    try:
        name = Locale.parse(babel_locale(lang)).languages.get(code)
    except (ValueError, TypeError):
        name = None
    return name or code


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _date(day: dt.date | None, lang: str) -> str | None:
    return long_date(day, lang) if day else None


def _number(value: int | None, lang: str) -> str | None:
    return None if value is None else format_decimal(value, locale=babel_locale(lang))


def _money(value: int | None, lang: str) -> str | None:
    return None if value is None else format_money(value, lang)
