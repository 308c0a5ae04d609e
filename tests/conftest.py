"""Shared fixtures: the shipped cities, a CLI runner that never hides a traceback, PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from datacity_federation.testing import CliResult, RunCli
from datacity_federation.testing import run_cli as _run_cli
from datacity_federation.testing.postgres import PostgresServer

# Machines here are shared and noisy: a per-example deadline measures the neighbours, not the
# code. Property tests keep their own example counts; none is bounded by wall time.
settings.register_profile("datacity", deadline=None, print_blob=True)
settings.load_profile("datacity")

ROOT = Path(__file__).resolve().parent.parent
CITIES = ROOT / "cities"


@pytest.fixture
def cities_dir() -> Path:
    return CITIES


@pytest.fixture
def run_cli() -> RunCli:
    """Run ``datacity ARGS`` in-process; fail the test if a traceback ever reaches the user."""

    def run(*args: str) -> CliResult:
        result = _run_cli(*args)
        assert "Traceback" not in result.err
        return result

    return run


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session (Debian's binaries; see scripts/test-services.sh).

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
