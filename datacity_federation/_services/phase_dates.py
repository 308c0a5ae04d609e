"""Actual phase dates of a season: recorded by a person, marked by the lifecycle.

Rule header: the rules live in :mod:`datacity_federation.domain.phase_dates` (a person's date wins
over a lifecycle mark; a phase without a recorded start follows the previous phase's end). Here
they meet the store: every change is written with its audit event (kind ``phase``, record
``season/phase``) in the caller's transaction, and a change that would make a phase end before it
starts is refused with :class:`DomainError`, nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from datacity_federation.domain import lifecycle
from datacity_federation.domain.city import City
from datacity_federation.domain.phase_dates import (
    LIFECYCLE_MARKS,
    ActualDates,
    DateSource,
    merged,
    phase_date_problems,
)
from datacity_federation.domain.records import AuditKind
from datacity_federation.domain.season import Season
from datacity_federation.domain.vocab import Phase, PilotStatus
from datacity_federation.errors import DomainError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = ["PhaseDates", "mark_phase_end", "record_phase_dates", "set_phase_dates"]


@dataclass(frozen=True, slots=True)
class PhaseDates:
    """A phase's planned and recorded actual dates after a change."""

    city: str
    season: str
    phase: Phase
    planned_start: date
    planned_end: date
    actual: ActualDates


def set_phase_dates(
    conn: Connection,
    *,
    city: City,
    season: Season,
    phase: Phase,
    started_on: date | None = None,
    ended_on: date | None = None,
    source: DateSource,
    at: datetime,
    by: str,
    why: str = "",
) -> ActualDates:
    """Merge the dates given into the phase's record and write it with its audit events."""
    from datacity_federation._store.phase_dates import load_phase_dates, save_phase_dates
    from datacity_federation._store.repository import add_events

    recorded = load_phase_dates(conn, city.id, season.id)
    old = recorded.get(phase)
    new = merged(old, phase=phase, started_on=started_on, ended_on=ended_on, source=source)
    if new == old:
        return new
    problems = phase_date_problems(season.timeline(), {**recorded, phase: new})
    if problems:
        raise DomainError(f"{city.id}/{season.id}: {'; '.join(problems)}")
    save_phase_dates(conn, city.id, season.id, new)
    events = []
    for what, before, after in (
        ("started", None if old is None else old.started_on, new.started_on),
        ("ended", None if old is None else old.ended_on, new.ended_on),
    ):
        if after is not None and after != before:
            events.append(
                lifecycle.note(
                    AuditKind.PHASE,
                    city=city.id,
                    record=f"{season.id}/{phase.value}",
                    before=None if before is None else f"{what} {before.isoformat()}",
                    to=f"{what} {after.isoformat()}",
                    at=at,
                    by=by,
                    why=why or source.value,
                )
            )
    add_events(conn, events)
    return new


def record_phase_dates(
    *,
    db: str | Path | Engine,
    city: str,
    season: str,
    phase: Phase,
    started_on: date | None = None,
    ended_on: date | None = None,
    by: str,
    at: datetime | None = None,
) -> PhaseDates:
    """A person records when ``phase`` of ``season`` actually started and/or ended."""
    from datacity_federation._services.records import city_of, when
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import season_of

    if started_on is None and ended_on is None:
        raise DomainError("give --started, --ended or both")
    with transaction(db) as conn:
        found = city_of(conn, city)
        moment, _day = when(found, at, None)
        found_season = season_of(found, season)
        span = found_season.span(phase)
        if span is None:
            raise DomainError(f"{city}/{found_season.id}: the season's plan has no {phase} phase")
        actual = set_phase_dates(
            conn, city=found, season=found_season, phase=phase, started_on=started_on,
            ended_on=ended_on, source=DateSource.PERSON, at=moment, by=by,
        )  # fmt: skip
    return PhaseDates(city, found_season.id, phase, span.start, span.end, actual)


def mark_phase_end(
    conn: Connection,
    *,
    city: City,
    season: Season,
    kind: AuditKind,
    to: str,
    on: date,
    at: datetime,
    by: str,
) -> ActualDates | None:
    """The lifecycle's mark after a record of ``season`` moved to ``to`` on ``on`` (see
    :data:`LIFECYCLE_MARKS`); ``None`` when the move ends no phase."""
    from datacity_federation._store.phase_dates import load_phase_dates

    mark = LIFECYCLE_MARKS.get((kind.value, to))
    if mark is None:
        return None
    phase, rule = mark
    if season.span(phase) is None:
        return None
    current = load_phase_dates(conn, city.id, season.id).get(phase)
    ended = None if current is None else current.ended_on
    if rule == "first" and ended is not None:
        return current
    if rule == "last":
        if _pilots_still_running(conn, city.id, season.id):
            return None
        if ended is not None and ended >= on and current and current.end_source:
            return current  # an earlier file's last pilot completed later
    try:
        return set_phase_dates(
            conn, city=city, season=season, phase=phase, ended_on=on,
            source=DateSource.LIFECYCLE, at=at, by=by, why=f"{kind.value} {to}",
        )  # fmt: skip
    except DomainError:
        return None  # a mark the recorded dates contradict is not made; the move still stands


def _pilots_still_running(conn: Connection, city: str, season: str) -> bool:
    from sqlalchemy import func, select

    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import table

    pilots = table(t.PilotRow)
    waiting = (PilotStatus.PLANNED.value, PilotStatus.RUNNING.value)
    n = conn.execute(
        select(func.count())
        .select_from(pilots)
        .where(
            pilots.c.city_id == city,
            pilots.c.season_id == season,
            pilots.c.status.in_(waiting),
        )
    ).scalar_one()
    return bool(n)
