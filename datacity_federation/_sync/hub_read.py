"""The hub's typed read API: the cells of a year, per-city coverage, release events, feed position.

Rule header: what the annual review and the dashboard read, as fast as the database answers.
Each read is a handful of Core queries returning plain rows (no ORM object per row, and never
the stored zips' bytes); a cell row becomes a domain :class:`Cell` without validating it again,
because the hub validated every cell against its own schema before storing it (a row that was
not written by the hub's ingest is not a hub's row).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from datacity_federation._sync.hub_store import HUB_METADATA, FeedEntry, hub_engine
from datacity_federation._sync.manifest import ReleaseScope
from datacity_federation.domain.release import Cell, CellStatus, Metric, Unit

__all__ = [
    "CityCoverage",
    "SeasonScope",
    "YearCells",
    "cells_for_year",
    "cells_for_years",
    "coverage",
    "feed_position",
    "latest_feed",
    "release_events",
    "season_years",
]

_CELL = HUB_METADATA.tables["hub_cell"]
_SEASON = HUB_METADATA.tables["hub_season"]
_BUNDLE = HUB_METADATA.tables["hub_bundle"]
_CITY = HUB_METADATA.tables["hub_city"]
_KEY = HUB_METADATA.tables["hub_key"]
_FEED = HUB_METADATA.tables["hub_feed"]


@dataclass(frozen=True, slots=True)
class SeasonScope:
    """A city-season at the hub: its scope and the bundle that last set it."""

    city: str
    scope: ReleaseScope
    bundle_id: str
    seq: int
    retracted: bool


@dataclass(frozen=True, slots=True)
class CityCoverage:
    """What the hub holds for a city: the facts a review prints about its coverage."""

    city: str
    seasons_reported: tuple[str, ...]
    """Season ids with cells in the year asked for (retracted seasons left out)."""
    last_bundle_id: str | None
    last_seq: int | None
    last_received_at: datetime | None
    """UTC."""
    signature_verified: bool
    """True: every bundle stored for the city verified against a key registered for it."""


@dataclass(frozen=True, slots=True)
class YearCells:
    """Every current cell of the seasons whose END date falls in ``year``."""

    year: int
    cells: tuple[Cell, ...]
    seasons: tuple[SeasonScope, ...]
    coverage: dict[str, CityCoverage]
    """Per registered city (cities with nothing this year are present, with no season)."""


def _connection(source: Engine | Session | str) -> tuple[Connection, Engine | None]:
    """A connection on ``source`` and the engine to dispose afterwards (when made here)."""
    if isinstance(source, Session):
        return source.connection(), None
    engine = hub_engine(source) if isinstance(source, str) else source
    return engine.connect(), engine if isinstance(source, str) else None


class _Reading:
    def __init__(self, source: Engine | Session | str) -> None:
        self.source = source

    def __enter__(self) -> Connection:
        self.conn, self.own = _connection(self.source)
        return self.conn

    def __exit__(self, *exc: object) -> None:
        if not isinstance(self.source, Session):
            self.conn.close()
        if self.own is not None:
            self.own.dispose()


_METRICS = {m.value: m for m in Metric}
_UNITS = {u.value: u for u in Unit}
_STATUSES = {s.value: s for s in CellStatus}


_FIELDS_SET = set(Cell.model_fields)
"""Shared by every cell read here: a frozen model never changes its set in place (a copy with
changes copies it first)."""


def _cells(rows: Iterable[Any]) -> list[Cell]:
    """Hub rows as :class:`Cell` values, built the way ``Cell.model_construct`` builds them (fields
    set, no validation) without its per-call bookkeeping: the read's hot loop, names bound once."""
    new, put, cls, dec = object.__new__, object.__setattr__, Cell, Decimal
    metrics, units, statuses, fields = _METRICS, _UNITS, _STATUSES, _FIELDS_SET
    out: list[Cell] = []
    add = out.append
    for city, season, metric, theme, dim, value, unit, status in rows:
        cell = new(cls)
        put(cell, "__dict__", {
            "city": city, "season": season, "metric": metrics[metric], "theme": theme,
            "dim": dim, "value": None if value is None else dec(value), "unit": units[unit],
            "status": statuses[status],
        })  # fmt: skip
        put(cell, "__pydantic_fields_set__", fields)
        put(cell, "__pydantic_extra__", None)
        put(cell, "__pydantic_private__", None)
        add(cell)
    return out


def _scope(r: Any) -> SeasonScope:
    scope = ReleaseScope(
        season=r.season, season_number=r.season_number, start=r.start, end=r.end,
        currency=r.currency,
    )  # fmt: skip
    return SeasonScope(r.city, scope, r.bundle_id, r.seq, r.retracted)


def cells_for_year(source: Engine | Session | str, year: int) -> YearCells:
    """The current cells of every season that ended in ``year``, with per-city coverage."""
    (got,) = cells_for_years(source, (year,))
    return got


