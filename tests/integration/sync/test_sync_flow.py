"""The city side against a real hub on 127.0.0.1: outbox, retries, faults, 409 rebuilds, pull."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine

from datacity_federation._config.loader import load_federation
from datacity_federation._http import RetryPolicy
from datacity_federation._privacy.rules import PROFILES
from datacity_federation._services.sync import build_due, pull_feed, push_outbox
from datacity_federation._sync.client import HubClient, HubUnreachable
from datacity_federation._sync.hub_ingest import add_city, init_hub
from datacity_federation._sync.hub_store import feed_page, hub_engine
from datacity_federation._sync.keys import generate_key_files, load_private_key
from datacity_federation.domain.city import City
from datacity_federation.testing.hub_server import HubProcess, free_port, hub_in_thread

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def paris() -> City:
    city = load_federation(ROOT / "cities").city("paris")
    assert city is not None
    return city


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory, paris: City) -> Path:
    from datacity_federation._store.engine import open_store
    from datacity_federation.testing.records_seed import seed_season

    path = tmp_path_factory.mktemp("store") / "city.db"
    engine = open_store(path)
    for season in paris.seasons:
        seed_season(engine, city=paris, season=season, applications=150)
    engine.dispose()
    return path


@pytest.fixture
def store(seeded_store: Path, tmp_path: Path) -> Iterator[Engine]:
    from datacity_federation._store.engine import open_store

    copy = tmp_path / "city.db"
    shutil.copy(seeded_store, copy)
    engine = open_store(copy)
    yield engine
    engine.dispose()


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    generate_key_files(city="paris", out_dir=tmp_path / "keys")
    return tmp_path / "keys"


@pytest.fixture
def hub_db(tmp_path: Path, keys: Path) -> tuple[str, str]:
    from datacity_federation._sync.keys import load_public_key

    url = str(tmp_path / "hub.db")
    engine = hub_engine(url)
    init_hub(engine, "c40-datacity")
    token = add_city(engine, city="paris", public_key=load_public_key(keys / "paris.pub"))
    engine.dispose()
    return url, token


def _key(keys: Path) -> Ed25519PrivateKey:
    return load_private_key(path=keys / "paris.key")


def _sync(store: Engine, paris: City, url: str, token: str, keys: Path) -> tuple[int, int]:
    key = _key(keys)
    built = build_due(
        engine=store,
        city=paris,
        network="c40-datacity",
        profile=PROFILES["default"],
        key=key,
        today=TODAY,
    )
    with HubClient(url, token=token, retry=RetryPolicy(attempts=3, base_delay=0.01)) as client:
        report = push_outbox(engine=store, city="paris", client=client, key=key)
    return len(built), len(report.pushed)


def _feed(url: str) -> list[tuple[str, int]]:
    engine = hub_engine(url)
    try:
        return [(e.city, e.seq) for e in feed_page(engine, limit=1000).entries]
    finally:
        engine.dispose()


def test_sync_pushes_every_closed_season_once(
    store: Engine, paris: City, hub_db: tuple[str, str], keys: Path
) -> None:
    url, token = hub_db
    with hub_in_thread(url) as base:
        assert _sync(store, paris, base, token, keys) == (3, 3)
        assert _sync(store, paris, base, token, keys) == (0, 0)
    assert _feed(url) == [("paris", 1), ("paris", 2), ("paris", 3)]


def test_sync_hub_down_keeps_the_outbox_then_delivers_once(
    store: Engine, paris: City, hub_db: tuple[str, str], keys: Path
) -> None:
    url, token = hub_db
    port = free_port()
    with pytest.raises(HubUnreachable):
        _sync(store, paris, f"http://127.0.0.1:{port}", token, keys)
    with hub_in_thread(url, port=port) as base:
        assert _sync(store, paris, base, token, keys) == (0, 3)
    assert _feed(url) == [("paris", 1), ("paris", 2), ("paris", 3)]


def test_sync_hub_stopped_mid_push_then_restarted_delivers_exactly_once(
    store: Engine, paris: City, hub_db: tuple[str, str], keys: Path
) -> None:
    url, token = hub_db
    hub = HubProcess(url, free_port())
    hub.start()
    key = _key(keys)
    build_due(
        engine=store,
        city=paris,
        network="c40-datacity",
        profile=PROFILES["default"],
        key=key,
        today=TODAY,
    )
    pushes = 0

    class StopsTheHub(HubClient):
        def push(self, city: str, data: bytes):  # type: ignore[no-untyped-def]
            nonlocal pushes
            pushes += 1
            if pushes == 2:
                hub.stop()  # the hub goes away in the middle of the run
            return super().push(city, data)

    try:
        with (
            StopsTheHub(
                hub.url, token=token, retry=RetryPolicy(attempts=2, base_delay=0.01)
            ) as client,
            pytest.raises(HubUnreachable),
        ):
            push_outbox(engine=store, city="paris", client=client, key=key)
        assert _feed(url) == [("paris", 1)]
        hub.start()
        with HubClient(hub.url, token=token) as client:
            report = push_outbox(engine=store, city="paris", client=client, key=key)
        assert [seq for seq, _ in report.pushed] == [2, 3]
    finally:
        hub.stop()
    assert _feed(url) == [("paris", 1), ("paris", 2), ("paris", 3)]


KILLER = textwrap.dedent(
    """
    import os, sys
    from datacity_federation._sync import client

    real = client.HubClient.push
    when = sys.argv.pop(1)

    def push(self, city, data):
        if when == "before":
            os._exit(9)
        out = real(self, city, data)
        os._exit(9)  # killed after the hub stored it, before the outbox heard of it

    client.HubClient.push = push
    from datacity_federation._cli import main
    main(sys.argv[1:])
    """
)


@pytest.mark.parametrize("when", ["before", "after"])
def test_sync_killed_between_build_and_ack_loses_and_duplicates_nothing(
    tmp_path: Path, seeded_store: Path, hub_db: tuple[str, str], keys: Path, when: str
) -> None:
    url, token = hub_db
    city_db = tmp_path / "killed.db"
    shutil.copy(seeded_store, city_db)
    (tmp_path / "token").write_text(token)
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    with hub_in_thread(url) as base:
        args = [
            "sync",
            "paris",
            "--hub",
            base,
            "--db",
            str(city_db),
            "--cities",
            str(ROOT / "cities"),
            "--key",
            str(keys / "paris.key"),
            "--token-file",
            str(tmp_path / "token"),
            "--today",
            "2026-01-01",
        ]
        killed = subprocess.run(
            [sys.executable, str(script), when, *args], capture_output=True, check=False
        )
        assert killed.returncode == 9
        done = subprocess.run(
            [sys.executable, "-m", "datacity_federation", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "built" not in done.stdout
        # After the kill the hub's head tells the next sync what it already holds: seq 1 is
        # acknowledged without a second upload.
        assert done.stdout.count("pushed") == (3 if when == "before" else 2)
    assert _feed(url) == [("paris", 1), ("paris", 2), ("paris", 3)]


def test_sync_conflict_rebuilds_on_the_hub_head(
    tmp_path: Path,
    seeded_store: Path,
    store: Engine,
    paris: City,
    hub_db: tuple[str, str],
    keys: Path,
) -> None:
    from datacity_federation._store.engine import open_store
    from datacity_federation.testing.records_seed import seed_season

    url, token = hub_db
    with hub_in_thread(url) as base:
        assert _sync(store, paris, base, token, keys) == (3, 3)
        # A second office of the same city, with its own (different) records, syncs too.
        other = open_store(tmp_path / "other.db")
        seed_season(other, city=paris, season=paris.seasons[0], applications=90, seed=7)
        key = _key(keys)
        built = build_due(
            engine=other,
            city=paris,
            network="c40-datacity",
            profile=PROFILES["default"],
            key=key,
            today=TODAY,
            seasons=["s1"],
        )
        assert [b.seq for b in built] == [1]
        with HubClient(base, token=token) as client:
            report = push_outbox(engine=other, city="paris", client=client, key=key)
        other.dispose()
    assert report.rebuilt == 1
    assert report.pushed == [(4, 201)]
    assert _feed(url)[-1] == ("paris", 4)


def test_sync_pull_verifies_every_bundle_offline(
    store: Engine, paris: City, hub_db: tuple[str, str], keys: Path, tmp_path: Path
) -> None:
    url, token = hub_db
    with hub_in_thread(url) as base:
        _sync(store, paris, base, token, keys)
        with HubClient(base) as client:
            first = pull_feed(client=client, keys_dir=keys, out_dir=tmp_path / "pulled")
            again = pull_feed(client=client, keys_dir=keys, out_dir=tmp_path / "pulled")
    assert (len(first.verified), first.failed, first.cursor) == (3, [], "3")
    assert again.verified == []


def test_sync_pull_reports_a_bundle_signed_by_an_unknown_key(
    store: Engine, paris: City, hub_db: tuple[str, str], keys: Path, tmp_path: Path
) -> None:
    url, token = hub_db
    with hub_in_thread(url) as base:
        _sync(store, paris, base, token, keys)
        wrong = tmp_path / "wrong"
        generate_key_files(city="paris", out_dir=wrong)
        with HubClient(base) as client:
            report = pull_feed(client=client, keys_dir=wrong, out_dir=tmp_path / "pulled")
    assert report.verified == []
    assert [why.split(" sha256:")[0] for _, why in report.failed] == ["bad_signature: keyid"] * 3


def test_sync_retraction_tombstones_the_season_and_stays_retracted(
    store: Engine, paris: City, hub_db: tuple[str, str], keys: Path
) -> None:
    from datacity_federation._services.sync import queue_retraction
    from datacity_federation._sync.hub_read import cells_for_year

    url, token = hub_db
    key = _key(keys)
    with hub_in_thread(url) as base:
        assert _sync(store, paris, base, token, keys) == (3, 3)
        season = paris.seasons[0]
        queue_retraction(
            engine=store,
            city=paris,
            season=season,
            network="c40-datacity",
            profile=PROFILES["default"],
            key=key,
        )
        assert _sync(store, paris, base, token, keys) == (0, 1)
        assert _sync(store, paris, base, token, keys) == (0, 0)  # not re-released by itself
        engine = hub_engine(url)
        try:
            year = cells_for_year(engine, season.end.year)
            feed = feed_page(engine, limit=100).entries
        finally:
            engine.dispose()
    assert [c for c in year.cells if c.season == season.id] == []
    assert [s.retracted for s in year.seasons if s.scope.season == season.id] == [True]
    assert [(e.seq, e.action) for e in feed][-1] == (4, "retract")


def test_sync_small_correction_is_held_and_builds_nothing(
    store: Engine, paris: City, hub_db: tuple[str, str], keys: Path
) -> None:
    from sqlalchemy import insert

    from datacity_federation._store.tables import ApplicationRow

    url, token = hub_db
    with hub_in_thread(url) as base:
        assert _sync(store, paris, base, token, keys) == (3, 3)
        # One late application: publishing the new counts would single it out.
        with store.begin() as conn:
            conn.execute(
                insert(ApplicationRow.__table__),  # type: ignore[attr-defined]
                [
                    {
                        "city_id": "paris",
                        "id": "s1-late",
                        "season_id": "s1",
                        "challenge_id": "s1-ch0",
                        "startup_id": "su-0",
                        "status": "submitted",
                        "language": "fr",
                        "proposal": None,
                        "contact_id": None,
                        "submitted_on": None,
                    }
                ],
            )
        assert _sync(store, paris, base, token, keys) == (0, 0)
