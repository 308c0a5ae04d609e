"""Harvests over time, through the CLI: India's OGD API, deletions, probes, resuming, deep paging."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from datacity_federation.testing import RunCli
from datacity_federation.testing.fake_platforms import OGD_KEY
from datacity_federation.testing.fake_portals import FakePortals

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
KEY_ENV = "DATA_GOV_IN_API_KEY"


@pytest.fixture
def fake() -> Iterator[FakePortals]:
    with FakePortals(datasets=240) as server:
        yield server


def bengaluru(tmp: Path, fake: FakePortals) -> Path:
    """Bengaluru's file with both portals pointed at the fake server."""
    text = (ROOT / "cities" / "bangalore.yaml").read_text(encoding="utf-8")
    text = text.replace("https://api.data.gov.in", fake.url("ogd"))
    text = text.replace("https://data.opencity.in/api/3/action/", fake.url("ckan"))
    path = tmp / "bangalore.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def paris(tmp: Path, url: str, kind: str = "ckan") -> Path:
    """Paris on the fake server, its three pins on ds-00005, ds-00006 and ds-00007."""
    text = (ROOT / "cities" / "paris.yaml").read_text(encoding="utf-8")
    text = text.replace("kind: opendatasoft", f"kind: {kind}")
    text = text.replace("https://opendata.paris.fr/api/explore/v2.1", url)
    for old, new in (
        ("dans-ma-rue", "ds-00005"),
        ("comptages-routiers-permanents", "ds-00006"),
        ("que-faire-a-paris-", "ds-00007"),
    ):
        text = text.replace(f"dataset: {old}", f"dataset: {new}")
    path = tmp / "paris.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# --- India's OGD platform -------------------------------------------------------------------


