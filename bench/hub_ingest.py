"""Benchmark: hub ingest over loopback HTTP against in-process ingest (the floor).

100 cities x 10 seasons of signed bundles (1,000 bundles) are pushed by concurrent clients into a
hub served by uvicorn on 127.0.0.1 (a child process, SQLite); the same bundles are ingested
in-process, without HTTP, into a fresh hub database in the same run. Then every bundle is pushed
again: a re-push is a no-op answered 200, and its cost is printed as a fraction of the first push.

Then ``datacity sync`` with nothing new (the sync service's push step, ``push_outbox``, for every
city over an outbox whose bundles the hub already acknowledged) against its floor, one bare
round trip per city (a fresh client and ``GET /api/v1/health``), best of interleaved rounds.
The target is at most 1.5x.

Backups and mirrors: the in-process hub is exported (``hub export``) and rebuilt into a fresh
database (``hub rebuild``: every bundle re-verified, the chain replayed) against a plain in-process
ingest of the same bundles in the same order (target: at most 1.2x); and a mirror catches up with
the HTTP hub (``hub mirror``) against reading the source's feed and downloading every bundle it
names with as many fetchers (the source's feed read rate).

    python bench/hub_ingest.py [--cities 100] [--seasons 10] [--clients 8] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine
from sqlmodel import Session, create_engine

from datacity_federation._services.sync import push_outbox
from datacity_federation._store.outbox import OutboxRow
from datacity_federation._sync.client import HubClient
from datacity_federation._sync.hub_export import export_hub, rebuild_hub, replay_tokens
from datacity_federation._sync.hub_ingest import add_city, ingest, init_hub
from datacity_federation._sync.hub_mirror import FETCHERS, mirror_hub
from datacity_federation._sync.hub_store import feed_page, hub_engine
from datacity_federation._sync.keys import fingerprint, public_key_from_hex
from datacity_federation._sync.manifest import sha256_hex
from datacity_federation.testing.hub_server import hub_process
from datacity_federation.testing.releases import sample_bundle, sample_facts


def build(cities: int, seasons: int) -> tuple[dict[str, list[bytes]], dict[str, Ed25519PrivateKey]]:
    chains: dict[str, list[bytes]] = {}
    keys: dict[str, Ed25519PrivateKey] = {}
    for i in range(cities):
        city = f"city{i:03d}"
        keys[city] = Ed25519PrivateKey.generate()
        prev, chain = None, []
        for n in range(1, seasons + 1):
            facts = sample_facts(
                city, f"s{n}", number=n, start=date(2010 + n, 1, 1), seed=i, applications=40
            )
            data, manifest, _ = sample_bundle(facts, key=keys[city], seq=n, prev=prev)
            chain.append(data)
            prev = manifest.bundle_id
        chains[city] = chain
    return chains, keys


def register(url: str, keys: dict[str, Ed25519PrivateKey]) -> dict[str, str]:
    engine = hub_engine(url)
    init_hub(engine, "c40-datacity")
    tokens = {c: add_city(engine, city=c, public_key=k.public_key()) for c, k in keys.items()}
    engine.dispose()
    return tokens


def acked_outbox(path: Path, chains: dict[str, list[bytes]]) -> Engine:
    """A city-side outbox holding every chain, acknowledged (what a city has after a sync)."""
    import zipfile
    from io import BytesIO

    from datacity_federation._sync.bundle import open_bundle
    from datacity_federation._sync.envelope import parse_envelope

    engine = create_engine(f"sqlite:///{path}")
    OutboxRow.__table__.create(engine)  # type: ignore[attr-defined]
    with Session(engine) as s:
        for city, chain in chains.items():
            for data in chain:
                manifest = parse_envelope(open_bundle(data).envelope).manifest
                cells = zipfile.ZipFile(BytesIO(data)).read("cells.csv")
                s.add(
                    OutboxRow(
                        city_id=city,
                        seq=manifest.seq,
                        season_id=manifest.scope.season,
                        bundle_id=manifest.bundle_id,
                        prev=manifest.prev,
                        action=manifest.action.value,
                        state="acked",
                        cells_sha256=sha256_hex(cells),
                        data=data,
                        facts="{}",
                        profile=manifest.rules.profile,
                        created_at=datetime.now(UTC),
                    )
                )
        s.commit()
    return engine


def sync_nothing_new(
    url: str, outbox: Engine, tokens: dict[str, str], keys: dict[str, Ed25519PrivateKey]
) -> float:
    t = time.perf_counter()
    for city in sorted(tokens):
        with HubClient(url, token=tokens[city]) as client:
            report = push_outbox(engine=outbox, city=city, client=client, key=keys[city])
            assert report.pushed == []
    return time.perf_counter() - t


def bare_round_trips(url: str, cities: list[str]) -> float:
    t = time.perf_counter()
    for _city in cities:
        with httpx.Client(base_url=url, timeout=30) as client:
            client.get("/api/v1/health").raise_for_status()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cities", type=int, default=100)
    ap.add_argument("--seasons", type=int, default=10)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    total = args.cities * args.seasons
    t = time.perf_counter()
    chains, keys = build(args.cities, args.seasons)
    print(f"built {total} signed bundles in {time.perf_counter() - t:.1f}s")
    folder = Path(tempfile.mkdtemp(prefix="bench-hub-"))

    cities = sorted(chains)
    groups = [cities[i :: args.clients] for i in range(args.clients)]

    # Floor: the same ingest in-process, no HTTP, by as many concurrent threads as clients.
    floor_url = str(folder / "floor.db")
    floor_tokens = register(floor_url, keys)
    engine = hub_engine(floor_url)

    def ingest_all(group: list[str]) -> list[int]:
        return [
            ingest(engine, city=c, token=floor_tokens[c], body=data).status
            for c in group
            for data in chains[c]
        ]

    with ThreadPoolExecutor(args.clients) as pool:
        t = time.perf_counter()
        assert [s for got in pool.map(ingest_all, groups) for s in got].count(201) == total
        floor = time.perf_counter() - t
        t = time.perf_counter()
        assert [s for got in pool.map(ingest_all, groups) for s in got].count(200) == total
        floor_repush = time.perf_counter() - t
    engine.dispose()

    http_url = str(folder / "http.db")
    tokens = register(http_url, keys)

    def push(group: list[str]) -> list[int]:
        statuses = []
        for city in group:
            with HubClient(hub.url, token=tokens[city]) as client:
                statuses += [client.push(city, data).status for data in chains[city]]
        return statuses

    with hub_process(http_url) as hub, ThreadPoolExecutor(args.clients) as pool:
        t = time.perf_counter()
        first = [s for got in pool.map(push, groups) for s in got]
        over_http = time.perf_counter() - t
        t = time.perf_counter()
        again = [s for got in pool.map(push, groups) for s in got]
        repush = time.perf_counter() - t

        def ping(group: list[str]) -> None:
            with httpx.Client(base_url=hub.url) as client:
                for city in group:
                    for _ in chains[city]:
                        client.get("/api/v1/health").raise_for_status()

        t = time.perf_counter()
        list(pool.map(ping, groups))
        health = time.perf_counter() - t

        outbox = acked_outbox(folder / "city.db", chains)
        syncs, bares = [], []
        for _ in range(args.rounds):  # interleaved: a burst of load hits both alike
            syncs.append(sync_nothing_new(hub.url, outbox, tokens, keys))
            bares.append(bare_round_trips(hub.url, cities))
        outbox.dispose()
        mirror_rate = mirror_bench(hub.url, folder, keys, total)
    engine = hub_engine(http_url)
    stored = len(feed_page(engine, limit=10_000).entries)
    engine.dispose()
    assert first.count(201) == total and again.count(200) == total and stored == total
    print(f"in-process ingest (floor): {total / floor:8.1f} bundles/s  ({floor:.2f}s)")
    print(
        f"HTTP, {args.clients} concurrent clients: {total / over_http:8.1f} bundles/s  ({over_http:.2f}s)"
    )
    print(f"ratio HTTP / in-process throughput: {floor / over_http:.2f}")
    print(
        f"re-push of the same {total} bundles (no-op 200) over HTTP: {repush:.2f}s = "
        f"{repush / over_http:.2f} of the first push; in-process: {floor_repush / floor:.2f}"
    )
    print(f"HTTP round trip alone (GET /api/v1/health, same clients): {health:.2f}s for {total}")
    sync, bare = min(syncs), min(bares)
    print(
        f"datacity sync with nothing new, {len(cities)} cities: {sync * 1000:.0f} ms; one bare "
        f"round trip per city (floor): {bare * 1000:.0f} ms; ratio {sync / bare:.2f} (target <= 1.5)"
    )
    rebuild_bench(floor_url, folder, total)
    print(mirror_rate)


def rebuild_bench(source_url: str, folder: Path, total: int) -> None:
    """``hub rebuild`` of an export against a plain in-process ingest of the same bundles."""
    source = hub_engine(source_url)
    t = time.perf_counter()
    report = export_hub(source, folder / "export")
    exported = time.perf_counter() - t
    source.dispose()
    entries = json.loads((folder / "export" / "manifest.json").read_text())
    bodies = [(e["city"], (folder / "export" / e["file"]).read_bytes()) for e in entries["feed"]]
    registry = json.loads((folder / "export" / "cities.json").read_text())
    keys = {c["city"]: public_key_from_hex(c["keys"][0]["public_key"]) for c in registry}
    best_floor = best_rebuild = float("inf")
    for n in range(2):  # best of two, floor and rebuild interleaved
        floor_url = str(folder / f"seq{n}.db")
        engine = hub_engine(floor_url)
        init_hub(engine, "c40-datacity")
        for city, key in keys.items():
            add_city(engine, city=city, public_key=key)
        tokens = replay_tokens(engine, sorted(keys))
        t = time.perf_counter()
        for city, data in bodies:
            assert ingest(engine, city=city, token=tokens[city], body=data).status == 201
        best_floor = min(best_floor, time.perf_counter() - t)
        engine.dispose()
        engine = hub_engine(str(folder / f"rebuilt{n}.db"))
        t = time.perf_counter()
        rebuilt = rebuild_hub(engine, folder / "export")
        best_rebuild = min(best_rebuild, time.perf_counter() - t)
        engine.dispose()
        assert rebuilt.bundles == report.bundles == total
    print(f"hub export of {total} bundles: {exported:.2f}s")
    print(
        f"hub rebuild from the export: {best_rebuild:.2f}s; in-process ingest of the same bundles "
        f"in order (floor): {best_floor:.2f}s; ratio rebuild / ingest: "
        f"{best_rebuild / best_floor:.2f} (target <= 1.2)"
    )


def mirror_bench(url: str, folder: Path, keys: dict[str, Ed25519PrivateKey], total: int) -> str:
    """A mirror's catch-up with the hub at ``url`` against reading its feed and bundles."""
    with HubClient(url) as client, ThreadPoolExecutor(FETCHERS) as pool:
        t = time.perf_counter()
        after: str | None = None
        fetched = 0
        while True:
            items, nxt = client.feed(after=after, limit=500)
            if not items:
                break
            fetched += sum(
                len(b) > 0 for b in pool.map(client.bundle, [i["bundle_id"] for i in items])
            )
            after = nxt
        read = time.perf_counter() - t
    pins = {c: [fingerprint(k.public_key())] for c, k in keys.items()}
    engine = hub_engine(str(folder / "mirror.db"))
    t = time.perf_counter()
    report = mirror_hub(engine, url, pins=pins)
    caught_up = time.perf_counter() - t
    engine.dispose()
    assert fetched == report.stored == total
    return (
        f"mirror catch-up: {total / caught_up:8.1f} bundles/s ({caught_up:.2f}s); source feed "
        f"read with every bundle (floor): {total / read:8.1f} bundles/s ({read:.2f}s); "
        f"ratio mirror / feed read time: {caught_up / read:.2f}"
    )


if __name__ == "__main__":
    main()
