"""Use cases over the cities' open-data portals: search, check pinned data sets, harvest.

Rule header: the judgement of a pinned data set (:func:`assess`) is pure: it takes what the
portal answered, what was seen last time and ``now``. The async functions only fetch. HTTP
libraries load inside the functions, so importing this module stays light.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from datacity_federation.domain.city import City, Portal
from datacity_federation.domain.vocab import PortalKind
from datacity_federation.errors import DatacityError, DatasetNotFound, PortalError

if TYPE_CHECKING:
    import httpx

    from datacity_federation.portals.base import Progress
    from datacity_federation.portals.record import DatasetRecord, Page

__all__ = [
    "DEFAULT_STALE_DAYS",
    "CheckLine",
    "CheckReport",
    "HarvestReport",
    "SearchResult",
    "Status",
    "adhoc_portal",
    "assess",
    "check_city",
    "fetch_all",
    "harvest_city",
    "pinned_datasets",
    "portal_of",
    "previous_records",
    "search_portal",
]

DEFAULT_STALE_DAYS = 365


class Status(StrEnum):
    """What a check found about one pinned data set."""

    OK = "ok"
    MISSING = "missing"
    RENAMED = "renamed"
    LICENCE_CHANGED = "licence-changed"
    STALE = "stale"
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
        """Missing or unchecked data sets fail the check; the other findings are warnings."""
        return any(
            s in (Status.MISSING, Status.UNCHECKED) for line in self.lines for s in line.statuses
        )


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
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "portal"
        raise DatacityError(f"--{where}: {first['msg']} ({url!r})") from None


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
    from datacity_federation.portals import make_client

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
    from datacity_federation.portals import make_adapter

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
    timeout: float = 30.0,
    environ: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> CheckReport:
    """Resolve every pinned data set on its portal; ``previous`` = last harvested records."""
    from datacity_federation.portals import make_adapter

    pins = pinned_datasets(city)
    portals = {p.id: p for p in city.portals}
    seen = previous or {}

    async def work(client: httpx.AsyncClient) -> CheckReport:
        adapters = {
            pid: make_adapter(p, client=client, environ=environ) for pid, p in portals.items()
        }
        unique = sorted({(portal, dataset) for _, portal, dataset in pins})

        async def one(portal: str, dataset: str) -> DatasetRecord | PortalError:
            try:
                return await adapters[portal].get(dataset)
            except PortalError as exc:
                return exc

        answers = await asyncio.gather(*(one(p, d) for p, d in unique))
        found = dict(zip(unique, answers, strict=True))
        lines = []
        for challenge, portal, dataset in pins:
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


async def fetch_all(
    *,
    portal: Portal,
    since: datetime | None = None,
    progress: Progress | None = None,
    concurrency: int = 8,
    page_size: int | None = None,
    timeout: float = 30.0,
    environ: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Sequence[DatasetRecord]:
    """Every data set of ``portal`` (changed after ``since``): all of them or an error."""
    from datacity_federation.portals import make_adapter

    async def work(client: httpx.AsyncClient) -> Sequence[DatasetRecord]:
        adapter = make_adapter(
            portal, client=client, environ=environ, concurrency=concurrency, page_size=page_size
        )
        return await adapter.harvest(since=since, progress=progress)

    records: Sequence[DatasetRecord] = await _with_client(
        work, timeout=timeout, transport=transport
    )
    return records


def previous_records(
    *, city: City, db: str | Path | None = None
) -> dict[tuple[str, str], DatasetRecord]:
    """The records stored by the last harvests of ``city`` (empty when nothing was harvested).

    A SQLite file that does not exist yet means no harvest: it is not created by a check.
    """
    from datacity_federation.portals.store import stored_records
    from datacity_federation.store.engine import database_url, open_store

    url = database_url(db)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return {}
    return stored_records(open_store(db), city=city.id)


@dataclass(frozen=True, slots=True)
class HarvestReport:
    """What one portal's harvest did (``error`` set when it failed and stored nothing)."""

    portal: str
    since: datetime | None
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    stored: int = 0
    seconds: float = 0.0
    error: PortalError | None = None


def harvest_city(
    *,
    city: City,
    clock: Callable[[], datetime],
    db: str | Path | None = None,
    portal_id: str | None = None,
    full: bool = False,
    progress_for: Callable[[Portal], Progress] | None = None,
    concurrency: int = 8,
    timeout: float = 30.0,
    environ: Mapping[str, str] | None = None,
) -> list[HarvestReport]:
    """Harvest the city's portals (or one) into its store, incrementally by ``modified``.

    Each portal is all-or-nothing: its new and changed records and its new watermark are written
    in one transaction after everything was fetched; a failure is recorded and reported, and the
    other portals still run.
    """
    import time

    from datacity_federation.portals import store
    from datacity_federation.store.engine import open_store

    portals = [portal_of(city, portal_id)] if portal_id else list(city.portals)
    if not portals:
        raise DatacityError(f"city {city.id} declares no portal")
    engine = open_store(db)
    reports = []
    for portal in portals:
        started = time.monotonic()
        since = store.begin_harvest(engine, city=city.id, portal=portal.id, now=clock())
        since = None if full else since
        try:
            records = asyncio.run(
                fetch_all(
                    portal=portal,
                    since=since,
                    progress=progress_for(portal) if progress_for else None,
                    concurrency=concurrency,
                    timeout=timeout,
                    environ=environ,
                )
            )
        except PortalError as exc:
            store.fail_harvest(
                engine, city=city.id, portal=portal.id, now=clock(), message=str(exc)
            )
            reports.append(
                HarvestReport(portal.id, since, seconds=time.monotonic() - started, error=exc)
            )
            continue
        changes = store.finish_harvest(
            engine, city=city.id, portal=portal.id, records=records, now=clock()
        )
        state = store.harvest_state(engine, city=city.id, portal=portal.id)
        reports.append(
            HarvestReport(
                portal=portal.id,
                since=since,
                fetched=len(records),
                new=len(changes.new),
                changed=len(changes.changed),
                unchanged=changes.unchanged,
                stored=state.datasets if state else 0,
                seconds=time.monotonic() - started,
            )
        )
    return reports
