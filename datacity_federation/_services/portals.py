"""Use cases over the cities' open-data portals: search, check pinned data sets, harvest.

Rule header: the judgement of a pinned data set (:func:`assess`) is pure: it takes what the
portal answered, what was seen last time and ``now``. The async functions only fetch. HTTP
libraries load inside the functions, so importing this module stays light.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from datacity_federation.domain.city import City, Portal
from datacity_federation.domain.vocab import PortalKind
from datacity_federation.errors import (
    DatacityError,
    DatasetNotFound,
    InvalidModelError,
    PortalError,
)

if TYPE_CHECKING:
    import httpx
    from sqlalchemy import Engine

    from datacity_federation._portals.record import DatasetRecord, Page
    from datacity_federation._portals.store import Withdrawn

__all__ = [
    "DEFAULT_STALE_DAYS",
    "CheckLine",
    "CheckReport",
    "SearchResult",
    "Status",
    "adhoc_portal",
    "assess",
    "check_city",
    "pinned_datasets",
    "portal_of",
    "previous_records",
    "search_portal",
    "withdrawn_pins",
]

DEFAULT_STALE_DAYS = 365


class Status(StrEnum):
    """What a check found about one pinned data set."""

    OK = "ok"
    MISSING = "missing"
    RENAMED = "renamed"
    LICENCE_CHANGED = "licence-changed"
    STALE = "stale"
    WITHDRAWN = "withdrawn"
    UNCHECKED = "unchecked"


@dataclass(frozen=True, slots=True)
class CheckLine:
    """One pinned data set and what the check found (several statuses may apply)."""

    challenge: str
    portal: str
    dataset: str
    statuses: tuple[Status, ...]
    detail: str
    record: DatasetRecord | None = None


@dataclass(frozen=True, slots=True)
class CheckReport:
    city: str
    lines: tuple[CheckLine, ...]

    def count(self, status: Status) -> int:
        return sum(status in line.statuses for line in self.lines)

    @property
    def failed(self) -> bool:
        """Missing, withdrawn or unchecked data sets fail the check; the rest are warnings."""
        failing = (Status.MISSING, Status.WITHDRAWN, Status.UNCHECKED)
        return any(s in failing for line in self.lines for s in line.statuses)


@dataclass(frozen=True, slots=True)
class SearchResult:
    portal: Portal
    page: Page
    warnings: tuple[str, ...] = field(default=())


def portal_of(city: City, portal_id: str | None) -> Portal:
    """The city's portal with that id, or its first one."""
    if not city.portals:
        raise DatacityError(f"city {city.id} declares no portal")
    if portal_id is None:
        return city.portals[0]
    for portal in city.portals:
        if portal.id == portal_id:
            return portal
    known = ", ".join(p.id for p in city.portals)
    raise DatacityError(f"city {city.id} has no portal {portal_id!r} (known: {known})")


def adhoc_portal(*, kind: str, url: str, lang: str | None = None) -> Portal:
    """A portal given on the command line instead of a city file."""
    kinds = [k.value for k in PortalKind]
    if kind not in kinds:
        raise DatacityError(f"--kind: unknown platform {kind!r} (use one of {', '.join(kinds)})")
    try:
        return Portal(id="adhoc", kind=PortalKind(kind), url=url, lang=lang)
    except InvalidModelError as exc:
        first = exc.problems[0]
        raise DatacityError(f"--{first.field or 'portal'}: {first.message}") from None


def pinned_datasets(city: City) -> list[tuple[str, str, str]]:
    """``(challenge id, portal id, dataset id)`` for every data set pinned by a challenge."""
    return [
        (challenge.id, ref.portal, ref.dataset)
        for season in city.seasons
        for challenge in season.challenges
        for ref in challenge.datasets
    ]


def assess(
    *,
    dataset: str,
    found: DatasetRecord | PortalError,
    previous: DatasetRecord | None,
    now: datetime,
    stale_after: timedelta,
) -> tuple[tuple[Status, ...], str]:
    """Statuses and a one-line detail for a pinned data set (pure)."""
    if isinstance(found, DatasetNotFound):
        return (Status.MISSING,), found.message
    if isinstance(found, PortalError):
        return (Status.UNCHECKED,), str(found)
    statuses: list[Status] = []
    details: list[str] = []
    if found.id != dataset:
        statuses.append(Status.RENAMED)
        details.append(f"now {found.id!r}")
    elif previous is not None and previous.title_in() != found.title_in():
        statuses.append(Status.RENAMED)
        details.append(f"title was {previous.title_in()!r}, now {found.title_in()!r}")
    if previous is not None and (previous.license, previous.license_url) != (
        found.license,
        found.license_url,
    ):
        statuses.append(Status.LICENCE_CHANGED)
        details.append(f"licence was {previous.license!r}, now {found.license!r}")
    if found.modified is not None and now - found.modified > stale_after:
        statuses.append(Status.STALE)
        details.append(f"not modified since {found.modified.date().isoformat()}")
    if not statuses:
        stamp = found.modified.date().isoformat() if found.modified else "unknown"
        details.append(f"{found.title_in()} (modified {stamp})")
    return tuple(statuses) or (Status.OK,), "; ".join(details)


