"""`release build --out` then `release push` of that file to a real hub; empty seasons refused.

A season with no records at all is never released as zeros unless `--allow-empty` says so: the
refusal names the city, the season(s) and the database, and builds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from datacity_federation._config.loader import load_federation
from datacity_federation.testing import RunCli
from datacity_federation.testing.hub_server import hub_in_thread

pytestmark = pytest.mark.e2e

TODAY = ("--today", "2026-01-01")
NO_RECORDS = (
    "no records in {db} (no application, pilot, sponsorship or contract value); a release "
    "would publish zeros. Check --db, or give --allow-empty to release an empty season"
)


@pytest.fixture
def hub(run_cli: RunCli, workdir: Path) -> Iterator[str]:
    """A hub on 127.0.0.1 with paris registered; paris's key in keys/, its token in ./token."""
    assert run_cli("keys", "generate", "paris").code == 0
    added = run_cli("hub", "add-city", "paris", "--public-key", "keys/paris.pub", "--db", "hub.db")
    (workdir / "token").write_text(added.out.split(": ")[-1].strip())
    with hub_in_thread(str(workdir / "hub.db")) as base:
        yield base


def outbox(db: Path) -> list[tuple[int, str, str]]:
    """(seq, season, state) of every bundle in the city's outbox."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT seq, season_id, state FROM sync_outbox ORDER BY seq").fetchall()
    return [(int(seq), str(season), str(state)) for seq, season, state in rows]


def test_release_build_out_then_push_that_file_to_the_hub(
    run_cli: RunCli, city_db: Path, workdir: Path, hub: str
) -> None:
    args = ("release", "build", "paris", "--season", "s1", "--db", str(city_db), *TODAY)
    built = run_cli(*args, "--out", "s1.zip")
    assert built.code == 0, built.err
    assert built.out.startswith("Publication de Paris, saison s1")
    wrote = built.out.splitlines()[-2]
    assert wrote.startswith("wrote s1.zip: paris seq 1 season s1 ")
    bundle_id = wrote.split()[-1]
    verified = run_cli("release", "verify", "s1.zip", "--public-key", "keys/paris.pub")
    assert (verified.code, verified.out.splitlines()[1].split()) == (0, ["bundle", bundle_id])
    assert outbox(city_db) == [(1, "s1", "pending")]

    again = run_cli(*args, "--out", "again.zip")
    assert again.out.splitlines()[-2] == f"wrote again.zip: paris seq 1 season s1 {bundle_id}"
    assert (workdir / "again.zip").read_bytes() == (workdir / "s1.zip").read_bytes()

    push = ("--hub", hub, "--token-file", "token")
    assert run_cli("release", "push", "s1.zip", *push).out.strip() == f"stored: {bundle_id}"
    assert run_cli("release", "push", "s1.zip", *push).out.strip() == f"already there: {bundle_id}"
    synced = run_cli("sync", "paris", "--db", str(city_db), *push, *TODAY)
    assert synced.code == 0, synced.err
    # The hub's head already is seq 1 (pushed as a file): sync acknowledges it without a second
    # upload and sends the rest.
    assert synced.out.splitlines() == [
        *(line for line in synced.out.splitlines() if line.startswith("built ")),
        "pushed  paris seq 2 (stored)",
        "pushed  paris seq 3 (stored)",
    ]
    assert [s for _, s, state in outbox(city_db) if state == "acked"] == ["s1", "s2", "s3"]
    feed = run_cli("hub", "feed", "--db", "hub.db")
    assert feed.out.count("paris") == 3


def test_release_build_out_needs_the_key_and_an_existing_folder(
    run_cli: RunCli, city_db: Path
) -> None:
    args = ("release", "build", "paris", "--season", "s1", "--db", str(city_db), *TODAY)
    no_key = run_cli(*args, "--out", "s1.zip")
    assert no_key.code == 1
    assert "keys/paris.key: no such key file" in no_key.err
    run_cli("keys", "generate", "paris")
    no_folder = run_cli(*args, "--out", "nowhere/s1.zip")
    assert (no_folder.code, no_folder.err.strip()) == (
        1,
        "datacity: error: nowhere/s1.zip: no such folder 'nowhere'",
    )
    assert outbox(city_db) == []


def test_release_build_of_an_empty_season_refused_naming_city_season_and_db(
    run_cli: RunCli, workdir: Path
) -> None:
    run_cli("keys", "generate", "paris")
    db = workdir / "wrong.db"
    args = ("release", "build", "paris", "--season", "s1", "--db", str(db), *TODAY)
    for extra in ((), ("--out", "s1.zip")):
        refused = run_cli(*args, *extra)
        assert (refused.code, refused.err.strip()) == (
            1,
            f"datacity: error: paris season s1: {NO_RECORDS.format(db=db)}",
        )
    assert not (workdir / "s1.zip").exists()
    assert outbox(db) == []
    allowed = run_cli(*args, "--allow-empty", "--out", "s1.zip")
    assert allowed.code == 0, allowed.err
    assert allowed.out.splitlines()[-2].startswith("wrote s1.zip: paris seq 1 season s1 ")
    assert outbox(db) == [(1, "s1", "pending")]
    # Already built with --allow-empty: writing it again still needs the flag.
    assert run_cli(*args, "--out", "s1.zip").code == 1


def test_sync_refuses_empty_seasons_and_builds_nothing_unless_allowed(
    run_cli: RunCli, workdir: Path, hub: str
) -> None:
    from datacity_federation._store.engine import open_store
    from datacity_federation.testing.records_seed import seed_season

    paris = load_federation(workdir / "cities").city("paris")
    assert paris is not None
    db = workdir / "s1-only.db"
    engine = open_store(db)
    seed_season(engine, city=paris, season=paris.seasons[0], applications=60)
    engine.dispose()
    args = ("sync", "paris", "--db", str(db), "--hub", hub, "--token-file", "token", *TODAY)
    refused = run_cli(*args)
    assert (refused.code, refused.err.strip()) == (
        1,
        f"datacity: error: paris seasons s2, s3: {NO_RECORDS.format(db=db)}",
    )
    assert outbox(db) == []
    only_s1 = run_cli(*args, "--season", "s1")
    assert only_s1.code == 0, only_s1.err
    assert outbox(db) == [(1, "s1", "acked")]
    allowed = run_cli(*args, "--allow-empty")
    assert allowed.code == 0, allowed.err
    assert outbox(db) == [(1, "s1", "acked"), (2, "s2", "acked"), (3, "s3", "acked")]
    # Released as they are: nothing to build, so nothing to refuse.
    assert run_cli(*args).out.strip() == "paris: nothing to send"
