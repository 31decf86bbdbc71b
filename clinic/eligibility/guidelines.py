"""HHS poverty guideline tables: shipped as data with their source, loadable from an admin's CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

from clinic.errors import ValidationError
from clinic.i18n import N_, _

MAX_HOUSEHOLD = 30


class Region(StrEnum):
    CONTIGUOUS = "contiguous"  # the 48 contiguous states and the District of Columbia
    ALASKA = "alaska"
    HAWAII = "hawaii"

    @property
    def label(self) -> str:
        return REGION_LABELS[self]


REGION_LABELS = {
    Region.CONTIGUOUS: N_("48 contiguous states and DC"),
    Region.ALASKA: N_("Alaska"),
    Region.HAWAII: N_("Hawaii"),
}


@dataclass(frozen=True, slots=True)
class GuidelineTable:
    """One year's guidelines: for each region, the amount for one person and for each additional person."""

    year: int
    effective: dt.date  # the date HHS made it effective; a clinic may apply it from a later date
    source: str
    regions: dict[Region, tuple[int, int]]

    def guideline(self, household_size: int, region: Region = Region.CONTIGUOUS) -> int:
        """Whole dollars a year for a household of this size in this region."""
        if not isinstance(household_size, int) or not 1 <= household_size <= MAX_HOUSEHOLD:
            raise ValidationError("household_size", _("Household size must be a whole number from 1 to "
                                                      "{max}.").format(max=MAX_HOUSEHOLD))
        base, per_additional = self.regions[Region(region)]
        return base + per_additional * (household_size - 1)

    def to_json(self) -> str:
        return json.dumps({"year": self.year, "effective": self.effective.isoformat(), "source": self.source,
                           "regions": {r.value: {"base": b, "per_additional": a}
                                       for r, (b, a) in self.regions.items()}}, sort_keys=True)


def from_json(text: str) -> GuidelineTable:
    obj = json.loads(text)
    return GuidelineTable(year=int(obj["year"]), effective=dt.date.fromisoformat(obj["effective"]),
                          source=str(obj["source"]),
                          regions={Region(k): (int(v["base"]), int(v["per_additional"]))
                                   for k, v in obj["regions"].items()})


def shipped() -> dict[int, GuidelineTable]:
    """The tables that ship with the app, by year."""
    out = {}
    for entry in sorted(resources.files("clinic.eligibility").joinpath("data").iterdir(), key=lambda e: e.name):
        if entry.name.startswith("hhs_") and entry.name.endswith(".json"):
            table = from_json(entry.read_text(encoding="utf-8"))
            out[table.year] = table
    return out


CSV_HEADER = ("year", "effective", "region", "base", "per_additional", "source")
MAX_AMOUNT = 1_000_000
YEARS = (1990, 2100)


@dataclass(frozen=True, slots=True)
class GuidelineRow:
    """One line of an admin's CSV as read, with its line number (the header is line 1)."""

    line: int
    year: int
    effective: dt.date
    region: Region
    base: int
    per_additional: int
    source: str


@dataclass(frozen=True, slots=True)
class GuidelinePreview:
    """What loading a CSV would store, shown before it is saved. `replaces`: the table now used for that
    year (shipped or loaded before), which the new one would replace for intakes assessed from now on."""

    table: GuidelineTable
    rows: tuple[GuidelineRow, ...]
    replaces: GuidelineTable | None = None


def _row(number: int, row: dict) -> GuidelineRow:
    try:
        region = Region(row["region"].strip().lower())
        base, per = int(row["base"].strip()), int(row["per_additional"].strip())
        year = int(row["year"].strip())
        effective = dt.date.fromisoformat(row["effective"].strip())
        source = row["source"].strip()
    except (ValueError, AttributeError):
        raise ValidationError("csv", _("Line {line} of the table is not valid: region must be contiguous, "
                                       "alaska or hawaii; amounts whole dollars; the date YYYY-MM-DD.")
                              .format(line=number)) from None
    if not 0 < base <= MAX_AMOUNT or not 0 < per <= MAX_AMOUNT or not YEARS[0] <= year <= YEARS[1]:
        raise ValidationError("csv", _("Line {line} of the table has an amount that is not a positive whole "
                                       "number of dollars, or a year that is not a year.").format(line=number))
    if not source or None in row:  # None: more fields than columns
        raise ValidationError("csv", _("Line {line} of the table has no source, or more fields than the "
                                       "header.").format(line=number))
    return GuidelineRow(number, year, effective, region, base, per, source)


def parse_rows(text: str) -> tuple[GuidelineRow, ...]:
    """The rows of a new year's table from CSV with the columns year,effective,region,base,per_additional,
    source: one row per region, all three regions, one year, one effective date, one source (so every table
    in use says where its figures came from). Each refusal names the line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if tuple(reader.fieldnames or ()) != CSV_HEADER:
        raise ValidationError("csv", _("The table's first line must be: {header}.")
                              .format(header=",".join(CSV_HEADER)))
    rows: list[GuidelineRow] = []
    for number, raw in enumerate(reader, start=2):
        if not any((v or "").strip() for k, v in raw.items() if k is not None):
            continue  # a blank line
        row = _row(number, raw)
        if any(r.region is row.region for r in rows):
            raise ValidationError("csv", _("Line {line} of the table repeats the region {region}.")
                                  .format(line=number, region=row.region.value))
        if rows and (row.year, row.effective, row.source) != (rows[0].year, rows[0].effective, rows[0].source):
            raise ValidationError("csv", _("Line {line} of the table has another year, effective date or "
                                           "source than line {first}: a table is one year's.")
                                  .format(line=number, first=rows[0].line))
        rows.append(row)
    missing = [r.value for r in Region if r not in {row.region for row in rows}]
    if missing:
        raise ValidationError("csv", _("The table has no row for: {regions}. It needs one row for each "
                                       "region.").format(regions=", ".join(missing)))
    return tuple(rows)


MAX_CSV_BYTES = 64 * 1024  # three rows and a header: anything near this is not a guideline table


def read_csv_file(path) -> str:
    """A guideline CSV file as text (UTF-8, with or without BOM), reading at most MAX_CSV_BYTES + 1 bytes."""
    from clinic.files import read_small_text

    return read_small_text(path, MAX_CSV_BYTES, field="csv",
                           too_large=_("The file is too large for a poverty guideline table."))


def parse_csv(text: str) -> GuidelineTable:
    """A new year's table from CSV (see parse_rows)."""
    return table_of(parse_rows(text))


def table_of(rows: tuple[GuidelineRow, ...]) -> GuidelineTable:
    first = rows[0]
    return GuidelineTable(year=first.year, effective=first.effective, source=first.source,
                          regions={r.region: (r.base, r.per_additional) for r in rows})


def table_for(on: dt.date, tables: dict[int, GuidelineTable],
              clinic_effective: dict[int, dt.date] | None = None) -> GuidelineTable:
    """The table in force on a date: the latest year whose effective date (the clinic's own, where it set
    one, else HHS's) is on or before it; the oldest table for dates before them all."""
    if not tables:
        raise ValidationError("year", _("No poverty guideline table is loaded."))
    clinic_effective = clinic_effective or {}
    in_force = [t for t in tables.values() if clinic_effective.get(t.year, t.effective) <= on]
    if not in_force:
        return min(tables.values(), key=lambda t: t.year)
    return max(in_force, key=lambda t: t.year)
