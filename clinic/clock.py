"""The one clock, and timestamps: stored as ISO 8601 in UTC, shown in local time.

Everything in the core asks this module for the time (`now()`, `today()`, or a Session's `clock`,
which is the same `CLOCK`), so a test can set it for everyone at once:

    with clock.frozen(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)) as c:
        ...; c.advance(hours=25); ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager


class Clock:
    """The system clock, unless a test has set it."""

    def __init__(self) -> None:
        self._fixed: dt.datetime | None = None

    def now(self) -> dt.datetime:
        """The current instant, in UTC."""
        return self._fixed if self._fixed is not None else dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        """The date on this laptop's wall calendar (local time)."""
        return self.now().astimezone().date()

    def now_iso(self) -> str:
        return self.now().isoformat(timespec="microseconds")

    # ----- for tests -----------------------------------------------------------------------------------

    def set(self, at: dt.datetime | dt.date | None) -> None:
        """Stop the clock at `at` (a date means local noon of that day); None lets it run again."""
        if isinstance(at, dt.datetime):
            self._fixed = (at if at.tzinfo else at.astimezone()).astimezone(dt.UTC)
        elif isinstance(at, dt.date):
            self._fixed = dt.datetime.combine(at, dt.time(12)).astimezone().astimezone(dt.UTC)
        else:
            self._fixed = None

    def advance(self, delta: dt.timedelta | None = None, **parts: float) -> None:
        """Move a stopped clock on by `delta` (or timedelta keyword parts: hours=25)."""
        if self._fixed is None:
            raise RuntimeError("only a stopped clock can be moved on")
        self._fixed += delta if delta is not None else dt.timedelta(**parts)


CLOCK = Clock()


@contextmanager
def frozen(at: dt.datetime | dt.date | None = None) -> Iterator[Clock]:
    """Stop the clock at `at` (default: now) for the duration; it runs again afterwards."""
    before = CLOCK._fixed
    CLOCK.set(at if at is not None else CLOCK.now())
    try:
        yield CLOCK
    finally:
        CLOCK._fixed = before


def now() -> dt.datetime:
    return CLOCK.now()


def today() -> dt.date:
    return CLOCK.today()


def now_iso() -> str:
    return CLOCK.now_iso()


def parse_ts(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def parse_date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def iso_date(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None
