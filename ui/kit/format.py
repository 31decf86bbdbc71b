"""Dates, times, sizes, money and language names in the UI language (Babel); shared by every screen."""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.numbers import format_decimal

from clinic import models as m
from clinic.i18n import N_, _, current_language
from clinic.i18n import format_money as i18n_format_money


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)  # parsed once: a list repaint formats hundreds of dates


def ui_locale() -> Locale:
    """The Babel locale of the UI language; every formatter here uses it."""
    return _locale(current_language())


def format_date(value: dt.date | dt.datetime | None) -> str:
    """A date as people read it in the UI language (14 mar 1987 / Mar 14, 1987); '' for none.

    A timestamp is shown as its local date (a naive one is taken as local already)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone().date() if value.tzinfo else value.date()
    return babel_date(value, "medium", locale=ui_locale())


def format_when(value: dt.datetime | None) -> str:
    """A moment in local time: date and hour and minute; '' for none."""
    if value is None:
        return ""
    local = value.astimezone() if value.tzinfo else value
    return _("{date}, {time}").format(date=format_date(local.date()),
                                      time=babel_time(local.time(), "short", locale=ui_locale()))


def format_money(amount: int | None) -> str:
    """Whole dollars in the UI language: the core's one money format (clinic.i18n.format_money)."""
    return i18n_format_money(amount)


def format_number(n: int) -> str:
    return format_decimal(n, locale=ui_locale())


def format_size(size: int) -> str:
    """A file size in KB (at least 1) or MB, as the UI language writes numbers."""
    if size < 1024 * 1024:
        return _("{n} KB").format(n=format_decimal(max(1, round(size / 1024)), locale=ui_locale()))
    return _("{n} MB").format(n=format_decimal(round(size / (1024 * 1024), 1), locale=ui_locale()))



def language_name(code: str) -> str:
    return _(m.LANGUAGE_LABELS[code]) if code in m.LANGUAGE_LABELS else code


NATIVE_NAMES = {"es": "Español", "en": "English"}


# How a person reached the clinic, as staff read it.
CHANNEL_NAMES = {m.Channel.WALK_IN: N_("Walk-in"), m.Channel.PHONE: N_("By phone"),
                 m.Channel.OUTREACH: N_("Outreach")}
