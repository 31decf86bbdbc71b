"""Field names as a person reads them in errors, and the text and date checks every form's rules share."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from clinic import clock
from clinic.errors import ValidationError
from clinic.i18n import N_, _

# Field names a person reads in errors (the JSON keys, and the form's labels).
FIELD_LABELS = {
    "given_names": N_("Given names"),
    "family_name_1": N_("First family name"),
    "family_name_2": N_("Second family name"),
    "family_names": N_("Family names"),
    "preferred_name": N_("Preferred name"),
    "date_of_birth": N_("Date of birth"),
    "phone": N_("Phone"),
    "phones": N_("Phones"),
    "address": N_("Address"),
    "language": N_("Preferred language"),
    "interpreter_needed": N_("Interpreter needed"),
    "channel": N_("Channel"),
    "site": N_("Site"),
    "household_size": N_("Household size"),
    "monthly_income": N_("Monthly income (old single figure)"),
    "adverse_parties": N_("Adverse parties"),
    "household_members": N_("Household members"),
    "party_name": N_("Party's name"),
    "relationship": N_("Relationship"),
    "income": N_("Income"),
    "region": N_("Region"),
    "assets": N_("Assets"),
    "needs": N_("Needs"),
    "urgency": N_("Urgency"),
    "next_date": N_("Next hearing or deadline"),
    "due_date": N_("Date"),
    "deadline_kind": N_("Kind of date"),
    "deadline_note": N_("Note"),
    "detained_family_member": N_("Family member detained"),
    "consent_to_store": N_("Consent to store"),
    "consent_language": N_("Consent language"),
    "notes": N_("Notes"),
    "sealed": N_("Attorney-only information"),
    # Fields of other forms whose errors pass through the same sentences.
    "reason": N_("Reason"),
    "filename": N_("File name"),
    "document": N_("Document"),
    "clinic_name": N_("Clinic name"),
    "clinic_address": N_("Clinic address"),
    "clinic_phone": N_("Clinic phone"),
    "idle_lock_minutes": N_("Lock after idle minutes"),
    "name": N_("Name"),
    "passphrase": N_("Passphrase"),
    "languages": N_("Languages"),
    "email": N_("Email"),
    "hours": N_("Hours"),
    "services": N_("Services"),
    "disclosure": N_("Disclosure profile"),
    "fields": N_("Information to share"),
    "partner": N_("Partner"),
    "consent_method": N_("How the client consented"),
    "consent_date": N_("Consent date"),
    "letter_language": N_("Letter language"),
    "rejection_note": N_("Why (rejection reason “other”)"),
    "funding_exception_reason": N_("Reason for the exception"),
    "source_name": N_("Funding source name"),
    "income_ceiling_pct": N_("Income ceiling"),
    "exception_ceiling_pct": N_("Exception ceiling"),
    "asset_ceiling": N_("Asset ceiling"),
}

_CONTROL_OK_IN_TEXT = {"\n", "\t", "\r"}
# Bidirectional controls (embeddings, overrides, isolates, marks): in a name they make the list show a
# spoofed order of letters while search and the duplicate check see another.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_NAME_FIELDS = ("given_names", "family_name_1", "family_name_2", "preferred_name", "family_names")
PHONE_PATTERN = re.compile(r"^[0-9+()\-. x/]+$")


def label(field: str) -> str:
    return _(FIELD_LABELS.get(field, field))


def check_text(field: str, value: str, limit: int, *, multiline: bool = False,
                required: bool = False, path: str | None = None) -> str:
    """`value` when it may be saved; else a ValidationError for `field` at `path` (None: the field itself;
    clinic.errors.ValidationError gives the convention)."""
    def refuse(message: str) -> ValidationError:
        return ValidationError(field, message.format(field=label(field), limit=limit), path=path)

    if not isinstance(value, str):
        raise refuse(_("{field} must be text."))
    if required and not value.strip():
        raise refuse(_("{field} is required."))
    if len(value) > limit:
        raise refuse(_("{field} is too long: at most {limit} characters."))
    allowed = _CONTROL_OK_IN_TEXT if multiline else set()
    for ch in value:
        if unicodedata.category(ch) == "Cc" and ch not in allowed:
            raise refuse(_("{field} contains an invisible control character. Retype it without pasting."))
        if unicodedata.category(ch) == "Cs":
            raise refuse(_("{field} contains a broken character."))
        if ch in BIDI_CONTROLS and field in _NAME_FIELDS:
            raise refuse(_("{field} contains an invisible text-direction character. Retype it without "
                           "pasting."))
    return value


def check_date(field: str, value: dt.date | None, *, past: bool = False, path: str | None = None) -> None:
    if value is None:
        return
    if past and value > clock.today():
        raise ValidationError(field, _("{field} cannot be in the future.").format(field=label(field)),
                              path=path)
    if value.year < 1900 or value.year > 2200:
        raise ValidationError(field, _("{field} is not a plausible date.").format(field=label(field)),
                              path=path)
