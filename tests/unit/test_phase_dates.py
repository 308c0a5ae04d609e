"""Actual phase dates (pure): who wins, where a phase starts, how many days it lasted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datacity_federation.domain.phase_dates import (
    ActualDates,
    DateSource,
    actual_spans,
    merged,
    phase_date_problems,
    phase_days,
)
from datacity_federation.domain.season import Season
from datacity_federation.domain.vocab import Phase

pytestmark = pytest.mark.unit

SEASON = Season(id="s1", number=1, start=date(2015, 9, 1))
PLAN = SEASON.timeline()  # partnering 09-01..11-30, call 12-01..02-29, experimentation, outcome
PERSON, LIFECYCLE = DateSource.PERSON, DateSource.LIFECYCLE


def test_phase_days_without_records_is_empty() -> None:
    assert phase_days(PLAN, {}) == {}


def test_phase_days_of_an_ended_phase_counts_both_days() -> None:
    recorded = {Phase.PARTNERING: ActualDates(Phase.PARTNERING, ended_on=date(2015, 11, 20))}
    assert phase_days(PLAN, recorded) == {Phase.PARTNERING: 81}  # 1 Sep to 20 Nov included


def test_phase_without_start_begins_after_previous_actual_end() -> None:
    recorded = {
        Phase.PARTNERING: ActualDates(Phase.PARTNERING, ended_on=date(2015, 11, 20)),
        Phase.CALL: ActualDates(Phase.CALL, ended_on=date(2016, 3, 4)),
    }
    spans = actual_spans(PLAN, recorded)
    assert spans[Phase.CALL] == (date(2015, 11, 21), date(2016, 3, 4))
    assert spans[Phase.EXPERIMENTATION] == (date(2016, 3, 5), None)
    assert phase_days(PLAN, recorded)[Phase.CALL] == 105


def test_phase_without_start_or_previous_end_begins_on_its_plan() -> None:
    recorded = {Phase.CALL: ActualDates(Phase.CALL, ended_on=date(2016, 3, 4))}
    assert actual_spans(PLAN, recorded)[Phase.CALL] == (date(2015, 12, 1), date(2016, 3, 4))


def test_recorded_start_wins_over_the_previous_end() -> None:
    recorded = {
        Phase.PARTNERING: ActualDates(Phase.PARTNERING, ended_on=date(2015, 11, 20)),
        Phase.CALL: ActualDates(
            Phase.CALL, started_on=date(2015, 12, 7), ended_on=date(2016, 3, 1)
        ),
    }
    assert actual_spans(PLAN, recorded)[Phase.CALL] == (date(2015, 12, 7), date(2016, 3, 1))


def test_problems_name_a_phase_ending_before_it_starts() -> None:
    recorded = {
        Phase.PARTNERING: ActualDates(Phase.PARTNERING, ended_on=date(2015, 11, 20)),
        Phase.CALL: ActualDates(Phase.CALL, ended_on=date(2015, 11, 1)),
    }
    assert phase_date_problems(PLAN, recorded) == [
        "call would end on 2015-11-01, before it starts on 2015-11-21"
    ]
    assert Phase.CALL not in phase_days(PLAN, recorded)


def test_problems_name_a_phase_the_plan_does_not_have() -> None:
    short = tuple(s for s in PLAN if s.phase is not Phase.OUTCOME)
    recorded = {Phase.OUTCOME: ActualDates(Phase.OUTCOME, ended_on=date(2016, 9, 1))}
    assert phase_date_problems(short, recorded) == ["the season's plan has no outcome phase"]


def test_lifecycle_mark_never_overwrites_a_persons_date() -> None:
    by_person = merged(None, phase=Phase.CALL, ended_on=date(2016, 3, 4), source=PERSON)
    after = merged(by_person, phase=Phase.CALL, ended_on=date(2016, 2, 20), source=LIFECYCLE)
    assert after == by_person


def test_persons_date_overwrites_a_lifecycle_mark() -> None:
    mark = merged(None, phase=Phase.CALL, ended_on=date(2016, 2, 20), source=LIFECYCLE)
    after = merged(mark, phase=Phase.CALL, ended_on=date(2016, 3, 4), source=PERSON)
    assert after == ActualDates(Phase.CALL, None, date(2016, 3, 4), None, PERSON)


def test_merged_keeps_the_date_not_given() -> None:
    start = merged(None, phase=Phase.CALL, started_on=date(2015, 12, 2), source=PERSON)
    both = merged(start, phase=Phase.CALL, ended_on=date(2016, 3, 4), source=LIFECYCLE)
    assert both == ActualDates(Phase.CALL, date(2015, 12, 2), date(2016, 3, 4), PERSON, LIFECYCLE)


sources = st.sampled_from([PERSON, LIFECYCLE])
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2018, 1, 1))


@given(st.lists(st.tuples(sources, st.one_of(st.none(), days), st.one_of(st.none(), days))))
def test_merged_a_person_date_survives_any_later_lifecycle_marks(
    moves: list[tuple[DateSource, date | None, date | None]],
) -> None:
    first = merged(None, phase=Phase.CALL, started_on=date(2015, 12, 1),
                   ended_on=date(2016, 3, 1), source=PERSON)  # fmt: skip
    current = first
    for source, start, end in moves:
        current = merged(current, phase=Phase.CALL, started_on=start, ended_on=end, source=source)
        if source is LIFECYCLE:
            continue
        first = current  # a person may change it; the lifecycle never does
    assert (current.started_on, current.ended_on) == (first.started_on, first.ended_on)


@given(shifts=st.lists(st.integers(min_value=-20, max_value=20), min_size=4, max_size=4))
def test_phase_days_of_back_to_back_ends_add_up_to_the_whole_span(shifts: list[int]) -> None:
    """With every end recorded and no start, the phases tile the time from the season's start to
    the last end: their days add up to that span, whatever the shifts from the plan."""
    recorded = {
        span.phase: ActualDates(span.phase, ended_on=span.end + timedelta(days=shift))
        for span, shift in zip(PLAN, shifts, strict=True)
    }
    got = phase_days(PLAN, recorded)
    if phase_date_problems(PLAN, recorded):
        assert len(got) < len(PLAN)
        return
    last_end = recorded[PLAN[-1].phase].ended_on
    assert last_end is not None
    assert sum(got.values()) == (last_end - SEASON.start).days + 1
