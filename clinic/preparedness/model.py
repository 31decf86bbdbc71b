"""A family preparedness plan as plain data: its fields, its JSON form and its rules; no I/O.

The plan never holds an immigration status, an A-number or any sealed value: there is no field for them,
and JSON with an unknown key is refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from clinic import clock
from clinic.clients.fields import check_text
from clinic.errors import ValidationError
from clinic.i18n import N_, _

MAX_TEXT = 200
MAX_NOTE = 2000
MAX_PHONE = 60
MAX_PEOPLE = 12
ADULT_AGE = 18
RENEW_AFTER_MONTHS = 11
# Item 6 of the affidavit: the caregiver advised the parents, could not reach them, or both (one parent
# advised, the other not found); empty leaves both boxes for the caregiver to tick by hand.
ADVISED = ("", "advised", "unable", "both")

LABELS = {
    "parents": N_("Parents or guardians"),
    "children": N_("Children"),
    "primary_caregiver": N_("Primary caregiver"),
    "backup_caregiver": N_("Backup caregiver"),
    "name": N_("Name"),
    "phone": N_("Phone"),
    "relationship": N_("Relationship"),
    "qualified_relative": N_("Qualified relative (Family Code 6550)"),
    "date_of_birth": N_("Date of birth"),
    "address": N_("Home address"),
    "california_id": N_("California ID or driver's license number"),
    "school": N_("School or daycare"),
    "allergies_medications": N_("Allergies and medications"),
    "doctor": N_("Doctor"),
    "documents": N_("Where the documents are kept"),
    "document": N_("Document"),
    "place": N_("Where it is kept"),
    "affidavit_signed": N_("Caregiver's affidavit signed"),
    "affidavit_date": N_("Date the affidavit was signed"),
    "parents_advised": N_("Parents advised of the affidavit"),
    "guardian_nomination": N_("Nomination of guardian"),
    "g28_holder": N_("Who holds the signed G-28"),
    "power_of_attorney_holder": N_("Who holds the powers of attorney"),
    "numbers": N_("Numbers to call"),
    "clinic": N_("Clinic"),
    "hotline": N_("Rapid-response hotline"),
    "consulate": N_("Consulate"),
    "detainee_locator": N_("ICE detainee locator"),
    "children_told": N_("What the children are told"),
    "money_property": N_("Emergency money and property"),
}


def label(field: str) -> str:
    return _(LABELS.get(field, field))


@dataclass(frozen=True, slots=True)
class Parent:
    name: str = ""
    phone: str = ""
    relationship: str = ""


@dataclass(frozen=True, slots=True)
class Child:
    name: str = ""
    date_of_birth: dt.date | None = None
    school: str = ""
    allergies_medications: str = ""
    doctor: str = ""

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        b = self.date_of_birth
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


@dataclass(frozen=True, slots=True)
class Caregiver:
    name: str = ""
    phone: str = ""
    relationship: str = ""
    qualified_relative: bool = False
    date_of_birth: dt.date | None = None
    address: str = ""  # item 4 of the affidavit
    california_id: str = ""  # item 8; optional

    @property
    def empty(self) -> bool:
        return not (self.name.strip() or self.phone.strip())


@dataclass(frozen=True, slots=True)
class DocumentPlace:
    document: str = ""
    place: str = ""


@dataclass(frozen=True, slots=True)
class Numbers:
    clinic: str = ""
    hotline: str = ""
    consulate: str = ""
    detainee_locator: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    parents: tuple[Parent, ...] = ()
    children: tuple[Child, ...] = ()
    primary_caregiver: Caregiver = Caregiver()
    backup_caregiver: Caregiver = Caregiver()
    documents: tuple[DocumentPlace, ...] = ()
    affidavit_signed: bool = False
    affidavit_date: dt.date | None = None
    parents_advised: str = ""
    guardian_nomination: str = ""
    g28_holder: str = ""
    power_of_attorney_holder: str = ""
    numbers: Numbers = Numbers()
    children_told: str = ""
    money_property: str = ""

    def minors(self, today: dt.date) -> tuple[Child, ...]:
        """The children still on the plan: a child who has turned 18 leaves it."""
        return tuple(c for c in self.children if (c.age_on(today) or 0) < ADULT_AGE)

    def grown(self, today: dt.date) -> tuple[Child, ...]:
        return tuple(c for c in self.children if (c.age_on(today) or 0) >= ADULT_AGE)

    def renewal_due(self, today: dt.date) -> dt.date | None:
        """When the affidavit should be renewed (11 months after signing); None when it is not signed."""
        if not self.affidavit_signed or self.affidavit_date is None:
            return None
        return add_months(self.affidavit_date, RENEW_AFTER_MONTHS)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when that month is shorter."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# ----- JSON ---------------------------------------------------------------------------------------------

_PARENT_KEYS = {f.name for f in dataclasses.fields(Parent)}
_CHILD_KEYS = {f.name for f in dataclasses.fields(Child)}
_CAREGIVER_KEYS = {f.name for f in dataclasses.fields(Caregiver)}
_DOC_KEYS = {f.name for f in dataclasses.fields(DocumentPlace)}
_NUMBER_KEYS = {f.name for f in dataclasses.fields(Numbers)}
_PLAN_KEYS = {f.name for f in dataclasses.fields(Plan)}


def to_json(plan: Plan) -> dict:
    def conv(value):
        if dataclasses.is_dataclass(value):
            return {f.name: conv(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, tuple):
            return [conv(v) for v in value]
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    return conv(plan)


def from_json(data) -> Plan:
    """A checked Plan from JSON data; a ValidationError names the first wrong field."""
    obj = _object("plan", data, _PLAN_KEYS)
    plan = Plan(
        parents=tuple(Parent(**_texts(f"parents[{i}]", p, _PARENT_KEYS))
                      for i, p in enumerate(_list("parents", obj.get("parents", [])))),
        children=tuple(_child(f"children[{i}]", c)
                       for i, c in enumerate(_list("children", obj.get("children", [])))),
        primary_caregiver=_caregiver("primary_caregiver", obj.get("primary_caregiver", {})),
        backup_caregiver=_caregiver("backup_caregiver", obj.get("backup_caregiver", {})),
        documents=tuple(DocumentPlace(**_texts(f"documents[{i}]", d, _DOC_KEYS))
                        for i, d in enumerate(_list("documents", obj.get("documents", [])))),
        affidavit_signed=_bool("affidavit_signed", obj.get("affidavit_signed", False)),
        affidavit_date=_date("affidavit_date", obj.get("affidavit_date")),
        parents_advised=_str("parents_advised", obj.get("parents_advised", "")),
        guardian_nomination=_str("guardian_nomination", obj.get("guardian_nomination", "")),
        g28_holder=_str("g28_holder", obj.get("g28_holder", "")),
        power_of_attorney_holder=_str("power_of_attorney_holder", obj.get("power_of_attorney_holder", "")),
        numbers=Numbers(**_texts("numbers", obj.get("numbers", {}), _NUMBER_KEYS)),
        children_told=_str("children_told", obj.get("children_told", "")),
        money_property=_str("money_property", obj.get("money_property", "")),
    )
    return check(plan)


def _object(field: str, value, keys: set[str]) -> dict:
    if not isinstance(value, dict):
        raise ValidationError(field, _("{field} must be a JSON object.").format(field=field))
    unknown = sorted(set(value) - keys)
    if unknown:
        raise ValidationError(field, _("Unknown field “{name}”: a plan has no such field.").format(
            name=str(unknown[0])[:40]))
    return value


def _list(field: str, value) -> list:
    if not isinstance(value, list):
        raise ValidationError(field, _("{field} must be a list.").format(field=label(field)))
    if len(value) > MAX_PEOPLE:
        raise ValidationError(field, _("{field}: at most {n} entries.").format(field=label(field), n=MAX_PEOPLE))
    return value


def _str(field: str, value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(field, _("{field} must be text.").format(field=field))
    return value


def _bool(field: str, value) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(field, _("{field} must be true or false.").format(field=field))
    return value


def _date(field: str, value) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError(field, _("{field} must be a date written YYYY-MM-DD.").format(field=field)) \
            from None


def _texts(field: str, value, keys: set[str]) -> dict:
    obj = _object(field, value, keys)
    return {k: _str(f"{field}.{k}", v) for k, v in obj.items()}


def _child(field: str, value) -> Child:
    obj = _object(field, value, _CHILD_KEYS)
    return Child(**{k: (_date(f"{field}.{k}", v) if k == "date_of_birth" else _str(f"{field}.{k}", v))
                    for k, v in obj.items()})


def _caregiver(field: str, value) -> Caregiver:
    obj = _object(field, value, _CAREGIVER_KEYS)
    out = {}
    for k, v in obj.items():
        if k == "date_of_birth":
            out[k] = _date(f"{field}.{k}", v)
        elif k == "qualified_relative":
            out[k] = _bool(f"{field}.{k}", v)
        else:
            out[k] = _str(f"{field}.{k}", v)
    return Caregiver(**out)


# ----- rules ----------------------------------------------------------------------------------------------

def check(plan: Plan, *, today: dt.date | None = None) -> Plan:
    """Raise ValidationError naming the field (with its position) of the first problem; return the plan."""

    today = today or clock.today()

    def text(field: str, value: str, limit: int = MAX_TEXT, multiline: bool = False) -> None:
        check_text(field, value, limit, multiline=multiline)

    def past(field: str, value: dt.date | None) -> None:
        if value is not None and (value > today or value.year < 1900):
            raise ValidationError(field, _("{field} must be a real date, not in the future.").format(
                field=field))

    for name, people in (("parents", plan.parents), ("children", plan.children),
                         ("documents", plan.documents)):
        if len(people) > MAX_PEOPLE:
            raise ValidationError(name, _("{field}: at most {n} entries.").format(field=label(name),
                                                                                  n=MAX_PEOPLE))
    for i, p in enumerate(plan.parents):
        text(f"parents[{i}].name", p.name)
        text(f"parents[{i}].phone", p.phone, MAX_PHONE)
        text(f"parents[{i}].relationship", p.relationship)
    for i, c in enumerate(plan.children):
        if not c.name.strip():
            raise ValidationError(f"children[{i}].name", _("Each child needs a name."))
        text(f"children[{i}].name", c.name)
        past(f"children[{i}].date_of_birth", c.date_of_birth)
        text(f"children[{i}].school", c.school)
        text(f"children[{i}].allergies_medications", c.allergies_medications, MAX_NOTE, multiline=True)
        text(f"children[{i}].doctor", c.doctor)
    for role in ("primary_caregiver", "backup_caregiver"):
        cg: Caregiver = getattr(plan, role)
        text(f"{role}.name", cg.name)
        text(f"{role}.phone", cg.phone, MAX_PHONE)
        text(f"{role}.relationship", cg.relationship)
        text(f"{role}.address", cg.address, MAX_TEXT, multiline=True)
        text(f"{role}.california_id", cg.california_id, 40)
        past(f"{role}.date_of_birth", cg.date_of_birth)
        if cg.date_of_birth and _age(cg.date_of_birth, today) < ADULT_AGE:
            raise ValidationError(f"{role}.date_of_birth", _("A caregiver must be 18 or older."))
    for i, d in enumerate(plan.documents):
        text(f"documents[{i}].document", d.document)
        text(f"documents[{i}].place", d.place)
    past("affidavit_date", plan.affidavit_date)
    if plan.affidavit_date and not plan.affidavit_signed:
        raise ValidationError("affidavit_signed", _("An affidavit date is given, but the affidavit is not "
                                                    "marked as signed."))
    if plan.parents_advised not in ADVISED:
        raise ValidationError("parents_advised", _("“{value}” is not one of: {choices}.").format(
            value=plan.parents_advised[:40], choices=", ".join(a for a in ADVISED if a)))
    for field in ("guardian_nomination", "g28_holder", "power_of_attorney_holder"):
        text(field, getattr(plan, field), MAX_NOTE, multiline=True)
    for field in ("clinic", "hotline", "consulate", "detainee_locator"):
        text(f"numbers.{field}", getattr(plan.numbers, field), MAX_PHONE)
    text("children_told", plan.children_told, MAX_NOTE, multiline=True)
    text("money_property", plan.money_property, MAX_NOTE, multiline=True)
    return plan


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
