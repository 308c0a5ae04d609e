"""Actual phase dates: when each phase of a season really started and ended.

A table ``season_phase_dates`` (one row per city, season and phase; either date may be unknown,
each with who recorded it: a person or the lifecycle), and the audit trail's kinds gain
``phase`` for the changes of those dates.

Revision ID: r0006_phase_dates
Revises: r0005_keyed_person_ids
Create Date: 2026-12-07 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0006_phase_dates"
down_revision = "r0005_keyed_person_ids"
branch_labels = None
depends_on = None

BEFORE = (
    "application", "pilot", "review", "startup", "reviewer", "sponsorship", "contract",
    "measurement", "person", "config",
)  # fmt: skip
AFTER = (*BEFORE, "phase")


def _kinds(kinds: tuple[str, ...]) -> str:
    return " OR ".join(f"kind = '{k}'" for k in kinds)


def _audit_kinds(kinds: tuple[str, ...]) -> None:
    # "auto": SQLite rebuilds the table (it cannot alter a constraint); PostgreSQL alters it in
    # place, so the identity sequence of `seq` carries on where it was.
    with op.batch_alter_table("audit_events", recreate="auto") as batch_op:
        batch_op.drop_constraint("ck_audit_kind", type_="check")
        batch_op.create_check_constraint("ck_audit_kind", _kinds(kinds))


def upgrade() -> None:
    op.create_table(
        "season_phase_dates",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("season_id", sa.String(length=64), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("start_source", sa.String(length=16), nullable=True),
        sa.Column("end_source", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "phase = 'partnering' OR phase = 'call' OR phase = 'experimentation' OR phase = 'outcome'",
            name="ck_season_phase_dates_phase",
        ),
        sa.CheckConstraint(
            "started_on IS NULL OR ended_on IS NULL OR started_on <= ended_on",
            name="ck_season_phase_dates_order",
        ),
        sa.ForeignKeyConstraint(
            ["city_id", "season_id"],
            ["seasons.city_id", "seasons.id"],
            name="fk_season_phase_dates_season",
        ),
        sa.PrimaryKeyConstraint("city_id", "season_id", "phase"),
    )
    _audit_kinds(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM audit_events WHERE kind = 'phase'")
    _audit_kinds(BEFORE)
    op.drop_table("season_phase_dates")
