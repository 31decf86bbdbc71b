"""The vault's eligibility settings: loaded tables, the clinic's effective dates, stored results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from clinic.access import Can
from clinic.eligibility import guidelines
from clinic.eligibility.assess import Assessment, assess_on
from clinic.eligibility.assets import AssetKind, AssetLine, countable
from clinic.eligibility.funding import FundingSource, Qualification, qualify, sources_from_json
from clinic.eligibility.guidelines import GuidelinePreview, GuidelineTable, Region
from clinic.eligibility.income import IncomeLine, IncomeSource, Period
from clinic.errors import ValidationError
from clinic.i18n import _, format_percent
from clinic.session import Session
from clinic.storage.db import transaction
from clinic.storage.repos.conflicts import EligibilityRepo
from clinic.storage.repos.settings import SettingsRepo

_TABLE = "fpg_table_"
_EFFECTIVE = "fpg_effective_"
SOURCES_KEY = "funding_sources"
REGION_KEY = "default_region"
BACKFILL_KEY = "eligibility_backfill"  # set by migration 16, dropped once every moved income has its result


class Eligibility:
    def __init__(self, session: Session):
        self._v = session

    def tables(self) -> dict[int, GuidelineTable]:
        """Shipped tables, overlaid by any an admin loaded."""
        out = guidelines.shipped()
        for key, value in EligibilityRepo(self._v.conn).settings(_TABLE):
            out[int(key[len(_TABLE):])] = guidelines.from_json(value)
        return out

    def clinic_effective(self) -> dict[int, dt.date]:
        return {int(k[len(_EFFECTIVE):]): dt.date.fromisoformat(v)
                for k, v in EligibilityRepo(self._v.conn).settings(_EFFECTIVE) if v}

    def preview_table_csv(self, text: str) -> GuidelinePreview:
        """What load_table_csv would store, checked, saving nothing (admins). Refusals name the line."""
        self._v.require(Can.MANAGE_SETTINGS)
        rows = guidelines.parse_rows(text)
        table = guidelines.table_of(rows)
        return GuidelinePreview(table, rows, self.tables().get(table.year))

    def load_table_csv(self, text: str) -> GuidelineTable:
        """An admin loads a new year's table (no code change). It applies from its effective date. Results
        already stored keep the table year and guideline they were computed with."""
        self._v.require(Can.MANAGE_SETTINGS)
        table = guidelines.parse_csv(text)
        with transaction(self._v.conn):
            SettingsRepo(self._v.conn).set(f"{_TABLE}{table.year}", table.to_json())
            self._v.audit("eligibility.table", f"year:{table.year}")
        return table

    def set_effective(self, year: int, on: dt.date | None) -> None:
        """The clinic applies `year`'s table from `on` (None: from HHS's date)."""
        self._v.require(Can.MANAGE_SETTINGS)
        if year not in self.tables():
            raise ValidationError("year", _("No poverty guideline table for {year}.").format(year=year))
        with transaction(self._v.conn):
            SettingsRepo(self._v.conn).set(f"{_EFFECTIVE}{year}", on.isoformat() if on else "")
            self._v.audit("eligibility.effective", f"year:{year}")

    def assess(self, lines: list[IncomeLine] | tuple[IncomeLine, ...], *, household_size: int,
               on: dt.date, region: Region = Region.CONTIGUOUS, year: int | None = None) -> Assessment:
        tables = self.tables()
        if year is not None:
            if year not in tables:
                raise ValidationError("year", _("No poverty guideline table for {year}.").format(year=year))
            tables, effective = {year: tables[year]}, {}
        else:
            effective = self.clinic_effective()
        return assess_on(lines, household_size=household_size, on=on, tables=tables,
                         clinic_effective=effective, region=Region(region))

    def sources(self) -> tuple[FundingSource, ...]:
        """The clinic's active funding sources (see clinic.eligibility.sources to change them)."""
        return tuple(s for s in sources_from_json(SettingsRepo(self._v.conn).get(SOURCES_KEY)) if s.active)

    def qualifies(self, a: Assessment, *, countable_assets: Decimal | None = None) -> list[Qualification]:
        return qualify(a, self.sources(), countable_assets=countable_assets)

    def default_region(self) -> Region:
        """The region a new intake starts with: the clinic's setting, else the 48 contiguous states and DC."""
        value = SettingsRepo(self._v.conn).get(REGION_KEY)
        return Region(value) if value in {r.value for r in Region} else Region.CONTIGUOUS

    def set_default_region(self, region: str) -> Region:
        """An admin sets where the clinic is (Alaska and Hawaii have their own guidelines)."""
        self._v.require(Can.MANAGE_SETTINGS)
        if region not in {r.value for r in Region}:
            raise ValidationError("region", _("Region must be one of: contiguous, alaska, hawaii."))
        with transaction(self._v.conn):
            SettingsRepo(self._v.conn).set(REGION_KEY, region)
            self._v.audit("eligibility.region", "", region=region)
        return Region(region)

    def check_tag(self, intake_id: int, source: FundingSource) -> bool:
        """Whether tagging a case from this intake with `source` takes an exception (45 CFR 1611.5: over the
        source's income ceiling but within its exception ceiling, so a reason must be noted). Refused over
        the exception ceiling, or over a ceiling without one. Judged on the intake's stored result (its table
        year); an intake with no income recorded is not judged."""
        result = self.for_intake(intake_id)[1]
        if result is None:
            return False
        q = qualify(result, (source,))[0]
        if q.qualifies:
            return False
        if not q.needs_exception:
            raise ValidationError("funding_source", _(
                "The household's income is {percent} of the poverty guideline: over what {source} allows "
                "({ceiling}).").format(percent=format_percent(result.percent), source=source.name,
                                       ceiling=format_percent(source.exception_ceiling_pct
                                                              or source.income_ceiling_pct)))
        return True

    def save_for_intake(self, intake_id: int, lines, *, household_size: int | None, on: dt.date,
                        region: str, assets=()) -> Assessment | None:
        """Store an intake's income and asset lines, its region and its result (with the table year and the
        countable assets); inside the caller's transaction."""
        result = None
        if household_size is not None and lines:
            result = self.assess(lines, household_size=household_size, on=on, region=Region(region))
        repo = EligibilityRepo(self._v.conn)
        repo.put(intake_id, [(ln.source.value, str(ln.amount), ln.per.value) for ln in lines],
                 None if result is None else _result_row(result, countable(assets)), region=Region(region).value,
                 assets=[(a.kind.value, str(a.value), a.excluded) for a in assets])
        return result

    def backfill(self) -> int:
        """Results for intakes whose old monthly income migration 16 made an income line: each assessed with
        the table in force on its own date, once (a stored result is never recomputed). Run at unlock."""
        repo = EligibilityRepo(self._v.conn)
        if SettingsRepo(self._v.conn).get(BACKFILL_KEY) != "1":
            return 0
        tables, effective, done, after = self.tables(), self.clinic_effective(), 0, 0
        while rows := repo.without_result(after, 500):
            with transaction(self._v.conn):
                for intake_id, recorded_at, size in rows:
                    after = intake_id
                    if not 1 <= size <= guidelines.MAX_HOUSEHOLD:  # beyond the tables: no result, as at save
                        continue
                    lines = [IncomeLine(IncomeSource(s), Decimal(a), Period(p)) for s, a, p in repo.lines(intake_id)]
                    region = Region(repo.region(intake_id) or Region.CONTIGUOUS)
                    result = assess_on(lines, household_size=size, on=dt.date.fromisoformat(recorded_at[:10]),
                                       tables=tables, clinic_effective=effective, region=region)
                    repo.put_result(intake_id, _result_row(result, None))
                    done += 1
        with transaction(self._v.conn):
            SettingsRepo(self._v.conn).delete(BACKFILL_KEY)
        return done

    def means(self, intake_id: int) -> IntakeMeans:
        """An intake's household means as stored: income and asset lines, region, result and which of the
        clinic's sources it falls under (attorneys, coordinators and admins)."""
        lines, result = self.for_intake(intake_id)
        repo = EligibilityRepo(self._v.conn)
        assets = tuple(AssetLine(AssetKind(k), Decimal(v), x) for k, v, x in repo.assets(intake_id))
        stored = repo.result(intake_id)
        counted = Decimal(stored[6]) if stored is not None and stored[6] is not None else countable(assets)
        region = Region(repo.region(intake_id) or (result.region if result else self.default_region()))
        quals = tuple(self.qualifies(result, countable_assets=counted)) if result else ()
        return IntakeMeans(tuple(lines), assets, region, counted, result, quals)

    def for_intake(self, intake_id: int) -> tuple[list[IncomeLine], Assessment | None]:
        """The stored income lines and result: never recomputed, so a new table changes nothing."""
        self._v.require(Can.VIEW_CLIENTS)
        repo = EligibilityRepo(self._v.conn)
        lines = [IncomeLine(IncomeSource(s), Decimal(a), Period(p)) for s, a, p in repo.lines(intake_id)]
        r = repo.result(intake_id)
        return lines, (None if r is None else Assessment(r[0], Region(r[1]), Decimal(r[2]), r[3], r[4],
                                                         Decimal(r[5])))


def _result_row(a: Assessment, countable_assets: Decimal | None) -> tuple:
    return (a.household_size, a.region.value, str(a.annual_income), a.table_year, a.guideline, str(a.percent),
            None if countable_assets is None else str(countable_assets))


@dataclass(frozen=True, slots=True)
class IntakeMeans:
    lines: tuple[IncomeLine, ...]
    assets: tuple[AssetLine, ...]
    region: Region
    countable_assets: Decimal | None  # None: no asset was recorded
    result: Assessment | None  # None: no income lines (or no household size)
    qualifications: tuple[Qualification, ...]
