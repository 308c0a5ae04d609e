"""``datacity hub serve`` as a real uvicorn process: a push in flight when the server is told to
stop completes (or is refused), never half-written; forwarded-for is trusted only when asked;
several workers report their metrics together."""

from __future__ import annotations

import json
import signal
import socket
import time
from pathlib import Path

import httpx
import pytest
from ops_helpers import Chains, register, snapshot

from datacity_federation._sync.hub_store import feed_page, hub_engine
from datacity_federation.testing.hub_server import hub_process

pytestmark = pytest.mark.e2e


def _raw_push(port: int, city: str, token: str, body: bytes) -> socket.socket:
    """Open a push and send its headers and the first half of the body only."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = (
        f"POST /api/v1/cities/{city}/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/zip\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    sock.sendall(head + body[: len(body) // 2])
    return sock


def _answer(sock: socket.socket) -> tuple[int, dict[str, object]]:
    data = b""
    while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def test_sigterm_during_a_push_lets_it_finish_then_refuses_new_ones(tmp_path: Path) -> None:
    url = str(tmp_path / "hub.db")
    engine = hub_engine(url)
    tokens = register(engine, ("paris",))
    engine.dispose()
    chains = Chains()
    first, second = chains.next("paris", 1), chains.next("paris", 2)
    with hub_process(url) as hub:
        assert hub.process is not None
        sock = _raw_push(hub.port, "paris", tokens["paris"], first)
        time.sleep(0.3)
        hub.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert hub.process.poll() is None  # waiting for the push in flight
        with pytest.raises(httpx.TransportError):  # no new connection is taken
            httpx.post(
                f"{hub.url}/api/v1/cities/paris/bundles",
                content=second,
                headers={"Authorization": f"Bearer {tokens['paris']}"},
                timeout=5,
            )
        sock.sendall(first[len(first) // 2 :])
        status, body = _answer(sock)
        sock.close()
        assert (status, body["seq"], body["stored"]) == (201, 1, True)
        assert hub.process.wait(timeout=30) in (0, -signal.SIGTERM)  # uvicorn re-raises it
    engine = hub_engine(url)
    try:
        entries = feed_page(engine).entries
        tables = snapshot(engine)
    finally:
        engine.dispose()
    assert [(e.city, e.seq) for e in entries] == [("paris", 1)]
    assert len(tables["hub_bundle"]) == 1
    assert {row[-1] for row in tables["hub_cell"]} == {body["bundle_id"]}


def test_sigterm_mid_body_with_a_short_grace_stores_nothing(tmp_path: Path) -> None:
    url = str(tmp_path / "hub.db")
    engine = hub_engine(url)
    tokens = register(engine, ("paris",))
    before = snapshot(engine)
    engine.dispose()
    data = Chains().next("paris", 1)
    with hub_process(url, args=("--graceful-timeout", "1")) as hub:
        assert hub.process is not None
        sock = _raw_push(hub.port, "paris", tokens["paris"], data)
        time.sleep(0.3)
        hub.process.send_signal(signal.SIGTERM)
        assert hub.process.wait(timeout=30) in (0, -signal.SIGTERM)  # the grace ran out
        sock.close()
    engine = hub_engine(url)
    try:
        assert snapshot(engine) == before
    finally:
        engine.dispose()


def _client_of_one_request(tmp_path: Path, args: tuple[str, ...]) -> dict[str, object]:
    url = str(tmp_path / f"hub{len(args)}.db")
    engine = hub_engine(url)
    register(engine, ("paris",))
    engine.dispose()
    log = tmp_path / f"access{len(args)}.log"
    with hub_process(url, args=args, log=log) as hub:
        httpx.get(
            hub.url + "/api/v1/feed",
            headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
        )
    lines = [json.loads(x) for x in log.read_text().splitlines() if x.startswith("{")]
    return next(x for x in lines if x["route"] == "/api/v1/feed")


def test_forwarded_for_is_trusted_only_with_proxy_headers(tmp_path: Path) -> None:
    direct = _client_of_one_request(tmp_path, ())
    proxied = _client_of_one_request(tmp_path, ("--proxy-headers",))
    assert (direct["client"], direct["scheme"]) == ("127.0.0.1", "http")
    assert (proxied["client"], proxied["scheme"]) == ("203.0.113.7", "https")


def test_two_workers_report_their_requests_together(tmp_path: Path) -> None:
    url = str(tmp_path / "hub.db")
    engine = hub_engine(url)
    tokens = register(engine, ("paris",))
    engine.dispose()
    chains = Chains()
    bundles = [chains.next("paris", n) for n in (1, 2, 3)]
    metrics = tmp_path / "metrics"
    with hub_process(url, workers=2, env={"PROMETHEUS_MULTIPROC_DIR": str(metrics)}) as hub:
        for data in bundles:
            for _ in range(3):  # the first is stored, then known twice
                with httpx.Client() as fresh:  # a new connection each time: any worker
                    fresh.post(
                        f"{hub.url}/api/v1/cities/paris/bundles",
                        content=data,
                        headers={"Authorization": f"Bearer {tokens['paris']}"},
                    ).raise_for_status()
        text = httpx.get(hub.url + "/metrics").text
    lines = [x for x in text.splitlines() if x.startswith("datacity_hub_requests_total{")]
    count = {
        o: sum(float(x.rsplit(" ", 1)[1]) for x in lines if f'outcome="{o}"' in x)
        for o in ("stored", "known")
    }
    assert count == {"stored": 3.0, "known": 6.0}
    assert "datacity_hub_bundles 3.0" in text
