"""The hub's own store (SQLModel): cities, keys, bundles, the current cells, the feed.

Rule header: the hub keeps what cities pushed and nothing else: no record, no suppressed value.
``hub_bundle`` holds every accepted zip (unique ``(city, seq)`` settles concurrent pushes, even
across several workers on one PostgreSQL); ``hub_cell`` holds the current snapshot per
city-season (replaced by an ``upsert``, removed by a ``retract``, whose tombstone stays in
``hub_season``); ``hub_feed`` is append-only and its cursor is handed out under a row lock of
``hub_meta``, so cursors commit in order and a reader paging with ``after=`` never skips one.

The typed read API the annual review and the dashboard read (:func:`cells_for_year`,
:func:`coverage`, :func:`release_events`) lives in :mod:`.hub_read`; :func:`feed_page` here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Column, LargeBinary, UniqueConstraint, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel, create_engine, select

from datacity_federation.errors import StoreError

__all__ = [
    "HUB_METADATA",
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
# The feed (the rest of the read API is in hub_read)


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
