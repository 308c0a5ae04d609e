"""Explicit mapping between table rows and domain models, both ways.

Rule header: ``*_row`` functions turn a domain model into the column values of its table (a
plain ``dict``, ready for a Core ``insert``/``update``); ``*_from`` functions turn a row mapping
back into a validated domain model. Money crosses as an exact integer of ten-thousandths; exact
decimals that are not money cross as canonical text; aware datetimes are stored in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table

from datacity_federation.domain.records import (
    AMOUNT_PLACES,
    Application,
    AuditEvent,
    ContractValue,
    KpiMeasurement,
    Person,
    Pilot,
    Sponsorship,
)
from datacity_federation.errors import StoreError

__all__ = [
    "amount_from_e4",
    "amount_to_e4",
    "application_from",
    "application_row",
    "contract_from",
    "contract_row",
    "decimal_text",
    "event_from",
    "event_row",
    "measurement_from",
    "measurement_row",
    "person_from",
    "person_row",
    "pilot_from",
    "pilot_row",
    "sponsorship_from",
    "sponsorship_row",
    "table",
    "utc",
]

Row = Mapping[Any, Any]
_E4 = Decimal(10) ** AMOUNT_PLACES


def table(model: type[Any]) -> Table:
    """The Core ``Table`` of a SQLModel table class."""
    return cast(Table, model.__table__)


def amount_to_e4(amount: Decimal) -> int:
    """Exact money -> integer ten-thousandths (refuses anything that would be rounded)."""
    scaled = amount * _E4
    if scaled != scaled.to_integral_value():
        raise StoreError(f"amount {amount} has more than {AMOUNT_PLACES} decimal places")
    return int(scaled)


def amount_from_e4(value: int) -> Decimal:
    """Integer ten-thousandths -> exact money, without trailing zeros beyond the cents."""
    amount = Decimal(value) / _E4
    return (
        amount.quantize(Decimal("0.01")) if amount == amount.quantize(Decimal("0.01")) else amount
    )


def decimal_text(value: Decimal) -> str:
    """A decimal as canonical text that reads back equal (``Decimal(text) == value``)."""
    return str(value)


def utc(value: datetime) -> datetime:
    """An aware datetime in UTC; a naive one read back from SQLite is UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def person_row(person: Person, city: str) -> dict[str, Any]:
    return {
        "city_id": city,
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "erased_on": person.erased_on,
    }


def person_from(row: Row) -> Person:
    return Person(id=row["id"], name=row["name"], email=row["email"], erased_on=row["erased_on"])


def application_row(app: Application) -> dict[str, Any]:
    return {
        "city_id": app.city,
        "id": app.id,
        "season_id": app.season,
        "challenge_id": app.challenge,
        "startup_id": app.startup,
        "status": app.status.value,
        "language": app.language,
        "proposal": app.proposal,
        "contact_id": app.contact,
        "submitted_on": app.submitted_on,
    }


def application_from(row: Row) -> Application:
    return Application(
        id=row["id"],
        city=row["city_id"],
        season=row["season_id"],
        challenge=row["challenge_id"],
        startup=row["startup_id"],
        status=row["status"],
        language=row["language"],
        proposal=row["proposal"],
        contact=row["contact_id"],
        submitted_on=row["submitted_on"],
    )


def pilot_row(pilot: Pilot) -> dict[str, Any]:
    return {
        "city_id": pilot.city,
        "id": pilot.id,
        "season_id": pilot.season,
        "application_id": pilot.application,
        "status": pilot.status.value,
        "outcome": pilot.outcome.value if pilot.outcome else None,
        "started_on": pilot.started_on,
        "completed_on": pilot.completed_on,
        "closed_on": pilot.closed_on,
    }


def pilot_from(row: Row) -> Pilot:
    return Pilot(
        id=row["id"],
        city=row["city_id"],
        season=row["season_id"],
        application=row["application_id"],
        status=row["status"],
        outcome=row["outcome"],
        started_on=row["started_on"],
        completed_on=row["completed_on"],
        closed_on=row["closed_on"],
    )


def measurement_row(m: KpiMeasurement, challenge: str) -> dict[str, Any]:
    return {
        "city_id": m.city,
        "pilot_id": m.pilot,
        "indicator": m.indicator,
        "measured_on": m.measured_on,
        "challenge_id": challenge,
        "baseline": decimal_text(m.baseline),
        "value": decimal_text(m.value),
    }


def measurement_from(row: Row) -> KpiMeasurement:
    return KpiMeasurement(
        city=row["city_id"],
        pilot=row["pilot_id"],
        indicator=row["indicator"],
        measured_on=row["measured_on"],
        baseline=Decimal(row["baseline"]),
        value=Decimal(row["value"]),
    )


def sponsorship_row(s: Sponsorship) -> dict[str, Any]:
    return {
        "city_id": s.city,
        "season_id": s.season,
        "partner_id": s.partner,
        "amount_e4": amount_to_e4(s.amount),
        "currency": s.currency,
        "signed_on": s.signed_on,
    }


def sponsorship_from(row: Row) -> Sponsorship:
    return Sponsorship(
        city=row["city_id"],
        season=row["season_id"],
        partner=row["partner_id"],
        amount=amount_from_e4(row["amount_e4"]),
        currency=row["currency"],
        signed_on=row["signed_on"],
    )


def contract_row(c: ContractValue) -> dict[str, Any]:
    return {
        "city_id": c.city,
        "pilot_id": c.pilot,
        "partner_id": c.partner,
        "amount_e4": amount_to_e4(c.amount),
        "currency": c.currency,
        "signed_on": c.signed_on,
    }


def contract_from(row: Row) -> ContractValue:
    return ContractValue(
        city=row["city_id"],
        pilot=row["pilot_id"],
        partner=row["partner_id"],
        amount=amount_from_e4(row["amount_e4"]),
        currency=row["currency"],
        signed_on=row["signed_on"],
    )


def event_row(event: AuditEvent) -> dict[str, Any]:
    return {
        "city_id": event.city,
        "kind": event.kind.value,
        "record": event.record,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "at": utc(event.at),
        "by": event.by,
        "why": event.why,
        "override": event.override,
    }


def event_from(row: Row) -> AuditEvent:
    return AuditEvent(
        city=row["city_id"],
        kind=row["kind"],
        record=row["record"],
        from_state=row["from_state"],
        to_state=row["to_state"],
        at=utc(row["at"]),
        by=row["by"],
        why=row["why"],
        override=bool(row["override"]),
    )
