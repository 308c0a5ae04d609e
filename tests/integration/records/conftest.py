"""The records store on both backends: every test taking ``engine`` runs on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from records_helpers import CITIES, ORDER, TEMPLATES
from sqlalchemy import Engine, text

from datacity_federation.testing.postgres import PostgresServer

_names = itertools.count()


@pytest.fixture(scope="session")
def pg_records_url(pg_server: PostgresServer) -> str:
    """One database at the current head for the session; tests empty it after use."""
    from datacity_federation._store.engine import open_store

    url = pg_server.create_database("records_session")
    open_store(url).dispose()
    return url


@pytest.fixture
def fresh_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a brand-new empty database on the backend of the test's parameter."""
    if request.param == "sqlite":
        return str(tmp_path / "fresh.db")
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database(f"fresh_{next(_names)}")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty records store at the head, SQLite then PostgreSQL."""
    from datacity_federation._store.engine import make_engine, open_store
    from datacity_federation._store.tables import metadata

    if request.param == "sqlite":
        eng = open_store(tmp_path / "records.db")
        yield eng
        eng.dispose()
        return
    url: str = request.getfixturevalue("pg_records_url")
    eng = open_store(make_engine(url))
    try:
        yield eng
    finally:
        names = ", ".join(t.name for t in metadata.sorted_tables)
        with eng.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        eng.dispose()


@pytest.fixture
def synced(engine: Engine) -> Engine:
    """The store with the four seed cities synced from cities/."""
    from datacity_federation._services.records import sync_config

    sync_config(db=engine, cities_dir=CITIES, by="test")
    return engine


@pytest.fixture
def season_1(synced: Engine) -> Engine:
    """Paris season 1 with every sample CSV of templates/csv imported."""
    from datacity_federation._services.records_import import import_csv

    for kind in ORDER:
        import_csv(
            db=synced,
            kind=kind,
            path=TEMPLATES / f"{kind}.csv",
            city="paris",
            season="s1",
            by="test",
        )
    return synced
