"""The city-side outbox: bundles built and waiting for the hub's acknowledgement.

Rule header: a bundle is written here (committed) before it is pushed, and marked ``acked`` only
once the hub answered 200 or 201, so a hub that is down, a dropped connection or a killed
process loses nothing: the next ``datacity sync`` pushes what is still pending, and the hub's
idempotence (a known ``bundle_id`` is a no-op) makes a repeat harmless. ``facts`` keeps, inside
the city only, what the release was computed from, for the differencing check of a later
correction. The table lives in the city store (revision ``r0002_sync``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

__all__ = ["OutboxRow"]


class OutboxRow(SQLModel, table=True):
    __tablename__ = "sync_outbox"
    __table_args__ = (
        UniqueConstraint("bundle_id", name="uq_sync_outbox_bundle"),
        CheckConstraint("state IN ('pending', 'acked')", name="ck_sync_outbox_state"),
        CheckConstraint("action IN ('upsert', 'retract')", name="ck_sync_outbox_action"),
    )

    city_id: str = Field(primary_key=True, max_length=64)
    seq: int = Field(primary_key=True)
    season_id: str = Field(max_length=64)
    bundle_id: str = Field(max_length=64)
    prev: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=8)
    state: str = Field(default="pending", max_length=8)
    cells_sha256: str = Field(max_length=64)
    """sha256 of ``cells.csv``: an unchanged release is not built again."""
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    facts: str = Field(sa_column=Column(Text, nullable=False))
    """JSON of the season facts the release was built from (never leaves the city)."""
    profile: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    acked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
