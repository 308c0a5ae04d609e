"""The hub's own store (SQLModel): cities, keys, bundles, the current cells, the feed.

Rule header: the hub keeps what cities pushed and nothing else: no record, no suppressed value.
``hub_bundle`` holds every accepted zip (unique ``(city, seq)`` settles concurrent pushes, even
across several workers on one PostgreSQL); ``hub_cell`` holds the current snapshot per
city-season (replaced by an ``upsert``, removed by a ``retract``, whose tombstone stays in
``hub_season``); ``hub_feed`` is append-only and its cursor is handed out under a row lock of
``hub_meta``, so cursors commit in order and a reader paging with ``after=`` never skips one.

The typed read API (:func:`cells_for_year`, :func:`feed_page`, :func:`coverage`) is what the
annual review reads; it returns domain :class:`~datacity_federation.domain.release.Cell` values.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, LargeBinary, UniqueConstraint, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel, create_engine, select

from datacity_federation._sync.manifest import ReleaseScope
from datacity_federation.domain.release import Cell, CellStatus, Metric, Unit
from datacity_federation.errors import StoreError

__all__ = [
    "HUB_METADATA",
    "CityCoverage",
    "FeedEntry",
    "FeedPage",
    "HubAudit",
    "HubBundle",
    "HubCell",
    "HubCity",
    "HubFeed",
    "HubKey",
    "HubMeta",
    "HubSeason",
    "SeasonScope",
    "YearCells",
    "cells_for_year",
    "coverage",
    "feed_page",
    "hub_engine",
    "hub_session",
]


_registry = registry()
HUB_METADATA = _registry.metadata
"""The hub's own metadata: its tables never mix with a city store's (nor its migrations)."""


class HubTable(SQLModel, registry=_registry):
    """Base of the hub's tables, on their own registry and metadata."""


class HubMeta(HubTable, table=True):
    __tablename__ = "hub_meta"
    key: str = Field(primary_key=True)
    value: str


class HubCity(HubTable, table=True):
    __tablename__ = "hub_city"
    city: str = Field(primary_key=True)
    token_hash: str = Field(index=True, unique=True)
    """sha256 of the bearer token; the token itself is never stored."""
    created_at: datetime


class HubKey(HubTable, table=True):
    __tablename__ = "hub_key"
    fingerprint: str = Field(primary_key=True)
    city: str = Field(index=True, foreign_key="hub_city.city")
    public_key: str
    """Raw Ed25519 public key, hex."""
    active: bool = True
    added_at: datetime
    revoked_at: datetime | None = None


class HubBundle(HubTable, table=True):
    __tablename__ = "hub_bundle"
    __table_args__ = (UniqueConstraint("city", "seq", name="uq_hub_bundle_city_seq"),)
    bundle_id: str = Field(primary_key=True)
    city: str = Field(index=True)
    seq: int
    prev: str | None = None
    season: str
    action: str
    signed_by: str
    """Fingerprint of the registered key whose signature verified."""
    received_at: datetime
    size: int
    body_sha256: str = Field(index=True)
    """sha256 of the zip as received: an identical re-push is answered without re-checking."""
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class HubSeason(HubTable, table=True):
    """The scope of a city-season as last released (a retraction keeps the row: a tombstone)."""

    __tablename__ = "hub_season"
    city: str = Field(primary_key=True)
    season: str = Field(primary_key=True)
    season_number: int
    start: date
    end: date
    end_year: int = Field(index=True)
    currency: str
    bundle_id: str
    seq: int
    retracted: bool = False
    updated_at: datetime


class HubCell(HubTable, table=True):
    __tablename__ = "hub_cell"
    city: str = Field(primary_key=True)
    season: str = Field(primary_key=True)
    metric: str = Field(primary_key=True)
    theme: str = Field(primary_key=True)
    dim: str = Field(primary_key=True, default="")
    value: str | None = None
    """Exact decimal text; empty for a suppressed cell."""
    unit: str
    status: str
    bundle_id: str


class HubAudit(HubTable, table=True):
    """Who changed a city's credentials, and when (tokens and keys; never a token itself)."""

    __tablename__ = "hub_audit"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    city: str = Field(index=True, max_length=64)
    action: str = Field(max_length=32)
    """``city_added``, ``key_added``, ``key_revoked``, ``token_rotated``, ``token_revoked``."""
    detail: str = Field(default="", max_length=200)
    """The key fingerprint, when a key changed."""


class HubFeed(HubTable, table=True):
    __tablename__ = "hub_feed"
    cursor: int = Field(primary_key=True)
    bundle_id: str = Field(index=True)
    city: str
    season: str
    seq: int
    action: str
    at: datetime


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def hub_engine(url: str, *, create: bool = True) -> Engine:
    """An engine on the hub database at ``url`` (SQLite file or PostgreSQL), tables created.

    A bare path is taken as a SQLite file. PostgreSQL URLs use psycopg 3 (one normaliser for
    the city store and the hub: :func:`~datacity_federation._store.engine.database_url`).
    """
    from datacity_federation._store.engine import database_url

    url = database_url(url)
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        if create:
            HUB_METADATA.create_all(engine)
    except Exception as exc:  # driver errors name the URL's problem; keep them one line
        raise StoreError(f"hub database {_redact(url)}: {type(exc).__name__}: {exc}") from exc
    return engine


