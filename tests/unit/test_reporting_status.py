"""The reporting status: a pure function of the city files' seasons, the hub's releases and a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datacity_federation._review.status import (
    ExpectedSeason,
    ReleaseEvent,
    ReportState,
    SeasonStatus,
    reporting_status,
    status_counts,
    statuses_for_year,
)

pytestmark = pytest.mark.unit

END = date(2018, 12, 14)
SEASON = ExpectedSeason("bangalore", "s1", 1, END)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def one(events: list[ReleaseEvent], on: date, grace: int = 30) -> SeasonStatus:
    (got,) = reporting_status([SEASON], events, on=on, grace_days=grace)
    return got


def test_status_without_release_moves_from_not_due_to_due_to_late() -> None:
    due = END + timedelta(days=30)
    assert one([], END).state is ReportState.NOT_DUE
    assert one([], END + timedelta(days=1)).state is ReportState.DUE
    assert one([], due).state is ReportState.DUE
    late = one([], due + timedelta(days=139))
    assert (late.state, late.days_late, late.due) == (ReportState.LATE, 139, due)


def test_status_release_then_retraction_then_release_again() -> None:
    first = ReleaseEvent("bangalore", "s1", 1, "upsert", at(date(2019, 1, 2)))
    gone = ReleaseEvent("bangalore", "s1", 2, "retract", at(date(2019, 2, 2)))
    again = ReleaseEvent("bangalore", "s1", 3, "upsert", at(date(2019, 3, 2)))
    day = date(2019, 6, 1)
    assert (one([first], day).state, one([first], day).received_on) == (
        ReportState.RECEIVED, date(2019, 1, 2),
    )  # fmt: skip
    assert (one([gone, first], day).state, one([first, gone], day).received_on) == (
        ReportState.RETRACTED, date(2019, 2, 2),
    )  # fmt: skip
    assert one([first, gone, again], day).received_on == date(2019, 3, 2)


def test_status_lists_a_hub_season_the_city_files_do_not_name() -> None:
    stray = ReleaseEvent("paris", "s9", 1, "upsert", at(date(2019, 1, 2)))
    got = reporting_status([SEASON], [stray], on=date(2019, 1, 1))
    assert got == (
        SeasonStatus("bangalore", "s1", 1, END, END + timedelta(days=30), ReportState.DUE),
        SeasonStatus("paris", "s9", None, None, None, ReportState.RECEIVED, date(2019, 1, 2)),
    )


def test_status_negative_grace_is_refused() -> None:
    with pytest.raises(ValueError, match="grace_days"):
        reporting_status([SEASON], [], on=END, grace_days=-1)


def test_statuses_for_year_keeps_the_year_and_whatever_is_owed() -> None:
    old = ExpectedSeason("paris", "s1", 1, date(2016, 8, 31))
    done = ExpectedSeason("paris", "s2", 2, date(2017, 8, 31))
    now = ExpectedSeason("paris", "s3", 3, date(2018, 8, 31))
    released = ReleaseEvent("paris", "s2", 1, "upsert", at(date(2017, 9, 3)))
    got = reporting_status([old, done, now], [released], on=date(2019, 1, 1))
    assert [s.season for s in statuses_for_year(got, 2018)] == ["s3", "s1"]


seasons = st.lists(
    st.builds(
        ExpectedSeason,
        city=st.sampled_from(["paris", "barcelona", "singapore"]),
        season=st.sampled_from(["s1", "s2", "s3", "s4"]),
        number=st.integers(1, 9),
        end=st.dates(date(2015, 1, 1), date(2025, 1, 1)),
    ),
    max_size=8,
    unique_by=lambda s: (s.city, s.season),
)
events = st.lists(
    st.builds(
        ReleaseEvent,
        city=st.sampled_from(["paris", "barcelona", "singapore", "bangalore"]),
        season=st.sampled_from(["s1", "s2", "s3", "s4"]),
        seq=st.integers(1, 1000),
        action=st.sampled_from(["upsert", "retract"]),
        at=st.datetimes(datetime(2015, 1, 1), datetime(2026, 1, 1), timezones=st.just(UTC)),
    ),
    max_size=12,
    unique_by=lambda e: (e.city, e.seq),
)
days = st.dates(date(2014, 1, 1), date(2027, 1, 1))
graces = st.integers(0, 120)


@given(seasons, events, days, graces)
def test_status_lists_every_expected_season_once_in_order(
    expected: list[ExpectedSeason], got_events: list[ReleaseEvent], on: date, grace: int
) -> None:
    got = reporting_status(expected, got_events, on=on, grace_days=grace)
    named = [(s.city, s.season) for s in got if s.end is not None]
    assert named == [(e.city, e.season) for e in expected]
    keys = [(s.city, s.season) for s in got]
    assert len(keys) == len(set(keys))
    assert sum(status_counts(got).values()) == len(got)


@given(seasons, days, graces)
def test_status_without_events_follows_the_calendar(
    expected: list[ExpectedSeason], on: date, grace: int
) -> None:
    for s in reporting_status(expected, [], on=on, grace_days=grace):
        assert s.end is not None and s.due == s.end + timedelta(days=grace)
        if on <= s.end:
            assert (s.state, s.days_late) == (ReportState.NOT_DUE, 0)
        elif on <= s.due:
            assert (s.state, s.days_late) == (ReportState.DUE, 0)
        else:
            assert (s.state, s.days_late) == (ReportState.LATE, (on - s.due).days)
            assert s.days_late > 0


@given(seasons, events, days, st.integers(1, 4000), graces)
def test_status_time_only_moves_forward(
    expected: list[ExpectedSeason], got_events: list[ReleaseEvent], on: date, step: int,
    grace: int,
) -> None:  # fmt: skip
    order = [ReportState.NOT_DUE, ReportState.DUE, ReportState.LATE]
    before = reporting_status(expected, got_events, on=on, grace_days=grace)
    after = reporting_status(expected, got_events, on=on + timedelta(days=step), grace_days=grace)
    for a, b in zip(before, after, strict=True):
        assert (a.city, a.season) == (b.city, b.season)
        if a.state in order:
            assert order.index(b.state) >= order.index(a.state)
            assert b.days_late >= a.days_late
        else:  # what the hub holds does not depend on the day
            assert (a.state, a.received_on) == (b.state, b.received_on)


@given(seasons, events, days)
def test_status_follows_each_city_seasons_last_event(
    expected: list[ExpectedSeason], got_events: list[ReleaseEvent], on: date
) -> None:
    last: dict[tuple[str, str], ReleaseEvent] = {}
    for e in sorted(got_events, key=lambda e: (e.city, e.seq)):
        last[(e.city, e.season)] = e
    for s in reporting_status(expected, got_events, on=on):
        head = last.get((s.city, s.season))
        if head is None:
            assert s.state in (ReportState.NOT_DUE, ReportState.DUE, ReportState.LATE)
        elif head.action == "retract":
            assert (s.state, s.received_on) == (ReportState.RETRACTED, head.at.date())
        else:
            released = {
                e.at.date() for e in got_events
                if (e.city, e.season) == (s.city, s.season) and e.action == "upsert"
            }  # fmt: skip
            assert s.state is ReportState.RECEIVED and s.received_on in released
