"""The one HTTP client factory and the one retry policy, for the portal adapters and the hub client.

Rule header: every client the package opens (portals, the city's hub client, the review's feed
reader) is made here, with our User-Agent, timeouts, redirects and gzip. Every retry loop asks
:meth:`RetryPolicy.wait` whether and how long to wait: dropped connections and the statuses in
:data:`RETRY_STATUSES` are retried with exponential backoff (with jitter), a ``Retry-After`` is
honoured as given, and one longer than the policy accepts is not slept: the caller fails at once
with the answer it has. The portals and the hub use two instances of this one policy (a portal
is somebody else's server and may be slow to recover; the hub is ours and near).
"""

from __future__ import annotations

import email.utils
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict, Unpack

import httpx

__all__ = [
    "HUB_RETRY",
    "ClientSettings",
    "PORTAL_RETRY",
    "RETRY_STATUSES",
    "RetryPolicy",
    "make_client",
    "make_sync_client",
    "parse_retry_after",
    "user_agent",
]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Answers worth another try: rate limited, or a server (or its gateway) in trouble."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: attempts in all, backoff between them, longest wait we accept."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_retry_after: float = 60.0
    """A ``Retry-After`` longer than this is not waited for: the call fails at once."""

    def backoff(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (1-based): exponential with jitter."""
        delay: float = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)

    def wait(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait after failed attempt number ``attempt`` (1-based), or ``None``: give
        up now (every attempt spent, or the server asks for a longer wait than we accept)."""
        if attempt >= self.attempts:
            return None
        if retry_after is not None:
            return None if retry_after > self.max_retry_after else retry_after
        return self.backoff(attempt)


PORTAL_RETRY = RetryPolicy()
HUB_RETRY = RetryPolicy(attempts=6, base_delay=0.2, max_delay=5.0, max_retry_after=30.0)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def user_agent() -> str:
    """``datacity-federation/<version>``, with the project's home page."""
    from datacity_federation import __version__

    return (
        f"datacity-federation/{__version__} "
        "(+https://github.com/datacity-federation/datacity_federation)"
    )


class ClientSettings(TypedDict, total=False):
    """What a caller may set on a client; the rest is the same for every client."""

    timeout: float
    """Seconds to wait for each answer (30 by default)."""
    connect_timeout: float
    """Seconds to wait for a connection (10 by default)."""
    max_connections: int
    """Connections open at once (32 by default)."""
    base_url: str


def _options(settings: ClientSettings) -> dict[str, Any]:
    # httpx decompresses gzip and deflate bodies itself; Accept-Encoding says we take them.
    connections = settings.get("max_connections", 32)
    return {
        "base_url": settings.get("base_url", ""),
        "timeout": httpx.Timeout(
            settings.get("timeout", 30.0), connect=settings.get("connect_timeout", 10.0)
        ),
        "follow_redirects": True,
        "max_redirects": 10,
        "headers": {
            "User-Agent": user_agent(),
            "Accept": "application/json, application/ld+json;q=0.9, */*;q=0.1",
            "Accept-Encoding": "gzip, deflate",
        },
        "limits": httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
    }


def make_client(
    *, transport: httpx.AsyncBaseTransport | None = None, **settings: Unpack[ClientSettings]
) -> httpx.AsyncClient:
    """An async client (the portal adapters): timeouts, redirects followed, gzip, User-Agent."""
    return httpx.AsyncClient(**_options(settings), transport=transport)


def make_sync_client(
    *, transport: httpx.BaseTransport | None = None, **settings: Unpack[ClientSettings]
) -> httpx.Client:
    """The same client, blocking (the hub client, the review's feed reader)."""
    return httpx.Client(**_options(settings), transport=transport)
