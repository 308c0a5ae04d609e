"""One interface over every platform: search, get one, harvest all.

Rule header: an adapter is three parts, kept apart so tests can call the middle one directly:
(1) request builders (pure: path + params), (2) ``parse_*`` functions (pure: JSON -> records),
(3) ``parse_error(portal, status, body)`` (pure: error body -> :class:`PortalError`). The adapter
class only wires them to :class:`~datacity_federation.portals.http.PortalHttp`.
"""

from __future__ import annotations

import asyncio
import os
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar, TypeVar

import httpx

from datacity_federation.domain.city import Portal
from datacity_federation.errors import PortalError
from datacity_federation.portals.http import PortalHttp, RetryPolicy, Throttle
from datacity_federation.portals.record import DatasetRecord, Page

__all__ = ["PortalAdapter", "Progress", "api_key", "gather_pages", "join_url"]

#: ``progress(done, total)`` after each page of a harvest; ``total`` may be ``None``.
Progress = Callable[[int, int | None], None]

T = TypeVar("T")


def join_url(base: str, path: str) -> str:
    """``base`` + ``/path`` with exactly one slash between them."""
    return base.rstrip("/") + "/" + path.lstrip("/")


def api_key(portal: Portal, environ: Mapping[str, str] | None = None) -> str | None:
    """The API key from the environment variable the city file names (never from the file)."""
    if not portal.api_key_env:
        return None
    value = (os.environ if environ is None else environ).get(portal.api_key_env, "").strip()
    return value or None


async def gather_pages(jobs: Iterable[Awaitable[T]]) -> list[T]:
    """Run page fetches together (the client's slots bound them); cancel the rest on failure."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


class PortalAdapter(ABC):
    """What the services need from a portal, whatever its platform."""

    kind: ClassVar[str]
    #: Header carrying the API key on this platform (``None``: the key goes elsewhere).
    key_header: ClassVar[str | None] = None

    def __init__(
        self,
        portal: Portal,
        *,
        client: httpx.AsyncClient,
        environ: Mapping[str, str] | None = None,
        concurrency: int = 8,
        retry: RetryPolicy | None = None,
        page_size: int | None = None,
    ) -> None:
        self.portal = portal
        self.base = portal.url
        self.lang = portal.lang
        self.key = api_key(portal, environ)
        self.page_size = page_size
        throttle = (
            Throttle(portal.rate_limit.calls, portal.rate_limit.per_seconds)
            if portal.rate_limit
            else None
        )
        self.http = PortalHttp(
            portal=portal.id,
            client=client,
            parse_error=type(self).parse_error,
            headers=self.auth_headers(),
            throttle=throttle,
            concurrency=concurrency,
            retry=retry,
        )

    def auth_headers(self) -> dict[str, str]:
        """Headers that carry the key, when one is configured."""
        if self.key and self.key_header:
            return {self.key_header: self.key}
        return {}

    @staticmethod
    @abstractmethod
    def parse_error(portal: str, status: int, body: Any) -> PortalError:
        """The platform's error body -> the right :class:`PortalError` subclass."""

    @abstractmethod
    async def search(self, query: str, *, limit: int = 20, cursor: str | None = None) -> Page:
        """Data sets matching ``query`` (platform search syntax), one page."""

    @abstractmethod
    async def get(self, dataset_id: str) -> DatasetRecord:
        """One data set by native id; :class:`DatasetNotFound` when it does not exist."""

    @abstractmethod
    async def harvest(
        self, *, since: datetime | None = None, progress: Progress | None = None
    ) -> list[DatasetRecord]:
        """Every data set (modified after ``since`` when given); all or an error, never part."""

    def fail(self, message: str, **kw: Any) -> PortalError:
        return PortalError(self.portal.id, message, **kw)
