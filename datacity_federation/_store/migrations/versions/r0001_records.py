"""Programme records: cities, partners, seasons, challenges, records and the audit trail.

The first revision of the store; every later revision builds on it (docs/records.md).

Revision ID: r0001_records
Revises: (none)
Create Date: 2026-11-24 03:11:57.014948
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0001_records"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cities",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("record", sa.String(length=200), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=True),
        sa.Column("to_state", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind = 'application' OR kind = 'pilot' OR kind = 'review' OR kind = 'startup' OR kind = 'reviewer' OR kind = 'sponsorship' OR kind = 'contract' OR kind = 'measurement' OR kind = 'person' OR kind = 'config'",
            name="ck_audit_kind",
        ),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name="fk_audit_city"),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "partners",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.CheckConstraint(
            "kind = 'city' OR kind = 'corporate' OR kind = 'startup' OR kind = 'research' OR kind = 'operator' OR kind = 'data_provider'",
            name="ck_partners_kind",
        ),
        sa.CheckConstraint("source = 'config' OR source = 'records'", name="ck_partners_source"),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name="fk_partners_city"),
        sa.PrimaryKeyConstraint("city_id", "id"),
    )
    op.create_table(
        "people",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("erased_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name="fk_people_city"),
        sa.PrimaryKeyConstraint("city_id", "id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "seasons",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.CheckConstraint("number >= 1", name="ck_seasons_number"),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name="fk_seasons_city"),
        sa.PrimaryKeyConstraint("city_id", "id"),
        sa.UniqueConstraint("city_id", "number", name="uq_seasons_number"),
    )
    op.create_table(
        "challenges",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("season_id", sa.String(length=64), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id", "season_id"], ["seasons.city_id", "seasons.id"], name="fk_challenges_season"
        ),
        sa.PrimaryKeyConstraint("city_id", "id"),
        sa.UniqueConstraint("city_id", "season_id", "id", name="uq_challenges_season"),
    )
    op.create_table(
        "reviewers",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("employer_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["city_id", "employer_id"],
            ["partners.city_id", "partners.id"],
            name="fk_reviewers_employer",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "id"], ["people.city_id", "people.id"], name="fk_reviewers_person"
        ),
        sa.PrimaryKeyConstraint("city_id", "id"),
    )
    op.create_table(
        "season_phases",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("season_id", sa.String(length=64), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("gap_before", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "phase = 'partnering' OR phase = 'call' OR phase = 'experimentation' OR phase = 'outcome'",
            name="ck_season_phases_phase",
        ),
        sa.CheckConstraint("start_on <= end_on", name="ck_season_phases_order"),
        sa.ForeignKeyConstraint(
            ["city_id", "season_id"],
            ["seasons.city_id", "seasons.id"],
            name="fk_season_phases_season",
        ),
        sa.PrimaryKeyConstraint("city_id", "season_id", "phase"),
    )
    op.create_table(
        "sponsorships",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("season_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("amount_e4", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.CheckConstraint("amount_e4 >= 0", name="ck_sponsorships_amount"),
        sa.ForeignKeyConstraint(
            ["city_id", "partner_id"],
            ["partners.city_id", "partners.id"],
            name="fk_sponsorships_partner",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "season_id"],
            ["seasons.city_id", "seasons.id"],
            name="fk_sponsorships_season",
        ),
        sa.PrimaryKeyConstraint("city_id", "season_id", "partner_id"),
    )
    op.create_table(
        "applications",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("season_id", sa.String(length=64), nullable=False),
        sa.Column("challenge_id", sa.String(length=64), nullable=False),
        sa.Column("startup_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=True),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "status = 'draft' OR status = 'submitted' OR status = 'shortlisted' OR status = 'selected' OR status = 'rejected' OR status = 'withdrawn'",
            name="ck_applications_status",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "contact_id"],
            ["people.city_id", "people.id"],
            name="fk_applications_contact",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "season_id", "challenge_id"],
            ["challenges.city_id", "challenges.season_id", "challenges.id"],
            name="fk_applications_challenge",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "startup_id"],
            ["partners.city_id", "partners.id"],
            name="fk_applications_startup",
        ),
        sa.PrimaryKeyConstraint("city_id", "id"),
    )
    op.create_table(
        "challenge_criteria",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("challenge_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("weight", sa.String(length=40), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("label", sa.JSON(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("max_score >= 1", name="ck_criteria_max_score"),
        sa.ForeignKeyConstraint(
            ["city_id", "challenge_id"],
            ["challenges.city_id", "challenges.id"],
            name="fk_criteria_challenge",
        ),
        sa.PrimaryKeyConstraint("city_id", "challenge_id", "code"),
    )
    op.create_table(
        "challenge_datasets",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("challenge_id", sa.String(length=64), nullable=False),
        sa.Column("portal_id", sa.String(length=64), nullable=False),
        sa.Column("dataset", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id", "challenge_id"],
            ["challenges.city_id", "challenges.id"],
            name="fk_datasets_challenge",
        ),
        sa.PrimaryKeyConstraint("city_id", "challenge_id", "portal_id", "dataset"),
    )
    op.create_table(
        "challenge_kpis",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("challenge_id", sa.String(length=64), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("baseline", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=40), nullable=False),
        sa.Column("label", sa.JSON(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id", "challenge_id"],
            ["challenges.city_id", "challenges.id"],
            name="fk_kpis_challenge",
        ),
        sa.PrimaryKeyConstraint("city_id", "challenge_id", "indicator"),
    )
    op.create_table(
        "challenge_owners",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("challenge_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id", "challenge_id"],
            ["challenges.city_id", "challenges.id"],
            name="fk_owners_challenge",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "partner_id"], ["partners.city_id", "partners.id"], name="fk_owners_partner"
        ),
        sa.PrimaryKeyConstraint("city_id", "challenge_id", "partner_id"),
    )
    op.create_table(
        "reviewer_conflicts",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("reviewer_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id", "partner_id"],
            ["partners.city_id", "partners.id"],
            name="fk_conflicts_partner",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "reviewer_id"],
            ["reviewers.city_id", "reviewers.id"],
            name="fk_conflicts_reviewer",
        ),
        sa.PrimaryKeyConstraint("city_id", "reviewer_id", "partner_id"),
    )
    op.create_table(
        "pilots",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("season_id", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "(status = 'closed') = (outcome IS NOT NULL)", name="ck_pilots_outcome_when_closed"
        ),
        sa.CheckConstraint(
            "outcome = 'contract' OR outcome = 'joint_offer' OR outcome = 'extended' OR outcome = 'discontinued'",
            name="ck_pilots_outcome",
        ),
        sa.CheckConstraint(
            "status = 'planned' OR status = 'running' OR status = 'completed' OR status = 'closed'",
            name="ck_pilots_status",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "application_id"],
            ["applications.city_id", "applications.id"],
            name="fk_pilots_app",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "season_id"], ["seasons.city_id", "seasons.id"], name="fk_pilots_season"
        ),
        sa.PrimaryKeyConstraint("city_id", "id"),
        sa.UniqueConstraint("city_id", "application_id", name="uq_pilots_application"),
    )
    op.create_table(
        "reviews",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.String(length=64), nullable=False),
        sa.Column("reviewer_id", sa.String(length=64), nullable=False),
        sa.Column("challenge_id", sa.String(length=64), nullable=False),
        sa.Column("recommendation", sa.String(length=16), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "recommendation = 'select' OR recommendation = 'shortlist' OR recommendation = 'reject' OR recommendation = 'abstain'",
            name="ck_reviews_recommendation",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "application_id"],
            ["applications.city_id", "applications.id"],
            name="fk_reviews_application",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "reviewer_id"],
            ["reviewers.city_id", "reviewers.id"],
            name="fk_reviews_reviewer",
        ),
        sa.PrimaryKeyConstraint("city_id", "application_id", "reviewer_id"),
    )
    op.create_table(
        "contract_values",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("pilot_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("amount_e4", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.CheckConstraint("amount_e4 >= 0", name="ck_contracts_amount"),
        sa.ForeignKeyConstraint(
            ["city_id", "partner_id"],
            ["partners.city_id", "partners.id"],
            name="fk_contracts_partner",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "pilot_id"], ["pilots.city_id", "pilots.id"], name="fk_contracts_pilot"
        ),
        sa.PrimaryKeyConstraint("city_id", "pilot_id", "partner_id"),
    )
    op.create_table(
        "kpi_measurements",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("pilot_id", sa.String(length=64), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("challenge_id", sa.String(length=64), nullable=False),
        sa.Column("baseline", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id", "challenge_id", "indicator"],
            ["challenge_kpis.city_id", "challenge_kpis.challenge_id", "challenge_kpis.indicator"],
            name="fk_measurements_kpi",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "pilot_id"], ["pilots.city_id", "pilots.id"], name="fk_measurements_pilot"
        ),
        sa.PrimaryKeyConstraint("city_id", "pilot_id", "indicator", "measured_on"),
    )
    op.create_table(
        "review_scores",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.String(length=64), nullable=False),
        sa.Column("reviewer_id", sa.String(length=64), nullable=False),
        sa.Column("criterion", sa.String(length=64), nullable=False),
        sa.Column("challenge_id", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.CheckConstraint("score >= 0", name="ck_scores_score"),
        sa.ForeignKeyConstraint(
            ["city_id", "application_id", "reviewer_id"],
            ["reviews.city_id", "reviews.application_id", "reviews.reviewer_id"],
            name="fk_scores_review",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "challenge_id", "criterion"],
            [
                "challenge_criteria.city_id",
                "challenge_criteria.challenge_id",
                "challenge_criteria.code",
            ],
            name="fk_scores_criterion",
        ),
        sa.PrimaryKeyConstraint("city_id", "application_id", "reviewer_id", "criterion"),
    )


def downgrade() -> None:
    op.drop_table("review_scores")
    op.drop_table("kpi_measurements")
    op.drop_table("contract_values")
    op.drop_table("reviews")
    op.drop_table("pilots")
    op.drop_table("reviewer_conflicts")
    op.drop_table("challenge_owners")
    op.drop_table("challenge_kpis")
    op.drop_table("challenge_datasets")
    op.drop_table("challenge_criteria")
    op.drop_table("applications")
    op.drop_table("sponsorships")
    op.drop_table("season_phases")
    op.drop_table("reviewers")
    op.drop_table("challenges")
    op.drop_table("seasons")
    op.drop_table("people")
    op.drop_table("partners")
    op.drop_table("audit_events")
    op.drop_table("cities")
