"""Programme records: what happens in a season, from applications to pilot outcomes.

Rule header: records are pure values (frozen pydantic models); they change only through the
transition functions of :mod:`datacity_federation.domain.lifecycle`, which also return the
:class:`AuditEvent` describing the change. Money is an exact :class:`~decimal.Decimal` (at most
four decimal places, never negative) in the city's currency. Fields holding personal data
(names, e-mail addresses, proposal and comment texts) carry ``x-personal-data`` in their JSON
Schema: they never leave the city and :func:`erase_person` style operations blank them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from datacity_federation.domain.base import (
    RECORD_ID_PATTERN,
    Code,
    CurrencyCode,
    DomainModel,
    Email,
    LanguageTag,
    Slug,
)
from datacity_federation.domain.vocab import ApplicationStatus, Outcome, PilotStatus

__all__ = [
    "AMOUNT_PLACES",
    "Amount",
    "Application",
    "Assessment",
    "Assessor",
    "AuditEvent",
    "AuditKind",
    "ContractValue",
    "KpiMeasurement",
    "Measure",
    "PERSONAL",
    "Person",
    "Pilot",
    "RECORD_ID_PATTERN",
    "Recommendation",
    "RecordId",
    "Score",
    "Sponsorship",
    "personal_fields",
]

PERSONAL: dict[str, Any] = {"x-personal-data": True}
"""JSON Schema marker of a field holding personal data."""

AMOUNT_PLACES = 4
"""Money keeps at most this many decimal places (enough for every ISO 4217 currency)."""

RecordId = Annotated[
    str,
    StringConstraints(pattern=RECORD_ID_PATTERN),
    Field(description="Identifier of a record within its city: letters, digits, '.', '_', '-'."),
]


def _exact_money(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite amount")
    if value < 0:
        raise ValueError("must not be negative")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -AMOUNT_PLACES:
        raise ValueError(f"at most {AMOUNT_PLACES} decimal places")
    return value


Amount = Annotated[Decimal, AfterValidator(_exact_money)]
"""An exact, non-negative amount of money with at most four decimal places."""

PersonalText = Annotated[str | None, Field(json_schema_extra=PERSONAL)]
Score = Annotated[int, Field(ge=0, le=100)]
"""A reviewer's score for one criterion."""


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    return value


Measure = Annotated[Decimal, AfterValidator(_finite)]
"""A measured value: an exact, finite decimal."""
PersonalEmail = Annotated[Email | None, Field(json_schema_extra=PERSONAL)]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("give a time zone (an aware datetime)")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


class Recommendation(StrEnum):
    """What a reviewer recommends for an application."""

    SELECT = "select"
    SHORTLIST = "shortlist"
    REJECT = "reject"
    ABSTAIN = "abstain"


class AuditKind(StrEnum):
    """What an audit event is about."""

    APPLICATION = "application"
    PILOT = "pilot"
    REVIEW = "review"
    STARTUP = "startup"
    REVIEWER = "reviewer"
    SPONSORSHIP = "sponsorship"
    CONTRACT = "contract"
    MEASUREMENT = "measurement"
    PERSON = "person"
    CONFIG = "config"
    PHASE = "phase"
    """An actual phase date of a season (``record``: ``season/phase``)."""


class Person(DomainModel):
    """Someone the records name: an applicant's contact or a reviewer. Personal data."""

    id: RecordId
    """Stable identifier (given by the form tool, or derived from the e-mail address)."""
    name: PersonalText = None
    """Full name (personal data; empty once erased)."""
    email: PersonalEmail = None
    """E-mail address (personal data; empty once erased)."""
    erased_on: date | None = None
    """The day the person's personal data was erased on request, if it was."""


class Application(DomainModel):
    """A start-up's application to a challenge of a season."""

    id: RecordId
    """Identifier of the application within the city."""
    city: Slug
    """The city."""
    season: Slug
    """The season the challenge belongs to."""
    challenge: Slug
    """The challenge applied to."""
    startup: Slug
    """The applying start-up: a partner of kind ``startup``."""
    status: ApplicationStatus = ApplicationStatus.DRAFT
    """Where the application stands."""
    language: LanguageTag
    """Language the proposal is written in."""
    proposal: PersonalText = None
    """Free-text proposal (personal and confidential: it never leaves the city)."""
    contact: RecordId | None = None
    """The person to talk to about it (a :class:`Person` id)."""
    submitted_on: date | None = None
    """Day the application was submitted."""


