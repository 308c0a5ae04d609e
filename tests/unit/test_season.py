"""Season timelines: derived phases, boundaries, explicit plans, next seasons."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacity_federation.domain import (
    DATA_CITY_TEMPLATE,
    City,
    Phase,
    PhaseDurations,
    PhaseSpan,
    Season,
)
from datacity_federation.domain.season import add_months

pytestmark = pytest.mark.unit

starts = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
durations = st.builds(
    PhaseDurations,
    partnering=st.integers(1, 12),
    call=st.integers(1, 12),
    experimentation=st.integers(1, 12),
    outcome=st.integers(0, 12),
)


@given(start=starts, plan=durations)
def test_timeline_phases_are_ordered_contiguous_and_disjoint(
    start: date, plan: PhaseDurations
) -> None:
    spans = Season(id="s1", number=1, start=start, durations=plan).timeline()
    assert [s.phase for s in spans] == [p for p, _ in plan.months()]
    assert spans[0].start == start
    for span in spans:
        assert span.start <= span.end
    for before, after in itertools.pairwise(spans):
        assert after.start == before.end + timedelta(days=1)


@given(start=starts, plan=durations)
def test_timeline_phase_lengths_are_the_planned_months(start: date, plan: PhaseDurations) -> None:
    spans = Season(id="s1", number=1, start=start, durations=plan).timeline()
    elapsed = 0
    for span, (_, months) in zip(spans, plan.months(), strict=True):
        assert span.start == add_months(start, elapsed)
        elapsed += months
        assert span.end == add_months(start, elapsed) - timedelta(days=1)


# Walks every day of up to three years: no per-example deadline (it flaked on a busy machine).
@settings(deadline=None)
@given(start=starts, plan=durations)
def test_phase_on_answers_every_day_and_changes_exactly_at_boundaries(
    start: date, plan: PhaseDurations
) -> None:
    season = Season(id="s1", number=1, start=start, durations=plan)
    spans = season.timeline()
    assert season.phase_on(start - timedelta(days=1)) is None
    assert season.phase_on(season.end + timedelta(days=1)) is None
    day, previous = start, season.phase_on(start)
    boundaries = {s.start for s in spans[1:]}
    while day <= season.end:
        current = season.phase_on(day)
        assert current is not None
        assert (current != previous) == (day in boundaries)
        left = season.days_left(day)
        span = season.span(current)
        assert span is not None and left == (span.end - day).days + 1
        previous, day = current, day + timedelta(days=1)


@given(start=starts, plan=durations, shift=st.integers(1, 48))
def test_next_season_keeps_the_durations(start: date, plan: PhaseDurations, shift: int) -> None:
    season = Season(id="s1", number=1, start=start, durations=plan)
    following = season.next_season(shift=shift)
    assert following.durations == season.durations
    assert following.start == add_months(start, shift)
    assert following.number == 2
    assert following.id == "s2"


@given(start=starts, plan=durations)
def test_next_season_by_default_starts_the_day_after_the_season_ends(
    start: date, plan: PhaseDurations
) -> None:
    season = Season(id="s1", number=1, start=start, durations=plan)
    assert season.next_season().start == add_months(start, plan.total)


@given(
    start=starts,
    lengths=st.lists(st.integers(1, 200), min_size=3, max_size=4),
    days=st.integers(-400, 400),
)
def test_next_season_of_explicit_dates_keeps_each_phase_length(
    start: date, lengths: list[int], days: int
) -> None:
    spans, first = [], start
    for phase, length in zip(Phase, lengths, strict=False):
        spans.append(PhaseSpan(phase=phase, start=first, end=first + timedelta(days=length - 1)))
        first += timedelta(days=length)
    season = Season(id="a", number=4, start=start, phases=tuple(spans))
    moved = season.next_season(shift=timedelta(days=days), id="b")
    assert [s.days for s in moved.timeline()] == lengths
    assert moved.start == start + timedelta(days=days)
    by_months = season.next_season(shift=5)
    assert [s.days for s in by_months.timeline()] == lengths
    assert by_months.problems() == []


def test_data_city_template_is_three_three_three_then_outcome() -> None:
    season = Season(id="s3", number=3, start=date(2017, 9, 1))
    assert season.durations == DATA_CITY_TEMPLATE
    assert [(s.phase, s.start, s.end) for s in season.timeline()] == [
        (Phase.PARTNERING, date(2017, 9, 1), date(2017, 11, 30)),
        (Phase.CALL, date(2017, 12, 1), date(2018, 2, 28)),
        (Phase.EXPERIMENTATION, date(2018, 3, 1), date(2018, 5, 31)),
        (Phase.OUTCOME, date(2018, 6, 1), date(2018, 8, 31)),
    ]
    assert season.experimentation_end == date(2018, 5, 31)


def explicit(*spans: tuple[Phase, date, date, bool]) -> Season:
    """A season of explicit phases: (phase, start, end, gap_before) each."""
    return Season(
        id="s1",
        number=1,
        start=spans[0][1],
        phases=tuple(
            PhaseSpan(phase=phase, start=first, end=last, gap_before=gap)
            for phase, first, last, gap in spans
        ),
    )


def test_explicit_phases_with_a_declared_gap_are_accepted() -> None:
    season = explicit(
        (Phase.PARTNERING, date(2018, 1, 1), date(2018, 2, 28), False),
        (Phase.CALL, date(2018, 4, 1), date(2018, 5, 31), True),
        (Phase.EXPERIMENTATION, date(2018, 6, 1), date(2018, 8, 31), False),
    )
    assert season.phase_on(date(2018, 3, 15)) is None
    assert season.phase_on(date(2018, 4, 1)) is Phase.CALL


def test_explicit_phases_with_an_undeclared_gap_are_refused() -> None:
    with pytest.raises(ValueError, match=r"phases\[1\]\.start: gap after partnering"):
        explicit(
            (Phase.PARTNERING, date(2018, 1, 1), date(2018, 2, 28), False),
            (Phase.CALL, date(2018, 4, 1), date(2018, 5, 31), False),
            (Phase.EXPERIMENTATION, date(2018, 6, 1), date(2018, 8, 31), False),
        )


def test_explicit_phases_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="partnering cannot come after call"):
        explicit(
            (Phase.CALL, date(2018, 1, 1), date(2018, 2, 28), False),
            (Phase.PARTNERING, date(2018, 3, 1), date(2018, 5, 31), False),
            (Phase.EXPERIMENTATION, date(2018, 6, 1), date(2018, 8, 31), False),
        )


def test_explicit_phases_missing_the_experimentation_are_refused() -> None:
    with pytest.raises(ValueError, match=r"phases: missing phase\(s\): experimentation"):
        explicit(
            (Phase.PARTNERING, date(2018, 1, 1), date(2018, 2, 28), False),
            (Phase.CALL, date(2018, 3, 1), date(2018, 5, 31), False),
        )


def test_explicit_phase_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match=r"phases\[0\]\.end: ends before it starts"):
        explicit(
            (Phase.PARTNERING, date(2018, 1, 1), date(2017, 12, 31), False),
            (Phase.CALL, date(2018, 1, 1), date(2018, 5, 31), False),
            (Phase.EXPERIMENTATION, date(2018, 6, 1), date(2018, 8, 31), False),
        )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2018, 1, 31), 1, date(2018, 2, 28)),
        (date(2020, 1, 31), 1, date(2020, 2, 29)),
        (date(2017, 9, 1), 3, date(2017, 12, 1)),
        (date(2017, 11, 15), 14, date(2019, 1, 15)),
        (date(2018, 3, 31), -1, date(2018, 2, 28)),
    ],
)
def test_add_months_clamps_the_day(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def _paris() -> City:
    from datacity_federation import default_cities_dir, load_federation

    city = load_federation(default_cities_dir()).city("paris")
    assert city is not None
    return city


PARIS = _paris()


@given(day=st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31)))
def test_season_on_is_the_running_season_else_the_latest_started(day: date) -> None:
    found = PARIS.season_on(day)
    started = [s for s in PARIS.seasons if s.start <= day]
    running = [s for s in started if day <= s.end]
    if not started:
        assert found is None
    elif running:
        assert found == running[-1]
    else:
        assert found == max(started, key=lambda s: s.start)
        assert found.end < day


def test_season_on_paris_examples() -> None:
    on = {d: PARIS.season_on(d) for d in (date(2014, 1, 1), date(2017, 12, 15))}
    assert on[date(2014, 1, 1)] is None
    season = on[date(2017, 12, 15)]
    assert season is not None and (season.id, season.phase_on(date(2017, 12, 15))) == (
        "s3",
        Phase.CALL,
    )
