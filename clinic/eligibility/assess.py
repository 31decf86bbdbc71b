"""One household's income as a percentage of the poverty guideline, with the table year it used."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from clinic.eligibility.guidelines import GuidelineTable, Region, table_for
from clinic.eligibility.income import IncomeLine, annual_income


@dataclass(frozen=True, slots=True)
class Assessment:
    """Stored as is: a later table never changes an old result."""

    household_size: int
    region: Region
    annual_income: Decimal
    table_year: int
    guideline: int
    percent: Decimal  # one decimal place, rounded down: a dollar under the line never shows 100%

    def within(self, pct: int) -> bool:
        """Income at or under `pct` % of the guideline, compared exactly (not on the rounded percent)."""
        return self.annual_income * 100 <= self.guideline * pct

    @property
    def band(self) -> str:
        """The funder report's income band."""
        if self.annual_income < self.guideline:
            return "under_100"
        if self.within(125):
            return "100_125"
        if self.within(200):
            return "125_200"
        return "over_200"


def percent_of(income: Decimal, guideline: int) -> Decimal:
    return (Decimal(income) * 100 / guideline).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def assess(lines: list[IncomeLine] | tuple[IncomeLine, ...], *, household_size: int,
           region: Region = Region.CONTIGUOUS, table: GuidelineTable) -> Assessment:
    income = annual_income(lines)
    guideline = table.guideline(household_size, Region(region))
    return Assessment(household_size, Region(region), income, table.year, guideline,
                      percent_of(income, guideline))


def assess_on(lines, *, household_size: int, on: dt.date, tables: dict[int, GuidelineTable],
              clinic_effective: dict[int, dt.date] | None = None,
              region: Region = Region.CONTIGUOUS) -> Assessment:
    """Assess with the table in force on the intake's date under the clinic's effective dates."""
    return assess(lines, household_size=household_size, region=region,
                  table=table_for(on, tables, clinic_effective))
