"""The one HTTP client of the portal adapters: timeouts, retries, throttle, bounded concurrency.

Rule header: every call to a portal goes through :meth:`PortalHttp.get_json`, which

* waits for the portal's throttle (at most ``calls`` requests in any ``per_seconds`` window),
* holds one slot of the portal's concurrency limit while the request runs,
* retries 429 / 5xx / dropped connections as the one retry policy of the package says
  (:mod:`datacity_federation._http`: exponential backoff, ``Retry-After`` honoured; a wait
  longer than the policy allows is not slept: it becomes :class:`PortalRateLimited`),
* turns everything else into one :class:`PortalError` subclass whose one-line message names
  the portal: an HTML page, a truncated body, a timeout, an unknown host, a platform error
  (mapped by the adapter's ``parse_error``).

A ``304 Not Modified`` is an answer like a 200 (its body is empty): conditional requests read
``status``, ``etag`` and ``last_modified`` from it. Query parameters named secret (data.gov.in's
``api-key``) are masked in every log line, httpx's own request lines included.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from datacity_federation._http import PORTAL_RETRY, RETRY_STATUSES, RetryPolicy, parse_retry_after
from datacity_federation.errors import (
    PortalBadResponse,
    PortalError,
    PortalRateLimited,
    PortalUnreachable,
)

__all__ = ["ErrorMapper", "PortalHttp", "Throttle", "mask_secrets"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: ``parse_error(portal_id, status, body)`` of an adapter: a platform error body -> PortalError.
ErrorMapper = Callable[[str, int, Any], PortalError]


_SECRET = re.compile(r"((?:api-key|apikey|\$\$app_token)=)[^&\s\"']+", re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """``text`` with the value of every key-bearing query parameter replaced by ``***``."""
    return _SECRET.sub(r"\1***", text)


class _MaskSecrets(logging.Filter):
    """Rewrites a log record's message so no API key sent in a URL reaches a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


_MASK = _MaskSecrets()


def _mask_logs() -> None:
    """Attach the mask to httpx's loggers and ours (once; called when a key goes in a URL)."""
    for name in ("httpx", "httpcore", __name__):
        logger = logging.getLogger(name)
        if _MASK not in logger.filters:
            logger.addFilter(_MASK)


