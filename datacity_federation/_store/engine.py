"""The one engine factory: where the records live and how to open them.

Rule header: nothing here runs at import time, and nothing here reads the environment: the
caller names the database (the command line resolves ``--db``, ``$DATACITY_DB`` and the default
``./datacity.db``, opens the store once and hands the engine to the services). A plain path is
a SQLite file, a URL (``postgresql://...``, ``sqlite:///...``) is used as is (PostgreSQL through
psycopg 3); :func:`database_url` is the one place that says so, for the city store and the hub's.
SQLite connections always enforce foreign keys. :func:`open_store` brings an empty database to
the current Alembic head (so a new SQLite file is ready on first use) and refuses a database at
another revision, naming ``datacity db upgrade``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError

from datacity_federation.errors import StoreError

__all__ = [
    "database_label",
    "database_url",
    "make_engine",
    "open_store",
    "transaction",
]


def database_url(db: str | Path) -> str:
    """The SQLAlchemy URL of ``db``: a plain path is a SQLite file; ``postgres://`` and
    ``postgresql://`` go through psycopg 3; any other URL is used as is."""
    raw = str(db)
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser()}"
    scheme, rest = raw.split("://", 1)
    if scheme in {"postgresql", "postgres"}:
        return f"postgresql+psycopg://{rest}"
    return raw


def database_label(engine: Engine) -> str:
    """How to name the database of ``engine`` to a person: a SQLite file's path, else the URL
    without its password."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # A 64 MB page cache (the default is 8 MB) keeps a 100,000-row import in memory until commit.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def make_engine(db: str | Path, **kwargs: Any) -> Engine:
    """A new engine for ``db`` (see :func:`database_url`); SQLite gets foreign keys ON."""
    url = database_url(db)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"not a database path or URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            folder = Path(database).parent
            if not folder.is_dir():
                raise StoreError(f"{database}: no such folder {str(folder)!r}")
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot open {parsed.render_as_string()}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def open_store(db: str | Path | Engine) -> Engine:
    """An engine on a database at the current schema revision.

    An empty database (a new SQLite file) is brought to the head first; one at an older (or
    unknown) revision is refused with a message naming ``datacity db upgrade``.
    """
    from datacity_federation._store.migrate import current_revision, head_revision, upgrade

    engine = db if isinstance(db, Engine) else make_engine(db)
    try:
        with engine.connect() as conn:
            current = current_revision(conn)
            empty = current is None and not inspect(conn).get_table_names()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open the records database: {_first_line(exc)}") from None
    if empty:
        upgrade(engine)
        return engine
    head = head_revision()
    if current != head:
        where = engine.url.render_as_string(hide_password=True)
        raise StoreError(
            f"{where} is at schema revision {current or 'none'}, this version needs {head}: "
            "run `datacity db upgrade`"
        )
    return engine


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def transaction(db: str | Path | Engine) -> Iterator[Connection]:
    """One transaction on the records (opened at the head): committed on success, rolled back on
    any error. Database errors become :class:`StoreError` with their first line."""
    engine = open_store(db)
    try:
        with engine.begin() as conn:
            yield conn
    except IntegrityError as exc:
        raise StoreError(f"the records refused the change: {_first_line(exc)}") from None
    except SQLAlchemyError as exc:
        raise StoreError(f"database error: {_first_line(exc)}") from None
    finally:
        if not isinstance(db, Engine):
            engine.dispose()
