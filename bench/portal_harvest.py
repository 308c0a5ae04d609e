"""Benchmark: harvest 10,000 data sets from local CKAN-like and Opendatasoft-like servers.

Every request to the fake servers waits 50 ms before answering. The latency floor of a harvest
is ``requests x 50 ms / concurrency`` (what perfect overlap of the waits would cost); the script
prints the ratio wall time / floor for the concurrent client (target <= 1.5) and, for
comparison, the same ratio for a client that sends one request at a time.

It also measures, in the same run, the floor this machine gives right now: the same number of
requests at the same concurrency for one-record pages, so what remains above it is the cost of
the payload (encoding on the server, decoding and normalising on the client).

On Opendatasoft a catalogue of 10,000 sits past the 10,000 offset cap, so the harvest reads the
first page and then the whole catalogue from ``/catalog/exports/json``: two requests, one after
the other, so its floor is the critical path (2 x 50 ms). A paged harvest of 9,900 data sets
(under the cap) is measured too, to show the concurrent paging of that platform.

The OGD-like harvest (India's ``api.data.gov.in``: ``/lists`` pages of 100, the ``api-key`` in
every query, string values) is measured the same way against its latency floor (target <= 1.5).

Last, a re-harvest of the unchanged 10,000-data-set CKAN-like catalogue through
``harvest_city`` (store opened, probe of the newest data set with the last ``ETag``, ``304``,
harvest recorded complete) against one bare request to the same server with a fresh client
(target <= 3x): an unchanged catalogue should cost about one small request.

Run: ``python bench/portal_harvest.py`` (about a minute). The fake servers run in a child
process, as a real portal runs elsewhere: their CPU does not compete with the client's.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import httpx

from datacity_federation._config.loader import load_city
from datacity_federation._portals import RetryPolicy, make_adapter, make_client
from datacity_federation._services.harvest import harvest_city
from datacity_federation._store.engine import open_store
from datacity_federation.domain.city import Portal
from datacity_federation.testing.fake_platforms import OGD_KEY
from datacity_federation.testing.fake_portals import FakePortalsProcess as FakePortals

LATENCY = 0.050
CONCURRENCY = 8
PAGE = 100
REPEAT = 3
KEY_ENV = "BENCH_OGD_KEY"
ENVIRON = {KEY_ENV: OGD_KEY}
ROOT = Path(__file__).resolve().parents[1]


async def _harvest(
    portal: Portal, concurrency: int, environ: Mapping[str, str] = ENVIRON
) -> tuple[int, int, float]:
    async with make_client(max_connections=max(concurrency, 1) * 2) as client:
        adapter = make_adapter(
            portal,
            client=client,
            environ=environ,
            concurrency=concurrency,
            page_size=PAGE,
            retry=RetryPolicy(attempts=1),
        )
        start = time.perf_counter()
        records = await adapter.harvest()
        wall = time.perf_counter() - start
        return len(records), adapter.http.requests, wall


async def _transport_floor(fake: FakePortals, requests: int) -> float:
    """Wall time of the same number of requests, same concurrency, but one-record pages."""
    portal = Portal(id="bench", kind="ckan", url=fake.url("ckan"))
    async with make_client(max_connections=CONCURRENCY * 2) as client:
        adapter = make_adapter(portal, client=client, concurrency=CONCURRENCY)
        url = fake.url("ckan") + "package_search"
        start = time.perf_counter()
        await asyncio.gather(
            *(adapter.http.get_json(url, {"rows": 1, "start": i}) for i in range(requests))
        )
        return time.perf_counter() - start


def measure(fake: FakePortals, kind: str, prefix: str, label: str) -> float:
    """Print one platform's figures; return the concurrent ratio against the floor."""
    key = KEY_ENV if kind == "ogd_india" else None
    portal = Portal(id="bench", kind=kind, url=fake.url(prefix), api_key_env=key)  # type: ignore[arg-type]
    asyncio.run(_harvest(portal, CONCURRENCY))  # warm-up: the server encodes its records once
    runs = [asyncio.run(_harvest(portal, CONCURRENCY)) for _ in range(REPEAT)]
    count, requests, wall = min(runs, key=lambda r: r[2])
    floor = requests * LATENCY / CONCURRENCY
    rounds = 1 + -(-(requests - 1) // CONCURRENCY)  # the first page, then the rest in waves
    critical = rounds * LATENCY
    _, _, seq_wall = asyncio.run(_harvest(portal, 1))
    measured = min(asyncio.run(_transport_floor(fake, requests)) for _ in range(REPEAT))
    print(f"{label}: {count} data sets in {requests} requests")
    print(f"  latency floor {requests} x {LATENCY * 1000:.0f} ms / {CONCURRENCY} = {floor:.3f} s")
    if critical > floor:
        print(f"  (critical path: {rounds} round trips one after the other = {critical:.3f} s)")
    print(
        f"  concurrent, {CONCURRENCY} in flight (best of {REPEAT}): {wall:.3f} s  ratio {wall / floor:.2f}x"
    )
    print(f"  one request at a time:            {seq_wall:.3f} s  ratio {seq_wall / floor:.2f}x")
    print(
        f"  measured floor on this machine now (same requests, one-record pages): "
        f"{measured:.3f} s; harvest / measured floor = {wall / measured:.2f}x"
    )
    return wall / floor


def _bare(url: str) -> float:
    """One GET with a fresh client: connection, request, answer."""
    start = time.perf_counter()
    with httpx.Client() as client:
        client.get(url).raise_for_status()
    return time.perf_counter() - start


def reharvest(fake: FakePortals) -> float:
    """Print the unchanged re-harvest against one bare request; return the ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        text = (ROOT / "cities" / "paris.yaml").read_text(encoding="utf-8")
        text = text.replace("kind: opendatasoft", "kind: ckan")
        text = text.replace("https://opendata.paris.fr/api/explore/v2.1", fake.url("ckan"))
        path = Path(tmp) / "paris.yaml"
        path.write_text(text, encoding="utf-8")
        city, db = load_city(path), open_store(Path(tmp) / "city.db")

        def run() -> float:
            start = time.perf_counter()
            (report,) = harvest_city(city=city, clock=lambda: datetime.now(UTC), db=db)
            assert report.error is None, report.error
            return time.perf_counter() - start

        first = run()
        again = [run() for _ in range(REPEAT)]
        db.dispose()
        probe = fake.url("ckan") + "package_search?rows=1"
        bare = min(_bare(probe) for _ in range(REPEAT))
    wall = min(again)
    print("Re-harvest of the unchanged CKAN-like catalogue of 10,000 (harvest_city, SQLite store)")
    print(f"  first harvest (everything): {first:.3f} s")
    print(f"  re-harvest, unchanged (best of {REPEAT}): {wall:.3f} s")
    print(f"  one bare request, fresh client (best of {REPEAT}): {bare:.3f} s")
    print(f"  re-harvest / bare request = {wall / bare:.2f}x (target <= 3x)")
    return wall / bare


def main() -> None:
    print(f"latency {LATENCY * 1000:.0f} ms per request, page size {PAGE}, target ratio <= 1.5x")
    print(
        f"(server in a child process; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})"
    )
    with FakePortals(datasets=10_000, latency=LATENCY, harvest_sources=0) as fake:
        measure(fake, "ckan", "ckan", "CKAN-like (package_search, rows=100)")
        measure(fake, "opendatasoft", "ods", "Opendatasoft-like, 10,000 (past the cap: export)")
        measure(fake, "ogd_india", "ogd", "OGD-like, 10,000 (api.data.gov.in /lists, limit=100)")
        reharvest(fake)
    with FakePortals(datasets=9_900, latency=LATENCY, harvest_sources=0) as fake:
        measure(fake, "opendatasoft", "ods", "Opendatasoft-like, 9,900 (paged, limit=100)")


if __name__ == "__main__":
    main()
