"""The harvest cursor in a real SQLite store: pages kept, taken back, dropped when the shape moves."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from datacity_federation._portals import store
from datacity_federation._portals.cursor import StoreCheckpoint
from datacity_federation._portals.record import DatasetRecord, Distribution, Page
from datacity_federation._store.engine import open_store

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def page(*ids: str, total: int = 10) -> Page:
    return Page(
        items=tuple(
            DatasetRecord(
                portal="p",
                id=i,
                title={"und": f"Title {i}"},
                modified=datetime(2024, 1, 1, tzinfo=UTC),
                distributions=(Distribution(f"https://example.org/{i}.csv", "CSV"),),
                extras={"fields": ["a", "b"]},
            )
            for i in ids
        ),
        total=total,
        next_cursor="4",
    )


def test_pages_are_kept_across_runs_and_dropped_when_the_shape_changes(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "city.db")
    store.begin_harvest(engine, city="c", portal="p", now=NOW)
    first = StoreCheckpoint(engine, city="c", portal="p")
    first.begin("ckan:100:None:10")
    asyncio.run(first.save("start=2", page("a", "b")))

    again = StoreCheckpoint(engine, city="c", portal="p")  # a new process after a kill
    assert again.pages == 1
    again.begin("ckan:100:None:10")
    assert again.saved("start=2") == page("a", "b")
    assert again.saved("start=4") is None

    again.begin("ckan:100:None:11")  # the catalogue grew meanwhile: start again
    assert again.saved("start=2") is None
    assert StoreCheckpoint(engine, city="c", portal="p").pages == 0


def test_finishing_a_harvest_clears_its_cursor(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "city.db")
    store.begin_harvest(engine, city="c", portal="p", now=NOW)
    checkpoint = StoreCheckpoint(engine, city="c", portal="p")
    checkpoint.begin("ckan:x")
    asyncio.run(checkpoint.save("start=2", page("a")))
    store.finish_harvest(engine, city="c", portal="p", records=page("a").items, now=NOW, full=True)
    assert StoreCheckpoint(engine, city="c", portal="p").pages == 0
    state = store.harvest_state(engine, city="c", portal="p")
    assert state is not None and (state.state, state.cursor, state.datasets) == (
        "complete",
        None,
        1,
    )


def test_a_failed_harvest_keeps_its_cursor(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "city.db")
    store.begin_harvest(engine, city="c", portal="p", now=NOW)
    checkpoint = StoreCheckpoint(engine, city="c", portal="p")
    checkpoint.begin("ckan:x")
    asyncio.run(checkpoint.save("start=2", page("a")))
    store.fail_harvest(engine, city="c", portal="p", now=NOW, message="network lost")
    store.begin_harvest(engine, city="c", portal="p", now=NOW)
    kept = StoreCheckpoint(engine, city="c", portal="p")
    kept.begin("ckan:x")
    assert kept.saved("start=2") == page("a")


def test_full_harvest_withdraws_revives_and_counts_live_ones(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "city.db")
    everything = page("a", "b", "c").items
    store.finish_harvest(engine, city="c", portal="p", records=everything, now=NOW, full=True)
    later = datetime(2026, 12, 7, tzinfo=UTC)
    changes = store.finish_harvest(
        engine, city="c", portal="p", records=everything[:2], now=later, full=True
    )
    assert changes.withdrawn == ("c",)
    gone = store.withdrawn_datasets(engine, city="c")
    assert list(gone) == [("p", "c")]
    assert (gone[("p", "c")].withdrawn_at, gone[("p", "c")].last_seen_at) == (later, NOW)
    state = store.harvest_state(engine, city="c", portal="p")
    assert state is not None and state.datasets == 2
    # An incremental harvest cannot tell a deletion: it withdraws nothing...
    store.finish_harvest(engine, city="c", portal="p", records=[], now=later)
    assert store.withdrawn_datasets(engine, city="c").keys() == {("p", "c")}
    # ...but any harvest that finds a withdrawn data set again makes it live.
    store.finish_harvest(engine, city="c", portal="p", records=everything[2:], now=later)
    assert store.withdrawn_datasets(engine, city="c") == {}
    state = store.harvest_state(engine, city="c", portal="p")
    assert state is not None and state.datasets == 3
