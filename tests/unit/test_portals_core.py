"""The pure parts around the adapters: records, dates, throttle, retry headers, the check rules."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacity_federation._http import parse_retry_after
from datacity_federation._portals.http import Throttle
from datacity_federation._portals.record import (
    DatasetRecord,
    Distribution,
    clean_keywords,
    parse_datetime,
)
from datacity_federation._services.portals import Status, assess
from datacity_federation.errors import DatasetNotFound, PortalUnreachable

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 24, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-18T21:11:06.241598", datetime(2026, 3, 18, 21, 11, 6, 241598, tzinfo=UTC)),
        ("2017-07-21T10:01:47.000Z", datetime(2017, 7, 21, 10, 1, 47, tzinfo=UTC)),
        ("2026-01-12T13:51:07+08:00", datetime(2026, 1, 12, 5, 51, 7, tzinfo=UTC)),
        ("2019-06-27 12:41:27", datetime(2019, 6, 27, 12, 41, 27, tzinfo=UTC)),
        ("2014-10-03", datetime(2014, 10, 3, tzinfo=UTC)),
        (1436655117, datetime(2015, 7, 11, 22, 51, 57, tzinfo=UTC)),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_datetime_reads_every_platform_style(text: object, expected: datetime | None) -> None:
    assert parse_datetime(text) == expected


@settings(max_examples=100)
@given(st.datetimes(timezones=st.just(UTC) | st.none()))
def test_parse_datetime_is_always_aware_and_round_trips(value: datetime) -> None:
    parsed = parse_datetime(value.isoformat())
    assert parsed is not None and parsed.tzinfo is not None
    assert parsed == value.replace(tzinfo=value.tzinfo or UTC)


@settings(max_examples=60)
@given(st.lists(st.text(max_size=5) | st.none()))
def test_clean_keywords_keeps_first_occurrences_stripped(values: list[str | None]) -> None:
    out = clean_keywords(values)
    assert len(out) == len(set(out))
    assert all(k == k.strip() and k for k in out)


def test_record_json_round_trip() -> None:
    record = DatasetRecord(
        portal="p",
        id="x",
        title={"fr": "T"},
        modified=datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=1))),
        distributions=(Distribution("https://e.org/x.csv", "CSV", "text/csv", size=3),),
        extras={"a": [1]},
    )
    assert DatasetRecord.from_json(record.to_json()) == record


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("3", 3.0),
        ("0.5", 0.5),
        ("Tue, 24 Nov 2026 00:00:10 GMT", 10.0),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after_reads_seconds_and_dates(
    value: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@settings(max_examples=40, deadline=None)
@given(
    calls=st.integers(1, 5),
    per=st.floats(0.5, 10),
    gaps=st.lists(st.floats(0, 3), min_size=1, max_size=30),
)
def test_throttle_never_exceeds_calls_in_any_window(
    calls: int, per: float, gaps: list[float]
) -> None:
    clock = FakeClock()
    throttle = Throttle(calls, per, clock=clock, sleep=clock.sleep)
    sent: list[float] = []

    async def run() -> None:
        for gap in gaps:
            clock.now += gap
            await throttle.acquire()
            sent.append(clock.now)

    asyncio.run(run())
    for i, start in enumerate(sent):
        in_window = [t for t in sent[i:] if t - start < per - 1e-5]
        assert len(in_window) <= calls


def record(**kw: object) -> DatasetRecord:
    base: dict[str, object] = {
        "portal": "p",
        "id": "ds",
        "title": {"en": "Bins"},
        "license": "CC BY 4.0",
        "modified": NOW - timedelta(days=10),
    }
    base.update(kw)
    return DatasetRecord(**base)  # type: ignore[arg-type]


def check(
    found: DatasetRecord | Exception, previous: DatasetRecord | None = None
) -> tuple[Status, ...]:
    statuses, _ = assess(
        dataset="ds",
        found=found,  # type: ignore[arg-type]
        previous=previous,
        now=NOW,
        stale_after=timedelta(days=365),
    )
    return statuses


def test_assess_ok_when_nothing_changed() -> None:
    assert check(record(), record()) == (Status.OK,)


def test_assess_missing_when_not_found() -> None:
    assert check(DatasetNotFound("p", "Not found", status=404)) == (Status.MISSING,)


def test_assess_unchecked_when_the_portal_failed() -> None:
    assert check(PortalUnreachable("p", "timed out")) == (Status.UNCHECKED,)


def test_assess_renamed_when_the_id_or_title_changed() -> None:
    assert check(record(id="ds-2")) == (Status.RENAMED,)
    assert check(record(title={"en": "Bins 2"}), record()) == (Status.RENAMED,)


def test_assess_licence_changed_against_the_last_harvest() -> None:
    assert check(record(license="ODbL"), record()) == (Status.LICENCE_CHANGED,)


def test_assess_stale_after_the_limit() -> None:
    old = record(modified=NOW - timedelta(days=400))
    assert check(old) == (Status.STALE,)
    assert check(record(license="ODbL", modified=NOW - timedelta(days=400)), record()) == (
        Status.LICENCE_CHANGED,
        Status.STALE,
    )
