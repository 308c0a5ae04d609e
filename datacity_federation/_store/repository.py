"""Reading and writing the records on one connection (the caller owns the transaction).

Rule header: every function takes a SQLAlchemy ``Connection`` and returns domain models (or the
typed read models below), never rows. ``load_city`` rebuilds the whole :class:`City` (partners,
seasons, challenges) from the store, as ``datacity db sync-config`` wrote it plus the start-ups
registered in the records. :func:`season_records` is the read side the anonymised releases are
built from: per city and season, applications with their start-up and theme, pilots with
outcomes and KPI measurements, money per partner, and the phase dates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from datacity_federation._store import tables as t
from datacity_federation._store.mapping import (
    application_from,
    application_row,
    contract_from,
    event_from,
    event_row,
    measurement_from,
    person_from,
    pilot_from,
    pilot_row,
    sponsorship_from,
    table,
)
from datacity_federation.domain.challenge import KPI, Challenge, Criterion, DatasetRef
from datacity_federation.domain.city import City, Contact, Partner
from datacity_federation.domain.records import (
    Application,
    Assessor,
    AuditEvent,
    ContractValue,
    KpiMeasurement,
    Person,
    Pilot,
    Sponsorship,
)
from datacity_federation.domain.season import PhaseSpan, Season
from datacity_federation.domain.vocab import ApplicationStatus, Outcome, PilotStatus
from datacity_federation.errors import InvalidModelError, StoreError

__all__ = [
    "ApplicationFacts",
    "PilotFacts",
    "SeasonRecords",
    "add_events",
    "city_ids",
    "get_application",
    "get_assessor",
    "get_person",
    "get_pilot",
    "list_events",
    "load_city",
    "save_application",
    "save_pilot",
    "season_of",
    "season_records",
]


def city_ids(conn: Connection) -> list[str]:
    """Ids of the cities in the store."""
    cities = table(t.CityRow)
    return [r[0] for r in conn.execute(select(cities.c.id).order_by(cities.c.id))]


def _by(conn: Connection, model: type[Any], city: str, *order: str) -> list[dict[str, Any]]:
    tbl = table(model)
    query = select(tbl).where(tbl.c.city_id == city).order_by(*(tbl.c[c] for c in order))
    return [dict(r) for r in conn.execute(query).mappings()]


def load_city(conn: Connection, city_id: str) -> City:
    """The city as stored; :class:`StoreError` naming ``sync-config`` when it is not there, or
    when what is stored no longer makes a valid city (rows written by another tool or version)."""
    try:
        return _load_city(conn, city_id)
    except InvalidModelError as exc:
        where = "; ".join(str(p) for p in exc.problems[:3])
        raise StoreError(
            f"city {city_id!r} in the records is not valid ({exc.model}: {where}); fix the city "
            "file and run `datacity db sync-config`"
        ) from None


def _load_city(conn: Connection, city_id: str) -> City:
    cities = table(t.CityRow)
    row = conn.execute(select(cities).where(cities.c.id == city_id)).mappings().first()
    if row is None:
        known = ", ".join(city_ids(conn)) or "none"
        raise StoreError(
            f"no city {city_id!r} in the records (known: {known}); run `datacity db sync-config`"
        )
    partners = [
        Partner(
            id=p["id"],
            kind=p["kind"],
            name=p["name"],
            website=p["website"],
            contacts=tuple(Contact.model_validate(c) for c in p["contacts"]),
        )
        for p in _by(conn, t.PartnerRow, city_id, "id")
    ]
    owners: dict[str, list[str]] = defaultdict(list)
    for r in _by(conn, t.ChallengeOwnerRow, city_id, "challenge_id", "position"):
        owners[r["challenge_id"]].append(r["partner_id"])
    rubric: dict[str, list[Criterion]] = defaultdict(list)
    for r in _by(conn, t.ChallengeCriterionRow, city_id, "challenge_id", "position"):
        rubric[r["challenge_id"]].append(
            Criterion(
                code=r["code"],
                weight=Decimal(r["weight"]),
                max_score=r["max_score"],
                label=r["label"],
            )
        )
    kpis: dict[str, list[KPI]] = defaultdict(list)
    for r in _by(conn, t.ChallengeKpiRow, city_id, "challenge_id", "position"):
        kpis[r["challenge_id"]].append(
            KPI(
                indicator=r["indicator"],
                unit=r["unit"],
                baseline=Decimal(r["baseline"]),
                target=Decimal(r["target"]),
                label=r["label"],
            )
        )
    datasets: dict[str, list[DatasetRef]] = defaultdict(list)
    for r in _by(conn, t.ChallengeDatasetRow, city_id, "challenge_id", "position"):
        datasets[r["challenge_id"]].append(DatasetRef(portal=r["portal_id"], dataset=r["dataset"]))
    challenges: dict[str, list[Challenge]] = defaultdict(list)
    for r in _by(conn, t.ChallengeRow, city_id, "season_id", "position"):
        challenges[r["season_id"]].append(
            Challenge(
                id=r["id"],
                theme=r["theme"],
                title=r["title"],
                summary=r["summary"],
                owners=tuple(owners[r["id"]]),
                datasets=tuple(datasets[r["id"]]),
                kpis=tuple(kpis[r["id"]]),
                rubric=tuple(rubric[r["id"]]),
            )
        )
    seasons = [
        Season.model_validate(
            {
                **{k: v for k, v in r["plan"].items() if v is not None},
                "id": r["id"],
                "number": r["number"],
                "start": r["start"],
                "challenges": challenges[r["id"]],
            }
        )
        for r in _by(conn, t.SeasonRow, city_id, "start")
    ]
    # The stored city passed every check when it was synced; portals are not kept in the store.
    return City.model_validate(
        {
            "id": row["id"],
            "name": row["name"],
            "country": row["country"],
            "timezone": row["timezone"],
            "currency": row["currency"],
            "languages": tuple(row["languages"]),
            "partners": partners,
            "seasons": seasons,
        },
        context={"defer_checks": True},
    )


def season_of(city: City, season_id: str) -> Season:
    """The season, or a :class:`StoreError` listing the known ones."""
    season = city.season(season_id)
    if season is None:
        known = ", ".join(s.id for s in city.seasons) or "none"
        raise StoreError(f"no season {season_id!r} in {city.id} (known: {known})")
    return season


def get_application(conn: Connection, city: str, app_id: str) -> Application | None:
    apps = table(t.ApplicationRow)
    row = (
        conn.execute(select(apps).where(apps.c.city_id == city, apps.c.id == app_id))
        .mappings()
        .first()
    )
    return application_from(row) if row else None


def save_application(conn: Connection, app: Application, *, new: bool) -> None:
    apps = table(t.ApplicationRow)
    values = application_row(app)
    if new:
        conn.execute(insert(apps).values(**values))
    else:
        conn.execute(
            update(apps).where(apps.c.city_id == app.city, apps.c.id == app.id).values(**values)
        )


def get_pilot(conn: Connection, city: str, pilot_id: str) -> Pilot | None:
    pilots = table(t.PilotRow)
    row = (
        conn.execute(select(pilots).where(pilots.c.city_id == city, pilots.c.id == pilot_id))
        .mappings()
        .first()
    )
    return pilot_from(row) if row else None


def save_pilot(conn: Connection, pilot: Pilot, *, new: bool) -> None:
    pilots = table(t.PilotRow)
    values = pilot_row(pilot)
    if new:
        conn.execute(insert(pilots).values(**values))
    else:
        conn.execute(
            update(pilots)
            .where(pilots.c.city_id == pilot.city, pilots.c.id == pilot.id)
            .values(**values)
        )


def get_person(conn: Connection, city: str, person_id: str) -> Person | None:
    people = table(t.PersonRow)
    row = (
        conn.execute(select(people).where(people.c.city_id == city, people.c.id == person_id))
        .mappings()
        .first()
    )
    return person_from(row) if row else None


def get_assessor(conn: Connection, city: str, reviewer_id: str) -> Assessor | None:
    reviewers, conflicts = table(t.AssessorRow), table(t.AssessorConflictRow)
    row = (
        conn.execute(
            select(reviewers).where(reviewers.c.city_id == city, reviewers.c.id == reviewer_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    partners = conn.execute(
        select(conflicts.c.partner_id)
        .where(conflicts.c.city_id == city, conflicts.c.reviewer_id == reviewer_id)
        .order_by(conflicts.c.partner_id)
    ).scalars()
    return Assessor(id=row["id"], city=city, employer=row["employer_id"], conflicts=tuple(partners))


def add_events(conn: Connection, events: list[AuditEvent]) -> None:
    """Append audit events, in order."""
    if events:
        conn.execute(insert(table(t.AuditEventRow)), [event_row(e) for e in events])


def list_events(conn: Connection, city: str | None = None) -> list[AuditEvent]:
    """The audit trail (of one city, or all), oldest first."""
    events = table(t.AuditEventRow)
    query = select(events).order_by(events.c.seq)
    if city is not None:
        query = query.where(events.c.city_id == city)
    return [event_from(r) for r in conn.execute(query).mappings()]


@dataclass(frozen=True, slots=True)
class ApplicationFacts:
    """An application as a release needs it: who, which challenge and theme, which state."""

    id: str
    challenge: str
    theme: str
    startup: str
    status: ApplicationStatus


@dataclass(frozen=True, slots=True)
class PilotFacts:
    """A pilot as a release needs it, with its KPI measurements and contract values."""

    id: str
    application: str
    challenge: str
    theme: str
    startup: str
    status: PilotStatus
    outcome: Outcome | None
    started_on: date | None
    completed_on: date | None
    closed_on: date | None
    measurements: tuple[KpiMeasurement, ...]
    contracts: tuple[ContractValue, ...]


@dataclass(frozen=True, slots=True)
class SeasonRecords:
    """Everything a release of one city and season is built from."""

    city: str
    season: str
    currency: str
    phases: tuple[PhaseSpan, ...]
    challenges: tuple[Challenge, ...]
    applications: tuple[ApplicationFacts, ...]
    pilots: tuple[PilotFacts, ...]
    sponsorships: tuple[Sponsorship, ...]


def season_records(conn: Connection, city_id: str, season_id: str) -> SeasonRecords:
    """The read model of one city and season (see :class:`SeasonRecords`)."""
    city = load_city(conn, city_id)
    season = season_of(city, season_id)
    season_id = season.id
    themes = {ch.id: ch.theme for ch in season.challenges}
    apps_t, pilots_t = table(t.ApplicationRow), table(t.PilotRow)
    apps = [
        application_from(r)
        for r in conn.execute(
            select(apps_t)
            .where(apps_t.c.city_id == city_id, apps_t.c.season_id == season_id)
            .order_by(apps_t.c.id)
        ).mappings()
    ]
    by_id = {a.id: a for a in apps}
    measures: dict[str, list[KpiMeasurement]] = defaultdict(list)
    m_t = table(t.KpiMeasurementRow)
    for r in conn.execute(
        select(m_t)
        .join(pilots_t, and_(pilots_t.c.city_id == m_t.c.city_id, pilots_t.c.id == m_t.c.pilot_id))
        .where(pilots_t.c.city_id == city_id, pilots_t.c.season_id == season_id)
        .order_by(m_t.c.pilot_id, m_t.c.indicator, m_t.c.measured_on)
    ).mappings():
        measures[r["pilot_id"]].append(measurement_from(r))
    contracts: dict[str, list[ContractValue]] = defaultdict(list)
    c_t = table(t.ContractValueRow)
    for r in conn.execute(
        select(c_t)
        .join(pilots_t, and_(pilots_t.c.city_id == c_t.c.city_id, pilots_t.c.id == c_t.c.pilot_id))
        .where(pilots_t.c.city_id == city_id, pilots_t.c.season_id == season_id)
        .order_by(c_t.c.pilot_id, c_t.c.partner_id)
    ).mappings():
        contracts[r["pilot_id"]].append(contract_from(r))
    pilots = []
    for r in conn.execute(
        select(pilots_t)
        .where(pilots_t.c.city_id == city_id, pilots_t.c.season_id == season_id)
        .order_by(pilots_t.c.id)
    ).mappings():
        pilot = pilot_from(r)
        app = by_id[pilot.application]
        pilots.append(
            PilotFacts(
                id=pilot.id,
                application=app.id,
                challenge=app.challenge,
                theme=themes[app.challenge],
                startup=app.startup,
                status=pilot.status,
                outcome=pilot.outcome,
                started_on=pilot.started_on,
                completed_on=pilot.completed_on,
                closed_on=pilot.closed_on,
                measurements=tuple(measures[pilot.id]),
                contracts=tuple(contracts[pilot.id]),
            )
        )
    s_t = table(t.SponsorshipRow)
    sponsorships = tuple(
        sponsorship_from(r)
        for r in conn.execute(
            select(s_t)
            .where(s_t.c.city_id == city_id, s_t.c.season_id == season_id)
            .order_by(s_t.c.partner_id)
        ).mappings()
    )
    return SeasonRecords(
        city=city_id,
        season=season.id,
        currency=city.currency,
        phases=season.timeline(),
        challenges=season.challenges,
        applications=tuple(
            ApplicationFacts(a.id, a.challenge, themes[a.challenge], a.startup, a.status)
            for a in apps
        ),
        pilots=tuple(pilots),
        sponsorships=sponsorships,
    )
