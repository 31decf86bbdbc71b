"""Timestamps: stored as ISO 8601 in UTC, shown in local time."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def now_iso() -> str:
    return now().isoformat(timespec="microseconds")


def parse_ts(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def parse_date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def iso_date(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None
