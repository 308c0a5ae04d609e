"""One interface over every platform: search, get one, harvest all.

Rule header: an adapter is three parts, kept apart so tests can call the middle one directly:
(1) request builders (pure: path + params), (2) ``parse_*`` functions (pure: JSON -> records),
(3) ``parse_error(portal, status, body)`` (pure: error body -> :class:`PortalError`). The adapter
class only wires them to :class:`~datacity_federation._portals.http.PortalHttp`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar

import httpx

from datacity_federation._http import RetryPolicy
from datacity_federation._portals.http import PortalHttp, Throttle
from datacity_federation._portals.record import DatasetRecord, Page
from datacity_federation.domain.city import Portal
from datacity_federation.errors import PortalError

__all__ = [
    "Checkpoint",
    "PortalAdapter",
    "Probe",
    "ProbeRequest",
    "Progress",
    "Validators",
    "api_key",
    "fingerprint",
    "gather_pages",
    "join_url",
    "merged",
]

#: ``progress(done, total)`` after each page of a harvest; ``total`` may be ``None``.
Progress = Callable[[int, int | None], None]

T = TypeVar("T")


class Checkpoint(Protocol):
    """Where a harvest keeps the pages it fetched, so an interrupted one can resume."""

    def begin(self, signature: str) -> None:
        """Start (or continue) the harvest of this shape; saved pages of another are dropped."""

    def saved(self, key: str) -> Page | None:
        """The page saved under ``key`` by an interrupted run of the same shape, if any."""

    async def save(self, key: str, page: Page) -> None:
        """Keep ``page`` (durably: a killed process must find it again)."""


@dataclass(frozen=True, slots=True)
class Validators:
    """What identifies the catalogue as last harvested: HTTP validators and our fingerprint."""

    etag: str | None = None
    last_modified: str | None = None
    fingerprint: str | None = None

    def headers(self) -> dict[str, str]:
        """The conditional request headers these validators allow."""
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True, slots=True)
class Probe:
    """What one small request said about the whole catalogue."""

    unchanged: bool
    validators: Validators


#: ``(url, params, parse)`` of the request that shows the newest data set and the total.
ProbeRequest = tuple[str, Mapping[str, Any], Callable[[Any], Page]]


def fingerprint(page: Page) -> str:
    """sha256 of the total and the ids and dates of a page: equal catalogues, equal prints."""
    parts = [str(page.total)] + [
        f"{r.id}@{r.modified.isoformat() if r.modified else ''}" for r in page.items
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


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


def merged(pages: Iterable[Page], since: datetime | None = None) -> list[DatasetRecord]:
    """Each data set of ``pages`` once (by id, the last page wins), modified after ``since``
    when given (for platforms that cannot filter by date themselves)."""
    records = list({r.id: r for p in pages for r in p.items}.values())
    if since is not None:
        records = [r for r in records if r.modified is None or r.modified > since]
    return records


class PortalAdapter(ABC):
    """What the services need from a portal, whatever its platform."""

    kind: ClassVar[str]
    #: Header carrying the API key on this platform (``None``: the key goes elsewhere).
    key_header: ClassVar[str | None] = None
    #: Query parameters that carry a key: masked in every log line.
    secret_params: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        portal: Portal,
        *,
        client: httpx.AsyncClient,
        environ: Mapping[str, str] | None = None,
        concurrency: int = 8,
        retry: RetryPolicy | None = None,
        page_size: int | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> None:
        self.portal = portal
        self.checkpoint = checkpoint
        self.resumed = 0
        """Pages taken from the checkpoint instead of the portal."""
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
            secret_params=self.secret_params,
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

    def resume_signature(self, signature: str) -> None:
        """Declare the shape of this harvest (after its live first page)."""
        if self.checkpoint is not None:
            self.checkpoint.begin(f"{self.kind}:{signature}")

    async def resumable(self, key: str, fetch: Callable[[], Awaitable[Page]]) -> Page:
        """The page saved under ``key`` by an interrupted run, else ``fetch()`` saved."""
        if self.checkpoint is None:
            return await fetch()
        saved = self.checkpoint.saved(key)
        if saved is not None:
            self.resumed += 1
            return saved
        page = await fetch()
        await self.checkpoint.save(key, page)
        return page

    async def walk(
        self,
        first: Page,
        rest: Iterable[tuple[str, Callable[[], Awaitable[Page]]]],
        *,
        signature: str,
        total: int | None,
        progress: Progress | None,
        since: datetime | None = None,
        count: Callable[[Page], int] = lambda page: len(page.items),
    ) -> list[DatasetRecord]:
        """The records of a paged harvest, given its live ``first`` page and the ``rest`` to
        fetch as (checkpoint key, fetch) pairs: the rest fetched together and resumable (under
        ``signature``), progress counted by ``count`` out of ``total``, each data set once (by
        id, the last page wins) and, when the platform cannot filter, modified after ``since``.
        """
        jobs = list(rest)
        if jobs:
            self.resume_signature(signature)
        done = count(first)
        if progress:
            progress(done, total)

        async def one(key: str, fetch: Callable[[], Awaitable[Page]]) -> Page:
            nonlocal done
            page = await self.resumable(key, fetch)
            done += count(page)
            if progress:
                progress(done, total)
            return page

        return merged([first, *await gather_pages(one(key, fetch) for key, fetch in jobs)], since)

    def probe_request(self) -> ProbeRequest | None:
        """The request showing the newest data set and the total; ``None``: cannot probe."""
        return None

    async def probe(self, known: Validators | None) -> Probe | None:
        """Is the catalogue as ``known`` describes it? One small (conditional) request."""
        spec = self.probe_request()
        if spec is None:
            return None
        url, params, parse = spec
        headers = known.headers() if known else None
        answer = await self.http.get_text(url, params, headers=headers)
        if answer.status == 304 and known is not None:
            return Probe(True, known)
        page = parse(self.http.decode(answer.body, answer.status, answer.content_type))
        found = Validators(answer.etag, answer.last_modified, fingerprint(page))
        unchanged = known is not None and known.fingerprint == found.fingerprint
        return Probe(unchanged, found)
