"""The pytest plugin of ``datacity_federation``: real parts for the tests of apps that use it.

Installed with the package (entry point ``pytest11``: ``datacity``), so ``pytest`` offers these
fixtures to any project that has ``datacity_federation`` installed, with no conftest to write:

=====================  ========  ============================================================
fixture                scope     what it gives
=====================  ========  ============================================================
``cities_dir``         function  the folder of the shipped city files (read them, do not write)
``run_cli``            function  ``run_cli("validate", ...)`` runs ``datacity`` in-process and
                                 fails the test if a traceback ever reaches stderr
``pg_server``          session   a throw-away PostgreSQL server on 127.0.0.1 (skipped when the
                                 server binaries are missing, a failure when ``CI`` is set)
``pg_url``             function  the URL of a new empty database on ``pg_server``
``local_hub``          function  a federation hub served on 127.0.0.1 over a new SQLite file
``fake_portals``       function  a fake open-data portal server on 127.0.0.1 (every platform)
=====================  ========  ============================================================

Rule header: importing this module loads nothing heavy (pytest imports it for every run of a
project that installed the package); each fixture imports what it starts.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from datacity_federation.testing import CliResult, RunCli
from datacity_federation.testing import run_cli as _run_cli

if TYPE_CHECKING:
    from datacity_federation.testing.fake_portals import FakePortals
    from datacity_federation.testing.postgres import PostgresServer

__all__ = [
    "LocalHub",
    "cities_dir",
    "fake_portals",
    "local_hub",
    "pg_server",
    "pg_url",
    "run_cli",
]

_databases = itertools.count()


@dataclass(frozen=True, slots=True)
class LocalHub:
    """A hub running for one test: its base URL and the URL of its database."""

    url: str
    db_url: str
    network: str


@pytest.fixture
def cities_dir() -> Path:
    """The shipped city files (the four launch cities and ``federation.yaml``)."""
    from datacity_federation._config import default_cities_dir

    return default_cities_dir()


@pytest.fixture
def run_cli() -> RunCli:
    """Run ``datacity ARGS`` in-process; fail the test if a traceback ever reaches the user."""

    def run(*args: str) -> CliResult:
        result = _run_cli(*args)
        assert "Traceback" not in result.err, result.err
        return result

    return run


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session (the server binaries Debian installs).

    Skipped when it cannot start, except under CI (``CI`` set), where that is a failure.
    """
    from datacity_federation.testing.postgres import PostgresUnavailable, postgres_server

    try:
        with postgres_server() as server:
            yield server
    except PostgresUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    """A new empty PostgreSQL database (SQLAlchemy URL, psycopg 3)."""
    return pg_server.create_database(f"datacity_test_{os.getpid()}_{next(_databases)}")


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    """A hub of network ``c40-datacity`` in a thread on 127.0.0.1, over a new SQLite file; the
    push limit is high enough for any test. Register cities with ``datacity hub add-city --db
    DB_URL`` (``run_cli``) or :func:`datacity_federation.hub_engine`."""
    from datacity_federation.testing.hub_server import hub_in_thread

    db_url = f"sqlite:///{tmp_path / 'hub.db'}"
    with hub_in_thread(db_url, rate=1000.0, burst=1000) as url:
        yield LocalHub(url=url, db_url=db_url, network="c40-datacity")


@pytest.fixture
def fake_portals() -> Iterator[FakePortals]:
    """A fake portal server with 120 data sets; ``fake_portals.url("ckan")`` (or ``"ods"``,
    ``"sg"``, ``"socrata"``, ``"ogd"``, ``"dcat"``) is the base URL of one platform's API."""
    from datacity_federation.testing.fake_portals import FakePortals

    with FakePortals(datasets=120) as server:
        yield server
