"""The SQL tables of the programme records (SQLModel), kept apart from the domain models.

Rule header: these classes are rows, not domain objects (``table=True`` models skip validation);
:mod:`datacity_federation._store.mapping` converts explicitly both ways and validates on the way
into the domain. Every record is keyed by its city (``city_id`` first in every key), so one store
may hold several cities. Vocabulary columns carry CHECK constraints listing the canonical codes;
money is an exact integer count of ten-thousandths (``amount_e4``) with ``>= 0`` checks; exact
decimals that are not money (KPI values, rubric weights) are kept as canonical decimal text.
Changing a table means a new Alembic revision in ``store/migrations/versions`` (docs/records.md).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from datacity_federation.domain.records import AuditKind, Recommendation
from datacity_federation.domain.vocab import (
    ApplicationStatus,
    Outcome,
    PartnerKind,
    Phase,
    PilotStatus,
)

__all__ = [
    "ApplicationRow",
    "AssessmentRow",
    "AssessmentScoreRow",
    "AssessorConflictRow",
    "AssessorRow",
    "AuditEventRow",
    "ChallengeCriterionRow",
    "ChallengeDatasetRow",
    "ChallengeKpiRow",
    "ChallengeOwnerRow",
    "ChallengeRow",
    "CityRow",
    "ContractValueRow",
    "KpiMeasurementRow",
    "PartnerRow",
    "PersonRow",
    "PilotRow",
    "SeasonPhaseDateRow",
    "SeasonPhaseRow",
    "SeasonRow",
    "SponsorshipRow",
    "metadata",
]

metadata: MetaData = SQLModel.metadata
"""The metadata of every table of the package (other areas add theirs to the same object)."""


def _one_of(column: str, values: Any, name: str) -> CheckConstraint:
    # An OR chain, not ``IN (...)``: SQLite rebuilds an IN list's lookup table on every row an
    # executemany inserts, which doubled the cost of a 100,000-row import.
    return CheckConstraint(" OR ".join(f"{column} = '{v.value}'" for v in values), name=name)


def _fk(cols: list[str], table: str, ref: list[str], name: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(cols, [f"{table}.{c}" for c in ref], name=name)


SLUG = 64
RID = 64


class CityRow(SQLModel, table=True):
    __tablename__ = "cities"

    id: str = Field(primary_key=True, max_length=SLUG)
    name: dict[str, str] = Field(sa_type=JSON)
    country: str = Field(max_length=2)
    timezone: str = Field(max_length=64)
    currency: str = Field(max_length=3)
    languages: list[str] = Field(sa_type=JSON)


class PartnerRow(SQLModel, table=True):
    """A partner: from the city file (``source='config'``) or registered in the records."""

    __tablename__ = "partners"
    __table_args__ = (
        _fk(["city_id"], "cities", ["id"], "fk_partners_city"),
        _one_of("kind", PartnerKind, "ck_partners_kind"),
        CheckConstraint("source = 'config' OR source = 'records'", name="ck_partners_source"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    id: str = Field(primary_key=True, max_length=SLUG)
    kind: str = Field(max_length=16)
    name: dict[str, str] = Field(sa_type=JSON)
    website: str | None = Field(default=None, sa_type=Text)
    contacts: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    source: str = Field(default="config", max_length=8)


class SeasonRow(SQLModel, table=True):
    __tablename__ = "seasons"
    __table_args__ = (
        _fk(["city_id"], "cities", ["id"], "fk_seasons_city"),
        UniqueConstraint("city_id", "number", name="uq_seasons_number"),
        CheckConstraint("number >= 1", name="ck_seasons_number"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    id: str = Field(primary_key=True, max_length=SLUG)
    number: int
    start: date
    plan: dict[str, Any] = Field(sa_type=JSON)
    """``durations``, ``phases`` and ``overlaps_previous`` as in the city file."""


class SeasonPhaseRow(SQLModel, table=True):
    """The season's timeline, derived from its plan, for SQL readers (releases, reports)."""

    __tablename__ = "season_phases"
    __table_args__ = (
        _fk(["city_id", "season_id"], "seasons", ["city_id", "id"], "fk_season_phases_season"),
        _one_of("phase", Phase, "ck_season_phases_phase"),
        CheckConstraint("start_on <= end_on", name="ck_season_phases_order"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    season_id: str = Field(primary_key=True, max_length=SLUG)
    phase: str = Field(primary_key=True, max_length=16)
    start_on: date
    end_on: date
    gap_before: bool = False


class SeasonPhaseDateRow(SQLModel, table=True):
    """When a phase of a season actually started and ended (recorded, not derived from the
    plan); either date may be unknown. ``*_source``: ``person`` or ``lifecycle``."""

    __tablename__ = "season_phase_dates"
    __table_args__ = (
        _fk(["city_id", "season_id"], "seasons", ["city_id", "id"], "fk_season_phase_dates_season"),
        _one_of("phase", Phase, "ck_season_phase_dates_phase"),
        CheckConstraint(
            "started_on IS NULL OR ended_on IS NULL OR started_on <= ended_on",
            name="ck_season_phase_dates_order",
        ),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    season_id: str = Field(primary_key=True, max_length=SLUG)
    phase: str = Field(primary_key=True, max_length=16)
    started_on: date | None = None
    ended_on: date | None = None
    start_source: str | None = Field(default=None, max_length=16)
    end_source: str | None = Field(default=None, max_length=16)


class ChallengeRow(SQLModel, table=True):
    __tablename__ = "challenges"
    __table_args__ = (
        _fk(["city_id", "season_id"], "seasons", ["city_id", "id"], "fk_challenges_season"),
        UniqueConstraint("city_id", "season_id", "id", name="uq_challenges_season"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    id: str = Field(primary_key=True, max_length=SLUG)
    season_id: str = Field(max_length=SLUG)
    theme: str = Field(max_length=64)
    title: dict[str, str] = Field(sa_type=JSON)
    summary: dict[str, str] = Field(sa_type=JSON)
    position: int = 0


class ChallengeOwnerRow(SQLModel, table=True):
    __tablename__ = "challenge_owners"
    __table_args__ = (
        _fk(["city_id", "challenge_id"], "challenges", ["city_id", "id"], "fk_owners_challenge"),
        _fk(["city_id", "partner_id"], "partners", ["city_id", "id"], "fk_owners_partner"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    challenge_id: str = Field(primary_key=True, max_length=SLUG)
    partner_id: str = Field(primary_key=True, max_length=SLUG)
    position: int = 0


class ChallengeCriterionRow(SQLModel, table=True):
    __tablename__ = "challenge_criteria"
    __table_args__ = (
        _fk(["city_id", "challenge_id"], "challenges", ["city_id", "id"], "fk_criteria_challenge"),
        CheckConstraint("max_score >= 1", name="ck_criteria_max_score"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    challenge_id: str = Field(primary_key=True, max_length=SLUG)
    code: str = Field(primary_key=True, max_length=64)
    weight: str = Field(max_length=40)
    """Exact decimal as text."""
    max_score: int
    label: dict[str, str] | None = Field(default=None, sa_type=JSON)
    position: int = 0


class ChallengeKpiRow(SQLModel, table=True):
    __tablename__ = "challenge_kpis"
    __table_args__ = (
        _fk(["city_id", "challenge_id"], "challenges", ["city_id", "id"], "fk_kpis_challenge"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    challenge_id: str = Field(primary_key=True, max_length=SLUG)
    indicator: str = Field(primary_key=True, max_length=64)
    unit: str = Field(max_length=32)
    baseline: str = Field(max_length=40)
    target: str = Field(max_length=40)
    label: dict[str, str] | None = Field(default=None, sa_type=JSON)
    position: int = 0


class ChallengeDatasetRow(SQLModel, table=True):
    __tablename__ = "challenge_datasets"
    __table_args__ = (
        _fk(["city_id", "challenge_id"], "challenges", ["city_id", "id"], "fk_datasets_challenge"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    challenge_id: str = Field(primary_key=True, max_length=SLUG)
    portal_id: str = Field(primary_key=True, max_length=SLUG)
    dataset: str = Field(primary_key=True, max_length=200)
    position: int = 0


class PersonRow(SQLModel, table=True):
    """A person named by the records; ``name`` and ``email`` are personal data."""

    __tablename__ = "people"
    __table_args__ = (
        _fk(["city_id"], "cities", ["id"], "fk_people_city"),
        {"sqlite_with_rowid": False},
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    id: str = Field(primary_key=True, max_length=RID)
    name: str | None = Field(default=None, sa_type=Text)
    email: str | None = Field(default=None, sa_type=Text)
    erased_on: date | None = None


class ApplicationRow(SQLModel, table=True):
    __tablename__ = "applications"
    __table_args__ = (
        _fk(
            ["city_id", "season_id", "challenge_id"],
            "challenges",
            ["city_id", "season_id", "id"],
            "fk_applications_challenge",
        ),
        _fk(["city_id", "startup_id"], "partners", ["city_id", "id"], "fk_applications_startup"),
        _fk(["city_id", "contact_id"], "people", ["city_id", "id"], "fk_applications_contact"),
        _one_of("status", ApplicationStatus, "ck_applications_status"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    id: str = Field(primary_key=True, max_length=RID)
    season_id: str = Field(max_length=SLUG)
    challenge_id: str = Field(max_length=SLUG)
    startup_id: str = Field(max_length=SLUG)
    status: str = Field(max_length=16)
    language: str = Field(max_length=35)
    proposal: str | None = Field(default=None, sa_type=Text)
    contact_id: str | None = Field(default=None, max_length=RID)
    submitted_on: date | None = None


class AssessorRow(SQLModel, table=True):
    __tablename__ = "reviewers"
    __table_args__ = (
        _fk(["city_id", "id"], "people", ["city_id", "id"], "fk_reviewers_person"),
        _fk(["city_id", "employer_id"], "partners", ["city_id", "id"], "fk_reviewers_employer"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    id: str = Field(primary_key=True, max_length=RID)
    employer_id: str | None = Field(default=None, max_length=SLUG)


class AssessorConflictRow(SQLModel, table=True):
    __tablename__ = "reviewer_conflicts"
    __table_args__ = (
        _fk(["city_id", "reviewer_id"], "reviewers", ["city_id", "id"], "fk_conflicts_reviewer"),
        _fk(["city_id", "partner_id"], "partners", ["city_id", "id"], "fk_conflicts_partner"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    reviewer_id: str = Field(primary_key=True, max_length=RID)
    partner_id: str = Field(primary_key=True, max_length=SLUG)


class AssessmentRow(SQLModel, table=True):
    __tablename__ = "reviews"
    __table_args__ = (
        _fk(
            ["city_id", "application_id"],
            "applications",
            ["city_id", "id"],
            "fk_reviews_application",
        ),
        _fk(["city_id", "reviewer_id"], "reviewers", ["city_id", "id"], "fk_reviews_reviewer"),
        _one_of("recommendation", Recommendation, "ck_reviews_recommendation"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    application_id: str = Field(primary_key=True, max_length=RID)
    reviewer_id: str = Field(primary_key=True, max_length=RID)
    challenge_id: str = Field(max_length=SLUG)
    recommendation: str = Field(max_length=16)
    reviewed_on: date
    comment: str | None = Field(default=None, sa_type=Text)


class AssessmentScoreRow(SQLModel, table=True):
    __tablename__ = "review_scores"
    __table_args__ = (
        _fk(
            ["city_id", "application_id", "reviewer_id"],
            "reviews",
            ["city_id", "application_id", "reviewer_id"],
            "fk_scores_review",
        ),
        _fk(
            ["city_id", "challenge_id", "criterion"],
            "challenge_criteria",
            ["city_id", "challenge_id", "code"],
            "fk_scores_criterion",
        ),
        CheckConstraint("score >= 0", name="ck_scores_score"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    application_id: str = Field(primary_key=True, max_length=RID)
    reviewer_id: str = Field(primary_key=True, max_length=RID)
    criterion: str = Field(primary_key=True, max_length=64)
    challenge_id: str = Field(max_length=SLUG)
    score: int


class PilotRow(SQLModel, table=True):
    __tablename__ = "pilots"
    __table_args__ = (
        _fk(["city_id", "season_id"], "seasons", ["city_id", "id"], "fk_pilots_season"),
        _fk(["city_id", "application_id"], "applications", ["city_id", "id"], "fk_pilots_app"),
        UniqueConstraint("city_id", "application_id", name="uq_pilots_application"),
        _one_of("status", PilotStatus, "ck_pilots_status"),
        _one_of("outcome", Outcome, "ck_pilots_outcome"),
        CheckConstraint(
            "(status = 'closed') = (outcome IS NOT NULL)", name="ck_pilots_outcome_when_closed"
        ),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    id: str = Field(primary_key=True, max_length=RID)
    season_id: str = Field(max_length=SLUG)
    application_id: str = Field(max_length=RID)
    status: str = Field(max_length=16)
    outcome: str | None = Field(default=None, max_length=16)
    started_on: date | None = None
    completed_on: date | None = None
    closed_on: date | None = None


class KpiMeasurementRow(SQLModel, table=True):
    __tablename__ = "kpi_measurements"
    __table_args__ = (
        _fk(["city_id", "pilot_id"], "pilots", ["city_id", "id"], "fk_measurements_pilot"),
        _fk(
            ["city_id", "challenge_id", "indicator"],
            "challenge_kpis",
            ["city_id", "challenge_id", "indicator"],
            "fk_measurements_kpi",
        ),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    pilot_id: str = Field(primary_key=True, max_length=RID)
    indicator: str = Field(primary_key=True, max_length=64)
    measured_on: date = Field(primary_key=True)
    challenge_id: str = Field(max_length=SLUG)
    baseline: str = Field(max_length=40)
    value: str = Field(max_length=40)


class SponsorshipRow(SQLModel, table=True):
    __tablename__ = "sponsorships"
    __table_args__ = (
        _fk(["city_id", "season_id"], "seasons", ["city_id", "id"], "fk_sponsorships_season"),
        _fk(["city_id", "partner_id"], "partners", ["city_id", "id"], "fk_sponsorships_partner"),
        CheckConstraint("amount_e4 >= 0", name="ck_sponsorships_amount"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    season_id: str = Field(primary_key=True, max_length=SLUG)
    partner_id: str = Field(primary_key=True, max_length=SLUG)
    amount_e4: int = Field(sa_type=BigInteger)
    """Amount in ten-thousandths of the currency unit (exact)."""
    currency: str = Field(max_length=3)
    signed_on: date | None = None


class ContractValueRow(SQLModel, table=True):
    __tablename__ = "contract_values"
    __table_args__ = (
        _fk(["city_id", "pilot_id"], "pilots", ["city_id", "id"], "fk_contracts_pilot"),
        _fk(["city_id", "partner_id"], "partners", ["city_id", "id"], "fk_contracts_partner"),
        CheckConstraint("amount_e4 >= 0", name="ck_contracts_amount"),
    )

    city_id: str = Field(primary_key=True, max_length=SLUG)
    pilot_id: str = Field(primary_key=True, max_length=RID)
    partner_id: str = Field(primary_key=True, max_length=SLUG)
    amount_e4: int = Field(sa_type=BigInteger)
    """Amount in ten-thousandths of the currency unit (exact)."""
    currency: str = Field(max_length=3)
    signed_on: date | None = None


class AuditEventRow(SQLModel, table=True):
    """The append-only trail: every change of every record, in order (``seq``)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        _fk(["city_id"], "cities", ["id"], "fk_audit_city"),
        _one_of("kind", AuditKind, "ck_audit_kind"),
    )

    seq: int | None = Field(default=None, primary_key=True)
    city_id: str = Field(max_length=SLUG)
    kind: str = Field(max_length=16)
    record: str = Field(max_length=200)
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str = Field(max_length=32)
    at: datetime = Field(sa_type=DateTime(timezone=True))
    by: str = Field(max_length=200, sa_type=String(200))
    why: str = Field(default="", sa_type=Text)
    override: bool = False
