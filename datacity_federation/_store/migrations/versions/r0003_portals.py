"""Portal harvests: harvested data sets and the harvest state of each portal.

Revision ID: r0003_portals
Revises: r0002_sync
Create Date: 2026-11-24 03:18:31
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0003_portals"
down_revision = "r0002_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_datasets",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("portal_id", sa.String(length=64), nullable=False),
        sa.Column("dataset_id", sa.String(length=512), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("license", sa.Text(), nullable=True),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("harvested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("city_id", "portal_id", "dataset_id"),
    )
    with op.batch_alter_table("portal_datasets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_portal_datasets_modified", ["city_id", "portal_id", "modified"], unique=False
        )
    op.create_table(
        "portal_harvests",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("portal_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("datasets", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('running', 'complete', 'failed')", name="ck_portal_harvests_state"
        ),
        sa.PrimaryKeyConstraint("city_id", "portal_id"),
    )


def downgrade() -> None:
    op.drop_table("portal_harvests")
    with op.batch_alter_table("portal_datasets", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_datasets_modified")
    op.drop_table("portal_datasets")
