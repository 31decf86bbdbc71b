"""The funder report: cases opened and closed in a period, counted by LSC problem code, closure category,
funding source and income band; counts only, optionally with the public report's small-cell suppression.

Takes plain facts (`FunderFact`: dates, codes, a funding source's name, a % of the guideline) and returns
cells; it never sees a name, a reference, an address or any free text about a person.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal

from clinic import codes
from clinic.i18n import N_, translator_for
from clinic.reports.suppression import SMALL, Cell, suppress

# Income as a % of the HHS poverty guideline (as stored with the intake, with the table year it used).
BANDS = {
    "under_100": N_("Under 100% of the poverty guideline"),
    "100_125": N_("100% to 125%"),
    "125_200": N_("Over 125% to 200%"),
    "over_200": N_("Over 200%"),
    "unknown": N_("Income not recorded"),
}
SECTIONS = {"opened": N_("Cases opened"), "closed": N_("Cases closed")}
TABLES = {
    "": N_("All cases"),
    "problem": N_("By LSC problem code"),
    "closure": N_("By LSC closure category"),
    "funding": N_("By funding source"),
    "band": N_("By household income"),
}
NOT_RECORDED = N_("Not recorded")
METHOD_NOTE = N_(
    "Counts of cases only: no names, references or descriptions. A case is counted as opened on the day "
    "its intake was saved and as closed on the day it was closed (rejected cases are not counted as "
    "closed). Income bands use the percentage of the HHS poverty guideline stored with the intake. Problem "
    "codes and closure categories are those of the LSC Case Service Report Handbook (2017 Edition).")
SUPPRESSED_NOTE = N_(
    "Counts from 1 to 10 are not shown (marked “<11”), and further counts are hidden where needed so that "
    "no hidden count can be worked out from the totals or the other tables.")
UNSUPPRESSED_NOTE = N_("Small counts are shown as they are: this copy is for the funder, not for publication.")


@dataclasses.dataclass(frozen=True, slots=True)
class FunderFact:
    opened: dt.date
    closed: dt.date | None  # only for a case closed (not rejected)
    problem_code: int
    closure: str | None
    funding: str  # the funding source's name; "" when none was tagged
    percent: Decimal | None  # % of the guideline; None when the intake had no income lines


@dataclasses.dataclass(frozen=True, slots=True)
class FunderReport:
    date_from: dt.date
    date_to: dt.date
    cells: tuple[Cell, ...]
    suppressed: bool


def band(percent: Decimal | None) -> str:
    if percent is None:
        return "unknown"
    if percent < 100:
        return "under_100"
    if percent <= 125:
        return "100_125"
    if percent <= 200:
        return "125_200"
    return "over_200"


def _categories(facts: list[FunderFact], section: str) -> dict[str, list[str]]:
    values = {
        "problem": [str(f.problem_code) for f in facts],
        "funding": [f.funding for f in facts],
        "band": [band(f.percent) for f in facts],
    }
    if section == "closed":
        values["closure"] = [f.closure or "" for f in facts]
    return values


def true_cells(facts: list[FunderFact], *, date_from: dt.date, date_to: dt.date) -> list[Cell]:
    """Every cell with its real count: per section a total and one table per breakdown. Problem codes and
    funding sources with no case are left out (their count is 0); the bands and categories are all listed."""
    cells = []
    for section in SECTIONS:
        chosen = [f for f in facts if date_from <= (f.opened if section == "opened" else f.closed or dt.date.min)
                  <= date_to]
        cells.append(Cell(section, "", date_from, date_to, len(chosen)))
        for table, values in _categories(chosen, section).items():
            if table == "band":
                names = list(BANDS)
            elif table == "closure":
                names = [*codes.closure_categories(), *([""] if "" in values else [])]
            elif table == "problem":
                names = sorted(set(values), key=int)
            else:
                names = sorted(set(values), key=lambda n: (n == "", n.casefold()))
            cells += [Cell(f"{section}_{table}", n, date_from, date_to, values.count(n)) for n in names]
    return cells


def build(facts: list[FunderFact], *, date_from: dt.date, date_to: dt.date, suppress_small: bool = True) -> FunderReport:
    cells = true_cells(facts, date_from=date_from, date_to=date_to)
    if suppress_small:
        partitions = {c.table: c.table.split("_", 1)[0] for c in cells if "_" in c.table}
        cells = suppress(cells, [], partitions=partitions)
    return FunderReport(date_from, date_to, tuple(cells), suppress_small)


def section_of(cell: Cell) -> str:
    return cell.table.split("_", 1)[0]


def table_of(cell: Cell) -> str:
    return cell.table.split("_", 1)[1] if "_" in cell.table else ""


def category_label(cell: Cell, lang: str) -> str:
    t = translator_for(lang).gettext
    table = table_of(cell)
    if table == "":
        return t(SECTIONS[section_of(cell)])
    if not cell.category:
        return t(NOT_RECORDED)
    if table == "problem":
        code = codes.problem_codes().get(int(cell.category))
        return f"{int(cell.category):02d} {code.label(lang)}" if code else cell.category
    if table == "closure":
        return f"{cell.category} {codes.closure_categories()[cell.category].label(lang)}"
    if table == "band":
        return t(BANDS[cell.category])
    return cell.category  # a funding source's name, as the clinic configured it


def shown(cell: Cell) -> str:
    return f"<{SMALL + 1}" if cell.value is None else str(cell.value)


def to_csv(report: FunderReport) -> str:
    """One row per cell: section, table, code, category (Spanish and English), the period, the count or <11."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["section", "table", "code", "category_es", "category_en", "from", "to", "count"])
    for c in report.cells:
        w.writerow([section_of(c), table_of(c) or "total", _csv_safe(c.category), _csv_safe(category_label(c, "es")),
                    _csv_safe(category_label(c, "en")), c.start.isoformat(), c.end.isoformat(), shown(c)])
    return buf.getvalue()


def _csv_safe(text: str) -> str:
    """A spreadsheet runs a cell starting with = + - @ as a formula: a funding source's name could."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
