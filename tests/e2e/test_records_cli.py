"""The records commands through the CLI: results, and every bad input as one clean line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

Run = Callable[..., Any]


def test_db_upgrade_creates_then_reports_current(run_cli: Run, tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    first = run_cli("db", "upgrade", "--db", db)
    second = run_cli("db", "upgrade", "--db", db)
    assert (first.code, second.code) == (0, 0)
    assert first.out.startswith("database upgraded from empty to ")
    assert second.out.startswith("database already at ")


def test_db_upgrade_missing_folder_fails_cleanly(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("db", "upgrade", "--db", str(tmp_path / "nope" / "r.db"))
    assert result.code == 1
    assert "no such folder" in result.err


def test_db_upgrade_unreachable_server_fails_cleanly(run_cli: Run) -> None:
    result = run_cli("db", "upgrade", "--db", "postgresql://nobody@127.0.0.1:1/x")
    assert result.code == 1
    assert result.err.startswith("datacity: error: postgresql+psycopg://nobody@127.0.0.1:1/x: ")


def test_db_upgrade_reads_datacity_db(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATACITY_DB", str(tmp_path / "env.db"))
    result = run_cli("db", "upgrade")
    assert result.code == 0
    assert (tmp_path / "env.db").is_file()
