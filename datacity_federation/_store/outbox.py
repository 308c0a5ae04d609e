"""The city-side outbox: bundles built and waiting for the hub's acknowledgement.

Rule header: a bundle is written here (committed) before it is pushed, and marked ``acked`` only
once the hub answered 200 or 201, so a hub that is down, a dropped connection or a killed
process loses nothing: the next ``datacity sync`` pushes what is still pending, and the hub's
idempotence (a known ``bundle_id`` is a no-op) makes a repeat harmless. ``facts`` keeps, inside
the city only, what the release was computed from, for the differencing check of a later
correction. The table lives in the city store (revision ``r0002_sync``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Engine,
    LargeBinary,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, Session, SQLModel, select

__all__ = ["OutboxRow", "add_outbox_rows", "outbox_rows", "set_outbox_state"]


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


def outbox_rows(engine: Engine, city: str) -> list[OutboxRow]:
    """Every bundle of ``city`` in the outbox, oldest first."""
    with Session(engine) as s:
        return list(
            s.exec(
                select(OutboxRow).where(OutboxRow.city_id == city).order_by(OutboxRow.seq)  # type: ignore[arg-type]
            ).all()
        )


def add_outbox_rows(
    engine: Engine, rows: Iterable[OutboxRow], *, replacing: Iterable[int] = ()
) -> None:
    """In one transaction: drop the bundles of seqs ``replacing`` (of the rows' city) and add
    ``rows`` (a re-signed chain replaces the pending one as a whole, or not at all)."""
    new = list(rows)
    with Session(engine) as s:
        for seq in replacing:
            old = s.get(OutboxRow, (new[0].city_id, seq)) if new else None
            if old is not None:
                s.delete(old)
        s.flush()
        for row in new:
            s.add(row)
        s.commit()


def set_outbox_state(engine: Engine, city: str, seqs: Iterable[int], state: str) -> None:
    """Mark the bundles ``seqs`` of ``city`` ``pending`` or ``acked`` (with the time acked)."""
    with Session(engine) as s:
        for seq in seqs:
            row = s.get(OutboxRow, (city, seq))
            if row is not None and row.state != state:
                row.state = state
                row.acked_at = datetime.now(UTC) if state == "acked" else None
                s.add(row)
        s.commit()
