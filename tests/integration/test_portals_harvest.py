"""``datacity portals harvest`` into a real SQLite store, and ``check`` against what it stored."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from datacity_federation.testing.fake_portals import FakePortals

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake() -> Iterator[FakePortals]:
    with FakePortals(datasets=1500) as server:
        yield server


def city_file(tmp: Path, url: str, kind: str = "ckan") -> Path:
    text = (ROOT / "cities" / "paris.yaml").read_text(encoding="utf-8")
    text = text.replace("kind: opendatasoft", f"kind: {kind}")
    text = text.replace("https://opendata.paris.fr/api/explore/v2.1", url)
    for old in ("dans-ma-rue", "comptages-routiers-permanents", "que-faire-a-paris-"):
        text = text.replace(f"dataset: {old}", "dataset: ds-00005")
    path = tmp / "paris.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_harvest_stores_then_touches_nothing_then_only_the_change(
    fake: FakePortals, tmp_path: Path, run_cli: object
) -> None:
    city, db = city_file(tmp_path, fake.url("ckan")), tmp_path / "city.db"
    first = run_cli("portals", "harvest", str(city), "--db", str(db))  # type: ignore[operator]
    assert first.code == 0
    assert first.out.startswith(
        "opendata-paris: 1500 fetched: 1500 new, 0 changed, 0 unchanged; 1500 stored"
    )
    stamps = rows(
        db, "select dataset_id, harvested_at, content_sha256 from portal_datasets order by 1"
    )
    assert len(stamps) == 1500

    again = run_cli("portals", "harvest", str(city), "--db", str(db))  # type: ignore[operator]
    assert again.code == 0
    assert again.out.startswith(
        "opendata-paris: catalogue unchanged since the last harvest (1 request); 1500 stored"
    )
    walked = run_cli("portals", "harvest", str(city), "--db", str(db), "--full")  # type: ignore[operator]
    assert walked.code == 0
    assert walked.out.startswith("opendata-paris: 1500 fetched: 0 new, 0 changed, 1500 unchanged;")
    assert (
        rows(db, "select dataset_id, harvested_at, content_sha256 from portal_datasets order by 1")
        == stamps
    )

    fake.touch(7, title="A new title")
    third = run_cli("portals", "harvest", str(city), "--db", str(db))  # type: ignore[operator]
    # CKAN's range is inclusive: the record at the watermark comes again and is left alone.
    assert "2 fetched since 2024-01-02T00:59:00+00:00: 0 new, 1 changed, 1 unchanged" in third.out
    assert rows(db, "select title from portal_datasets where dataset_id = 'ds-00007'") == [
        ("A new title (ca)",)
    ]
    assert rows(db, "select state, datasets from portal_harvests") == [("complete", 1500)]


def test_a_failed_harvest_stores_nothing_and_keeps_the_watermark(
    fake: FakePortals, tmp_path: Path, run_cli: object
) -> None:
    db = tmp_path / "city.db"
    good = city_file(tmp_path, fake.url("ckan"))
    assert run_cli("portals", "harvest", str(good), "--db", str(db)).code == 0  # type: ignore[operator]
    before = rows(db, "select since, completed_at from portal_harvests")
    fake.touch(3, title="changed meanwhile")
    for ds in fake.datasets[:1]:
        ds.title = "also changed"
    bad = city_file(tmp_path, fake.url("faults/later-harvest"))
    result = run_cli("portals", "harvest", str(bad), "--db", str(db), "--full", "--timeout", "5")  # type: ignore[operator]
    assert result.code == 1
    assert result.err.startswith(
        "datacity: error: portal opendata-paris (HTTP 503): Unavailable: try later"
    )
    assert rows(
        db,
        "select count(*) from portal_datasets where title in ('changed meanwhile', 'also changed')",
    ) == [(0,)]
    state = rows(db, "select state, message from portal_harvests")
    assert state[0][0] == "failed"
    assert "try later" in str(state[0][1])
    assert rows(db, "select since, completed_at from portal_harvests") == before


def test_harvest_unknown_portal_is_one_line(
    fake: FakePortals, tmp_path: Path, run_cli: object
) -> None:
    city = city_file(tmp_path, fake.url("ckan"))
    result = run_cli(
        "portals", "harvest", str(city), "--portal", "nope", "--db", str(tmp_path / "x.db")
    )  # type: ignore[operator]
    assert result.code == 1
    assert (
        result.err == "datacity: error: city paris has no portal 'nope' (known: opendata-paris)\n"
    )


def test_check_compares_with_the_last_harvest(
    fake: FakePortals, tmp_path: Path, run_cli: object
) -> None:
    city, db = city_file(tmp_path, fake.url("ckan")), tmp_path / "city.db"
    assert run_cli("portals", "harvest", str(city), "--db", str(db)).code == 0  # type: ignore[operator]
    fake.touch(5, licence="ODbL", title="Bins, renamed")
    result = run_cli("portals", "check", str(city), "--db", str(db), "--stale-after", "100000")  # type: ignore[operator]
    assert result.code == 0
    assert (
        "renamed,licence-changed waste-collection: opendata-paris/ds-00005: "
        "title was 'Data set 5 about mobility (ca)', now 'Bins, renamed (ca)'; "
        "licence was 'CC BY 4.0', now 'ODbL'"
    ) in result.out


def test_check_without_a_store_creates_none(
    fake: FakePortals, tmp_path: Path, run_cli: object
) -> None:
    city, db = city_file(tmp_path, fake.url("ckan")), tmp_path / "absent.db"
    result = run_cli("portals", "check", str(city), "--db", str(db), "--stale-after", "100000")  # type: ignore[operator]
    assert result.code == 0
    assert not db.exists()