async def _with_client(
    work: Any, *, timeout: float, transport: httpx.AsyncBaseTransport | None
) -> Any:
    from datacity_federation._portals import make_client

    async with make_client(
        timeout=timeout, connect_timeout=min(timeout, 10.0), transport=transport
    ) as client:
        return await work(client)


async def search_portal(
    *,
    portal: Portal,
    query: str,
    limit: int = 20,
    timeout: float = 30.0,
    environ: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> SearchResult:
    """One page of data sets matching ``query`` on ``portal``."""
    from datacity_federation._portals import make_adapter

    if limit < 1:
        raise DatacityError("--limit: must be at least 1")

    async def work(client: httpx.AsyncClient) -> SearchResult:
        adapter = make_adapter(portal, client=client, environ=environ)
        page = await adapter.search(query, limit=limit)
        return SearchResult(portal, page, tuple(getattr(adapter, "warnings", ())))

    result: SearchResult = await _with_client(work, timeout=timeout, transport=transport)
    return result


async def check_city(
    *,
    city: City,
    now: datetime,
    stale_after: timedelta = timedelta(days=DEFAULT_STALE_DAYS),
    previous: Mapping[tuple[str, str], DatasetRecord] | None = None,
    withdrawn: Mapping[tuple[str, str], Withdrawn] | None = None,
    timeout: float = 30.0,
    environ: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> CheckReport:
    """Resolve every pinned data set on its portal; ``previous`` = last harvested records.

    A pin on a data set the last full harvest found withdrawn (``withdrawn``) is reported as
    such without asking the portal.
    """
    from datacity_federation._portals import make_adapter

    pins = pinned_datasets(city)
    portals = {p.id: p for p in city.portals}
    seen = previous or {}
    gone = withdrawn or {}

    async def work(client: httpx.AsyncClient) -> CheckReport:
        adapters = {
            pid: make_adapter(p, client=client, environ=environ) for pid, p in portals.items()
        }
        unique = sorted({(portal, dataset) for _, portal, dataset in pins} - set(gone))

        async def one(portal: str, dataset: str) -> DatasetRecord | PortalError:
            try:
                return await adapters[portal].get(dataset)
            except PortalError as exc:
                return exc

        answers = await asyncio.gather(*(one(p, d) for p, d in unique))
        found = dict(zip(unique, answers, strict=True))
        lines = []
        for challenge, portal, dataset in pins:
            if (portal, dataset) in gone:
                lines.append(_withdrawn_line(challenge, portal, dataset, gone[(portal, dataset)]))
                continue
            answer = found[(portal, dataset)]
            statuses, detail = assess(
                dataset=dataset,
                found=answer,
                previous=seen.get((portal, dataset)),
                now=now,
                stale_after=stale_after,
            )
            record = None if isinstance(answer, PortalError) else answer
            lines.append(CheckLine(challenge, portal, dataset, statuses, detail, record))
        return CheckReport(city.id, tuple(lines))

    report: CheckReport = await _with_client(work, timeout=timeout, transport=transport)
    return report


def _withdrawn_line(challenge: str, portal: str, dataset: str, gone: Withdrawn) -> CheckLine:
    seen = gone.last_seen_at.date().isoformat() if gone.last_seen_at else "never"
    detail = (
        f"withdrawn from the portal (missing since the harvest of "
        f"{gone.withdrawn_at.date().isoformat()}; last seen {seen})"
    )
    return CheckLine(challenge, portal, dataset, (Status.WITHDRAWN,), detail)


def previous_records(*, city: City, db: Engine | None) -> dict[tuple[str, str], DatasetRecord]:
    """The records stored by the last harvests of ``city`` (empty when nothing was harvested,
    or without a store: a check does not create one)."""
    from datacity_federation._portals.store import stored_records

    return {} if db is None else stored_records(db, city=city.id)


def withdrawn_pins(*, city: City, db: Engine | None) -> dict[tuple[str, str], Withdrawn]:
    """The data sets of ``city`` that a full harvest found withdrawn (none without a store)."""
    from datacity_federation._portals.store import withdrawn_datasets

    return {} if db is None else withdrawn_datasets(db, city=city.id)
