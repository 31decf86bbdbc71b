"""The reports' charts draw a suppressed count as an empty dashed bar up to the largest value it could hide,
as their titles say ("hidden counts drawn as empty bars"), never as a missing bar that reads as zero."""

from __future__ import annotations

import datetime as dt

from reportlab.lib.colors import white

from clinic.reports import render
from clinic.reports.public import PublicReport
from clinic.reports.suppression import SMALL, Cell


def _week(day: int, value: int | None) -> Cell:
    start = dt.date(2026, 11, day)
    return Cell("week", start.isoformat(), start, start + dt.timedelta(days=6), value)


def test_a_hidden_week_is_an_empty_dashed_bar_and_a_zero_week_no_bar():
    report = PublicReport(dt.date(2026, 11, 2), dt.date(2026, 11, 29),
                          (_week(2, 17), _week(9, None), _week(16, 0), _week(23, 14)))
    chart = render._chart(report).contents[0]
    assert chart.data == [[17, SMALL, 0, 14]]
    hidden = chart.bars[(0, 1)]
    assert hidden.fillColor == white and hidden.strokeDashArray == (2, 2)
    for shown in (0, 2, 3):
        assert chart.bars[(0, shown)].fillColor != white
        assert not chart.bars[(0, shown)].strokeDashArray
