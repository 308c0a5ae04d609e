"""Running the hub: one JSON log line per request, Prometheus metrics, health, draining, keys.

Rule header: what is logged and counted is the request's method, route, city, status, outcome
code and timing, and the client address (the proxy's, or the forwarded one when the server
trusts its proxy); never a header (so never a token), never a body, never a query string. The
outcome code is the hub's own: ``stored`` (201) or ``known`` (200) for a push, the ``error`` of a
refusal's JSON body (``bad_signature``, ``conflict``...), ``ok`` otherwise. Metrics live in a
registry of their own per app (several apps in one process never mix); under several workers
they are shared through ``$PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode).
Counts of bundles, cells and cities are read from the database at each scrape, so every worker
answers the same. On shutdown the app stops being ready and waits for the pushes in flight.

- ``GET /metrics``                the Prometheus text format
- ``GET /api/v1/health/live``     the process answers (liveness)
- ``GET /api/v1/health/ready``    the database answers and the hub is not shutting down (readiness)
- ``GET /api/v1/keys``            every city's public keys, to pin by fingerprint (mirrors)
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, MutableMapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from starlette.concurrency import run_in_threadpool

from datacity_federation._sync.hub_store import HubBundle, HubCell, HubCity, HubKey, HubMeta

__all__ = ["ACCESS_LOGGER", "MULTIPROC_ENV", "HubOps", "configure_access_log", "install_operations"]

ACCESS_LOGGER = "datacity_federation.hub.access"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
PUSH_ROUTE = "/api/v1/cities/{city}/bundles"
_ERROR_BODY_CAP = 4096
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _StoreCollector(Collector):
    """Bundles, cells and cities stored, counted in the database at scrape time."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Metric]:
        with Session(self._engine) as s:
            counts = {
                name: int(s.exec(select(func.count()).select_from(table)).one())
                for name, table in (("bundles", HubBundle), ("cells", HubCell), ("cities", HubCity))
            }
        yield GaugeMetricFamily(
            "datacity_hub_bundles", "Bundles stored (every accepted push)", counts["bundles"]
        )
        yield GaugeMetricFamily(
            "datacity_hub_cells", "Current cells stored (every city-season)", counts["cells"]
        )
        yield GaugeMetricFamily("datacity_hub_cities", "Registered cities", counts["cities"])


@dataclass
class HubOps:
    """The operational state of one hub app: its metrics, the pushes in flight, draining."""

    engine: Engine
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    inflight: int = 0
    draining: bool = False
    requests: Counter = field(init=False)
    ingest_seconds: Histogram = field(init=False)

    def __post_init__(self) -> None:
        self.requests = Counter(
            "datacity_hub_requests",
            "HTTP requests answered, by route, status and the hub's outcome code",
            ("method", "route", "status", "outcome"),
            registry=self.registry,
        )
        self.ingest_seconds = Histogram(
            "datacity_hub_ingest_seconds",
            "Time to answer a push (body read, nine checks, transaction), by outcome code",
            ("outcome",),
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_StoreCollector(self.engine))

    def exposition(self) -> bytes:
        """The metrics in the Prometheus text format (all workers' under multiprocess mode)."""
        if os.environ.get(MULTIPROC_ENV):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            registry.register(_StoreCollector(self.engine))
            return generate_latest(registry)
        return generate_latest(self.registry)


def _outcome(route: str, method: str, status: int, error_body: bytes) -> str:
    if status >= 400:
        try:
            code = json.loads(error_body).get("error")
        except (ValueError, AttributeError, UnicodeDecodeError):
            code = None
        return str(code)[:64] if code else f"http_{status}"
    if route == PUSH_ROUTE and method == "POST":
        return "stored" if status == 201 else "known"
    return "ok"