def test_ogd_harvest_with_the_key_from_the_environment(
    fake: FakePortals,
    tmp_path: Path,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv(KEY_ENV, OGD_KEY)
    caplog.set_level(logging.DEBUG)
    city, db = bengaluru(tmp_path, fake), tmp_path / "city.db"
    first = run_cli("portals", "harvest", str(city), "--portal", "data-gov-in", "--db", str(db))
    assert first.code == 0, first.err
    assert first.out.startswith("data-gov-in: 240 fetched: 240 new, 0 changed, 0 unchanged;")
    assert rows(db, "select count(*), min(title) from portal_datasets") == [
        (240, "Data set 0 about waste")
    ]
    again = run_cli("portals", "harvest", str(city), "--portal", "data-gov-in", "--db", str(db))
    assert again.out.startswith(
        "data-gov-in: catalogue unchanged since the last harvest (1 request)"
    )
    # The key went in every query string, and no log line shows it.
    assert OGD_KEY not in caplog.text
    assert "api-key=***" in caplog.text
    assert OGD_KEY not in first.out + first.err + again.out + again.err


def test_ogd_search_filters_on_the_title(
    fake: FakePortals, tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, OGD_KEY)
    city = bengaluru(tmp_path, fake)
    result = run_cli("portals", "search", str(city), "energy", "--portal", "data-gov-in")
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == "20 of 60 data sets on data-gov-in match 'energy'"


def test_ogd_without_a_key_is_one_clear_line(
    fake: FakePortals, tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    city, db = bengaluru(tmp_path, fake), tmp_path / "city.db"
    result = run_cli("portals", "harvest", str(city), "--portal", "data-gov-in", "--db", str(db))
    assert result.code == 1
    assert result.err == (
        "datacity: error: portal data-gov-in: data.gov.in answers only with an API key: put "
        "yours in the environment variable DATA_GOV_IN_API_KEY\n"
    )
    assert fake.requests["ogd"] == 0


def test_ogd_with_a_wrong_key_is_refused(
    fake: FakePortals, tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "not-the-key")
    city = bengaluru(tmp_path, fake)
    result = run_cli("portals", "search", str(city), "x", "--portal", "data-gov-in")
    assert result.code == 1
    assert result.err == (
        "datacity: error: portal data-gov-in (HTTP 403): access refused: Key not authorised "
        "(check the API key)\n"
    )
    assert "not-the-key" not in result.err


def test_ogd_check_reads_resource_metadata_and_missing_ones(
    fake: FakePortals, tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, OGD_KEY)
    city = paris(tmp_path, fake.url("ogd"), kind="ogd_india")
    text = city.read_text(encoding="utf-8").replace(
        f"url: {fake.url('ogd')}", f"url: {fake.url('ogd')}\n    api_key_env: {KEY_ENV}"
    )
    uuid5 = "00000005-0000-4000-8000-000000000005"
    text = text.replace("dataset: ds-00005", f"dataset: {uuid5}")
    city.write_text(text, encoding="utf-8")
    result = run_cli("portals", "check", str(city), "--stale-after", "100000")
    assert result.code == 1
    assert f"opendata-paris/{uuid5}: Data set 5 about mobility" in result.out
    assert "missing" in result.out and "Meta not found" in result.out


# --- deletions ------------------------------------------------------------------------------


def test_full_harvest_marks_vanished_data_sets_withdrawn(
    fake: FakePortals, tmp_path: Path, run_cli: RunCli
) -> None:
    city, db = paris(tmp_path, fake.url("ckan")), tmp_path / "city.db"
    assert run_cli("portals", "harvest", str(city), "--db", str(db)).code == 0
    seen = rows(db, "select last_seen_at from portal_datasets where dataset_id = 'ds-00005'")
    fake.remove(5)
    incremental = run_cli("portals", "harvest", str(city), "--db", str(db))
    assert "withdrawn" not in incremental.out  # only a full walk can tell
    full = run_cli("portals", "harvest", str(city), "--db", str(db), "--full")
    assert full.code == 0
    assert "0 new, 0 changed, 239 unchanged, 1 withdrawn; 239 stored" in full.out
    assert rows(
        db,
        "select dataset_id, last_seen_at from portal_datasets where withdrawn_at is not null",
    ) == [("ds-00005", seen[0][0])]
    assert rows(db, "select count(*) from portal_datasets") == [(240,)]  # kept

    before = sum(fake.requests.values())
    check = run_cli("portals", "check", str(city), "--db", str(db), "--stale-after", "100000")
    assert check.code == 1
    lines = check.out.splitlines()
    assert lines[0].startswith(
        "withdrawn        waste-collection: opendata-paris/ds-00005: withdrawn from the portal"
    )
    assert lines[-1] == "paris: 3 pinned data sets: 2 ok, 1 withdrawn"
    # The withdrawn pin cost no request: only the two live ones were asked for.
    assert sum(fake.requests.values()) - before == 2


def test_a_withdrawn_data_set_found_again_is_live_again(
    fake: FakePortals, tmp_path: Path, run_cli: RunCli
) -> None:
    city, db = paris(tmp_path, fake.url("ckan")), tmp_path / "city.db"
    assert run_cli("portals", "harvest", str(city), "--db", str(db)).code == 0
    kept = fake.datasets[5]
    fake.remove(5)
    assert run_cli("portals", "harvest", str(city), "--db", str(db), "--full").code == 0
    fake.datasets.insert(5, kept)
    again = run_cli("portals", "harvest", str(city), "--db", str(db), "--full")
    assert "240 stored" in again.out
    assert rows(db, "select count(*) from portal_datasets where withdrawn_at is not null") == [(0,)]


def test_the_release_counts_only_live_data_sets(
    fake: FakePortals, tmp_path: Path, run_cli: RunCli
) -> None:
    from datacity_federation._config.loader import load_city
    from datacity_federation._store.config_sync import sync_city
    from datacity_federation._store.engine import open_store
    from datacity_federation._store.facts import season_facts

    city_path, db = paris(tmp_path, fake.url("ckan")), tmp_path / "city.db"
    city = load_city(city_path)
    engine = open_store(db)
    with engine.begin() as conn:
        sync_city(conn, city)
    season = next(s for s in city.seasons if s.challenges)

    def used() -> list[str]:
        facts = season_facts(engine, city=city, season=season)
        return sorted(d for c in facts.challenges for d in c.datasets)

    assert run_cli("portals", "harvest", str(city_path), "--db", str(db)).code == 0
    assert used() == [
        "opendata-paris:ds-00005",
        "opendata-paris:ds-00006",
        "opendata-paris:ds-00007",
    ]
    fake.remove(6)
    assert run_cli("portals", "harvest", str(city_path), "--db", str(db), "--full").code == 0
    assert used() == ["opendata-paris:ds-00005", "opendata-paris:ds-00007"]


# --- conditional requests -------------------------------------------------------------------


def test_unchanged_catalogue_costs_one_conditional_request(
    fake: FakePortals, tmp_path: Path, run_cli: RunCli
) -> None:
    city, db = paris(tmp_path, fake.url("ods"), kind="opendatasoft"), tmp_path / "city.db"
    assert run_cli("portals", "harvest", str(city), "--db", str(db)).code == 0
    before = fake.requests["ods"]
    again = run_cli("portals", "harvest", str(city), "--db", str(db))
    assert again.out.startswith(
        "opendata-paris: catalogue unchanged since the last harvest (1 request); 240 stored"
    )
    assert (fake.requests["ods"] - before, fake.not_modified) == (1, 1)
    fake.touch(9, title="Changed")
    third = run_cli("portals", "harvest", str(city), "--db", str(db))
    assert "1 fetched since 2024-01-01T03:59:00+00:00: 0 new, 1 changed, 0 unchanged" in third.out


def test_dcat_document_is_asked_conditionally(
    fake: FakePortals, tmp_path: Path, run_cli: RunCli
) -> None:
    city, db = paris(tmp_path, fake.url("dcat"), kind="dcat"), tmp_path / "city.db"
    assert run_cli("portals", "harvest", str(city), "--db", str(db)).out.startswith(
        "opendata-paris: 240 fetched"
    )
    assert fake.requests["dcat"] == 1  # the probe's answer is the catalogue: read once
    again = run_cli("portals", "harvest", str(city), "--db", str(db))
    assert again.out.startswith("opendata-paris: catalogue unchanged")
    assert (fake.requests["dcat"], fake.not_modified) == (2, 1)


# --- Socrata deep paging --------------------------------------------------------------------


def test_socrata_harvest_pages_past_the_offset_cap_with_scroll_id(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real cap is 10,000; a cap of 250 on both sides walks the same code with fewer pages.
    from datacity_federation._portals import socrata

    monkeypatch.setattr(socrata, "OFFSET_CAP", 250)
    with FakePortals(datasets=1234, harvest_sources=0, socrata_cap=250) as big:
        city, db = paris(tmp_path, big.url("socrata"), kind="socrata"), tmp_path / "city.db"
        result = run_cli("portals", "harvest", str(city), "--db", str(db))
        assert result.code == 0, result.err
        assert result.out.startswith("opendata-paris: 1234 fetched: 1234 new")
        # The first page by offset, then by scroll_id: 11 full pages and a short one.
        assert big.requests["socrata"] == 13
    assert rows(db, "select count(distinct dataset_id), max(dataset_id) from portal_datasets") == [
        (1234, "01233-fake")
    ]


# --- resuming -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stop", "code", "state", "deleted"),
    [
        (signal.SIGKILL, -signal.SIGKILL, "running", False),
        (signal.SIGINT, 130, "failed", False),
        (signal.SIGKILL, -signal.SIGKILL, "running", True),
    ],
    ids=["killed", "ctrl-c", "killed-then-a-deletion"],
)
def test_a_stopped_harvest_resumes_to_exactly_the_uninterrupted_records(
    stop: signal.Signals,
    code: int,
    state: str,
    deleted: bool,
    tmp_path: Path,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(KEY_ENV, OGD_KEY)
    with FakePortals(datasets=1000, latency=0.1) as slow:
        city = bengaluru(tmp_path, slow)
        killed, whole = tmp_path / "killed.db", tmp_path / "whole.db"
        args = ["portals", "harvest", str(city), "--portal", "data-gov-in", "--concurrency", "1"]
        child = subprocess.Popen(
            [sys.executable, "-m", "datacity_federation", *args, "--db", str(killed)],
            env={**os.environ, KEY_ENV: OGD_KEY},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while slow.requests["ogd"] < 7 and time.monotonic() < deadline:
            assert child.poll() is None, "the harvest ended before it could be killed"
            time.sleep(0.01)
        child.send_signal(stop)
        _, err = child.communicate(timeout=20)
        assert child.returncode == code
        if stop == signal.SIGINT:
            assert err == (
                "datacity: error: interrupted; the pages fetched so far are kept: run the same "
                "harvest again to resume\n"
            )
        kept = rows(killed, "select count(*) from portal_cursor_pages")[0][0]
        assert isinstance(kept, int) and kept >= 3
        assert rows(killed, "select count(*) from portal_datasets") == [(0,)]
        assert rows(killed, "select state from portal_harvests") == [(state,)]

        if deleted:  # the kept pages no longer fit: the walk starts again
            slow.remove(3)
        # A request the stopped process had already sent may reach the server a moment later:
        # count from when the server has gone quiet.
        before = -1
        while slow.requests["ogd"] != before:
            before = slow.requests["ogd"]
            time.sleep(0.5)
        resumed = run_cli(*args, "--db", str(killed))
        assert resumed.code == 0, resumed.err
        if deleted:
            assert "resumed" not in resumed.out
            assert slow.requests["ogd"] - before == 1 + 10
        else:
            assert f"resumed: {kept} pages kept from the interrupted harvest" in resumed.out
            # probe + first page + the pages not kept
            assert slow.requests["ogd"] - before == 2 + (9 - kept)
        assert rows(killed, "select count(*) from portal_cursor_pages") == [(0,)]

        assert run_cli(*args, "--db", str(whole)).code == 0
    query = "select dataset_id, content_sha256, modified from portal_datasets order by 1"
    assert len(rows(whole, query)) == 1000 - deleted
    assert rows(killed, query) == rows(whole, query)
