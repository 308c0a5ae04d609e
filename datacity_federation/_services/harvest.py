"""Use case: harvest a city's portals into its store, resumably, cheaply when nothing changed.

Rule header: per portal, one harvest is ``begin`` -> probe -> walk -> ``finish`` (or ``fail``):

* the **probe** (one small, conditional request: the newest data set and the total) ends the
  harvest at once when the catalogue is as the last complete harvest left it (a ``304``, or the
  same fingerprint), unless ``full`` asks for the whole walk anyway;
* the **walk** keeps every page it fetched in the store as it goes (the cursor), so a run that
  was killed, interrupted or cut off by the network resumes where it stopped on the next call;
* **finish** writes the new and changed data sets, the watermark and, for a full walk, the
  deletions, in one transaction, then forgets the cursor.

HTTP libraries load inside the functions, so importing this module stays light.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from datacity_federation._services.portals import _with_client, portal_of
from datacity_federation.domain.city import City, Portal
from datacity_federation.errors import DatacityError, PortalError

if TYPE_CHECKING:
    import httpx
    from sqlalchemy import Engine

    from datacity_federation._portals.base import Checkpoint, Progress, Validators
    from datacity_federation._portals.record import DatasetRecord

__all__ = ["Fetched", "HarvestReport", "fetch_all", "harvest_city"]


@dataclass(frozen=True, slots=True)
class Fetched:
    """What one walk (or probe) of a portal brought back."""

    records: Sequence[DatasetRecord]
    unchanged: bool = False
    """The probe said the catalogue is as last harvested: ``records`` is empty."""
    validators: Validators | None = None
    requests: int = 0
    resumed: int = 0
    """Pages taken from the cursor of an interrupted harvest."""


async def fetch_all(
    *,
    portal: Portal,
    since: datetime | None = None,
    known: Validators | None = None,
    checkpoint: Checkpoint | None = None,
    progress: Progress | None = None,
    concurrency: int = 8,
    page_size: int | None = None,
    timeout: float = 30.0,
    environ: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Fetched:
    """Every data set of ``portal`` (changed after ``since``): all of them or an error.

    With ``known`` validators, a probe first: an unchanged catalogue costs that one request.
    """
    from datacity_federation._portals import make_adapter

    async def work(client: httpx.AsyncClient) -> Fetched:
        adapter = make_adapter(
            portal,
            client=client,
            environ=environ,
            concurrency=concurrency,
            page_size=page_size,
            checkpoint=checkpoint,
        )
        probe = await adapter.probe(known)
        found = probe.validators if probe else None
        if probe is not None and probe.unchanged:
            return Fetched((), True, found, adapter.http.requests)
        records = await adapter.harvest(since=since, progress=progress)
        return Fetched(records, False, found, adapter.http.requests, adapter.resumed)

    fetched: Fetched = await _with_client(work, timeout=timeout, transport=transport)
    return fetched


@dataclass(frozen=True, slots=True)
class HarvestReport:
    """What one portal's harvest did (``error`` set when it failed and stored nothing)."""

    portal: str
    since: datetime | None
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    stored: int = 0
    seconds: float = 0.0
    catalogue_unchanged: bool = False
    requests: int = 0
    resumed: int = 0
    error: PortalError | None = None


def harvest_city(
    *,
    city: City,
    clock: Callable[[], datetime],
    db: Engine,
    portal_id: str | None = None,
    full: bool = False,
    progress_for: Callable[[Portal], Progress] | None = None,
    concurrency: int = 8,
    timeout: float = 30.0,
    environ: Mapping[str, str] | None = None,
) -> list[HarvestReport]:
    """Harvest the city's portals (or one) into its store, incrementally by ``modified``.

    Each portal is all-or-nothing for the data sets: its new and changed records, its new
    watermark and (walking everything) its deletions are written in one transaction after
    everything was fetched. A failure is recorded and reported, the pages already fetched are
    kept for the next run, and the other portals still run. Ctrl-C records the interruption
    the same way, then stops.
    """
    from datacity_federation._portals import store
    from datacity_federation._portals.cursor import StoreCheckpoint

    portals = [portal_of(city, portal_id)] if portal_id else list(city.portals)
    if not portals:
        raise DatacityError(f"city {city.id} declares no portal")
    engine = db
    reports = []
    for portal in portals:
        started = time.monotonic()
        watermark = store.begin_harvest(engine, city=city.id, portal=portal.id, now=clock())
        since = None if full else watermark
        known = None if full else store.validators(engine, city=city.id, portal=portal.id)
        try:
            fetched = asyncio.run(
                fetch_all(
                    portal=portal,
                    since=since,
                    known=known,
                    checkpoint=StoreCheckpoint(engine, city=city.id, portal=portal.id),
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
        except KeyboardInterrupt:
            store.fail_harvest(
                engine, city=city.id, portal=portal.id, now=clock(), message="interrupted"
            )
            raise
        seconds = time.monotonic() - started
        if fetched.unchanged:
            stored = store.unchanged_harvest(
                engine, city=city.id, portal=portal.id, now=clock(), found=fetched.validators
            )
            reports.append(
                HarvestReport(
                    portal.id,
                    since,
                    stored=stored,
                    seconds=seconds,
                    catalogue_unchanged=True,
                    requests=fetched.requests,
                )
            )
            continue
        changes = store.finish_harvest(
            engine,
            city=city.id,
            portal=portal.id,
            records=fetched.records,
            now=clock(),
            full=since is None,
            found=fetched.validators,
        )
        state = store.harvest_state(engine, city=city.id, portal=portal.id)
        reports.append(
            HarvestReport(
                portal=portal.id,
                since=since,
                fetched=len(fetched.records),
                new=len(changes.new),
                changed=len(changes.changed),
                unchanged=changes.unchanged,
                withdrawn=len(changes.withdrawn),
                stored=state.datasets if state else 0,
                seconds=time.monotonic() - started,
                requests=fetched.requests,
                resumed=fetched.resumed,
            )
        )
    return reports
