"""Sync outbox: release bundles waiting for the hub's acknowledgement.

Revision ID: r0002_sync
Revises: r0001_records
Create Date: 2026-11-24 03:05:06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0002_sync"
down_revision = "r0001_records"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_outbox",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.String(length=64), nullable=False),
        sa.Column("bundle_id", sa.String(length=64), nullable=False),
        sa.Column("prev", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("cells_sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("profile", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("action IN ('upsert', 'retract')", name="ck_sync_outbox_action"),
        sa.CheckConstraint("state IN ('pending', 'acked')", name="ck_sync_outbox_state"),
        sa.PrimaryKeyConstraint("city_id", "seq"),
        sa.UniqueConstraint("bundle_id", name="uq_sync_outbox_bundle"),
    )


def downgrade() -> None:
    op.drop_table("sync_outbox")