def _redact(url: str) -> str:
    head, sep, tail = url.rpartition("@")
    if not sep:
        return url
    scheme, _, _cred = head.partition("://")
    return f"{scheme}://***@{tail}"


@contextmanager
def hub_session(source: Engine | Session | str) -> Iterator[Session]:
    """A session on ``source``: an engine, a URL, or an open session (left open)."""
    if isinstance(source, Session):
        yield source
        return
    engine = hub_engine(source) if isinstance(source, str) else source
    with Session(engine) as session:
        yield session


def now_utc() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------------------------------------
# Read API (what the annual review uses)


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


def _to_cell(row: HubCell) -> Cell:
    return Cell(
        city=row.city,
        season=row.season,
        metric=Metric(row.metric),
        theme=row.theme,
        dim=row.dim,
        value=Decimal(row.value) if row.value is not None else None,
        unit=Unit(row.unit),
        status=CellStatus(row.status),
    )


def _scope(row: HubSeason) -> SeasonScope:
    return SeasonScope(
        city=row.city,
        scope=ReleaseScope(
            season=row.season,
            season_number=row.season_number,
            start=row.start,
            end=row.end,
            currency=row.currency,
        ),
        bundle_id=row.bundle_id,
        seq=row.seq,
        retracted=row.retracted,
    )


def cells_for_year(
    source: Engine | Session | str, year: int, *, since: int | None = None
) -> YearCells:
    """The current cells of every season that ended in ``year`` (or in any year from ``since``
    to ``year``, read in one pass), with per-city coverage."""
    first = year if since is None else since
    with hub_session(source) as s:
        seasons = s.exec(
            select(HubSeason)
            .where(HubSeason.end_year >= first, HubSeason.end_year <= year)
            .order_by(
                HubSeason.city,
                HubSeason.season,
            )
        ).all()
        live = {(r.city, r.season) for r in seasons if not r.retracted}
        cells: list[Cell] = []
        if live:
            rows = s.exec(
                select(HubCell)
                .where(HubCell.city.in_({c for c, _ in live}))  # type: ignore[attr-defined]
                .order_by(
                    HubCell.city,
                    HubCell.season,
                    HubCell.metric,
                    HubCell.theme,
                    HubCell.dim,
                )
            ).all()
            cells = [_to_cell(r) for r in rows if (r.city, r.season) in live]
        cov = _coverage(s, {c: sorted(se for cc, se in live if cc == c) for c, _ in live})
        return YearCells(
            year=year,
            cells=tuple(cells),
            seasons=tuple(_scope(r) for r in seasons),
            coverage=cov,
        )


def coverage(source: Engine | Session | str) -> dict[str, CityCoverage]:
    """Per registered city: every live season it reported, its last bundle, its signatures."""
    with hub_session(source) as s:
        rows = s.exec(select(HubSeason).where(HubSeason.retracted == False)).all()  # noqa: E712
        reported: dict[str, list[str]] = {}
        for r in rows:
            reported.setdefault(r.city, []).append(r.season)
        return _coverage(s, {c: sorted(v) for c, v in reported.items()})


def _coverage(s: Session, reported: dict[str, list[str]]) -> dict[str, CityCoverage]:
    out: dict[str, CityCoverage] = {}
    keys = {k.fingerprint: k.city for k in s.exec(select(HubKey)).all()}
    for city in s.exec(select(HubCity.city).order_by(HubCity.city)).all():
        last = s.exec(
            select(HubBundle)
            .where(HubBundle.city == city)
            .order_by(HubBundle.seq.desc())  # type: ignore[attr-defined]
            .limit(1)
        ).first()
        signers = s.exec(select(HubBundle.signed_by).where(HubBundle.city == city)).all()
        out[city] = CityCoverage(
            city=city,
            seasons_reported=tuple(reported.get(city, ())),
            last_bundle_id=last.bundle_id if last else None,
            last_seq=last.seq if last else None,
            last_received_at=last.received_at if last else None,
            signature_verified=all(keys.get(fp) == city for fp in signers),
        )
    return out


@dataclass(frozen=True, slots=True)
class FeedEntry:
    cursor: int
    bundle_id: str
    city: str
    season: str
    seq: int
    action: str
    at: datetime


@dataclass(frozen=True, slots=True)
class FeedPage:
    entries: tuple[FeedEntry, ...]
    next_cursor: int
    """Pass as ``after`` for the next page; equal to ``after`` when nothing new."""


def feed_page(source: Engine | Session | str, *, after: int = 0, limit: int = 100) -> FeedPage:
    """Feed entries after the cursor ``after``, oldest first (retractions included)."""
    with hub_session(source) as s:
        rows = s.exec(
            select(HubFeed)
            .where(HubFeed.cursor > after)
            .order_by(HubFeed.cursor)  # type: ignore[arg-type]
            .limit(max(1, min(limit, 1000)))
        ).all()
        entries = tuple(
            FeedEntry(r.cursor, r.bundle_id, r.city, r.season, r.seq, r.action, r.at) for r in rows
        )
        return FeedPage(entries, entries[-1].cursor if entries else after)
