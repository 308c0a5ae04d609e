"""A city store whose rows no longer make a valid city is a clear error, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from datacity_federation._config.loader import load_city
from datacity_federation._store.engine import open_store
from datacity_federation.testing import RunCli
from datacity_federation.testing.records_seed import seed_season

pytestmark = pytest.mark.integration


def test_season_status_names_invalid_stored_challenges(
    tmp_path: Path, cities_dir: Path, run_cli: RunCli
) -> None:
    # The bulk seed writes challenges with one owner and no rubric, as another tool could.
    db = str(tmp_path / "city.db")
    paris = load_city(cities_dir / "paris.yaml")
    engine = open_store(db)
    try:
        seed_season(engine, city=paris, season=paris.seasons[0], applications=10)
    finally:
        engine.dispose()
    result = run_cli("season", "status", "paris", paris.seasons[0].id, "--db", db)
    assert result.code == 1
    assert "city 'paris' in the records is not valid" in result.err
    assert "owners" in result.err and "datacity db sync-config" in result.err
