"""Funding sources (income ceiling as a % of the guideline, LSC or not, optional asset ceiling)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from decimal import Decimal

from clinic.eligibility.assess import Assessment


@dataclass(frozen=True, slots=True)
class FundingSource:
    name: str
    income_ceiling_pct: int | None  # None: no income limit
    lsc_funded: bool = False
    asset_ceiling: int | None = None  # dollars, after excluding the home and the car used for transport
    # 45 CFR 1611.5: an LSC recipient may serve a household between 125% and 200% under an adopted policy,
    # with the reason recorded.
    exception_ceiling_pct: int | None = None
    active: bool = True  # a deactivated source stays on the cases it tags, but no new case gets it


DEFAULT_SOURCES = (
    FundingSource("LSC", 125, lsc_funded=True, exception_ceiling_pct=200),
    FundingSource("County", 200),
    FundingSource("Unrestricted", None),
)


def sources_to_json(sources: tuple[FundingSource, ...]) -> str:
    return json.dumps([dataclasses.asdict(s) for s in sources], sort_keys=True)


def sources_from_json(text: str) -> tuple[FundingSource, ...]:
    """A clinic's stored sources; an empty setting means the defaults."""
    return tuple(FundingSource(**item) for item in json.loads(text)) if text else DEFAULT_SOURCES


@dataclass(frozen=True, slots=True)
class Qualification:
    source: FundingSource
    qualifies: bool
    needs_exception: bool  # over the ceiling but within the exception ceiling: a reason must be noted
    over_assets: bool


def qualify(a: Assessment, sources: tuple[FundingSource, ...] | list[FundingSource],
            *, countable_assets: Decimal | None = None) -> list[Qualification]:
    """Which sources the household falls under. Countable assets exclude the home and the car."""
    out = []
    for s in sources:
        over_assets = (s.asset_ceiling is not None and countable_assets is not None
                       and countable_assets > s.asset_ceiling)
        within = s.income_ceiling_pct is None or a.within(s.income_ceiling_pct)
        exception = (not within and s.exception_ceiling_pct is not None
                     and a.within(s.exception_ceiling_pct))
        out.append(Qualification(s, within and not over_assets, exception and not over_assets, over_assets))
    return out
