"""Checking an intake before it is saved: one rule set for the desktop form and the intake JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

from clinic import models as m
from clinic.clients.fields import (  # noqa: F401 - re-exported for callers of intake_rules
    BIDI_CONTROLS,
    FIELD_LABELS,
    PHONE_PATTERN,
    check_date,
    check_text,
    label,
)
from clinic.conflicts.parties import PartyDraft, PartyKind
from clinic.eligibility.assets import AssetKind, AssetLine
from clinic.eligibility.assets import check_lines as check_assets
from clinic.eligibility.assets import from_json as assets_from_json
from clinic.eligibility.guidelines import Region
from clinic.eligibility.income import IncomeLine, monthly_from_json
from clinic.eligibility.income import line as income_line
from clinic.errors import ValidationError
from clinic.i18n import _


def validate(draft: m.IntakeDraft) -> m.IntakeDraft:
    """Return the draft unchanged when it can be saved; raise ValidationError naming the field."""
    if draft.existing_client is None:
        check_text("given_names", draft.given_names, m.MAX_NAME, required=True)
        check_text("family_name_1", draft.family_name_1, m.MAX_NAME, required=True)
    else:
        check_text("given_names", draft.given_names, m.MAX_NAME)
        check_text("family_name_1", draft.family_name_1, m.MAX_NAME)
    check_text("family_name_2", draft.family_name_2, m.MAX_NAME)
    check_text("preferred_name", draft.preferred_name, m.MAX_NAME)
    check_text("address", draft.address, m.MAX_SHORT, multiline=True)
    check_text("site", draft.site, m.MAX_NAME)
    check_text("notes", draft.notes, m.MAX_NOTES, multiline=True)
    check_date("date_of_birth", draft.date_of_birth, past=True)
    check_date("next_date", draft.next_date)
    if len(draft.phones) > m.MAX_PHONES:
        raise ValidationError("phones", _("At most {n} phone numbers.").format(n=m.MAX_PHONES))
    for i, phone in enumerate(draft.phones):
        check_text("phone", phone.number, 40, path=f"phones[{i}].number")
        check_text("phone", phone.label, m.MAX_NAME, path=f"phones[{i}].label")
        digits = sum(ch.isdigit() for ch in phone.number)
        if not PHONE_PATTERN.match(phone.number) or not 3 <= digits <= 20:
            raise ValidationError("phone", _("{field} should be digits, spaces and + ( ) - only.")
                                  .format(field=label("phone")), path=f"phones[{i}].number")
    if draft.language not in m.LANGUAGE_LABELS:
        raise ValidationError("language", _("{field} must be one of: {choices}.")
                              .format(field=label("language"), choices="es, en"))
    if draft.household_size is not None and not 1 <= draft.household_size <= m.MAX_HOUSEHOLD:
        raise ValidationError("household_size", _("{field} must be a whole number from 1 to {max}.")
                              .format(field=label("household_size"), max=m.MAX_HOUSEHOLD))
    if not draft.consent_to_store:
        raise ValidationError("consent_to_store", _("The client's consent to store this information is "
                                                    "required before saving."))
    if draft.consent_language and draft.consent_language not in m.LANGUAGE_LABELS:
        raise ValidationError("consent_language", _("{field} must be one of: {choices}.")
                              .format(field=label("consent_language"), choices="es, en"))
    parties = [*draft.adverse_parties, *draft.household_members]
    if len(parties) > MAX_PARTIES:
        raise ValidationError("adverse_parties", _("An intake can name at most {n} parties.")
                              .format(n=MAX_PARTIES))
    for kind in ("adverse_parties", "household_members"):
        for i, party in enumerate(getattr(draft, kind)):
            check_party(party, path=f"{kind}[{i}]")
    if len(draft.income) > MAX_INCOME_LINES:
        raise ValidationError("income", _("At most {n} income lines.").format(n=MAX_INCOME_LINES))
    for i, ln in enumerate(draft.income):
        if not isinstance(ln, IncomeLine):
            raise ValidationError("income", _("Each income line needs a source, an amount and a period."),
                                  path=f"income[{i}]")
    if draft.region and draft.region not in {r.value for r in Region}:
        raise ValidationError("region", _("{field} must be one of: {choices}.")
                              .format(field=label("region"), choices="contiguous, alaska, hawaii"))
    check_assets(draft.assets)
    if draft.income and draft.household_size is None:
        raise ValidationError("household_size", _("Give the household size with the income lines."))
    for key, value in draft.sealed.items():
        if not isinstance(key, m.SealedField):
            raise ValidationError("sealed", _("Unknown attorney-only field “{name}”.").format(name=key))
        check_text("sealed", value, m.MAX_SEALED, multiline=True, path=f"sealed.{key.value}")
    return draft


# What stands in for a refused field while the rest of the draft is checked (problems()).
_NEUTRAL = {
    "given_names": "X", "family_name_1": "X", "family_name_2": "", "preferred_name": "",
    "family_names": "X", "address": "", "site": "", "notes": "", "date_of_birth": None, "next_date": None,
    "phones": (), "language": "es", "household_size": None, "assets": (),
    "consent_to_store": True, "consent_language": "", "sealed": {},
}


def problems(draft: m.IntakeDraft) -> list[ValidationError]:
    """Every field validate() would refuse, in the order it checks them: a form shows them all at once.

    Each refused field (by its path: the second phone, one sealed value) is set aside (a neutral value)
    and the rest checked again; at most one error per path. An empty list means validate() accepts it.
    """
    found: list[ValidationError] = []
    seen: set[str] = set()
    while True:
        try:
            validate(draft)
            return found
        except ValidationError as exc:
            neutral = _set_aside(draft, exc.path)
            if exc.path in seen or neutral is None:
                if exc.path not in seen:
                    found.append(exc)
                return found
            found.append(exc)
            seen.add(exc.path)
            draft = neutral


_ITEM = re.compile(r"^(phones|adverse_parties|household_members|assets)\[(\d+)\]")


def _set_aside(draft: m.IntakeDraft, path: str) -> m.IntakeDraft | None:
    """The draft with what `path` names replaced by a value validate() accepts; None when it cannot be."""
    item = _ITEM.match(path)
    if item is not None:
        attr, i = item.group(1), int(item.group(2))
        items = list(getattr(draft, attr))
        if attr == "phones":
            items[i] = m.Phone("555 0100")
        elif attr == "assets":
            items[i] = AssetLine(AssetKind.OTHER, Decimal("0.00"))
        else:
            items[i] = PartyDraft(PartyKind.ADVERSE if attr == "adverse_parties" else PartyKind.HOUSEHOLD,
                                  "X", "", None, False)
        return dataclasses.replace(draft, **{attr: tuple(items)})
    if path.startswith("sealed."):
        return dataclasses.replace(draft, sealed={k: v for k, v in draft.sealed.items()
                                                  if getattr(k, "value", k) != path[len("sealed."):]})
    if path in _NEUTRAL:
        return dataclasses.replace(draft, **{path: _NEUTRAL[path]})
    return None


MAX_PARTIES = 30
MAX_INCOME_LINES = 20


def check_party(draft: PartyDraft, *, path: str = "") -> PartyDraft:
    """A party as typed, checked: a name, a known kind, a sensible relationship and date of birth.

    `path` is where the party sits (`adverse_parties[0]`): an error's path is then `adverse_parties[0].name`;
    without one, the field alone (`party_name`)."""
    def at(attr: str, field: str) -> str:
        return f"{path}.{attr}" if path else field

    if not isinstance(draft, PartyDraft) or draft.kind not in set(PartyKind):
        raise ValidationError("party_kind", _("A party is either adverse or a household member."),
                              path=at("kind", "party_kind"))
    check_text("party_name", draft.name, m.MAX_NAME, required=True, path=at("name", "party_name"))
    check_text("relationship", draft.relationship, 60, path=at("relationship", "relationship"))
    check_date("date_of_birth", draft.date_of_birth, past=True, path=at("date_of_birth", "date_of_birth"))
    if draft.kind == PartyKind.HOUSEHOLD and draft.is_org:
        raise ValidationError("party_kind", _("A household member is a person, not an organisation."),
                              path=at("kind", "party_kind"))
    return PartyDraft(PartyKind(draft.kind), draft.name.strip(), draft.relationship.strip(),
                      draft.date_of_birth, bool(draft.is_org))


# ----- the intake JSON (command line and scripts) ----------------------------------------------------

_PARTICLES = {"de", "del", "la", "las", "los", "y", "da", "das", "do", "dos", "van", "von", "di"}


def split_family_names(text: str) -> tuple[str, str]:
    """'Hernández López' -> ('Hernández', 'López'); 'de la Cruz Ruiz' -> ('de la Cruz', 'Ruiz')."""
    words = text.split()
    first: list[str] = []
    for i, word in enumerate(words):
        first.append(word)
        if word.casefold() not in _PARTICLES:
            return " ".join(first), " ".join(words[i + 1:])
    return " ".join(first), ""


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "given_names": (str,), "family_names": (str,), "family_name_1": (str,), "family_name_2": (str,),
    "preferred_name": (str,), "date_of_birth": (str,), "phone": (str,), "phones": (list,),
    "safe_to_call": (bool,), "safe_to_text": (bool,), "safe_to_leave_message": (bool,),
    "address": (str,), "language": (str,), "interpreter_needed": (bool,), "channel": (str,),
    "site": (str,), "household_size": (int,), "monthly_income": (int, float), "needs": (list,), "assets": (list,),
    "urgency": (str,), "next_date": (str,), "detained_family_member": (bool,),
    "consent_to_store": (bool,), "consent_language": (str,), "notes": (str,), "sealed": (dict,),
    "adverse_parties": (list,), "household_members": (list,), "income": (list,), "region": (str,),
}


def _json_parties(key: str, items: list, kind: PartyKind) -> tuple[PartyDraft, ...]:
    allowed = {"name", "relationship", "date_of_birth"} | ({"organisation"} if kind is PartyKind.ADVERSE else set())
    out = []
    for i, item in enumerate(items):
        at = f"{key}[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise ValidationError(key, _("Each party must be an object with a “name”."), path=at)
        extra = set(item) - allowed
        if extra:
            raise ValidationError(key, _("Unknown field “{name}”.").format(name=sorted(extra)[0][:60]), path=at)
        rel, dob, org = item.get("relationship", ""), item.get("date_of_birth"), item.get("organisation", False)
        if not isinstance(rel, str) or not isinstance(org, bool) or not (dob is None or isinstance(dob, str)):
            raise ValidationError(key, _("{field} must be {kind}.").format(field=label(key),
                                                                          kind=_type_name((dict,))), path=at)
        out.append(PartyDraft(kind, item["name"], rel, _json_date("date_of_birth", dob, path=f"{at}.date_of_birth"),
                              org))
    return tuple(out)


def _json_income(items: list) -> tuple[IncomeLine, ...]:
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or set(item) - {"source", "amount", "per"} or "amount" not in item:
            raise ValidationError("income", _("Each income line needs a source, an amount and a period."),
                                  path=f"income[{i}]")
        amount = item["amount"]
        if isinstance(amount, bool) or not isinstance(amount, int | float | str):
            raise ValidationError("income", _("Each income line needs a source, an amount and a period."),
                                  path=f"income[{i}]")
        out.append(income_line(str(item.get("source", "wages")), amount, str(item.get("per", "month"))))
    return tuple(out)


def _type_name(types: tuple[type, ...]) -> str:
    names = {str: _("text"), int: _("a whole number"), float: _("a number"), bool: _("true or false"),
             list: _("a list"), dict: _("an object")}
    return names[types[0]]


def _json_date(field: str, value: str | None, *, path: str | None = None) -> dt.date | None:
    if value is None:
        return None
    try:
        # YYYY-MM-DD only: fromisoformat also takes ISO week dates ("2020-W01-1") and basic "20200101"
        if not (isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-"
                and (value[:4] + value[5:7] + value[8:]).isascii() and (value[:4] + value[5:7] + value[8:]).isdigit()):
            return _bad_date(field, path)
        return dt.date.fromisoformat(value)
    except ValueError:
        return _bad_date(field, path)


def _bad_date(field: str, path: str | None):
    raise ValidationError(field, _("{field} is not a real date; write it as YYYY-MM-DD.")
                          .format(field=label(field)), path=path)


def _enum(field: str, enum, value: str):
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(e.value for e in enum)
        raise ValidationError(field, _("{field} must be one of: {choices}.")
                              .format(field=label(field), choices=choices)) from None


MAX_JSON_DEPTH = 8  # an intake is an object of fields, phones a list of objects: 3 levels suffice


def _json_depth(obj, limit: int) -> int:
    """How deep lists and objects nest, counted without recursion and stopping past `limit`."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def draft_from_json(obj) -> m.IntakeDraft:
    """Build an IntakeDraft from parsed JSON. Unknown keys and wrong types are refused, field named.

    consent_to_store defaults to true: a scripted intake transcribes a paper form the client signed.
    """
    if not isinstance(obj, dict):
        raise ValidationError("", _("The intake must be a JSON object."))
    if _json_depth(obj, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise ValidationError("", _("The intake nests lists or objects more than {n} levels deep.")
                              .format(n=MAX_JSON_DEPTH))
    for key, value in obj.items():
        if key not in _JSON_TYPES:
            raise ValidationError(key, _("Unknown field “{name}”.").format(name=str(key)[:60]))
        types = _JSON_TYPES[key]
        if value is None and key not in ("given_names", "family_names", "family_name_1"):
            continue
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise ValidationError(key, _("{field} must be {kind}.").format(field=label(key),
                                                                          kind=_type_name(types)))
    get = obj.get
    fam1, fam2 = get("family_name_1"), get("family_name_2")
    if "family_names" in obj:
        if fam1 is not None or fam2 is not None:
            raise ValidationError("family_names", _("Give either family_names or family_name_1 and "
                                                    "family_name_2, not both."))
        fam1, fam2 = split_family_names(check_text("family_names", get("family_names") or "",
                                                    m.MAX_NAME * 2, required=True))
    phones = []
    if get("phone") is not None:
        phones.append(m.Phone(number=get("phone"), safe_to_call=get("safe_to_call", True),
                              safe_to_text=get("safe_to_text", True),
                              safe_to_leave_message=get("safe_to_leave_message", False)))
    for i, p in enumerate(get("phones") or [], start=len(phones)):
        if not isinstance(p, dict) or not isinstance(p.get("number"), str):
            raise ValidationError("phones", _("Each phone must be an object with a “number”."), path=f"phones[{i}]")
        extra = set(p) - {"number", "label", "safe_to_call", "safe_to_text", "safe_to_leave_message"}
        if extra:
            raise ValidationError("phones", _("Unknown field “{name}”.").format(name=sorted(extra)[0]),
                                  path=f"phones[{i}]")
        flags = {k: p.get(k, d) for k, d in (("safe_to_call", True), ("safe_to_text", True),
                                              ("safe_to_leave_message", False))}
        if not all(isinstance(v, bool) for v in flags.values()) or not isinstance(p.get("label", ""), str):
            raise ValidationError("phones", _("{field} must be {kind}.").format(
                field=label("phones"), kind=_type_name((bool,))), path=f"phones[{i}]")
        phones.append(m.Phone(number=p["number"], label=p.get("label", ""), **flags))
    income = _json_income(get("income") or [])
    if get("monthly_income") is not None:
        income = monthly_from_json(get("monthly_income"), has_lines=bool(income))
    needs = []
    for n in get("needs") or []:
        if not isinstance(n, str):
            raise ValidationError("needs", _("{field} must be {kind}.").format(
                field=label("needs"), kind=_type_name((str,))))
        need = _enum("needs", m.Need, n)
        if need not in needs:
            needs.append(need)
    sealed = {}
    for key, value in (get("sealed") or {}).items():
        field = _enum("sealed", m.SealedField, key)
        if not isinstance(value, str):
            raise ValidationError("sealed", _("{field} must be {kind}.").format(
                field=label("sealed"), kind=_type_name((str,))), path=f"sealed.{field.value}")
        if value:
            sealed[field] = value
    language = get("language") or "es"
    draft = m.IntakeDraft(
        given_names=get("given_names") or "",
        family_name_1=fam1 or "",
        family_name_2=fam2 or "",
        preferred_name=get("preferred_name") or "",
        date_of_birth=_json_date("date_of_birth", get("date_of_birth")),
        phones=tuple(phones),
        address=get("address") or "",
        language=language,
        interpreter_needed=bool(get("interpreter_needed", False)),
        channel=_enum("channel", m.Channel, get("channel") or "walk-in"),
        site=get("site") or "",
        household_size=get("household_size"),
        needs=tuple(needs),
        urgency=_enum("urgency", m.Urgency, get("urgency") or "routine"),
        next_date=_json_date("next_date", get("next_date")),
        detained_family_member=bool(get("detained_family_member", m.Need.DETENTION in needs)),
        consent_to_store=get("consent_to_store", True),
        consent_language=get("consent_language") or language,
        notes=get("notes") or "",
        sealed=sealed,
        adverse_parties=_json_parties("adverse_parties", get("adverse_parties") or [], PartyKind.ADVERSE),
        household_members=_json_parties("household_members", get("household_members") or [],
                                        PartyKind.HOUSEHOLD),
        income=income,
        region=get("region") or "",
        assets=assets_from_json(get("assets") or []),
    )
    return validate(draft)


def with_defaults(draft: m.IntakeDraft) -> m.IntakeDraft:
    """Fill what the form leaves implicit: the consent language defaults to the client's language, and a
    need listed twice counts once."""
    if not draft.consent_language:
        draft = dataclasses.replace(draft, consent_language=draft.language)
    needs = tuple(dict.fromkeys(draft.needs))
    if needs != draft.needs:
        draft = dataclasses.replace(draft, needs=needs)
    return draft
