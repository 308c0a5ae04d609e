"""Use cases over the programme records, with keyword-only arguments.

Every function takes the store as ``db``, an ``Engine`` the caller opened (the command line
opens it once per command, from ``--db`` or ``$DATACITY_DB``), and runs in one transaction: on any error nothing is
written. The rules live in the pure core (:mod:`datacity_federation.domain.lifecycle`,
:mod:`datacity_federation.domain.ranking`); this module loads, checks, writes, and appends the
audit events in the same transaction. ``at`` (when) defaults to now; ``on`` (the day in the
city, which decides the season's phase) defaults to ``at`` in the city's time zone.

Start-ups: the city files declare a few; the others are registered in the records
(:func:`register_startup`, or an applications import naming an unknown start-up with its name).
They are partners of kind ``startup`` with source ``records``, which ``db sync-config`` keeps.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from datacity_federation.domain import lifecycle
from datacity_federation.domain.city import City
from datacity_federation.domain.records import (
    Application,
    AuditEvent,
    AuditKind,
    Pilot,
)
from datacity_federation.domain.vocab import (
    ApplicationStatus,
    Outcome,
    PartnerKind,
    PilotStatus,
)
from datacity_federation.errors import DomainError, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from datacity_federation._store.config_sync import SyncReport

__all__ = [
    "city_of",
    "audit_log",
    "erase_person",
    "move_application",
    "move_pilot",
    "record_application",
    "record_pilot",
    "register_startup",
    "sync_config",
    "upgrade_database",
    "upsert_person",
    "when",
]


def upgrade_database(*, db: Engine, target: str = "head") -> tuple[str | None, str | None]:
    """Migrate the database to ``target``; return the revisions before and after."""
    from sqlalchemy.exc import SQLAlchemyError

    from datacity_federation._store.migrate import current_revision, upgrade

    engine = db
    try:
        with engine.connect() as conn:
            before = current_revision(conn)
        upgrade(engine, target)
        with engine.connect() as conn:
            after = current_revision(conn)
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        first = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise StoreError(f"{where}: {first}") from None
    return before, after


def when(city: City, at: datetime | None, on: date | None) -> tuple[datetime, date]:
    """``at`` (default: now) and the day it is in the city (``on`` when given)."""
    moment = at if at is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        raise DomainError("at: give an aware datetime (with a time zone)")
    day = on if on is not None else moment.astimezone(ZoneInfo(city.timezone)).date()
    return moment, day


def city_of(conn: Connection, city: str) -> City:
    """The city as stored (raises naming ``db sync-config`` when it is not there)."""
    from datacity_federation._store.repository import load_city

    return load_city(conn, city)


def sync_config(
    *,
    db: Engine,
    cities_dir: str | Path,
    by: str,
    at: datetime | None = None,
) -> dict[str, SyncReport]:
    """Upsert every city of the federation folder into the store (idempotent); one transaction."""
    from datacity_federation._config.loader import load_federation
    from datacity_federation._store.config_sync import sync_city
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import add_events

    federation = load_federation(cities_dir)
    moment = at or datetime.now(UTC)
    reports: dict[str, SyncReport] = {}
    with transaction(db) as conn:
        for city in federation.cities:
            report = sync_city(conn, city)
            reports[city.id] = report
            if report.changes:
                event = lifecycle.note(
                    AuditKind.CONFIG,
                    city=city.id,
                    record=city.id,
                    to="synced",
                    at=moment,
                    by=by,
                    why=report.summary(),
                )
                add_events(conn, [event])
    return reports


def register_startup(
    *,
    db: Engine,
    city: str,
    startup: str,
    name: str,
    website: str | None = None,
    by: str,
    at: datetime | None = None,
) -> None:
    """Register a start-up (a partner of kind ``startup``) without editing the city file."""
    from datacity_federation._store.engine import transaction

    with transaction(db) as conn:
        found = city_of(conn, city)
        moment, _ = when(found, at, None)
        register_startup_on(conn, found, startup, name, website, moment, by)


def register_startup_on(
    conn: Connection,
    city: City,
    startup: str,
    name: str,
    website: str | None,
    at: datetime,
    by: str,
) -> None:
    from sqlalchemy import insert

    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import table
    from datacity_federation._store.repository import add_events
    from datacity_federation.domain.city import Partner

    if city.partner(startup) is not None:
        raise StoreError(f"{city.id}: partner {startup!r} already exists")
    partner = Partner(
        id=startup, kind=PartnerKind.STARTUP, name={city.default_language: name}, website=website
    )
    conn.execute(
        insert(table(t.PartnerRow)).values(
            city_id=city.id,
            id=partner.id,
            kind=partner.kind.value,
            name=dict(partner.name),
            website=partner.website,
            contacts=[],
            source="records",
        )
    )
    add_events(
        conn,
        [
            lifecycle.note(
                AuditKind.STARTUP, city=city.id, record=startup, to="registered", at=at, by=by
            )
        ],
    )


def upsert_person(
    conn: Connection, city: str, person: str, name: str | None, email: str | None
) -> None:
    from sqlalchemy import insert, update

    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import person_row, table
    from datacity_federation._store.repository import get_person
    from datacity_federation.domain.records import Person

    checked = Person(id=person, name=name, email=email)
    people = table(t.PersonRow)
    have = get_person(conn, city, person)
    if have is None:
        conn.execute(insert(people).values(**person_row(checked, city)))
    elif (name or email) and (have.name, have.email) != (name, email):
        where = (people.c.city_id == city) & (people.c.id == person)
        conn.execute(update(people).where(where).values(name=name, email=email, erased_on=None))


def record_application(
    *,
    db: Engine,
    city: str,
    application: str,
    challenge: str,
    startup: str,
    language: str,
    status: ApplicationStatus = ApplicationStatus.DRAFT,
    proposal: str | None = None,
    contact: str | None = None,
    contact_name: str | None = None,
    contact_email: str | None = None,
    by: str,
    at: datetime | None = None,
    on: date | None = None,
    override: str | None = None,
) -> Application:
    """Record a new application (draft or submitted) to a challenge, during the call."""
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import add_events, get_application, save_application

    with transaction(db) as conn:
        found = city_of(conn, city)
        moment, day = when(found, at, on)
        season = next(
            (s for s in found.seasons if any(c.id == challenge for c in s.challenges)), None
        )
        if season is None:
            raise StoreError(f"{city}: unknown challenge {challenge!r}")
        partner = found.partner(startup)
        if partner is None or partner.kind is not PartnerKind.STARTUP:
            raise StoreError(
                f"{city}: {startup!r} is not a registered start-up (register_startup first)"
            )
        if get_application(conn, city, application) is not None:
            raise StoreError(f"{city}: application {application!r} already exists")
        if contact is not None:
            upsert_person(conn, city, contact, contact_name, contact_email)
        app = Application(
            id=application,
            city=city,
            season=season.id,
            challenge=challenge,
            startup=startup,
            status=status,
            language=language,
            proposal=proposal,
            contact=contact,
            submitted_on=day if status is ApplicationStatus.SUBMITTED else None,
        )
        app, event = lifecycle.create_application(
            app, season=season, on=day, at=moment, by=by, override=override
        )
        save_application(conn, app, new=True)
        add_events(conn, [event])
    return app


def move_application(
    *,
    db: Engine,
    city: str,
    application: str,
    to: ApplicationStatus,
    by: str,
    why: str = "",
    at: datetime | None = None,
    on: date | None = None,
    override: str | None = None,
) -> Application:
    """Move an application along its flow (checked against the season's phase on ``on``)."""
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import (
        add_events,
        get_application,
        save_application,
        season_of,
    )

    with transaction(db) as conn:
        found = city_of(conn, city)
        moment, day = when(found, at, on)
        app = get_application(conn, city, application)
        if app is None:
            raise StoreError(f"{city}: no application {application!r}")
        moved, event = lifecycle.transition_application(
            app,
            to,
            season=season_of(found, app.season),
            on=day,
            at=moment,
            by=by,
            why=why,
            override=override,
        )
        save_application(conn, moved, new=False)
        add_events(conn, [event])
        _mark(conn, found, moved.season, AuditKind.APPLICATION, moved.status.value, day, moment, by)
    return moved


def record_pilot(
    *,
    db: Engine,
    city: str,
    pilot: str,
    application: str,
    by: str,
    at: datetime | None = None,
    on: date | None = None,
    override: str | None = None,
) -> Pilot:
    """Plan a pilot for a selected application."""
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import (
        add_events,
        get_application,
        get_pilot,
        save_pilot,
        season_of,
    )

    with transaction(db) as conn:
        found = city_of(conn, city)
        moment, day = when(found, at, on)
        app = get_application(conn, city, application)
        if app is None:
            raise StoreError(f"{city}: no application {application!r}")
        if get_pilot(conn, city, pilot) is not None:
            raise StoreError(f"{city}: pilot {pilot!r} already exists")
        new = Pilot(id=pilot, city=city, season=app.season, application=app.id)
        new, event = lifecycle.create_pilot(
            new,
            app,
            season=season_of(found, app.season),
            on=day,
            at=moment,
            by=by,
            override=override,
        )
        save_pilot(conn, new, new=True)
        add_events(conn, [event])
    return new


def move_pilot(
    *,
    db: Engine,
    city: str,
    pilot: str,
    to: PilotStatus,
    outcome: Outcome | None = None,
    by: str,
    why: str = "",
    at: datetime | None = None,
    on: date | None = None,
    override: str | None = None,
) -> Pilot:
    """Move a pilot along its flow; closing it records its outcome."""
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import add_events, get_pilot, save_pilot, season_of

    with transaction(db) as conn:
        found = city_of(conn, city)
        moment, day = when(found, at, on)
        current = get_pilot(conn, city, pilot)
        if current is None:
            raise StoreError(f"{city}: no pilot {pilot!r}")
        moved, event = lifecycle.transition_pilot(
            current,
            to,
            season=season_of(found, current.season),
            on=day,
            at=moment,
            by=by,
            outcome=outcome,
            why=why,
            override=override,
        )
        save_pilot(conn, moved, new=False)
        add_events(conn, [event])
        _mark(conn, found, moved.season, AuditKind.PILOT, moved.status.value, day, moment, by)
    return moved


def _mark(
    conn: Connection, city: City, season: str, kind: AuditKind, to: str, on: date,
    at: datetime, by: str,
) -> None:  # fmt: skip
    """Let the lifecycle mark the end of a phase the move closes (the call, the experimentation)."""
    from datacity_federation._services.phase_dates import mark_phase_end
    from datacity_federation._store.repository import season_of

    mark_phase_end(
        conn, city=city, season=season_of(city, season), kind=kind, to=to, on=on, at=at, by=by
    )


def erase_person(
    *,
    db: Engine,
    person: str,
    city: str | None = None,
    by: str,
    why: str = "erasure requested by the person",
    at: datetime | None = None,
) -> dict[str, int]:
    """Erase a person's personal data (GDPR): name, e-mail, the proposals they are the contact
    of and the comments they wrote as a reviewer. Records and counts stay; the erasure is in the
    audit log. Which fields hold a person's words is declared by each record kind
    (``records_kinds``). Returns how many records were blanked, per kind of field."""
    from sqlalchemy import or_, select, update

    from datacity_federation._services.records_kinds import RECORD_KINDS
    from datacity_federation._store import tables as t
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.mapping import table
    from datacity_federation._store.repository import add_events

    people = table(t.PersonRow)
    erasures = [e for kind in RECORD_KINDS.values() for e in kind.erasure]
    moment = at or datetime.now(UTC)
    counts = {"people": 0, **{e.counted_as: 0 for e in erasures}}
    with transaction(db) as conn:
        query = select(people.c.city_id).where(people.c.id == person)
        if city is not None:
            query = query.where(people.c.city_id == city)
        cities = sorted(conn.execute(query).scalars())
        if not cities:
            where = f" in {city}" if city else ""
            raise StoreError(f"no person {person!r}{where} in the records")
        for cid in cities:
            day = moment.astimezone(ZoneInfo(city_of(conn, cid).timezone)).date()
            conn.execute(
                update(people)
                .where(people.c.city_id == cid, people.c.id == person)
                .values(name=None, email=None, erased_on=day)
            )
            counts["people"] += 1
            for e in erasures:  # every kind's fields that hold the person's words
                tbl = t.metadata.tables[e.table]
                counts[e.counted_as] += conn.execute(
                    update(tbl)
                    .where(
                        tbl.c.city_id == cid,
                        tbl.c[e.person] == person,
                        or_(*(tbl.c[f].is_not(None) for f in e.fields)),
                    )
                    .values(dict.fromkeys(e.fields))
                ).rowcount
            add_events(
                conn,
                [
                    lifecycle.note(
                        AuditKind.PERSON,
                        city=cid,
                        record=person,
                        to="erased",
                        at=moment,
                        by=by,
                        why=why,
                    )
                ],
            )
    return counts


def audit_log(*, db: Engine, city: str | None = None) -> list[AuditEvent]:
    """The audit trail, oldest first."""
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import list_events

    with transaction(db) as conn:
        return list_events(conn, city)
