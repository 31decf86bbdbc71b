"""Public report suppression: every shown count is 0 or above 10, and no hidden count can be solved for.

The checker here is independent of clinic.reports.suppression: it builds one unknown per (family,
category, day), writes every published cell of every report as an equation (a published 0 as "each of
its days is 0"), adds "neighbourhoods sum to the total" and "warrant kinds sum to the total" for every
day, and asks whether a hidden cell's vector lies in the span (exact rank over the rationals).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic.incidents.model import Activity, PublicIncident, Warrant
from clinic.reports import public
from clinic.reports.suppression import Cell, Exposed, suppress
from tests.fixtures.suppression import recoverable

DAY0 = dt.date(2026, 11, 1)


DAYS = 15


NAMES = ("Centro", "Norte", "Sur")


incidents = st.lists(st.builds(
    lambda day, nb, acts, warrant, masked, noid, unmarked, imp, detained: PublicIncident(
        date=DAY0 + dt.timedelta(days=day), neighbourhood=nb, activities=frozenset(acts), warrant=warrant,
        masked=masked, no_identification=noid, unmarked_vehicle=unmarked, possible_impersonator=imp,
        detained=detained),
    st.integers(0, DAYS - 1), st.sampled_from([*NAMES, ""]), st.sets(st.sampled_from(list(Activity)), max_size=2),
    st.sampled_from(list(Warrant)), st.booleans(), st.booleans(), st.booleans(), st.booleans(),
    st.integers(0, 3)), max_size=90)


# Services (intakes, legal consultations, referrals by service), each made on a day: a report counts the
# ones made in its period, as FollowUpRepo.services does.
service_events = st.lists(st.tuples(st.integers(0, DAYS - 1), st.sampled_from(sorted(public.SERVICES))),
                          max_size=60)


def _services(events, start: dt.date, end: dt.date) -> dict[str, int]:
    out: dict[str, int] = {}
    for day, key in events:
        if start <= DAY0 + dt.timedelta(days=day) <= end:
            out[key] = out.get(key, 0) + 1
    return out


ranges = st.lists(st.tuples(st.integers(0, DAYS - 1), st.integers(0, DAYS - 1)).map(sorted), min_size=1,
                  max_size=3)


@given(incidents, ranges, st.integers(0, 30), service_events)
def test_published_cells_are_zero_or_above_ten_and_no_hidden_cell_can_be_solved(facts, spans, excluded, events):
    """Reports published one after another: shown counts are 0 or >10 and true; nothing hidden is solvable,
    services (legal consultations among them) included."""
    published: list[list[Cell]] = []
    for a, b in spans:
        start, end = DAY0 + dt.timedelta(days=a), DAY0 + dt.timedelta(days=b)
        services = _services(events, start, end)
        truth = public.true_cells(facts, excluded, date_from=start, date_to=end, neighbourhoods=NAMES,
                                  services=services)
        assert ("services", "consultation") in {(c.table, c.category) for c in truth}
        try:
            report = public.build(facts, excluded, date_from=start, date_to=end, neighbourhoods=NAMES,
                                  history=[c for r in published for c in r], services=services)
        except Exposed:
            continue  # refused: nothing published
        for shown, true in zip(report.cells, truth, strict=True):
            assert shown.value is None or shown.value == true.value
            assert shown.value is None or shown.value == 0 or shown.value > 10
        published.append(list(report.cells))
        assert recoverable(published) == []


def _cells(values: dict[str, int]) -> list[Cell]:
    end = DAY0 + dt.timedelta(days=6)
    cells = [Cell("total", "", DAY0, end, sum(values.values()))]
    return cells + [Cell("neighbourhood", k, DAY0, end, v) for k, v in values.items()]


def test_one_small_cell_in_a_table_with_its_total_forces_a_second_one():
    """Centro 4 of 34: hiding 4 alone lets 34 - 30 give it back, so the smallest other count is hidden too."""
    out = suppress(_cells({"Centro": 4, "Norte": 30, "Sur": 0}), [])
    assert [c.value for c in out] == [34, None, None, 0]
    assert recoverable([out]) == []


def test_the_checker_finds_a_cell_given_away_by_its_total():
    """The independent checker is not blind: one hidden cell beside a published total is recoverable."""
    cells = [Cell("total", "", DAY0, DAY0, 34), Cell("neighbourhood", "Centro", DAY0, DAY0, None),
             Cell("neighbourhood", "Norte", DAY0, DAY0, 30)]
    assert recoverable([cells]) == [cells[1]]


def test_a_later_report_cannot_give_away_a_cell_hidden_in_an_earlier_one():
    """Week 1 hid 5 detentions, week 2 showed 20: "both weeks" (25) would give week 1 back, so it is hidden."""
    week1, both = DAY0 + dt.timedelta(days=6), DAY0 + dt.timedelta(days=13)
    history = [Cell("activity", "detaining", DAY0, week1, None),
               Cell("activity", "detaining", week1 + dt.timedelta(days=1), both, 20)]
    out = suppress([Cell("activity", "detaining", DAY0, both, 25)], history)
    assert out[0].value is None
    assert recoverable([history, out]) == []
    assert recoverable([history, [Cell("activity", "detaining", DAY0, both, 25)]]) == [history[0]]


def test_a_period_that_would_give_away_a_hidden_count_is_refused():
    """Published counts that differ by a small hidden one cannot be fixed by hiding more: Exposed."""
    week1 = DAY0 + dt.timedelta(days=6)
    both = DAY0 + dt.timedelta(days=13)
    history = [Cell("activity", "detaining", DAY0, both, 30), Cell("activity", "detaining", DAY0, week1, 25)]
    with pytest.raises(Exposed):
        suppress([Cell("activity", "detaining", week1 + dt.timedelta(days=1), both, 5)], history)
