"""The city store's tables for harvested data sets and the harvest state of each portal.

Rule header: rows, not domain objects. ``portal_datasets`` holds the last harvested normalised
record of each data set (``record`` is its JSON, :meth:`DatasetRecord.to_json`), with the few
columns a query needs (title, modified, licence) and ``content_sha256`` of the JSON, so an
unchanged data set is never written again. ``portal_harvests`` holds one row per portal: the
watermark (``since``, the newest ``modified`` of the last *complete* harvest) moves only when a
harvest completed; a failed one leaves it and every data set row as they were. Revision
``r0003_portals`` (docs/records.md).

Revision ``r0004_portal_cursors`` adds: ``last_seen_at`` / ``withdrawn_at`` on each data set (a
full harvest that no longer finds it marks it withdrawn and keeps it), the validators of the
last complete harvest (``etag``, ``last_modified``, ``fingerprint``) and the ``cursor`` of an
unfinished one on ``portal_harvests``, and ``portal_cursor_pages``: the pages an unfinished
harvest already fetched, so the next run resumes instead of starting again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

__all__ = ["HARVEST_STATES", "PortalCursorPageRow", "PortalDatasetRow", "PortalHarvestRow"]

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
    last_seen_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    """When a harvest last found the data set on the portal."""
    withdrawn_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    """When a full harvest first missed it (``None``: live)."""


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
    cursor: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """Shape of the unfinished harvest whose pages ``portal_cursor_pages`` keeps."""
    etag: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """``ETag`` of the catalogue probe at the last complete harvest."""
    last_modified: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """``Last-Modified`` of the catalogue probe at the last complete harvest."""
    fingerprint: str | None = Field(default=None, max_length=64)
    """Fingerprint of the catalogue probe (total, newest id and date) at the last complete one."""


class PortalCursorPageRow(SQLModel, table=True):
    __tablename__ = "portal_cursor_pages"

    city_id: str = Field(primary_key=True, max_length=64)
    portal_id: str = Field(primary_key=True, max_length=64)
    page_key: str = Field(primary_key=True, max_length=512)
    page: str = Field(sa_column=Column(Text, nullable=False))
    """JSON: the page's records, total and next cursor."""
    saved_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
