"""Benchmark: hub ingest over loopback HTTP against in-process ingest (the floor).

100 cities x 10 seasons of signed bundles (1,000 bundles) are pushed by concurrent clients into a
hub served by uvicorn on 127.0.0.1 (a child process, SQLite); the same bundles are ingested
in-process, without HTTP, into a fresh hub database in the same run. Then every bundle is pushed
again: a re-push is a no-op answered 200, and its cost is printed as a fraction of the first push.

    python bench/hub_ingest.py [--cities 100] [--seasons 10] [--clients 8]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from datacity_federation.sync.client import HubClient
from datacity_federation.sync.hub_ingest import add_city, ingest, init_hub
from datacity_federation.sync.hub_store import feed_page, hub_engine
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cities", type=int, default=100)
    ap.add_argument("--seasons", type=int, default=10)
    ap.add_argument("--clients", type=int, default=8)
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


if __name__ == "__main__":
    main()