class Throttle:
    """At most ``calls`` acquisitions in any window of ``per_seconds`` (a sliding log).

    A sliding window is stricter than the platforms' fixed windows (data.gov.sg resets every
    10 s), so a client that obeys it never exceeds theirs wherever their windows start.
    """

    def __init__(
        self,
        calls: int,
        per_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if calls < 1 or per_seconds <= 0:
            raise ValueError("a throttle needs calls >= 1 and per_seconds > 0")
        self.calls = calls
        self.per_seconds = per_seconds
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                # A microsecond of slack: float clocks must not spin on a 1e-16 remainder.
                while self._sent and now - self._sent[0] >= self.per_seconds - 1e-6:
                    self._sent.popleft()
                if len(self._sent) < self.calls:
                    self._sent.append(now)
                    return
                await self._sleep(max(self.per_seconds - (now - self._sent[0]), 1e-6))


def _is_dns_failure(exc: httpx.TransportError) -> bool:
    text = str(exc).lower()
    return any(
        marker in text
        for marker in (
            "name or service not known",
            "nodename nor servname",
            "getaddrinfo failed",
            "temporary failure in name resolution",
            "no address associated",
            "name does not resolve",
        )
    )


class PortalHttp:
    """GET JSON from one portal, politely: throttle, concurrency slots, retries, clean errors."""

    def __init__(
        self,
        *,
        portal: str,
        client: httpx.AsyncClient,
        parse_error: ErrorMapper,
        headers: Mapping[str, str] | None = None,
        throttle: Throttle | None = None,
        concurrency: int = 8,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        secret_params: tuple[str, ...] = (),
    ) -> None:
        self.portal = portal
        if secret_params:
            _mask_logs()
        self.client = client
        self.parse_error = parse_error
        self.headers = dict(headers or {})
        self.throttle = throttle
        self.concurrency = max(1, concurrency)
        self.retry = retry or PORTAL_RETRY
        self.requests = 0
        """Requests sent (retries included): the benchmark reads it."""
        self._slots = asyncio.Semaphore(self.concurrency)
        self._sleep = sleep

    async def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        """The decoded JSON body of ``GET url``; any failure is a :class:`PortalError`."""
        text = await self.get_text(url, params)
        return self.decode(text.body, text.status, text.content_type)

    async def get_parsed(
        self, url: str, params: Mapping[str, Any] | None, parse: Callable[[Any], T]
    ) -> T:
        """``parse(JSON body)``, decoded and parsed in a worker thread.

        Harvest pages are large: decoding and normalising one takes milliseconds of CPU. Off the
        event loop, the other requests in flight are sent and read meanwhile (the GIL is handed
        over every few milliseconds), which is what keeps a harvest near its latency floor.
        """
        answer = await self.get_text(url, params)

        def work() -> T:
            return parse(self.decode(answer.body, answer.status, answer.content_type))

        return await asyncio.to_thread(work)

    async def get_text(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> _Answer:
        """The body of a 2xx (or 304) answer (errors mapped as in :meth:`get_json`)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                answer = await self._send(url, params, headers)
            except httpx.TransportError as exc:
                unreachable = self._transport_error(exc)
                delay = None if _is_dns_failure(exc) else self.retry.wait(attempt)
                if delay is None:
                    raise unreachable from None
                log.info("%s; retry %d in %.2fs", unreachable, attempt, delay)
                await self._sleep(delay)
                continue
            if answer.status < 400:
                return answer
            error = self._status_error(answer)
            if answer.status not in RETRY_STATUSES:
                raise error
            delay = self.retry.wait(attempt, answer.retry_after)
            if delay is None:
                raise error
            log.info("%s; retry %d in %.2fs", error, attempt, delay)
            await self._sleep(delay)

    async def _send(
        self, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None
    ) -> _Answer:
        sent = {**self.headers, **headers} if headers else self.headers
        async with self._slots:
            if self.throttle is not None:
                await self.throttle.acquire()
            self.requests += 1
            response = await self.client.get(url, params=_clean(params), headers=sent)
            body = response.content  # reads the whole body; a short read raises here
        return _Answer(
            status=response.status_code,
            body=body,
            content_type=response.headers.get("content-type", ""),
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        )

    def decode(self, body: bytes, status: int, content_type: str) -> Any:
        """JSON from a body, or :class:`PortalBadResponse` saying what came instead."""
        head = body[:512].lstrip().lower()
        if not body.strip():
            raise PortalBadResponse(self.portal, "empty body instead of JSON", status=status)
        if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
            "html" in content_type and not head.startswith((b"{", b"["))
        ):
            raise PortalBadResponse(
                self.portal,
                f"answered with an HTML page instead of JSON ({_html_title(body)})",
                status=status,
            )
        try:
            return json.loads(body)
        except UnicodeDecodeError:
            raise PortalBadResponse(
                self.portal, f"body is not UTF-8 text ({len(body)} bytes)", status=status
            ) from None
        except json.JSONDecodeError as exc:
            what = "truncated JSON body" if _looks_cut(body) else "body is not valid JSON"
            raise PortalBadResponse(
                self.portal, f"{what} ({len(body)} bytes; {exc.msg} at {exc.pos})", status=status
            ) from None

    def _status_error(self, answer: _Answer) -> PortalError:
        try:
            body = self.decode(answer.body, answer.status, answer.content_type)
        except PortalBadResponse as bad:
            body = None
            if "HTML" in bad.message:
                error: PortalError = bad
                if answer.status == 429:
                    error = PortalRateLimited(
                        self.portal,
                        "too many requests",
                        status=429,
                        retry_after=answer.retry_after,
                    )
                return error
        error = self.parse_error(self.portal, answer.status, body)
        if answer.status == 429 and not isinstance(error, PortalRateLimited):
            error = PortalRateLimited(self.portal, error.message, status=429, code=error.code)
        if error.retry_after is None and answer.retry_after is not None:
            error.retry_after = answer.retry_after
        return error

    def _transport_error(self, exc: httpx.TransportError) -> PortalUnreachable:
        host = exc.request.url.host if _has_request(exc) else "?"
        if isinstance(exc, httpx.TimeoutException):
            kind = {
                httpx.ConnectTimeout: "connecting",
                httpx.ReadTimeout: "waiting for the answer",
                httpx.WriteTimeout: "sending the request",
                httpx.PoolTimeout: "waiting for a free connection",
            }.get(type(exc), "waiting")
            return PortalUnreachable(self.portal, f"timed out {kind} ({host})")
        if _is_dns_failure(exc):
            return PortalUnreachable(self.portal, f"unknown host {host!r} (DNS lookup failed)")
        if isinstance(exc, httpx.ConnectError):
            return PortalUnreachable(self.portal, f"cannot connect to {host} ({exc})")
        if isinstance(exc, httpx.RemoteProtocolError):
            return PortalUnreachable(
                self.portal, f"connection dropped before the answer was complete ({host})"
            )
        if isinstance(exc, httpx.TooManyRedirects):
            return PortalUnreachable(self.portal, f"too many redirects ({host})")
        return PortalUnreachable(self.portal, f"network error with {host}: {exc}")


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: bytes
    content_type: str
    retry_after: float | None
    etag: str | None = None
    last_modified: str | None = None


def _has_request(exc: httpx.TransportError) -> bool:
    try:
        exc.request  # noqa: B018 - the property raises when no request is attached
    except RuntimeError:
        return False
    return True


def _clean(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if params is None:
        return None
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out


def _html_title(body: bytes) -> str:
    text = body[:4096].decode("utf-8", "replace")
    lower = text.lower()
    start = lower.find("<title>")
    if start >= 0:
        end = lower.find("</title>", start)
        title = " ".join(text[start + 7 : end if end > 0 else start + 200].split())
        if title:
            return f"title {title[:80]!r}"
    return f"{len(body)} bytes"


def _looks_cut(body: bytes) -> bool:
    tail = body.rstrip()[-1:]
    return tail not in (b"}", b"]")
