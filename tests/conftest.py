"""Shared fixtures: the shipped cities, a CLI runner that never hides a traceback, PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from datacity_federation.testing.postgres import PostgresServer

ROOT = Path(__file__).resolve().parent.parent
CITIES = ROOT / "cities"


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cities_dir() -> Path:
    return CITIES


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``datacity ARGS`` in-process and return its exit code, stdout and stderr."""
    from datacity_federation.cli import main

    def run(*args: str) -> CliResult:
        code = main(list(args))
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err
        return CliResult(code, captured.out, captured.err)

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
