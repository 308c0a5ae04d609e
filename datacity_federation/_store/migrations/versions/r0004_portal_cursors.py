"""Portal harvests that resume and notice deletions: cursor pages, validators, withdrawn data sets.

Revision ID: r0004_portal_cursors
Revises: r0003_portals
Create Date: 2026-12-06 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0004_portal_cursors"
down_revision = "r0003_portals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("portal_datasets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("portal_harvests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cursor", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("etag", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("last_modified", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
    op.create_table(
        "portal_cursor_pages",
        sa.Column("city_id", sa.String(length=64), nullable=False),
        sa.Column("portal_id", sa.String(length=64), nullable=False),
        sa.Column("page_key", sa.String(length=512), nullable=False),
        sa.Column("page", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("city_id", "portal_id", "page_key"),
    )


def downgrade() -> None:
    op.drop_table("portal_cursor_pages")
    with op.batch_alter_table("portal_harvests", schema=None) as batch_op:
        batch_op.drop_column("fingerprint")
        batch_op.drop_column("last_modified")
        batch_op.drop_column("etag")
        batch_op.drop_column("cursor")
    with op.batch_alter_table("portal_datasets", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("last_seen_at")
