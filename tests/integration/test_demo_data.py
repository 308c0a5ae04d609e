"""The demo's sample data: labelled as such, valid for the config loader and the records store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from datacity_federation._config.loader import load_federation
from datacity_federation._services.demo import review_year
from datacity_federation._services.demo_data import (
    sample_federation_folder,
    sample_records,
    sample_word,
)

pytestmark = pytest.mark.integration


def test_sample_federation_is_valid_and_labels_what_it_adds(
    cities_dir: Path, tmp_path: Path
) -> None:
    folder = sample_federation_folder(source=cities_dir, dest=tmp_path / "cities", seed=1)
    federation = load_federation(folder)
    shipped = {c.id: c for c in load_federation(cities_dir).cities}
    for city in federation.cities:
        declared = {ch.id for s in shipped[city.id].seasons for ch in s.challenges}
        for season in city.seasons:
            assert season.challenges
            for ch in season.challenges:
                if ch.id not in declared:
                    for lang in city.languages:
                        assert sample_word(lang) in ch.title[lang]


def test_sample_federation_is_the_same_for_the_same_seed(cities_dir: Path, tmp_path: Path) -> None:
    a = sample_federation_folder(source=cities_dir, dest=tmp_path / "a", seed=3)
    b = sample_federation_folder(source=cities_dir, dest=tmp_path / "b", seed=3)
    assert [p.read_bytes() for p in sorted(a.iterdir())] == [
        p.read_bytes() for p in sorted(b.iterdir())
    ]


def test_sample_records_select_and_pilot_in_their_phases(cities_dir: Path, tmp_path: Path) -> None:
    folder = sample_federation_folder(source=cities_dir, dest=tmp_path / "cities", seed=1)
    city = load_federation(folder).cities[1]
    season = city.seasons[0]
    files = sample_records(city=city, season=season, folder=tmp_path / "csv", seed=1)
    assert sorted(files) == [
        "applications", "contracts", "measurements", "phases", "pilots", "sponsorships",
    ]  # fmt: skip
    phases = files["phases"].read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[0] for line in phases] == ["phase", "partnering", "call", "outcome"]
    rows = files["applications"].read_text(encoding="utf-8").splitlines()
    assert len(rows) > 40
    contracts = files["contracts"].read_text(encoding="utf-8").splitlines()
    assert contracts[0] == "pilot,partner,amount,currency"
    assert len(contracts) > 1
    assert all(line.startswith("P-") for line in contracts[1:])


def test_review_year_is_the_year_most_cities_reported(cities_dir: Path) -> None:
    assert review_year(federation=load_federation(cities_dir), today=date(2026, 1, 1)) == 2018


def test_sample_seasons_are_labelled_and_reach_2020(cities_dir: Path, tmp_path: Path) -> None:
    """Every city gets yearly sample seasons (ids ending in -sample) until one ends in 2020, so
    the demo's review year is 2020 with every city reporting and a season before it."""
    folder = sample_federation_folder(source=cities_dir, dest=tmp_path / "cities", seed=1)
    federation = load_federation(folder)
    shipped = {c.id: {s.id for s in c.seasons} for c in load_federation(cities_dir).cities}
    for city in federation.cities:
        added = [s.id for s in city.seasons if s.id not in shipped[city.id]]
        assert added and all(s.endswith("-sample") for s in added)
        assert city.seasons[-1].end.year == 2020
        assert [s.number for s in city.seasons] == list(range(1, len(city.seasons) + 1))
    assert review_year(federation=federation, today=date(2026, 1, 1)) == 2020
