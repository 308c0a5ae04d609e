"""Harvested data sets in the city store: what changed, written in one transaction.

Rule header: :func:`plan_changes` is pure (stored hashes + incoming records -> new / changed /
unchanged). A harvest is ``begin`` (state ``running``, committed) -> fetch everything -> ``finish``
(every new or changed row and the new watermark in ONE transaction, state ``complete``), or
``fail`` (state ``failed`` with the reason; data set rows and watermark untouched). So a harvest
cut short is never stored as complete, and a harvest that finds nothing new writes no data set row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Engine, Table, select
from sqlmodel import Session

from datacity_federation.portals.record import DatasetRecord, parse_datetime
from datacity_federation.portals.tables import PortalDatasetRow, PortalHarvestRow

__all__ = [
    "Changes",
    "begin_harvest",
    "content_hash",
    "fail_harvest",
    "finish_harvest",
    "harvest_state",
    "plan_changes",
    "stored_records",
]

_DATASETS = cast(Table, PortalDatasetRow.__table__)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Changes:
    new: tuple[DatasetRecord, ...]
    changed: tuple[DatasetRecord, ...]
    unchanged: int


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
) -> Changes:
    """Store what is new or changed and move the watermark, all in one transaction."""
    incoming = list(records)
    with Session(engine) as session, session.begin():
        c = _DATASETS.c
        query = select(c.dataset_id, c.content_sha256).where(
            c.city_id == city, c.portal_id == portal
        )
        stored: dict[str, str] = {str(d): str(h) for d, h in session.execute(query).all()}
        changes = plan_changes(stored, incoming)
        for record in changes.new:
            session.add(_row(city, record, now))
        for record in changes.changed:
            session.merge(_row(city, record, now))
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
        state.state, state.finished_at, state.completed_at, state.message = (
            "complete",
            now,
            now,
            None,
        )
        state.datasets = len(stored) + len(changes.new)
    return changes


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
    )


def stored_records(engine: Engine, *, city: str) -> dict[tuple[str, str], DatasetRecord]:
    """Every harvested record of ``city``, by (portal id, dataset id)."""
    with Session(engine) as session:
        c = _DATASETS.c
        query = select(c.portal_id, c.dataset_id, c.record).where(c.city_id == city)
        rows = session.execute(query).all()
    return {(p, d): DatasetRecord.from_json(json.loads(text)) for p, d, text in rows}
