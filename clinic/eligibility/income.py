"""Income lines (source, amount, period) and the annual income they add up to."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from clinic.errors import ValidationError
from clinic.i18n import N_, _

MAX_LINE_AMOUNT = Decimal("10000000")


class IncomeSource(StrEnum):
    WAGES = "wages"
    BENEFITS = "benefits"
    CHILD_SUPPORT = "child_support"
    OTHER = "other"

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self]


SOURCE_LABELS = {
    IncomeSource.WAGES: N_("Wages"),
    IncomeSource.BENEFITS: N_("Benefits"),
    IncomeSource.CHILD_SUPPORT: N_("Child support"),
    IncomeSource.OTHER: N_("Other income"),
}


class Period(StrEnum):
    WEEK = "week"
    BIWEEKLY = "biweekly"
    MONTH = "month"
    YEAR = "year"

    @property
    def per_year(self) -> int:
        return {Period.WEEK: 52, Period.BIWEEKLY: 26, Period.MONTH: 12, Period.YEAR: 1}[self]


PERIOD_LABELS = {"week": N_("per week"), "biweekly": N_("per two weeks"), "month": N_("per month"),
                 "year": N_("per year")}


@dataclass(frozen=True, slots=True)
class IncomeLine:
    source: IncomeSource
    amount: Decimal  # dollars and cents, per `per`
    per: Period


def line(source: str, amount, per: str, *, field: str = "income") -> IncomeLine:
    """A checked income line from loose input (JSON, the command line); errors name the field."""
    try:
        src = IncomeSource(source)
    except ValueError:
        raise ValidationError(field, _("Income source must be one of: wages, benefits, child_support, "
                                       "other.")) from None
    try:
        period = Period(per)
    except ValueError:
        raise ValidationError(field, _("Income period must be one of: week, biweekly, month, year.")) from None
    try:
        value = Decimal(str(amount)) if not isinstance(amount, bool) else None
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite() or not 0 <= value <= MAX_LINE_AMOUNT \
            or value != value.quantize(Decimal("0.01")):
        raise ValidationError(field, _("Income amount must be a number of dollars (cents allowed) from 0 "
                                       "to 10,000,000."))
    return IncomeLine(src, value.quantize(Decimal("0.01")), period)


def annual_income(lines: tuple[IncomeLine, ...] | list[IncomeLine]) -> Decimal:
    """The household's yearly income, to the cent."""
    total = sum((ln.amount * ln.per.per_year for ln in lines), Decimal("0"))
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def monthly_from_json(value, *, has_lines: bool) -> tuple[IncomeLine, ...]:
    """The intake JSON's old single figure, still accepted from scripts written before income lines: one
    line "other income, per month" (what migration 16 made of stored ones). Given with lines it is refused:
    which of the two is right is not ours to guess."""
    if has_lines:
        raise ValidationError("monthly_income", _("Give the income as “income” lines only: “monthly_income” is "
                                                  "the old single figure and cannot be combined with them."))
    return (line("other", value, "month", field="monthly_income"),)
