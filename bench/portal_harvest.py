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

Run: ``python bench/portal_harvest.py`` (under a minute). The fake servers run in a child
process, as a real portal runs elsewhere: their CPU does not compete with the client's.
"""

from __future__ import annotations

import asyncio
import os
import time

from datacity_federation.domain.city import Portal
from datacity_federation.portals import RetryPolicy, make_adapter, make_client
from datacity_federation.testing.fake_portals import FakePortalsProcess as FakePortals

LATENCY = 0.050
CONCURRENCY = 8
PAGE = 100
REPEAT = 3


async def _harvest(portal: Portal, concurrency: int) -> tuple[int, int, float]:
    async with make_client(max_connections=max(concurrency, 1) * 2) as client:
        adapter = make_adapter(
            portal,
            client=client,
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
    portal = Portal(id="bench", kind=kind, url=fake.url(prefix))  # type: ignore[arg-type]
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


def main() -> None:
    print(f"latency {LATENCY * 1000:.0f} ms per request, page size {PAGE}, target ratio <= 1.5x")
    print(
        f"(server in a child process; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})"
    )
    with FakePortals(datasets=10_000, latency=LATENCY, harvest_sources=0) as fake:
        measure(fake, "ckan", "ckan", "CKAN-like (package_search, rows=100)")
        measure(fake, "opendatasoft", "ods", "Opendatasoft-like, 10,000 (past the cap: export)")
    with FakePortals(datasets=9_900, latency=LATENCY, harvest_sources=0) as fake:
        measure(fake, "opendatasoft", "ods", "Opendatasoft-like, 9,900 (paged, limit=100)")


if __name__ == "__main__":
    main()
