"""What several commands share: the ``--db`` option, where the city store is, and day options.

Rule header: the command line is the one place that reads the environment for the database
(``--db``, else ``$DATACITY_DB``, else ``./datacity.db``); a command opens the store once and
hands the engine to the services, which never look at the environment themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from datacity_federation.errors import DatacityError

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = [
    "DB_ENV",
    "DEFAULT_DB",
    "DbOption",
    "city_db",
    "city_store",
    "existing_city_store",
    "parse_day",
]

DB_ENV = "DATACITY_DB"
DEFAULT_DB = "datacity.db"

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite file or database URL of the city store (default: $DATACITY_DB, else ./datacity.db).",
        show_default=False,
    ),
]


def city_db(db: str | None) -> str:
    """The city store named by ``--db``, else ``$DATACITY_DB``, else ``./datacity.db``."""
    return db or os.environ.get(DB_ENV) or DEFAULT_DB


@contextmanager
def city_store(db: str | None, *, migrate: bool = False) -> Iterator[Engine]:
    """The one engine of a command on the city store of ``--db`` (see :func:`city_db`), at the
    current schema (``migrate``: as it is, for ``db upgrade``); disposed when the command ends."""
    from datacity_federation._store.engine import make_engine, open_store

    engine = make_engine(city_db(db)) if migrate else open_store(city_db(db))
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def existing_city_store(db: str | None) -> Iterator[Engine | None]:
    """Like :func:`city_store`, but ``None`` for a SQLite file that does not exist: a command
    that only reads (``portals check``) does not create a store."""
    from datacity_federation._store.engine import database_url

    url = database_url(city_db(db))
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        yield None
        return
    with city_store(db) as engine:
        yield engine


def parse_day(value: str, option: str, *, error: type[DatacityError] = DatacityError) -> date:
    """``value`` of ``option`` as a day (``YYYY-MM-DD``); else ``error`` naming the option."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise error(f"{option}: not a date {value!r} (use YYYY-MM-DD)") from None
