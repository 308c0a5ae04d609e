"""The federation hub: a FastAPI app over its own store (:mod:`.hub_store`).

Rule header: every answer to bad input is a JSON ``{"error": code, "detail": text}`` with a 4xx
status, never a 500; path and query parameters are typed (FastAPI validates them: 422); a push
spends its token's rate allowance (429 with ``Retry-After``, :mod:`.hub_limits`) and its body is
read with a cap before anything else; the nine checks and the single write transaction live in
:mod:`.hub_ingest`. API under ``/api/v1``:

- ``POST /api/v1/cities/{city}/bundles``  push a bundle (zip body, ``Authorization: Bearer``)
- ``GET  /api/v1/cities/{city}/head``     the city's last ``seq`` and ``bundle_id``
- ``GET  /api/v1/feed?after=&limit=``     what changed, after an opaque monotonic cursor
- ``GET  /api/v1/bundles/{bundle_id}``    the original zip, to re-verify offline
- ``GET  /api/v1/health``
- ``GET  /metrics``, ``/api/v1/health/live``, ``/api/v1/health/ready``, ``/api/v1/keys``
  (:mod:`.hub_ops`)
"""

from __future__ import annotations

import os
from typing import Annotated, Any

from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from datacity_federation._sync.bundle import MAX_BUNDLE_BYTES
from datacity_federation._sync.hub_ingest import HubConflict, ingest, init_hub
from datacity_federation._sync.hub_limits import DEFAULT_BURST, DEFAULT_RATE, RateLimiter
from datacity_federation._sync.hub_ops import configure_access_log, install_operations
from datacity_federation._sync.hub_store import (
    HubBundle,
    HubCity,
    feed_page,
    hub_engine,
)
from datacity_federation.errors import HubRejected

__all__ = ["BURST_ENV", "DB_ENV", "MAX_ENV", "RATE_ENV", "app_from_env", "create_app"]

DB_ENV = "DATACITY_HUB_DB"
MAX_ENV = "DATACITY_HUB_MAX_BYTES"
RATE_ENV = "DATACITY_HUB_RATE"
BURST_ENV = "DATACITY_HUB_BURST"

CityId = Annotated[
    str, Path(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64, description="City id.")
]
BundleId = Annotated[
    str, Path(pattern=r"^[0-9a-f]{64}$", description="sha256 of the bundle's manifest.")
]
_ZIP_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class ErrorBody(BaseModel):
    error: str
    detail: str


class PushAnswer(BaseModel):
    bundle_id: str
    city: str
    seq: int
    season: str
    action: str
    stored: bool
    """False when the bundle was already known (nothing changed)."""


class Head(BaseModel):
    city: str
    seq: int
    bundle_id: str | None


class FeedItem(BaseModel):
    cursor: str
    bundle_id: str
    city: str
    season: str
    seq: int
    action: str
    at: str


class Feed(BaseModel):
    items: list[FeedItem]
    next: str
    """Pass as ``after`` to read on; the same value when nothing is new."""


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 411, 413, 415, 422, 429)
}


