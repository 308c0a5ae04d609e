"""Harvested data sets in the city store: what changed, written in one transaction.

Rule header: :func:`plan_changes` is pure (stored hashes + incoming records -> new / changed /
unchanged). A harvest is ``begin`` (state ``running``, committed) -> fetch everything -> ``finish``
(every new or changed row and the new watermark in ONE transaction, state ``complete``), or
``fail`` (state ``failed`` with the reason; data set rows and watermark untouched). So a harvest
cut short is never stored as complete, and a harvest that finds nothing new writes no data set row.

A *full* harvest (no watermark: it listed everything) also settles deletions in that same
transaction: a stored data set it did not find gets ``withdrawn_at`` (kept, with ``last_seen_at``
telling when it was last found), one found again is live again. A harvest that stopped early
leaves its cursor (``cursor.py``) for the next run; finishing clears it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Engine, Table, select, update
from sqlmodel import Session

from datacity_federation._portals.base import Validators
from datacity_federation._portals.cursor import clear_cursor
from datacity_federation._portals.record import DatasetRecord, parse_datetime
from datacity_federation._store.portal_tables import PortalDatasetRow, PortalHarvestRow

__all__ = [
    "Changes",
    "Withdrawn",
    "begin_harvest",
    "content_hash",
    "fail_harvest",
    "finish_harvest",
    "harvest_state",
    "plan_changes",
    "stored_records",
    "unchanged_harvest",
    "validators",
    "withdrawn_datasets",
]

_DATASETS = cast(Table, PortalDatasetRow.__table__)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Changes:
    new: tuple[DatasetRecord, ...]
    changed: tuple[DatasetRecord, ...]
    unchanged: int
    withdrawn: tuple[str, ...] = ()
    """Ids a full harvest no longer found (newly marked withdrawn)."""


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """A data set the portal no longer lists."""

    withdrawn_at: datetime
    last_seen_at: datetime | None


def content_hash(record: DatasetRecord) -> str:
    """sha256 of the record's canonical JSON: equal records, equal hashes."""
    text = json.dumps(record.to_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_changes(stored: Mapping[str, str], incoming: Iterable[DatasetRecord]) -> Changes:
    """Split ``incoming`` against ``stored`` (dataset id -> content hash); last duplicate wins."""
    latest = {r.id: r for r in incoming}
    new = tuple(r for i, r in latest.items() if i not in stored)
    changed = tuple(r for i, r in latest.items() if i in stored and stored[i] != content_hash(r))
    return Changes(new, changed, len(latest) - len(new) - len(changed))


def _utc(value: datetime | None) -> datetime | None:
    return parse_datetime(value).astimezone(UTC) if value is not None else None  # type: ignore[union-attr]


def harvest_state(engine: Engine, *, city: str, portal: str) -> PortalHarvestRow | None:
    with Session(engine) as session:
        return session.get(PortalHarvestRow, (city, portal))


def begin_harvest(engine: Engine, *, city: str, portal: str, now: datetime) -> datetime | None:
    """Mark the portal's harvest running; return the watermark of the last complete one."""
    with Session(engine) as session, session.begin():
        row = session.get(PortalHarvestRow, (city, portal))
        if row is None:
            row = PortalHarvestRow(city_id=city, portal_id=portal, state="running", started_at=now)
            session.add(row)
        else:
            row.state, row.started_at, row.finished_at, row.message = "running", now, None, None
        return _utc(row.since)


def validators(engine: Engine, *, city: str, portal: str) -> Validators | None:
    """The catalogue's validators at the last complete harvest (``None`` before any)."""
    row = harvest_state(engine, city=city, portal=portal)
    if row is None or row.completed_at is None or not (row.fingerprint or row.etag):
        return None
    return Validators(row.etag, row.last_modified, row.fingerprint)


def unchanged_harvest(
    engine: Engine, *, city: str, portal: str, now: datetime, found: Validators | None
) -> int:
    """Complete a harvest the probe found unchanged (no data set row written); stored count."""
    with Session(engine) as session, session.begin():
        state = session.get(PortalHarvestRow, (city, portal))
        assert state is not None, "begin_harvest first"
        clear_cursor(session, city=city, portal=portal)
        _complete(state, now, found)
        return state.datasets


def _complete(state: PortalHarvestRow, now: datetime, found: Validators | None) -> None:
    state.state, state.finished_at, state.completed_at, state.message = "complete", now, now, None
    state.cursor = None
    if found is not None:
        state.etag, state.last_modified, state.fingerprint = (
            found.etag,
            found.last_modified,
            found.fingerprint,
        )


def fail_harvest(engine: Engine, *, city: str, portal: str, now: datetime, message: str) -> None:
    """Record why the harvest failed; the stored data sets and the watermark stay as they were."""
    with Session(engine) as session, session.begin():
        row = session.get(PortalHarvestRow, (city, portal))
        if row is not None:
            row.state, row.finished_at, row.message = "failed", now, message[:2000]


def finish_harvest(
    engine: Engine,
    *,
    city: str,
    portal: str,
    records: Iterable[DatasetRecord],
    now: datetime,
    full: bool = False,
    found: Validators | None = None,
) -> Changes:
    """Store what is new or changed and move the watermark, all in one transaction.

    ``full``: ``records`` is the whole catalogue, so stored data sets missing from it are
    marked withdrawn and withdrawn ones found again are live again.
    """
    incoming = list(records)
    with Session(engine) as session, session.begin():
        c = _DATASETS.c
        mine = (c.city_id == city) & (c.portal_id == portal)
        rows = session.execute(select(c.dataset_id, c.content_sha256, c.withdrawn_at).where(mine))
        stored: dict[str, str] = {}
        withdrawn: set[str] = set()
        for dataset, digest, gone in rows.all():
            stored[str(dataset)] = str(digest)
            if gone is not None:
                withdrawn.add(str(dataset))
        changes = plan_changes(stored, incoming)
        for record in changes.new:
            session.add(_row(city, record, now))
        for record in changes.changed:
            session.merge(_row(city, record, now))
        seen = {r.id for r in incoming}
        vanished: tuple[str, ...] = ()
        if full:
            vanished = tuple(sorted(set(stored) - seen - withdrawn))
            for chunk in _chunks(vanished):
                session.execute(
                    update(_DATASETS).where(mine, c.dataset_id.in_(chunk)).values(withdrawn_at=now)
                )
        # A full harvest confirms every data set it found; any harvest revives one it finds.
        for chunk in _chunks(sorted(seen & (set(stored) if full else withdrawn))):
            session.execute(
                update(_DATASETS)
                .where(mine, c.dataset_id.in_(chunk))
                .values(last_seen_at=now, withdrawn_at=None)
            )
        state = session.get(PortalHarvestRow, (city, portal))
        if state is None:
            state = PortalHarvestRow(
                city_id=city, portal_id=portal, state="running", started_at=now
            )
            session.add(state)
        stamps = [m for r in incoming if (m := r.modified) is not None]
        previous = _utc(state.since)
        newest = max(stamps).astimezone(UTC) if stamps else None
        state.since = (
            max(x for x in (previous, newest) if x is not None) if (previous or newest) else None
        )
        clear_cursor(session, city=city, portal=portal)
        _complete(state, now, found)
        revived = len(seen & withdrawn)
        state.datasets = len(stored) + len(changes.new) - len(withdrawn) + revived - len(vanished)
    return Changes(changes.new, changes.changed, changes.unchanged, vanished)


def _chunks(ids: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _row(city: str, record: DatasetRecord, now: datetime) -> PortalDatasetRow:
    return PortalDatasetRow(
        city_id=city,
        portal_id=record.portal,
        dataset_id=record.id,
        title=record.title_in(),
        license=record.license,
        modified=record.modified.astimezone(UTC) if record.modified else None,
        content_sha256=content_hash(record),
        record=json.dumps(record.to_json(), ensure_ascii=False),
        harvested_at=now,
        last_seen_at=now,
    )


def withdrawn_datasets(engine: Engine, *, city: str) -> dict[tuple[str, str], Withdrawn]:
    """Every data set of ``city`` a full harvest no longer found, by (portal id, dataset id)."""
    with Session(engine) as session:
        c = _DATASETS.c
        query = select(c.portal_id, c.dataset_id, c.withdrawn_at, c.last_seen_at).where(
            c.city_id == city, c.withdrawn_at.is_not(None)
        )
        rows = session.execute(query).all()
    return {
        (str(p), str(d)): Withdrawn(_utc(gone) or gone, _utc(seen)) for p, d, gone, seen in rows
    }


def stored_records(engine: Engine, *, city: str) -> dict[tuple[str, str], DatasetRecord]:
    """Every harvested record of ``city``, by (portal id, dataset id)."""
    with Session(engine) as session:
        c = _DATASETS.c
        query = select(c.portal_id, c.dataset_id, c.record).where(c.city_id == city)
        rows = session.execute(query).all()
    return {(p, d): DatasetRecord.from_json(json.loads(text)) for p, d, text in rows}
