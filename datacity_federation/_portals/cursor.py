"""The cursor of an unfinished harvest, kept in the city store so the next run resumes it.

Rule header: every page a harvest fetched after its first is written at once, in its own small
transaction (:class:`StoreCheckpoint`), to ``portal_cursor_pages``; the shape of the harvest
(platform, page size, watermark, total) is ``portal_harvests.cursor``. A killed process leaves
both behind; the next harvest of the same shape takes those pages from the store and asks the
portal only for the rest. A harvest of another shape (the catalogue grew or shrank, another
watermark, another page size) drops them and starts again: pages of another shape could skip
or repeat data sets. The data sets themselves are still written only when the harvest
completes (``store.finish_harvest``), which also clears the cursor.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlmodel import Session

from datacity_federation._portals.record import DatasetRecord, Page
from datacity_federation._store.portal_tables import PortalCursorPageRow, PortalHarvestRow

__all__ = ["StoreCheckpoint", "clear_cursor", "page_from_json", "page_to_json"]


def page_to_json(page: Page) -> str:
    return json.dumps(
        {
            "items": [r.to_json() for r in page.items],
            "total": page.total,
            "next": page.next_cursor,
        },
        ensure_ascii=False,
    )


def page_from_json(text: str) -> Page:
    data: dict[str, Any] = json.loads(text)
    return Page(
        items=tuple(DatasetRecord.from_json(r) for r in data["items"]),
        total=data.get("total"),
        next_cursor=data.get("next"),
    )


def clear_cursor(session: Session, *, city: str, portal: str) -> None:
    """Forget the unfinished harvest's pages (inside the caller's transaction)."""
    t = PortalCursorPageRow
    session.execute(delete(t).where(t.city_id == city, t.portal_id == portal))  # type: ignore[arg-type]


class StoreCheckpoint:
    """A :class:`~datacity_federation._portals.base.Checkpoint` in the city store."""

    def __init__(self, engine: Engine, *, city: str, portal: str) -> None:
        self.engine, self.city, self.portal = engine, city, portal
        self._lock = asyncio.Lock()
        t = PortalCursorPageRow
        with Session(engine) as session:
            state = session.get(PortalHarvestRow, (city, portal))
            self.signature = state.cursor if state is not None else None
            rows = session.execute(
                select(t.page_key, t.page).where(t.city_id == city, t.portal_id == portal)  # type: ignore[call-overload]
            ).all()
        self._pages = {str(key): str(text) for key, text in rows}

    @property
    def pages(self) -> int:
        """Pages kept from an unfinished harvest."""
        return len(self._pages)

    def begin(self, signature: str) -> None:
        if signature == self.signature:
            return
        with Session(self.engine) as session, session.begin():
            clear_cursor(session, city=self.city, portal=self.portal)
            state = session.get(PortalHarvestRow, (self.city, self.portal))
            if state is not None:
                state.cursor = signature
        self.signature, self._pages = signature, {}

    def saved(self, key: str) -> Page | None:
        text = self._pages.get(key)
        return page_from_json(text) if text is not None else None

    async def save(self, key: str, page: Page) -> None:
        text = page_to_json(page)
        async with self._lock:  # one writer at a time: SQLite takes one anyway
            await asyncio.to_thread(self._write, key, text)
        self._pages[key] = text

    def _write(self, key: str, text: str) -> None:
        with Session(self.engine) as session, session.begin():
            session.merge(
                PortalCursorPageRow(
                    city_id=self.city,
                    portal_id=self.portal,
                    page_key=key[:512],
                    page=text,
                    saved_at=datetime.now(UTC),
                )
            )
