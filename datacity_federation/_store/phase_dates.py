"""Rows of ``season_phase_dates`` <-> :class:`~datacity_federation.domain.phase_dates.ActualDates`."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select

from datacity_federation._store import tables as t
from datacity_federation._store.mapping import table
from datacity_federation.domain.phase_dates import ActualDates, DateSource
from datacity_federation.domain.vocab import Phase

__all__ = ["load_phase_dates", "save_phase_dates"]


def load_phase_dates(conn: Connection, city: str, season: str) -> dict[Phase, ActualDates]:
    """The recorded actual dates of every phase of ``season`` (phases with none are absent)."""
    rows = table(t.SeasonPhaseDateRow)
    found = conn.execute(
        select(rows).where(rows.c.city_id == city, rows.c.season_id == season)
    ).all()
    return {
        Phase(r.phase): ActualDates(
            Phase(r.phase),
            r.started_on,
            r.ended_on,
            None if r.start_source is None else DateSource(r.start_source),
            None if r.end_source is None else DateSource(r.end_source),
        )
        for r in found
    }


def save_phase_dates(conn: Connection, city: str, season: str, dates: ActualDates) -> None:
    """Write (replace) the row of one phase."""
    rows = table(t.SeasonPhaseDateRow)
    conn.execute(
        delete(rows).where(
            rows.c.city_id == city, rows.c.season_id == season, rows.c.phase == dates.phase.value
        )
    )
    conn.execute(
        insert(rows).values(
            city_id=city,
            season_id=season,
            phase=dates.phase.value,
            started_on=dates.started_on,
            ended_on=dates.ended_on,
            start_source=None if dates.start_source is None else dates.start_source.value,
            end_source=None if dates.end_source is None else dates.end_source.value,
        )
    )