def _error(status: int, error: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail[:2000], **extra}, status_code=status)


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def _read_capped(request: Request, limit: int) -> bytes | None:
    """The body, or ``None`` as soon as it passes ``limit`` bytes (never buffered further)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(
    engine: Engine | str,
    *,
    network: str | None = None,
    max_bytes: int = MAX_BUNDLE_BYTES,
    rate: float = DEFAULT_RATE,
    burst: int = DEFAULT_BURST,
) -> FastAPI:
    """The hub app on ``engine`` (or a database URL), for ``network`` (recorded on first use);
    each token may push ``burst`` bundles at once and ``rate`` per second after that."""
    eng = hub_engine(engine) if isinstance(engine, str) else engine
    served = init_hub(eng, network)
    limiter = RateLimiter(rate, burst)
    app = FastAPI(
        title="datacity federation hub",
        version="1",
        description=f"Anonymised, signed releases of the cities of network {served}.",
    )

    @app.exception_handler(HubRejected)
    async def _rejected(_request: Request, exc: HubRejected) -> JSONResponse:
        if isinstance(exc, HubConflict):
            return _error(
                409, exc.error, exc.detail, head={"seq": exc.head_seq, "bundle_id": exc.head_id}
            )
        return _error(exc.status, exc.error, exc.detail)

    @app.exception_handler(Exception)
    async def _bug(_request: Request, exc: Exception) -> JSONResponse:
        # Only a bug lands here (bad input is always a HubRejected): still answer JSON.
        return _error(500, "internal", f"the hub failed on this request ({type(exc).__name__})")

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(422, "invalid_request", f"{where}: {first.get('msg', '')}")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail))

    @app.post(
        "/api/v1/cities/{city}/bundles",
        response_model=PushAnswer,
        status_code=201,
        responses={200: {"model": PushAnswer}, **ERRORS},
        openapi_extra=_ZIP_BODY,
        summary="Push a signed release bundle",
    )
    async def push(city: CityId, request: Request) -> JSONResponse:
        token = _bearer(request)
        if token is None:
            raise HubRejected(401, "unauthorized", "missing or unknown bearer token")
        wait = limiter.take(token)
        if wait:
            limited = _error(
                429,
                "rate_limited",
                f"this token may push {burst} bundles at once and {rate:g} per second; "
                f"retry in {wait} s",
            )
            limited.headers["Retry-After"] = str(wait)
            return limited
        body = await _read_capped(request, max_bytes)
        if body is None:
            raise HubRejected(413, "body_too_large", f"the body passes {max_bytes} bytes")
        got = await run_in_threadpool(
            ingest, eng, city=city, token=token, body=body, max_bytes=max_bytes
        )
        answer = PushAnswer(
            bundle_id=got.bundle_id,
            city=got.city,
            seq=got.seq,
            season=got.season,
            action=got.action,
            stored=got.status == 201,
        )
        return JSONResponse(answer.model_dump(), status_code=got.status)

    @app.get("/api/v1/cities/{city}/head", response_model=Head, responses=ERRORS)
    def head(city: CityId) -> Head:
        with Session(eng) as s:
            if s.get(HubCity, city) is None:
                raise HubRejected(404, "unknown_city", "no such city")
            last = s.exec(
                select(HubBundle)
                .where(HubBundle.city == city)
                .order_by(HubBundle.seq.desc())  # type: ignore[attr-defined]
                .limit(1)
            ).first()
        return Head(
            city=city, seq=last.seq if last else 0, bundle_id=last.bundle_id if last else None
        )

    @app.get("/api/v1/feed", response_model=Feed, responses=ERRORS)
    def feed(
        after: Annotated[
            str,
            Query(
                pattern=r"^[0-9]{0,18}$",
                description="A cursor the feed returned (empty or left out: the start).",
            ),
        ] = "",
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> Feed:
        page = feed_page(eng, after=int(after or 0), limit=limit)
        return Feed(
            items=[
                FeedItem(
                    cursor=str(e.cursor),
                    bundle_id=e.bundle_id,
                    city=e.city,
                    season=e.season,
                    seq=e.seq,
                    action=e.action,
                    at=e.at.isoformat(),
                )
                for e in page.entries
            ],
            next=str(page.next_cursor),
        )

    @app.get(
        "/api/v1/bundles/{bundle_id}",
        responses={200: {"content": {"application/zip": {}}}, **ERRORS},
        response_class=Response,
    )
    def bundle(bundle_id: BundleId) -> Response:
        with Session(eng) as s:
            row = s.get(HubBundle, bundle_id)
        if row is None:
            raise HubRejected(404, "unknown_bundle", "no such bundle")
        return Response(row.data, media_type="application/zip")

    @app.get("/api/v1/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "network": served}

    install_operations(app, eng)  # logs, metrics, live/ready health, keys, draining
    return app


def app_from_env() -> FastAPI:
    """The app factory ``uvicorn --factory`` runs in each worker: database from $DATACITY_HUB_DB."""
    configure_access_log()
    url = os.environ.get(DB_ENV, "hub.db")
    limit = int(os.environ.get(MAX_ENV, str(MAX_BUNDLE_BYTES)))
    rate = float(os.environ.get(RATE_ENV, str(DEFAULT_RATE)))
    burst = int(os.environ.get(BURST_ENV, str(DEFAULT_BURST)))
    return create_app(url, max_bytes=limit, rate=rate, burst=burst)
