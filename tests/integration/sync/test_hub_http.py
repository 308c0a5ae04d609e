"""The hub as a real server on 127.0.0.1 (uvicorn), on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from datacity_federation._sync.client import HubClient
from datacity_federation._sync.hub_ingest import add_city, ingest, init_hub
from datacity_federation._sync.hub_read import cells_for_year
from datacity_federation._sync.hub_store import feed_page, hub_engine
from datacity_federation.testing.hub_server import hub_in_thread, hub_process
from datacity_federation.testing.postgres import PostgresServer
from datacity_federation.testing.releases import sample_bundle, sample_facts

pytestmark = pytest.mark.integration

CITIES = [f"city{i}" for i in range(6)]
KEYS = {c: Ed25519PrivateKey.from_private_bytes(bytes([i + 1] * 32)) for i, c in enumerate(CITIES)}


def _register(url: str, cities: list[str]) -> dict[str, str]:
    engine = hub_engine(url)
    init_hub(engine, "c40-datacity")
    tokens = {c: add_city(engine, city=c, public_key=KEYS[c].public_key()) for c in cities}
    engine.dispose()
    return tokens


def _chain(city: str, n: int) -> list[bytes]:
    out, prev = [], None
    for seq in range(1, n + 1):
        data, manifest, _ = sample_bundle(
            sample_facts(city, f"s{seq}", number=seq, seed=seq), key=KEYS[city], seq=seq, prev=prev
        )
        out.append(data)
        prev = manifest.bundle_id
    return out


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    url = str(tmp_path_factory.mktemp("hub") / "hub.db")
    tokens = _register(url, CITIES[:2])
    with hub_in_thread(url) as base:
        yield base, tokens


def test_hub_http_push_then_read_back_the_same_bytes(served: tuple[str, dict[str, str]]) -> None:
    base, tokens = served
    data = _chain("city0", 1)[0]
    with HubClient(base, token=tokens["city0"]) as client:
        first = client.push("city0", data)
        again = client.push("city0", data)
        assert (first.status, again.status) == (201, 200)
        assert client.bundle(str(first.bundle_id)) == data
        assert client.head("city0") == (1, first.bundle_id)


def test_hub_http_feed_pages_with_an_opaque_cursor(served: tuple[str, dict[str, str]]) -> None:
    base, tokens = served
    with HubClient(base, token=tokens["city1"]) as client:
        for data in _chain("city1", 3):
            client.push("city1", data)
        seen: list[str] = []
        cursor: str | None = None
        while True:
            items, nxt = client.feed(after=cursor, limit=1)
            if not items:
                break
            seen += [f"{i['city']}:{i['seq']}" for i in items]
            cursor = nxt
    assert [s for s in seen if s.startswith("city1")] == ["city1:1", "city1:2", "city1:3"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "error"),
    [
        ("POST", "/api/v1/cities/city0/bundles", {"content": b"zip"}, 401, "unauthorized"),
        (
            "POST",
            "/api/v1/cities/city0/bundles",
            {"content": b"x" * 3_000_000, "headers": {"Authorization": "Bearer t"}},
            413,
            "body_too_large",
        ),
        ("POST", "/api/v1/cities/NOT A CITY/bundles", {"content": b"x"}, 422, "invalid_request"),
        (
            "POST",
            "/api/v1/cities/" + "a" * 65 + "/bundles",
            {"content": b"x"},
            422,
            "invalid_request",
        ),
        ("GET", "/api/v1/bundles/nothex", {}, 422, "invalid_request"),
        ("GET", "/api/v1/bundles/" + "0" * 64, {}, 404, "unknown_bundle"),
        ("GET", "/api/v1/feed?after=-1", {}, 422, "invalid_request"),
        ("GET", "/api/v1/feed?after=%C2%B2", {}, 422, "invalid_request"),
        ("GET", "/api/v1/feed?after=%D9%A1%D9%A2", {}, 422, "invalid_request"),
        ("GET", "/api/v1/feed?after=99999999999999999999", {}, 422, "invalid_request"),
        ("GET", "/api/v1/feed?limit=%C2%B2", {}, 422, "invalid_request"),
        ("GET", "/api/v1/cities/Paris%C2%B2/head", {}, 422, "invalid_request"),
        ("GET", "/api/v1/feed?limit=0", {}, 422, "invalid_request"),
        ("GET", "/api/v1/cities/nowhere/head", {}, 404, "unknown_city"),
        ("GET", "/api/v1/nothing", {}, 404, "not_found"),
        ("DELETE", "/api/v1/feed", {}, 405, "method_not_allowed"),
    ],
)
def test_hub_http_errors_are_json_4xx(
    served: tuple[str, dict[str, str]],
    method: str,
    path: str,
    kwargs: dict[str, object],
    status: int,
    error: str,
) -> None:
    base, _ = served
    r = httpx.request(method, base + path, **kwargs)  # type: ignore[arg-type]
    assert r.status_code == status
    assert r.json()["error"] == error
    assert set(r.json()) >= {"error", "detail"}


def test_hub_http_feed_after_empty_reads_from_the_start(
    served: tuple[str, dict[str, str]],
) -> None:
    base, _ = served
    assert httpx.get(base + "/api/v1/feed?after=").json() == httpx.get(base + "/api/v1/feed").json()


def test_hub_http_openapi_is_published(served: tuple[str, dict[str, str]]) -> None:
    base, _ = served
    paths = httpx.get(base + "/openapi.json").json()["paths"]
    assert {"/api/v1/cities/{city}/bundles", "/api/v1/feed", "/api/v1/bundles/{bundle_id}"} <= set(
        paths
    )


@pytest.fixture(scope="module")
def pg_hub_url(pg_server: PostgresServer) -> str:
    return pg_server.create_database("hub_tests")


def test_hub_on_postgresql_interleaved_threads_store_each_chain_once(pg_hub_url: str) -> None:
    tokens = _register(pg_hub_url, CITIES[2:5])
    engine = hub_engine(pg_hub_url)
    chains = {c: _chain(c, 4) for c in CITIES[2:5]}
    errors: list[BaseException] = []

    def worker(city: str) -> None:
        try:
            for data in chains[city]:
                for _ in range(2):  # every bundle twice: the repeat must be a no-op
                    ingest(engine, city=city, token=tokens[city], body=data)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    try:
        threads = [
            threading.Thread(target=worker, args=(c,)) for c in CITIES[2:5] for _ in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        entries = feed_page(engine, limit=1000).entries
        assert [e.cursor for e in entries] == list(range(1, len(entries) + 1))
        assert sorted((e.city, e.seq) for e in entries) == sorted(
            (c, s) for c in CITIES[2:5] for s in range(1, 5)
        )
        year = cells_for_year(engine, 2015)
        assert {c.city for c in year.cells} == set(CITIES[2:5])
    finally:
        engine.dispose()


def test_hub_two_uvicorn_workers_on_one_postgresql(
    pg_server: PostgresServer, tmp_path: Path
) -> None:
    url = pg_server.create_database("hub_workers")
    tokens = _register(url, [CITIES[5]])
    data = _chain(CITIES[5], 3)
    with hub_process(url, workers=2) as hub:
        statuses: list[int] = []

        def push_all() -> None:
            with HubClient(hub.url, token=tokens[CITIES[5]]) as client:
                for d in data:
                    statuses.append(client.push(CITIES[5], d).status)

        threads = [threading.Thread(target=push_all) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    # Each bundle stored once (201) and answered 200 to the other three pushers... or 409 then
    # 200 if a pusher ran ahead of the chain: never a second 201, never a 5xx.
    assert statuses.count(201) == 3
    assert set(statuses) <= {200, 201, 409}
    engine = hub_engine(url)
    try:
        entries = feed_page(engine).entries
    finally:
        engine.dispose()
    assert [(e.city, e.seq) for e in entries] == [(CITIES[5], s) for s in (1, 2, 3)]
