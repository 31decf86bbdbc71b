"""The ordinance's public report: counts of verified incidents, suppressed, as cells; CSV and PDF.

Takes plain data (`PublicIncident`s, which carry PUBLIC fields only) and returns cells; never a name,
reference, address, plate, free text or a time finer than a day.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

from clinic.i18n import N_, translator_for
from clinic.models.hotline import Service
from clinic.models.incidents import Activity, PublicIncident, Warrant
from clinic.reports.suppression import SMALL, Cell, suppress

IDENTIFICATION = {
    "masked": N_("Agents with faces covered"),
    "no_identification": N_("Agents with no identification"),
    "unmarked_vehicle": N_("Unmarked vehicles"),
    "possible_impersonator": N_("Possible impersonators"),
}
TABLE_TITLES = {
    "total": N_("Verified incidents"),
    "week": N_("By week (starting)"),
    "neighbourhood": N_("By neighbourhood"),
    "activity": N_("By kind of activity"),
    "warrant": N_("By warrant shown"),
    "identification": N_("Agents' identification"),
    "detained": N_("People detained"),
    "excluded": N_("Reports not counted (not verified)"),
    "services": N_("Services for people affected"),
}
# The follow-ups counted under "services", made from an incident during the period: the raid-response
# pilot's services, not the whole clinic's. A legal consultation is a case of a client an incident's
# intake opened, accepted or closed by an attorney (once per case; see clinic.followups).
SERVICES = {"intake": N_("Intakes (client files opened)"),
            "consultation": N_("Legal consultations"),
            **{f"referral:{s.value}": s.label for s in Service}}
NOT_RECORDED = N_("Not recorded")
METHOD_NOTE = N_(
    "Only incidents verified by a trained observer or corroborated by other reports are counted; "
    "unverified reports are never treated as fact. Counts from 1 to 10 are not shown (marked “<11”), "
    "and further counts are hidden where needed so that no hidden count can be worked out from totals, "
    "from other tables in this report, or from reports published before it. Weeks start on Monday. "
    "No names, addresses, times, plates or descriptions are published.")


@dataclasses.dataclass(frozen=True, slots=True)
class PublicReport:
    date_from: dt.date
    date_to: dt.date
    cells: tuple[Cell, ...]


def weeks(date_from: dt.date, date_to: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Monday-to-Sunday weeks clipped to the range."""
    out, start = [], date_from
    while start <= date_to:
        end = min(date_to, start + dt.timedelta(days=6 - start.weekday()))
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


def true_cells(facts: list[PublicIncident], excluded: int, *, date_from: dt.date, date_to: dt.date,
               neighbourhoods: tuple[str, ...], services: dict[str, int] | None = None) -> list[Cell]:
    """Every cell of the report with its real count (before suppression)."""
    def cell(table, category, n, start=date_from, end=date_to):
        return Cell(table, category, start, end, n)

    cells = [cell("total", "", len(facts))]
    for start, end in weeks(date_from, date_to):
        cells.append(cell("week", start.isoformat(), sum(start <= f.date <= end for f in facts), start, end))
    names = list(dict.fromkeys([*neighbourhoods, *sorted({f.neighbourhood for f in facts} - {""}), ""]))
    cells += [cell("neighbourhood", n, sum(f.neighbourhood == n for f in facts)) for n in names]
    cells += [cell("activity", a.value, sum(a in f.activities for f in facts)) for a in Activity]
    cells += [cell("warrant", w.value, sum(f.warrant is w for f in facts)) for w in Warrant]
    cells += [cell("identification", k, sum(bool(getattr(f, k)) for f in facts)) for k in IDENTIFICATION]
    cells.append(cell("detained", "", sum(f.detained for f in facts)))
    cells.append(cell("excluded", "", excluded))
    cells += [cell("services", k, (services or {}).get(k, 0)) for k in SERVICES]
    return cells


def build(facts: list[PublicIncident], excluded: int, *, date_from: dt.date, date_to: dt.date,
          neighbourhoods: tuple[str, ...], history: list[Cell],
          services: dict[str, int] | None = None) -> PublicReport:
    """`services`: follow-ups made from incidents in the period, counted by SERVICES key."""
    cells = true_cells(facts, excluded, date_from=date_from, date_to=date_to, neighbourhoods=neighbourhoods,
                       services=services)
    return PublicReport(date_from, date_to, tuple(suppress(cells, history)))


def category_label(cell: Cell, lang: str) -> str:
    t = translator_for(lang).gettext
    if cell.table == "week":
        return cell.start.isoformat()
    if cell.table == "neighbourhood":
        return cell.category or t(NOT_RECORDED)
    if cell.table == "activity":
        return t(Activity(cell.category).label)
    if cell.table == "warrant":
        return t(Warrant(cell.category).label)
    if cell.table == "identification":
        return t(IDENTIFICATION[cell.category])
    if cell.table == "services":
        return t(SERVICES[cell.category])
    return t(TABLE_TITLES[cell.table])


def shown(cell: Cell) -> str:
    return f"<{SMALL + 1}" if cell.value is None else str(cell.value)


def to_csv(report: PublicReport) -> str:
    """One row per cell: table, category (Spanish and English), the days it covers, the count or <11."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["table", "category_es", "category_en", "from", "to", "count"])
    for c in report.cells:
        w.writerow([c.table, _csv_safe(category_label(c, "es")), _csv_safe(category_label(c, "en")),
                    c.start.isoformat(), c.end.isoformat(), shown(c)])
    return buf.getvalue()


def _csv_safe(text: str) -> str:
    """A spreadsheet runs a cell starting with = + - @ as a formula: a clinic-named neighbourhood could."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
