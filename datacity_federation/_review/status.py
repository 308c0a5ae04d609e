"""Reporting status: which member city-seasons are due, received, late or retracted, on a day.

Rule header (pure: no I/O, the day is a parameter):
- what is expected comes from the federation's city files: every season of every member city,
  with its last day (the outcome period included, :attr:`Season.end`); a season may be released
  from the day after it closes and is *due* ``grace_days`` after that last day;
- what was received comes from the hub's release events (every accepted bundle: city, season,
  action, when), given as they are: the day decides only what is due and what is late;
- a city-season whose last event is a retraction is ``retracted``; one with a live release is
  ``received``; one without is ``not_due`` until it closes, ``due`` until its due date, then
  ``late`` (``days_late``: days past the due date on the day asked);
- a season the hub holds but the city files do not name is still listed, as received or
  retracted, without a due date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from datacity_federation.domain.city import City

__all__ = [
    "GRACE_DAYS",
    "ExpectedSeason",
    "ReleaseEvent",
    "Released",
    "ReportState",
    "SeasonStatus",
    "expected_seasons",
    "reporting_status",
    "status_counts",
    "statuses_for_year",
]

GRACE_DAYS = 30
"""Days a city has, after its season's outcome period ends, to release the season."""


class ReportState(StrEnum):
    """Where a city-season stands in the reporting cycle."""

    NOT_DUE = "not_due"
    DUE = "due"
    RECEIVED = "received"
    LATE = "late"
    RETRACTED = "retracted"


@dataclass(frozen=True, slots=True)
class ExpectedSeason:
    """A season a member city's file declares, and its last day (outcome period included)."""

    city: str
    season: str
    number: int
    end: date


class Released(Protocol):
    """What the status reads of one bundle the hub accepted (a hub's feed entry has it)."""

    @property
    def city(self) -> str: ...
    @property
    def season(self) -> str: ...
    @property
    def seq(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class ReleaseEvent:
    """One bundle the hub accepted: a release (``upsert``) or a retraction (``retract``)."""

    city: str
    season: str
    seq: int
    action: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SeasonStatus:
    """The reporting status of one city-season on a day."""

    city: str
    season: str
    number: int | None
    """None for a season the city files do not name."""
    end: date | None
    due: date | None
    """The day the release is due by; none for a season the city files do not name."""
    state: ReportState
    received_on: date | None = None
    """Day of the first release still standing (received) or the retraction (retracted)."""
    days_late: int = 0
    """Late: days past the due date on the day asked; 0 in every other state."""

    @property
    def grace_days(self) -> int | None:
        """Days between the season's last day and its due date."""
        return None if self.due is None or self.end is None else (self.due - self.end).days


def expected_seasons(cities: Iterable[City]) -> tuple[ExpectedSeason, ...]:
    """Every season of every city, in the cities' order then by season number."""
    return tuple(
        ExpectedSeason(city.id, season.id, season.number, season.end)
        for city in cities
        for season in sorted(city.seasons, key=lambda s: s.number)
    )


def _heads(events: Iterable[Released]) -> dict[tuple[str, str], list[Released]]:
    """Events of each city-season, in the order the hub accepted them (a city's ``seq``)."""
    got: dict[tuple[str, str], list[Released]] = {}
    for event in sorted(events, key=lambda e: (e.city, e.seq)):
        got.setdefault((event.city, event.season), []).append(event)
    return got


def _received(history: Sequence[Released]) -> tuple[ReportState, date]:
    """Retracted (and when), or received (and when the release now standing began)."""
    last = history[-1]
    if last.action != "upsert":
        return ReportState.RETRACTED, last.at.date()
    first = len(history) - 1
    while first > 0 and history[first - 1].action == "upsert":
        first -= 1
    return ReportState.RECEIVED, history[first].at.date()


def reporting_status(
    expected: Sequence[ExpectedSeason],
    events: Iterable[Released],
    *,
    on: date,
    grace_days: int = GRACE_DAYS,
) -> tuple[SeasonStatus, ...]:
    """The status of every expected city-season on ``on`` (then the hub's unnamed ones)."""
    if grace_days < 0:
        raise ValueError("grace_days must not be negative")
    heads = _heads(events)
    out: list[SeasonStatus] = []
    for exp in expected:
        due = exp.end + timedelta(days=grace_days)
        history = heads.pop((exp.city, exp.season), None)
        if history:
            state, day = _received(history)
            out.append(SeasonStatus(exp.city, exp.season, exp.number, exp.end, due, state, day))
        elif on <= exp.end:
            out.append(
                SeasonStatus(exp.city, exp.season, exp.number, exp.end, due, ReportState.NOT_DUE)
            )
        elif on <= due:
            out.append(
                SeasonStatus(exp.city, exp.season, exp.number, exp.end, due, ReportState.DUE)
            )
        else:
            late = (on - due).days
            out.append(
                SeasonStatus(
                    exp.city, exp.season, exp.number, exp.end, due, ReportState.LATE, None, late
                )
            )
    for (city, season), history in sorted(heads.items()):
        state, day = _received(history)
        out.append(SeasonStatus(city, season, None, None, None, state, day))
    return tuple(out)


def status_counts(statuses: Iterable[SeasonStatus]) -> dict[ReportState, int]:
    """How many city-seasons are in each state (every state present, zero included)."""
    counts = dict.fromkeys(ReportState, 0)
    for status in statuses:
        counts[status.state] += 1
    return counts


def statuses_for_year(statuses: Iterable[SeasonStatus], year: int) -> tuple[SeasonStatus, ...]:
    """What a review of ``year`` lists: the named seasons ending in ``year``, then every other
    named season still due or late (a season that ended long ago without a release shows)."""
    named = [s for s in statuses if s.end is not None]
    this = [s for s in named if s.end is not None and s.end.year == year]
    owed = [s for s in named if s not in this and s.state in (ReportState.DUE, ReportState.LATE)]
    return (*this, *owed)
