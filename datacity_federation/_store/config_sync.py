"""City files into the store: an idempotent upsert of cities, partners, seasons and challenges.

Rule header: for each table the rows the city file implies are compared with the rows stored;
only differences are written (so a second run writes nothing). A row the file no longer implies
is deleted, unless records hang on it: removing a challenge with applications, a rubric criterion
with review scores, a KPI with measurements, a season or a partner that records name, is refused
with a message naming it, and nothing is written. Start-ups registered in the records (source
``records``) are never removed by a sync; a city file declaring the same id takes them over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, func, insert, select, tuple_, update

from datacity_federation._store import tables as t
from datacity_federation._store.mapping import decimal_text, table
from datacity_federation.domain.city import City
from datacity_federation.errors import StoreError

__all__ = ["SyncReport", "city_rows", "sync_city"]

Rows = list[dict[str, Any]]


@dataclass
class SyncReport:
    """What a sync changed, per table."""

    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def changes(self) -> int:
        return sum(self.inserted.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    def summary(self) -> str:
        parts = []
        for verb, counts in (
            ("inserted", self.inserted),
            ("updated", self.updated),
            ("deleted", self.deleted),
        ):
            total = sum(counts.values())
            if total:
                parts.append(f"{total} {verb}")
        return ", ".join(parts) or "no change"


def city_rows(city: City) -> dict[str, Rows]:
    """Every row the city file implies, per table name (parents before children)."""
    cid = city.id
    rows: dict[str, Rows] = {
        "cities": [
            {
                "id": cid,
                "name": dict(city.name),
                "country": city.country,
                "timezone": city.timezone,
                "currency": city.currency,
                "languages": list(city.languages),
            }
        ],
        "partners": [
            {
                "city_id": cid,
                "id": p.id,
                "kind": p.kind.value,
                "name": dict(p.name),
                "website": p.website,
                "contacts": [c.model_dump(mode="json") for c in p.contacts],
                "source": "config",
            }
            for p in city.partners
        ],
        "seasons": [],
        "season_phases": [],
        "challenges": [],
        "challenge_owners": [],
        "challenge_criteria": [],
        "challenge_kpis": [],
        "challenge_datasets": [],
    }
    for season in city.seasons:
        plan = season.model_dump(mode="json", include={"durations", "phases", "overlaps_previous"})
        rows["seasons"].append(
            {
                "city_id": cid,
                "id": season.id,
                "number": season.number,
                "start": season.start,
                "plan": plan,
            }
        )
        for span in season.timeline():
            rows["season_phases"].append(
                {
                    "city_id": cid,
                    "season_id": season.id,
                    "phase": span.phase.value,
                    "start_on": span.start,
                    "end_on": span.end,
                    "gap_before": span.gap_before,
                }
            )
        for position, ch in enumerate(season.challenges):
            key = {"city_id": cid, "challenge_id": ch.id}
            rows["challenges"].append(
                {
                    "city_id": cid,
                    "id": ch.id,
                    "season_id": season.id,
                    "theme": ch.theme,
                    "title": dict(ch.title),
                    "summary": dict(ch.summary),
                    "position": position,
                }
            )
            rows["challenge_owners"] += [
                {**key, "partner_id": owner, "position": i} for i, owner in enumerate(ch.owners)
            ]
            rows["challenge_criteria"] += [
                {
                    **key,
                    "code": c.code,
                    "weight": decimal_text(c.weight),
                    "max_score": c.max_score,
                    "label": dict(c.label) if c.label else None,
                    "position": i,
                }
                for i, c in enumerate(ch.rubric)
            ]
            rows["challenge_kpis"] += [
                {
                    **key,
                    "indicator": k.indicator,
                    "unit": k.unit,
                    "baseline": decimal_text(k.baseline),
                    "target": decimal_text(k.target),
                    "label": dict(k.label) if k.label else None,
                    "position": i,
                }
                for i, k in enumerate(ch.kpis)
            ]
            rows["challenge_datasets"] += [
                {**key, "portal_id": d.portal, "dataset": d.dataset, "position": i}
                for i, d in enumerate(ch.datasets)
            ]
    return rows


TABLES: dict[str, type[Any]] = {
    "cities": t.CityRow,
    "partners": t.PartnerRow,
    "seasons": t.SeasonRow,
    "season_phases": t.SeasonPhaseRow,
    "challenges": t.ChallengeRow,
    "challenge_owners": t.ChallengeOwnerRow,
    "challenge_criteria": t.ChallengeCriterionRow,
    "challenge_kpis": t.ChallengeKpiRow,
    "challenge_datasets": t.ChallengeDatasetRow,
}


def _keys(tbl: Table) -> list[str]:
    return [c.name for c in tbl.primary_key.columns]


def _count(conn: Connection, tbl: Table, where: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(tbl).where(where)).scalar_one())


def _guards(conn: Connection, city: str) -> dict[str, Callable[[tuple[Any, ...]], str | None]]:
    """Per table: why a stored row may not be deleted (``None`` when it may)."""
    apps, scores = table(t.ApplicationRow), table(t.AssessmentScoreRow)
    measures, pilots = table(t.KpiMeasurementRow), table(t.PilotRow)
    sponsor, contracts = table(t.SponsorshipRow), table(t.ContractValueRow)
    reviewers, conflicts = table(t.AssessorRow), table(t.AssessorConflictRow)
    challenges, dates = table(t.ChallengeRow), table(t.SeasonPhaseDateRow)

    def challenge(key: tuple[Any, ...]) -> str | None:
        n = _count(conn, apps, and_(apps.c.city_id == city, apps.c.challenge_id == key[1]))
        return f"challenge {key[1]!r} has {n} application(s)" if n else None

    def criterion(key: tuple[Any, ...]) -> str | None:
        where = and_(
            scores.c.city_id == city, scores.c.challenge_id == key[1], scores.c.criterion == key[2]
        )
        n = _count(conn, scores, where)
        return (
            f"criterion {key[2]!r} of challenge {key[1]!r} has {n} review score(s)" if n else None
        )

    def kpi(key: tuple[Any, ...]) -> str | None:
        where = and_(
            measures.c.city_id == city,
            measures.c.challenge_id == key[1],
            measures.c.indicator == key[2],
        )
        n = _count(conn, measures, where)
        return f"KPI {key[2]!r} of challenge {key[1]!r} has {n} measurement(s)" if n else None

    def season(key: tuple[Any, ...]) -> str | None:
        n = _count(
            conn, challenges, and_(challenges.c.city_id == city, challenges.c.season_id == key[1])
        )
        n += _count(conn, pilots, and_(pilots.c.city_id == city, pilots.c.season_id == key[1]))
        n += _count(conn, sponsor, and_(sponsor.c.city_id == city, sponsor.c.season_id == key[1]))
        n += _count(conn, apps, and_(apps.c.city_id == city, apps.c.season_id == key[1]))
        n += _count(conn, dates, and_(dates.c.city_id == city, dates.c.season_id == key[1]))
        return f"season {key[1]!r} has {n} record(s)" if n else None

    def partner(key: tuple[Any, ...]) -> str | None:
        pid = key[1]
        n = _count(conn, apps, and_(apps.c.city_id == city, apps.c.startup_id == pid))
        n += _count(conn, sponsor, and_(sponsor.c.city_id == city, sponsor.c.partner_id == pid))
        n += _count(
            conn, contracts, and_(contracts.c.city_id == city, contracts.c.partner_id == pid)
        )
        n += _count(
            conn, reviewers, and_(reviewers.c.city_id == city, reviewers.c.employer_id == pid)
        )
        n += _count(
            conn, conflicts, and_(conflicts.c.city_id == city, conflicts.c.partner_id == pid)
        )
        return f"partner {pid!r} is named by {n} record(s)" if n else None

    return {
        "challenges": challenge,
        "challenge_criteria": criterion,
        "challenge_kpis": kpi,
        "seasons": season,
        "partners": partner,
    }


def _scope(tbl: Table, city: str) -> Any:
    column = tbl.c.id if tbl.name == "cities" else tbl.c.city_id
    where = column == city
    if tbl.name == "partners":
        # Start-ups registered in the records are not the city file's to remove.
        where = and_(where, tbl.c.source == "config")
    return where


def _plan(
    conn: Connection, name: str, wanted: Rows, city: str
) -> tuple[Rows, Rows, list[tuple[Any, ...]]]:
    tbl = table(TABLES[name])
    keys = _keys(tbl)
    stored = {
        tuple(r[k] for k in keys): dict(r)
        for r in conn.execute(select(tbl).where(_scope(tbl, city))).mappings()
    }
    inserts: Rows = []
    updates: Rows = []
    seen = set()
    for row in wanted:
        key = tuple(row[k] for k in keys)
        seen.add(key)
        have = stored.get(key)
        if have is None:
            inserts.append(row)
        elif any(have[c] != v for c, v in row.items()):
            updates.append(row)
    gone = [key for key in stored if key not in seen]
    return inserts, updates, gone


def sync_city(conn: Connection, city: City) -> SyncReport:
    """Bring the store in line with ``city``; raise :class:`StoreError` when a removal is refused."""
    wanted = city_rows(city)
    plans = {name: _plan(conn, name, rows, city.id) for name, rows in wanted.items()}
    guards = _guards(conn, city.id)
    refused: list[str] = []
    for name, (_, _, gone) in plans.items():
        guard = guards.get(name)
        refused += [why for key in gone if guard and (why := guard(key))]
    if refused:
        raise StoreError(
            f"{city.id}: refused to remove what records still use: " + "; ".join(refused)
        )
    report = SyncReport()
    # Partners taken over from the records would collide on insert: update them instead.
    partners_tbl = table(t.PartnerRow)
    inserts, updates, gone = plans["partners"]
    registered = {
        r["id"]
        for r in conn.execute(
            select(partners_tbl.c.id).where(
                partners_tbl.c.city_id == city.id, partners_tbl.c.source == "records"
            )
        ).mappings()
    }
    plans["partners"] = (
        [r for r in inserts if r["id"] not in registered],
        updates + [r for r in inserts if r["id"] in registered],
        gone,
    )
    for name in reversed(list(plans)):
        _delete(conn, name, plans[name][2], city.id, report)
    for name, (inserts, updates, _) in plans.items():
        tbl = table(TABLES[name])
        if inserts:
            conn.execute(insert(tbl), inserts)
            report.inserted[name] = len(inserts)
        for row in updates:
            keys = _keys(tbl)
            where = and_(*(tbl.c[k] == row[k] for k in keys))
            conn.execute(
                update(tbl).where(where).values(**{k: v for k, v in row.items() if k not in keys})
            )
        if updates:
            report.updated[name] = len(updates)
    return report


def _delete(
    conn: Connection, name: str, keys: Sequence[tuple[Any, ...]], city: str, report: SyncReport
) -> None:
    if not keys:
        return
    tbl = table(TABLES[name])
    cols = [tbl.c[k] for k in _keys(tbl)]
    for chunk in _chunks(keys, 200):
        conn.execute(delete(tbl).where(tuple_(*cols).in_(list(chunk))))
    report.deleted[name] = len(keys)


def _chunks(items: Sequence[tuple[Any, ...]], size: int) -> Iterable[Sequence[tuple[Any, ...]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