class Assessor(DomainModel):
    """A person who scores applications, and the partners they declared a conflict with."""

    id: RecordId
    """Identifier of the reviewer (also their :class:`Person` id)."""
    city: Slug
    """The city."""
    employer: Slug | None = None
    """The partner the reviewer works for, if any."""
    conflicts: tuple[Slug, ...] = ()
    """Partners the reviewer declared a conflict of interest with (start-ups they are linked to)."""

    def conflicted_with(self, startup: str) -> bool:
        """Whether the reviewer may not review an application of ``startup``."""
        return startup == self.employer or startup in self.conflicts


class Assessment(DomainModel):
    """One reviewer's scores of one application, per rubric criterion."""

    city: Slug
    """The city."""
    application: RecordId
    """The reviewed application."""
    reviewer: RecordId
    """The reviewer."""
    scores: dict[Code, Score]
    """Score per criterion code of the challenge's rubric."""
    recommendation: Recommendation
    """What the reviewer recommends."""
    reviewed_on: date
    """Day of the review."""
    comment: PersonalText = None
    """Free-text comment (personal and confidential)."""

    @field_validator("scores")
    @classmethod
    def _some_scores(cls, value: dict[str, int]) -> dict[str, int]:
        if not value:
            raise ValueError("give at least one score")
        return value


class Pilot(DomainModel):
    """A field experimentation run by a selected application."""

    id: RecordId
    """Identifier of the pilot within the city."""
    city: Slug
    """The city."""
    season: Slug
    """The season."""
    application: RecordId
    """The selected application the pilot comes from."""
    status: PilotStatus = PilotStatus.PLANNED
    """Where the pilot stands."""
    outcome: Outcome | None = None
    """How it ended; set when, and only when, the pilot is closed."""
    started_on: date | None = None
    """First day in the field."""
    completed_on: date | None = None
    """Last day in the field."""
    closed_on: date | None = None
    """Day the outcome was recorded."""

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.status is PilotStatus.CLOSED) != (self.outcome is not None):
            raise ValueError("a pilot has an outcome exactly when it is closed")
        if self.started_on and self.completed_on and self.completed_on < self.started_on:
            raise ValueError("completed_on is before started_on")
        if self.completed_on and self.closed_on and self.closed_on < self.completed_on:
            raise ValueError("closed_on is before completed_on")
        return self


class KpiMeasurement(DomainModel):
    """One measurement of a challenge KPI during a pilot."""

    city: Slug
    """The city."""
    pilot: RecordId
    """The measured pilot."""
    indicator: Code
    """A KPI indicator of the pilot's challenge."""
    measured_on: date
    """Day of the measurement."""
    baseline: Measure
    """The value before the pilot, at the measured place."""
    value: Measure
    """The measured value."""


class Sponsorship(DomainModel):
    """What a corporate partner gives to fund a season."""

    city: Slug
    """The city."""
    season: Slug
    """The funded season."""
    partner: Slug
    """The sponsoring partner."""
    amount: Amount
    """Exact amount in the city's currency."""
    currency: CurrencyCode
    """ISO 4217 code; always the city's currency."""
    signed_on: date | None = None
    """Day the sponsorship was agreed."""


class ContractValue(DomainModel):
    """The value of a contract (or joint offer) a pilot led to, per contracting partner."""

    city: Slug
    """The city."""
    pilot: RecordId
    """The pilot the contract came from."""
    partner: Slug
    """The contracting partner (the city or a company)."""
    amount: Amount
    """Exact amount in the city's currency."""
    currency: CurrencyCode
    """ISO 4217 code; always the city's currency."""
    signed_on: date | None = None
    """Day the contract was signed."""


class AuditEvent(DomainModel):
    """Who changed what, when, from which state to which, and why."""

    city: Slug
    """The city."""
    kind: AuditKind
    """What kind of record changed."""
    record: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    """Identifier of the changed record (``application/reviewer`` for a review)."""
    from_state: str | None
    """State before; ``None`` when the record was created."""
    to_state: str
    """State after (for records without a lifecycle: ``recorded``, ``updated``, ``erased``)."""
    at: AwareDatetime
    """When it happened."""
    by: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    """Who did it."""
    why: str = ""
    """Reason given (always set for an override of the season's timeline)."""
    override: bool = False
    """Whether the season's timeline was overridden."""


def personal_fields(model: type[DomainModel]) -> tuple[str, ...]:
    """Names of the fields of ``model`` marked as personal data."""
    found = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get("x-personal-data"):
            found.append(name)
    return tuple(found)