def cells_for_years(source: Engine | Session | str, years: Sequence[int]) -> tuple[YearCells, ...]:
    """:func:`cells_for_year` of each of ``years`` in one pass: one query for the seasons, one
    for the cells, one coverage (what a review reads: its year and the year before)."""
    wanted = sorted(set(years))
    with _Reading(source) as conn:
        seasons = [
            _scope(r)
            for r in conn.execute(
                select(_SEASON)
                .where(_SEASON.c.end_year.in_(wanted))
                .order_by(_SEASON.c.city, _SEASON.c.season)
            )
        ]
        live = {(x.city, x.scope.season): x.scope.end.year for x in seasons if not x.retracted}
        by_year: dict[int, list[Cell]] = {y: [] for y in wanted}
        if live:
            c, s = _CELL.c, _SEASON.c
            rows = conn.execute(
                select(c.city, c.season, c.metric, c.theme, c.dim, c.value, c.unit, c.status)
                .join(_SEASON, (s.city == c.city) & (s.season == c.season))
                .where(s.end_year.in_(wanted), s.retracted.is_(False))
                .order_by(c.city, c.season, c.metric, c.theme, c.dim)
            ).all()
            cells = _cells(rows)
            for cell in cells:
                by_year[live[(cell.city, cell.season)]].append(cell)
        out = []
        for y in wanted:
            reported: dict[str, list[str]] = {}
            for (city, season), end_year in live.items():
                if end_year == y:
                    reported.setdefault(city, []).append(season)
            out.append((y, reported))
        covs = _coverages(conn, [reported for _, reported in out])
    got = {
        y: YearCells(
            year=y,
            cells=tuple(by_year[y]),
            seasons=tuple(x for x in seasons if x.scope.end.year == y),
            coverage=cov,
        )
        for (y, _), cov in zip(out, covs, strict=True)
    }
    return tuple(got[y] for y in years)


def coverage(source: Engine | Session | str) -> dict[str, CityCoverage]:
    """Per registered city: every live season it reported, its last bundle, its signatures."""
    with _Reading(source) as conn:
        reported: dict[str, list[str]] = {}
        for city, season in conn.execute(
            select(_SEASON.c.city, _SEASON.c.season)
            .where(_SEASON.c.retracted.is_(False))
            .order_by(_SEASON.c.city, _SEASON.c.season)
        ):
            reported.setdefault(city, []).append(season)
        return _coverages(conn, [reported])[0]


def _coverages(
    conn: Connection, reported: Sequence[dict[str, list[str]]]
) -> list[dict[str, CityCoverage]]:
    """Per registered city, for each mapping of reported seasons (the bundles are read once)."""
    b = _BUNDLE.c
    keys = dict(conn.execute(select(_KEY.c.fingerprint, _KEY.c.city)).all())
    top = select(b.city, func.max(b.seq).label("seq")).group_by(b.city).subquery()
    last = {
        r.city: r
        for r in conn.execute(
            select(b.city, b.bundle_id, b.seq, b.received_at).join(
                top, (top.c.city == b.city) & (top.c.seq == b.seq)
            )
        )
    }
    verified: dict[str, bool] = {}
    for city, signer in conn.execute(select(b.city, b.signed_by).distinct()):
        verified[city] = verified.get(city, True) and keys.get(signer) == city
    cities = conn.execute(select(_CITY.c.city).order_by(_CITY.c.city)).scalars().all()
    out: list[dict[str, CityCoverage]] = []
    for seasons in reported:
        cov: dict[str, CityCoverage] = {}
        for city in cities:
            row = last.get(city)
            cov[city] = CityCoverage(
                city=city,
                seasons_reported=tuple(sorted(seasons.get(city, ()))),
                last_bundle_id=row.bundle_id if row else None,
                last_seq=row.seq if row else None,
                last_received_at=row.received_at if row else None,
                signature_verified=verified.get(city, True),
            )
        out.append(cov)
    return out


def release_events(source: Engine | Session | str) -> tuple[FeedEntry, ...]:
    """Every bundle the hub accepted, oldest first: what each city released or retracted, when
    (the whole feed; a hub holds a few bundles per city-season)."""
    f = _FEED.c
    with _Reading(source) as conn:
        rows = conn.execute(
            select(f.cursor, f.bundle_id, f.city, f.season, f.seq, f.action, f.at).order_by(
                f.cursor
            )
        )
        return tuple(FeedEntry(*r) for r in rows)


def feed_position(source: Engine | Session | str) -> int:
    """The cursor of the newest feed entry (0 for an empty feed): it moves on every push."""
    with _Reading(source) as conn:
        return int(conn.execute(select(func.coalesce(func.max(_FEED.c.cursor), 0))).scalar_one())


def season_years(source: Engine | Session | str) -> tuple[int, ...]:
    """The years in which a season the hub holds ended (review years with data), ascending."""
    with _Reading(source) as conn:
        return tuple(
            conn.execute(select(_SEASON.c.end_year).distinct().order_by(_SEASON.c.end_year))
            .scalars()
            .all()
        )


def latest_feed(source: Engine | Session | str, *, limit: int = 100) -> tuple[FeedEntry, ...]:
    """The ``limit`` newest feed entries, newest first (retractions included)."""
    f = _FEED.c
    with _Reading(source) as conn:
        rows = conn.execute(
            select(f.cursor, f.bundle_id, f.city, f.season, f.seq, f.action, f.at)
            .order_by(f.cursor.desc())
            .limit(max(1, min(limit, 1000)))
        )
        return tuple(FeedEntry(*r) for r in rows)
