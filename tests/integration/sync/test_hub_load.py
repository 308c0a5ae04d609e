"""Load: 100 cities pushing at once into several uvicorn workers on one real PostgreSQL, first
alone, then during a flood of hostile requests. Every bundle is stored exactly once, heads and
feed are contiguous, nothing answers 5xx, and legitimate pushes still succeed during the flood
(the p95 of their latency is printed for both phases)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hostile import Hostile, build

from datacity_federation._sync.bundle import build_bundle
from datacity_federation._sync.hub_ingest import add_city, init_hub
from datacity_federation._sync.hub_store import feed_page, hub_engine
from datacity_federation._sync.manifest import Action, ReleaseScope, RulesRef
from datacity_federation.domain.release import Cell, CellStatus, Metric, Unit
from datacity_federation.testing.hub_server import hub_process
from datacity_federation.testing.postgres import PostgresServer

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

CITIES = [f"load{i:03d}" for i in range(100)]
SEASONS = 2


def _chain(city: str, key: Ed25519PrivateKey) -> list[bytes]:
    out, prev = [], None
    for n in range(1, SEASONS + 1):
        cells = [
            Cell(
                city=city,
                season=f"s{n}",
                metric=Metric.APPLICATIONS,
                theme="all",
                value=Decimal(10 + n),
                unit=Unit.COUNT,
                status=CellStatus.FREE,
            )
        ]
        scope = ReleaseScope(
            season=f"s{n}",
            season_number=n,
            start=date(2014 + n, 1, 1),
            end=date(2014 + n, 12, 31),
            currency="EUR",
        )
        data, manifest = build_bundle(
            cells=cells,
            network="c40-datacity",
            city=city,
            seq=n,
            prev=prev,
            scope=scope,
            action=Action.UPSERT,
            rules=RulesRef(profile="default", version=1),
            key=key,
        )
        out.append(data)
        prev = manifest.bundle_id
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def test_hub_load_100_cities_three_workers_one_postgresql_under_a_flood(
    pg_server: PostgresServer,
) -> None:
    url = pg_server.create_database("hub_load")
    engine = hub_engine(url)
    init_hub(engine, "c40-datacity")
    keys = {
        c: Ed25519PrivateKey.from_private_bytes(bytes([i % 250 + 3] * 32))
        for i, c in enumerate(CITIES)
    }
    tokens = {c: add_city(engine, city=c, public_key=keys[c].public_key()) for c in CITIES}
    flooder = Ed25519PrivateKey.from_private_bytes(bytes([254] * 32))
    flood_token = add_city(engine, city="flood", public_key=flooder.public_key())
    chains = {c: _chain(c, keys[c]) for c in CITIES}
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    with (
        hub_process(url, workers=3) as hub,
        httpx.Client(base_url=hub.url, timeout=60, limits=httpx.Limits(max_connections=64)) as http,
    ):

        def push(city: str, data: bytes) -> tuple[int, float]:
            started = time.perf_counter()
            r = http.post(
                f"/api/v1/cities/{city}/bundles",
                content=data,
                headers={"Authorization": f"Bearer {tokens[city]}"},
            )
            with lock:
                statuses[r.status_code] += 1
            return r.status_code, time.perf_counter() - started

        # Phase 1: every city pushes season 1 at once, each bundle twice (a retry racing itself).
        with ThreadPoolExecutor(32) as pool:
            first = list(pool.map(lambda job: push(*job), [(c, chains[c][0]) for c in CITIES] * 2))
        by_code = Counter(code for code, _ in first)
        assert by_code == {201: 100, 200: 100}, by_code
        quiet_p95 = _p95([t for code, t in first if code == 201])

        # Phase 2: season 2 of every city while hostile requests flood the hub.
        stop = threading.Event()
        flood: Counter[int] = Counter()
        hostile_bodies = [
            build(  # 20,000 signatures, deflated: refused unread
                Hostile(
                    manifest={"city": "flood"},
                    rows=[],
                    signers=["own"] * 20_000,
                    layout="deflated",
                ),
                flooder,
                [flooder],
            ),
            b"PK\x03\x04" + b"\x00" * 4000,
            b"x" * (2 * 1024 * 1024 + 1),
        ]

        def attack(n: int) -> None:
            with httpx.Client(base_url=hub.url, timeout=60) as own:
                sent = 0
                while not stop.is_set():
                    # Attacker 3 guesses tokens; the others flood with the flooding city's token.
                    token = f"dch_guess{sent}" if n == 3 else flood_token
                    r = own.post(
                        "/api/v1/cities/flood/bundles",
                        content=hostile_bodies[n % len(hostile_bodies)],
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    with lock:
                        flood[r.status_code] += 1
                    sent += 1

        attackers = [threading.Thread(target=attack, args=(i,)) for i in range(4)]
        for t in attackers:
            t.start()
        try:
            time.sleep(0.5)
            with ThreadPoolExecutor(32) as pool:
                second = list(pool.map(lambda c: push(c, chains[c][1]), CITIES))
        finally:
            stop.set()
            for t in attackers:
                t.join()
        assert Counter(code for code, _ in second) == {201: 100}
        flood_p95 = _p95([t for _, t in second])

    assert all(code < 500 for code in statuses), statuses
    assert all(400 <= code < 500 for code in flood), flood
    assert flood[429] > 0, flood  # the flooding token ran out of its allowance
    entries = feed_page(engine, limit=1000).entries
    engine.dispose()
    assert [e.cursor for e in entries] == list(range(1, 2 * len(CITIES) + 1))
    assert sorted((e.city, e.seq) for e in entries) == sorted(
        (c, s) for c in CITIES for s in range(1, SEASONS + 1)
    )
    assert len({e.bundle_id for e in entries}) == len(entries)
    print(
        f"\nlegitimate pushes p95: {quiet_p95 * 1000:.0f} ms alone, {flood_p95 * 1000:.0f} ms "
        f"during a flood of {sum(flood.values())} hostile requests {dict(flood)}"
    )
