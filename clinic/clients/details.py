"""Correcting a client's details after intake: the intake's own rules, and the fields as history text."""

from __future__ import annotations

import dataclasses
import json

from clinic import models as m
from clinic.clients import intake as intake_rules
from clinic.errors import ValidationError

FIELDS = ("given_names", "family_name_1", "family_name_2", "preferred_name", "date_of_birth", "phones",
          "address", "language", "interpreter_needed")


def problems(details: m.ClientDetails) -> list[ValidationError]:
    """Every field the intake rules would refuse (names required, as for a new client); [] when fine."""
    draft = m.IntakeDraft(given_names=details.given_names, family_name_1=details.family_name_1,
                          family_name_2=details.family_name_2, preferred_name=details.preferred_name,
                          date_of_birth=details.date_of_birth, phones=tuple(details.phones),
                          address=details.address, language=details.language,
                          interpreter_needed=bool(details.interpreter_needed), consent_to_store=True)
    return intake_rules.problems(draft)


def as_text(field: str, value) -> str:
    """How the history keeps a value: dates in ISO form, phones as a JSON list with their safety choices."""
    if value is None:
        return ""
    if field == "phones":  # JSON, so each screen can say the safety choices in its own language
        return json.dumps([{"number": p.number, "label": p.label, "call": p.safe_to_call, "text": p.safe_to_text,
                            "message": p.safe_to_leave_message} for p in value], ensure_ascii=False)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def changes(old: m.ClientDetails, new: m.ClientDetails) -> list[tuple[str, str, str]]:
    """(field, old text, new text) for each field that differs."""
    a, b = dataclasses.asdict(old), dataclasses.asdict(new)
    out = []
    for f in FIELDS:
        before = tuple(old.phones) if f == "phones" else a[f]
        after = tuple(new.phones) if f == "phones" else b[f]
        if before != after:
            out.append((f, as_text(f, getattr(old, f)), as_text(f, getattr(new, f))))
    return out
