"""Asset lines (cash or bank, home, vehicle, other) and the countable assets a funder's ceiling applies to.

The usual exclusions (45 CFR 1611.3(d)(1) lets a recipient exclude the principal residence and vehicles
used for transportation): an asset line marked `excluded` does not count. Only the home lived in and one
vehicle used for transport may be excluded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from clinic.errors import ValidationError
from clinic.i18n import N_, _

MAX_ASSET_VALUE = Decimal("100000000")
MAX_ASSET_LINES = 20


class AssetKind(StrEnum):
    CASH = "cash"  # cash and bank accounts
    HOME = "home"
    VEHICLE = "vehicle"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ASSET_LABELS[self]


ASSET_LABELS = {
    AssetKind.CASH: N_("Cash and bank accounts"),
    AssetKind.HOME: N_("Home"),
    AssetKind.VEHICLE: N_("Vehicle"),
    AssetKind.OTHER: N_("Other asset"),
}

# What "excluded" means for each kind that may be excluded, as the form and the case file say it.
EXCLUSION_LABELS = {
    AssetKind.HOME: N_("the home the household lives in"),
    AssetKind.VEHICLE: N_("the vehicle used for transport"),
}


@dataclass(frozen=True, slots=True)
class AssetLine:
    kind: AssetKind
    value: Decimal  # dollars and cents
    excluded: bool = False  # the home lived in, or the one vehicle used for transport


def asset(kind: str, value, excluded: bool = False, *, path: str = "assets") -> AssetLine:
    """A checked asset line from loose input (JSON, the form); errors name the field."""
    try:
        k = AssetKind(kind)
    except ValueError:
        raise ValidationError("assets", _("Asset kind must be one of: cash, home, vehicle, other."),
                              path=path) from None
    try:
        v = Decimal(str(value)) if not isinstance(value, bool) else None
    except ArithmeticError:
        v = None
    if v is None or not v.is_finite() or not 0 <= v <= MAX_ASSET_VALUE or v != v.quantize(Decimal("0.01")):
        raise ValidationError("assets", _("An asset's value must be a number of dollars (cents allowed) from 0 "
                                          "to 100,000,000."), path=path)
    if not isinstance(excluded, bool):
        raise ValidationError("assets", _("“excluded” must be true or false."), path=path)
    return AssetLine(k, v.quantize(Decimal("0.01")), excluded)


def check_lines(lines) -> tuple[AssetLine, ...]:
    """The lines, refused (path `assets[i]`) when one is not an AssetLine, or the exclusions go beyond the home
    and one vehicle."""
    lines = tuple(lines)
    if len(lines) > MAX_ASSET_LINES:
        raise ValidationError("assets", _("At most {n} asset lines.").format(n=MAX_ASSET_LINES))
    seen: set[AssetKind] = set()
    for i, ln in enumerate(lines):
        at = f"assets[{i}]"
        if not isinstance(ln, AssetLine) or not isinstance(ln.kind, AssetKind):
            raise ValidationError("assets", _("Each asset line needs a kind and a value."), path=at)
        if ln.excluded and ln.kind not in EXCLUSION_LABELS:
            raise ValidationError("assets", _("Only the home lived in and one vehicle used for transport can be "
                                              "left out of the countable assets."), path=at)
        if ln.excluded and ln.kind in seen:
            raise ValidationError("assets", _("Only one home and one vehicle can be left out of the countable "
                                              "assets; the others count."), path=at)
        if ln.excluded:
            seen.add(ln.kind)
    return lines


def countable(lines) -> Decimal | None:
    """The sum of the counted lines; None when no asset was recorded (the question was not asked)."""
    lines = tuple(lines)
    if not lines:
        return None
    return sum((ln.value for ln in lines if not ln.excluded), Decimal("0.00"))


def from_json(items: list) -> tuple[AssetLine, ...]:
    """The intake JSON's `assets`: objects {"kind", "value", "excluded"}; errors name `assets[i]`."""
    out = []
    for i, item in enumerate(items):
        at = f"assets[{i}]"
        if not isinstance(item, dict) or set(item) - {"kind", "value", "excluded"} or "value" not in item \
                or not isinstance(item.get("kind", "other"), str):
            raise ValidationError("assets", _("Each asset line needs a kind and a value."), path=at)
        value = item["value"]
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValidationError("assets", _("Each asset line needs a kind and a value."), path=at)
        out.append(asset(item.get("kind", "other"), value, item.get("excluded", False), path=at))
    return tuple(out)
