"""Use cases over pilot results and money: KPI measurements, sponsorships, contract values.

Keyword-only, one transaction per call, like :mod:`datacity_federation._services.records`.
Money is an exact :class:`~decimal.Decimal` in the city's currency (never negative, at most four
decimal places); the currency is always the city's.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from datacity_federation._services.records import city_of, when
from datacity_federation.domain import lifecycle
from datacity_federation.domain.records import (
    AuditKind,
    ContractValue,
    KpiMeasurement,
    Pilot,
    Sponsorship,
)
from datacity_federation.domain.vocab import Outcome, PartnerKind, PilotStatus
from datacity_federation.errors import DomainError, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = [
    "contract_problem",
    "record_contract_value",
    "record_measurement",
    "record_sponsorship",
]


def contract_problem(pilot: Pilot) -> str | None:
    """Why ``pilot`` cannot have a contract value; ``None`` when it can (the CSV import and
    :func:`record_contract_value` give the same reason)."""
    if pilot.outcome in (Outcome.CONTRACT, Outcome.JOINT_OFFER):
        return None
    state = pilot.outcome.value if pilot.outcome else pilot.status.value
    return f"pilot {pilot.id} is {state}: only a contract or a joint offer has a value"


def record_measurement(
    *,
    db: Engine,
    city: str,
    pilot: str,
    indicator: str,
    value: Decimal,
    measured_on: date,
    baseline: Decimal | None = None,
    by: str,
    at: datetime | None = None,
) -> KpiMeasurement:
    """Record a KPI measurement of a running (or finished) pilot; baseline defaults to the KPI's."""
    from sqlalchemy import insert

    from datacity_federation._store import tables as t
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.mapping import measurement_row, table
    from datacity_federation._store.repository import add_events, get_application, get_pilot

    with transaction(db) as conn:
        found = city_of(conn, city)
        moment, _ = when(found, at, None)
        current = get_pilot(conn, city, pilot)
        if current is None:
            raise StoreError(f"{city}: no pilot {pilot!r}")
        if current.status is PilotStatus.PLANNED:
            raise DomainError(f"pilot {pilot} has not started: nothing to measure yet")
        app = get_application(conn, city, current.application)
        assert app is not None  # a foreign key holds it
        challenge = next(c for s in found.seasons for c in s.challenges if c.id == app.challenge)
        kpi = next((k for k in challenge.kpis if k.indicator == indicator), None)
        if kpi is None:
            known = ", ".join(k.indicator for k in challenge.kpis) or "none"
            raise DomainError(f"{indicator!r} is not a KPI of challenge {challenge.id} ({known})")
        measurement = KpiMeasurement(
            city=city,
            pilot=pilot,
            indicator=indicator,
            measured_on=measured_on,
            baseline=kpi.baseline if baseline is None else baseline,
            value=value,
        )
        conn.execute(
            insert(table(t.KpiMeasurementRow)).values(**measurement_row(measurement, challenge.id))
        )
        record = f"{pilot}/{indicator}/{measured_on.isoformat()}"
        add_events(
            conn,
            [
                lifecycle.note(
                    AuditKind.MEASUREMENT, city=city, record=record, to="recorded", at=moment, by=by
                )
            ],
        )
    return measurement


def record_sponsorship(
    *,
    db: Engine,
    city: str,
    season: str,
    partner: str,
    amount: Decimal,
    signed_on: date | None = None,
    by: str,
    at: datetime | None = None,
) -> Sponsorship:
    """Record (or replace) what a partner gives to fund a season, in the city's currency."""
    from sqlalchemy import delete, insert

    from datacity_federation._store import tables as t
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.mapping import sponsorship_row, table
    from datacity_federation._store.repository import add_events, season_of

    with transaction(db) as conn:
        found = city_of(conn, city)
        moment, _ = when(found, at, None)
        season_of(found, season)
        sponsor = found.partner(partner)
        if sponsor is None or sponsor.kind is PartnerKind.STARTUP:
            raise DomainError(f"{city}: {partner!r} is not a partner that can sponsor a season")
        item = Sponsorship(
            city=city,
            season=season,
            partner=partner,
            amount=amount,
            currency=found.currency,
            signed_on=signed_on,
        )
        rows = table(t.SponsorshipRow)
        gone = conn.execute(
            delete(rows).where(
                rows.c.city_id == city, rows.c.season_id == season, rows.c.partner_id == partner
            )
        ).rowcount
        conn.execute(insert(rows).values(**sponsorship_row(item)))
        event = lifecycle.note(
            AuditKind.SPONSORSHIP,
            city=city,
            record=f"{season}/{partner}",
            to="updated" if gone else "recorded",
            before="recorded" if gone else None,
            at=moment,
            by=by,
        )
        add_events(conn, [event])
    return item


def record_contract_value(
    *,
    db: Engine,
    city: str,
    pilot: str,
    partner: str,
    amount: Decimal,
    signed_on: date | None = None,
    by: str,
    at: datetime | None = None,
) -> ContractValue:
    """Record the value of the contract (or joint offer) a closed pilot led to, per partner."""
    from sqlalchemy import insert

    from datacity_federation._store import tables as t
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.mapping import contract_row, table
    from datacity_federation._store.repository import add_events, get_pilot

    with transaction(db) as conn:
        found = city_of(conn, city)
        moment, _ = when(found, at, None)
        current = get_pilot(conn, city, pilot)
        if current is None:
            raise StoreError(f"{city}: no pilot {pilot!r}")
        problem = contract_problem(current)
        if problem is not None:
            raise DomainError(problem)
        if found.partner(partner) is None:
            raise StoreError(f"{city}: unknown partner {partner!r}")
        item = ContractValue(
            city=city,
            pilot=pilot,
            partner=partner,
            amount=amount,
            currency=found.currency,
            signed_on=signed_on,
        )
        conn.execute(insert(table(t.ContractValueRow)).values(**contract_row(item)))
        add_events(
            conn,
            [
                lifecycle.note(
                    AuditKind.CONTRACT,
                    city=city,
                    record=f"{pilot}/{partner}",
                    to="recorded",
                    at=moment,
                    by=by,
                )
            ],
        )
    return item