class _Observe:
    """Pure ASGI middleware: time, count and log every HTTP request."""

    def __init__(self, app: ASGIApp, ops: HubOps) -> None:
        self.app = app
        self.ops = ops
        self.log = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        body = bytearray()
        recorded = False

        def record() -> None:
            nonlocal recorded
            if not recorded:
                recorded = True
                self._record(scope, status, bytes(body), time.perf_counter() - start)

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                if status >= 400:
                    body.extend(message.get("body", b"")[: _ERROR_BODY_CAP - len(body)])
                if not message.get("more_body", False):
                    # Counted and logged before the client can see the answer: a scrape or a log
                    # read that follows a response always includes it.
                    record()
            await send(message)

        is_push = scope["method"] == "POST" and scope["path"].endswith("/bundles")
        if is_push:
            self.ops.inflight += 1
        try:
            await self.app(scope, receive, observed)
        finally:
            if is_push:
                self.ops.inflight -= 1
            record()

    def _record(self, scope: Scope, status: int, body: bytes, elapsed: float) -> None:
        found = scope.get("route")
        route = str(getattr(found, "path", "")) or "unmatched"
        method = str(scope["method"])
        outcome = _outcome(route, method, status, body)
        self.ops.requests.labels(method, route, str(status), outcome).inc()
        if route == PUSH_ROUTE and method == "POST":
            self.ops.ingest_seconds.labels(outcome).observe(elapsed)
        client = scope.get("client")
        self.log.info(
            json.dumps(
                {
                    "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "method": method,
                    "route": route,
                    "path": str(scope["path"])[:200],
                    "city": (scope.get("path_params") or {}).get("city"),
                    "status": status,
                    "outcome": outcome,
                    "ms": round(elapsed * 1000, 2),
                    "client": client[0] if client else None,
                    "scheme": scope.get("scheme"),
                },
                separators=(",", ":"),
            )
        )


def configure_access_log(stream: Any = None) -> None:
    """Send the access log to ``stream`` (stderr), one JSON object per line; idempotent."""
    log = logging.getLogger(ACCESS_LOGGER)
    if any(getattr(h, "_datacity", False) for h in log.handlers):
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler._datacity = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def _ready(engine: Engine) -> str:
    with Session(engine) as s:
        row = s.get(HubMeta, "network")
        if row is None:
            raise RuntimeError("no network recorded")
        return row.value


def install_operations(app: FastAPI, engine: Engine, *, drain_seconds: float = 30.0) -> HubOps:
    """Add logging, metrics, health, the keys endpoint and draining to the hub ``app``."""
    ops = HubOps(engine)
    app.state.ops = ops
    app.add_middleware(_Observe, ops=ops)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        data = await run_in_threadpool(ops.exposition)
        return Response(data, media_type=CONTENT_TYPE_LATEST)

    @app.get("/api/v1/health/live", summary="Liveness: the process answers")
    def live() -> dict[str, str]:
        return {"status": "live"}

    @app.get("/api/v1/health/ready", summary="Readiness: the database answers, not draining")
    def ready() -> JSONResponse:
        if ops.draining:
            return JSONResponse(
                {"error": "draining", "detail": "the hub is shutting down"}, status_code=503
            )
        try:
            network = _ready(engine)
        except Exception as exc:  # any database failure means "not ready", said in one line
            return JSONResponse(
                {"error": "not_ready", "detail": f"database: {type(exc).__name__}"},
                status_code=503,
            )
        return JSONResponse({"status": "ready", "network": network})

    @app.get("/api/v1/keys", summary="Every city's public keys (pin them by fingerprint)")
    def keys() -> dict[str, Any]:
        with Session(engine) as s:
            rows = s.exec(select(HubKey).order_by(HubKey.city, HubKey.fingerprint)).all()
        cities: dict[str, list[dict[str, Any]]] = {}
        for k in rows:
            cities.setdefault(k.city, []).append(
                {"fingerprint": k.fingerprint, "public_key": k.public_key, "active": k.active}
            )
        return {"cities": [{"city": c, "keys": v} for c, v in cities.items()]}

    previous = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        ops.draining = False
        async with previous(a) as state:
            yield state
        # Shutdown: not ready any more; let the pushes in flight finish their transaction.
        ops.draining = True
        deadline = time.monotonic() + drain_seconds
        while ops.inflight and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        engine.dispose()

    app.router.lifespan_context = lifespan
    return ops
