"""Shared fixtures: paths to the shipped cities and a CLI runner that never hides a traceback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

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
