"""Operations of a served hub: metrics that match what happened, one JSON log line per request
that never holds a token or a body, liveness vs readiness, the keys endpoint."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from ops_helpers import KEYS, Chains, register
from prometheus_client.parser import text_string_to_metric_families

from datacity_federation._sync.hub import create_app
from datacity_federation._sync.hub_ops import ACCESS_LOGGER
from datacity_federation._sync.hub_store import hub_engine
from datacity_federation._sync.keys import fingerprint, public_key_hex
from datacity_federation.testing.hub_server import hub_in_thread
from datacity_federation.testing.postgres import PostgresServer

pytestmark = pytest.mark.integration


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def _requests(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], outcome: str) -> float:
    return sum(
        v
        for (name, labels), v in samples.items()
        if name == "datacity_hub_requests_total" and ("outcome", outcome) in labels
    )


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def access_log() -> Iterator[Capture]:
    handler = Capture()
    log = logging.getLogger(ACCESS_LOGGER)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        log.removeHandler(handler)


def test_metrics_after_accepted_and_refused_pushes_match_the_counts(
    tmp_path: Path, access_log: Capture
) -> None:
    url = str(tmp_path / "hub.db")
    engine = hub_engine(url)
    tokens = register(engine, ("paris", "barcelona"))
    chains = Chains()
    p1, p2, p3 = (chains.next("paris", n) for n in (1, 2, 3))
    b1 = chains.next("barcelona", 1)
    with hub_in_thread(url) as base, httpx.Client(base_url=base) as http:

        def push(city: str, data: bytes, token: str | None) -> int:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            return http.post(
                f"/api/v1/cities/{city}/bundles", content=data, headers=headers
            ).status_code

        statuses = [
            push("paris", p1, tokens["paris"]),  # stored
            push("paris", p1, tokens["paris"]),  # known
            push("paris", p3, tokens["paris"]),  # conflict: skips seq 2
            push("paris", p2, tokens["paris"]),  # stored
            push("paris", p2, None),  # unauthorized
            push("barcelona", p3, tokens["barcelona"]),  # bad_signature (paris's key)
            push("barcelona", b1, tokens["barcelona"]),  # stored
        ]
        assert statuses == [201, 200, 409, 201, 401, 403, 201]
        text = http.get("/metrics").text
    with engine.connect() as conn:
        from sqlalchemy import text as sql

        cells = conn.execute(sql("SELECT count(*) FROM hub_cell")).scalar_one()
    engine.dispose()
    samples = _samples(text)
    got = {
        o: _requests(samples, o)
        for o in ("stored", "known", "conflict", "unauthorized", "bad_signature")
    }
    assert got == {"stored": 3, "known": 1, "conflict": 1, "unauthorized": 1, "bad_signature": 1}
    assert samples[("datacity_hub_ingest_seconds_count", (("outcome", "stored"),))] == 3
    assert samples[("datacity_hub_bundles", ())] == 3
    assert samples[("datacity_hub_cells", ())] == cells > 0
    assert samples[("datacity_hub_cities", ())] == 2
    pushes = [json.loads(line) for line in access_log.lines if "/bundles" in line]
    assert [(p["city"], p["status"], p["outcome"]) for p in pushes] == [
        ("paris", 201, "stored"),
        ("paris", 200, "known"),
        ("paris", 409, "conflict"),
        ("paris", 201, "stored"),
        ("paris", 401, "unauthorized"),
        ("barcelona", 403, "bad_signature"),
        ("barcelona", 201, "stored"),
    ]
    assert all(p["ms"] > 0 and p["client"] == "127.0.0.1" for p in pushes)
    everything = "\n".join(access_log.lines)
    assert [t for t in tokens.values() if t in everything] == []
    assert "cells.csv" not in everything and "Bearer" not in everything


def test_one_log_line_per_request_with_the_route_not_the_query(
    tmp_path: Path, access_log: Capture
) -> None:
    url = str(tmp_path / "hub.db")
    engine = hub_engine(url)
    register(engine, ("paris",))
    engine.dispose()
    with hub_in_thread(url) as base:
        access_log.lines.clear()
        httpx.get(base + "/api/v1/feed?after=0&limit=5&secret=xyz")
        httpx.get(base + "/no/such/page")
    # The start-up's last health poll may be logged late (a line is written once the answer is
    # sent): leave those out.
    lines = [json.loads(line) for line in access_log.lines]
    lines = [x for x in lines if x["route"] != "/api/v1/health"]
    assert [(x["route"], x["status"], x["outcome"]) for x in lines] == [
        ("/api/v1/feed", 200, "ok"),
        ("unmatched", 404, "not_found"),
    ]
    assert "xyz" not in "\n".join(access_log.lines)


@pytest.mark.postgres
def test_readiness_fails_when_the_database_goes_liveness_does_not(
    pg_server: PostgresServer,
) -> None:
    url = pg_server.create_database("hub_ready")
    engine = hub_engine(url)
    register(engine, ("paris",))
    engine.dispose()
    with hub_in_thread(url) as base:
        assert httpx.get(base + "/api/v1/health/live").json() == {"status": "live"}
        ready = httpx.get(base + "/api/v1/health/ready")
        assert (ready.status_code, ready.json()) == (
            200,
            {"status": "ready", "network": "c40-datacity"},
        )
        with psycopg.connect(pg_server.url().replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute("DROP DATABASE hub_ready WITH (FORCE)")
        gone = httpx.get(base + "/api/v1/health/ready")
        assert (gone.status_code, gone.json()["error"]) == (503, "not_ready")
        assert httpx.get(base + "/api/v1/health/live").status_code == 200


def test_readiness_fails_once_shutdown_begins(tmp_path: Path) -> None:
    url = str(tmp_path / "hub.db")
    app = create_app(url, network="c40-datacity")

    async def scenario() -> tuple[int, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            async with app.router.lifespan_context(app):
                before = (await client.get("/api/v1/health/ready")).status_code
            after = await client.get("/api/v1/health/ready")
            assert after.json()["error"] == "draining"
            return before, after.status_code

    assert asyncio.run(scenario()) == (200, 503)


def test_keys_endpoint_serves_every_city_key(tmp_path: Path) -> None:
    url = str(tmp_path / "hub.db")
    engine = hub_engine(url)
    register(engine, ("paris", "barcelona"))
    engine.dispose()
    with hub_in_thread(url) as base:
        body = httpx.get(base + "/api/v1/keys").json()
    assert body == {
        "cities": [
            {
                "city": c,
                "keys": [
                    {
                        "fingerprint": fingerprint(KEYS[c].public_key()),
                        "public_key": public_key_hex(KEYS[c].public_key()),
                        "active": True,
                    }
                ],
            }
            for c in ("barcelona", "paris")
        ]
    }
