"""The city store's tables for harvested data sets and the harvest state of each portal.

Rule header: rows, not domain objects. ``portal_datasets`` holds the last harvested normalised
record of each data set (``record`` is its JSON, :meth:`DatasetRecord.to_json`), with the few
columns a query needs (title, modified, licence) and ``content_sha256`` of the JSON, so an
unchanged data set is never written again. ``portal_harvests`` holds one row per portal: the
watermark (``since``, the newest ``modified`` of the last *complete* harvest) moves only when a
harvest completed; a failed one leaves it and every data set row as they were. Revision
``r0003_portals`` (docs/records.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

__all__ = ["HARVEST_STATES", "PortalDatasetRow", "PortalHarvestRow"]

HARVEST_STATES = ("running", "complete", "failed")


class PortalDatasetRow(SQLModel, table=True):
    __tablename__ = "portal_datasets"
    __table_args__ = (Index("ix_portal_datasets_modified", "city_id", "portal_id", "modified"),)

    city_id: str = Field(primary_key=True, max_length=64)
    portal_id: str = Field(primary_key=True, max_length=64)
    dataset_id: str = Field(primary_key=True, max_length=512)
    title: str = Field(sa_column=Column(Text, nullable=False))
    license: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    modified: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    content_sha256: str = Field(max_length=64)
    record: str = Field(sa_column=Column(Text, nullable=False))
    """JSON of the normalised record."""
    harvested_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    """When this version of the record was stored (unchanged records keep their time)."""


class PortalHarvestRow(SQLModel, table=True):
    __tablename__ = "portal_harvests"
    __table_args__ = (
        CheckConstraint(
            "state IN ('running', 'complete', 'failed')", name="ck_portal_harvests_state"
        ),
    )

    city_id: str = Field(primary_key=True, max_length=64)
    portal_id: str = Field(primary_key=True, max_length=64)
    state: str = Field(max_length=16)
    started_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    since: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    """Watermark: newest ``modified`` seen by the last complete harvest."""
    completed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    """When the last complete harvest finished."""
    datasets: int = Field(default=0)
    """Data sets stored for the portal after the last complete harvest."""
    message: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """Why the last harvest failed."""
