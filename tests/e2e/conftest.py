"""Fixtures of the end-to-end tests: a working folder with the shipped city files, a city store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from datacity_federation._config.loader import load_federation

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "cities", tmp_path / "cities")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATACITY_HUB_TOKEN", raising=False)
    monkeypatch.delenv("DATACITY_SIGNING_KEY", raising=False)
    return tmp_path


@pytest.fixture
def city_db(workdir: Path) -> Path:
    from datacity_federation._store.engine import open_store
    from datacity_federation.testing.records_seed import seed_season

    paris = load_federation(workdir / "cities").city("paris")
    assert paris is not None
    engine = open_store(workdir / "city.db")
    for season in paris.seasons:
        seed_season(engine, city=paris, season=season, applications=120)
    engine.dispose()
    return workdir / "city.db"
