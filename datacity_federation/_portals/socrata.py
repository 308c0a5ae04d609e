"""Socrata Discovery API (``/api/catalog/v1``; San Francisco DataSF and many US cities).

Rule header: the portal's ``url`` is either the Discovery endpoint itself
(``https://api.us.socrata.com/api/catalog/v1?domains=data.sfgov.org``) or the portal's own site
(``https://data.sfgov.org``), whose ``/api/catalog/v1`` is then used with ``domains`` set to its
host. ``only=dataset`` keeps charts, maps and stories out. ``X-App-Token`` is sent when the
environment holds one (without it, requests share an IP pool and may get 429).

Paging: ``offset`` + ``limit`` may not pass 10,000 (:data:`OFFSET_CAP`). A larger catalogue is
walked with the Discovery API's deep paging instead: ``scroll_id`` = the id of the last result
of the previous page (results then come sorted by id, ``offset`` is ignored), one page after the
other until a short page.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from datacity_federation._portals.base import PortalAdapter, Progress, merged
from datacity_federation._portals.record import (
    DatasetRecord,
    Distribution,
    Page,
    as_list,
    as_text,
    clean_keywords,
    parse_datetime,
)
from datacity_federation.errors import (
    DatasetNotFound,
    PortalBadResponse,
    PortalError,
    PortalQueryError,
    PortalRateLimited,
)

__all__ = [
    "MAX_LIMIT",
    "OFFSET_CAP",
    "SocrataAdapter",
    "discovery_endpoint",
    "parse_catalog",
    "parse_error",
    "parse_result",
]

MAX_LIMIT = 100
OFFSET_CAP = 10_000


def discovery_endpoint(url: str) -> tuple[str, dict[str, str]]:
    """The Discovery API URL and its fixed parameters (``domains``) for a portal ``url``."""
    parts = urlsplit(url)
    fixed = dict(parse_qsl(parts.query))
    if "/api/catalog/v1" in parts.path:
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), fixed
    endpoint = urlunsplit((parts.scheme, parts.netloc, "/api/catalog/v1", "", ""))
    fixed.setdefault("domains", parts.hostname or "")
    return endpoint, fixed


def parse_result(item: dict[str, Any], *, portal: str) -> DatasetRecord:
    """One Discovery result (``resource``, ``classification``, ``metadata``...) -> record."""
    resource = item.get("resource") or {}
    classification = item.get("classification") or {}
    metadata = item.get("metadata") or {}
    dataset_id = as_text(resource.get("id"))
    if dataset_id is None:
        raise PortalBadResponse(portal, "a result without resource.id")
    name = as_text(resource.get("name"))
    description = as_text(resource.get("description"))
    domain = as_text(metadata.get("domain"))
    distributions: tuple[Distribution, ...] = ()
    if domain:
        base = f"https://{domain}/api/views/{dataset_id}/rows"
        distributions = (
            Distribution(f"{base}.csv?accessType=DOWNLOAD", "CSV", "text/csv"),
            Distribution(f"{base}.json?accessType=DOWNLOAD", "JSON", "application/json"),
        )
    extras: dict[str, Any] = {
        key: resource[key]
        for key in ("type", "provenance", "download_count", "parent_fxf", "columns_field_name")
        if resource.get(key) not in (None, [], "")
    }
    if domain:
        extras["domain"] = domain
    if item.get("link"):
        extras["link"] = item["link"]
    domain_metadata = classification.get("domain_metadata")
    if domain_metadata:
        extras["domain_metadata"] = {
            str(m.get("key")): m.get("value") for m in domain_metadata if isinstance(m, dict)
        }
    return DatasetRecord(
        portal=portal,
        id=dataset_id,
        title={"und": name} if name else {},
        description={"und": description} if description else {},
        publisher=as_text(resource.get("attribution")),
        license=as_text(metadata.get("license")),
        keywords=clean_keywords(
            [*as_list(classification.get("domain_tags")), *as_list(classification.get("tags"))]
        ),
        themes=clean_keywords(
            [
                *as_list(classification.get("domain_category")),
                *as_list(classification.get("categories")),
            ]
        ),
        issued=parse_datetime(resource.get("createdAt")),
        modified=parse_datetime(resource.get("updatedAt") or resource.get("data_updated_at")),
        landing_page=as_text(item.get("permalink")) or as_text(item.get("link")),
        distributions=distributions,
        extras=extras,
    )


def parse_catalog(body: Any, *, portal: str, offset: int = 0) -> Page:
    """A Discovery answer -> page of data sets (non-datasets dropped); cursor = next offset."""
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise PortalBadResponse(portal, "Discovery answer has no results[]")
    results = body["results"]
    records = tuple(
        parse_result(r, portal=portal)
        for r in results
        if isinstance(r, dict) and (r.get("resource") or {}).get("type", "dataset") == "dataset"
    )
    total = body.get("resultSetSize")
    total = total if isinstance(total, int) else None
    end = offset + len(results)
    more = bool(results) and (total is None or end < total)
    return Page(items=records, total=total, next_cursor=str(end) if more else None)


def parse_error(portal: str, status: int, body: Any) -> PortalError:
    """``{"error": true, "message": ...}`` (SODA 2.1 adds ``code``) -> the matching error."""
    body = body if isinstance(body, dict) else {}
    message = as_text(body.get("message")) or f"HTTP {status}"
    code = as_text(body.get("code"))
    if status == 404:
        return DatasetNotFound(portal, message, status=status, code=code)
    if status == 429:
        return PortalRateLimited(portal, message, status=status, code=code)
    if status == 400:
        return PortalQueryError(portal, message, status=status, code=code)
    if status in (401, 403):
        return PortalError(portal, f"access refused: {message}", status=status, code=code)
    return PortalError(portal, message, status=status, code=code)


class SocrataAdapter(PortalAdapter):
    kind = "socrata"
    key_header = "X-App-Token"
    parse_error = staticmethod(parse_error)

    async def _page(self, params: dict[str, Any], offset: int) -> Page:
        endpoint, fixed = discovery_endpoint(self.base)
        paging = {} if "scroll_id" in params else {"offset": offset}
        query = {**fixed, "only": "dataset", **paging, **params}

        def parse(body: Any) -> Page:
            return parse_catalog(body, portal=self.portal.id, offset=offset)

        return await self.http.get_parsed(endpoint, query, parse)

    async def search(self, query: str, *, limit: int = 20, cursor: str | None = None) -> Page:
        return await self._page(
            {"q": query or None, "limit": min(limit, MAX_LIMIT)}, int(cursor or 0)
        )

    async def get(self, dataset_id: str) -> DatasetRecord:
        page = await self._page({"ids": dataset_id, "limit": 1}, 0)
        found = [r for r in page.items if r.id == dataset_id]
        if not found:
            raise DatasetNotFound(self.portal.id, f"no data set {dataset_id!r}")
        return found[0]

    async def harvest(
        self, *, since: datetime | None = None, progress: Progress | None = None
    ) -> list[DatasetRecord]:
        size = min(self.page_size or MAX_LIMIT, MAX_LIMIT)
        params = {"limit": size, "order": "dataset_id"}
        first = await self._page(params, 0)
        total = first.total or 0
        if total > OFFSET_CAP:
            return await self._scroll(first, size, total, since, progress)
        step = int(first.next_cursor) if first.next_cursor else total
        return await self.walk(
            first,
            (
                (f"offset={o}", partial(self._page, params, o))
                for o in range(step, total, step or 1)
            ),
            signature=f"{size}:{total}",
            total=total,
            progress=progress,
            since=since,
        )

    async def _scroll(
        self,
        first: Page,
        size: int,
        total: int,
        since: datetime | None,
        progress: Progress | None,
    ) -> list[DatasetRecord]:
        """Past the offset cap: each page starts after the last id of the one before (one at a
        time, so not through :meth:`walk`; the records are kept the same way)."""
        self.resume_signature(f"scroll:{size}:{total}")
        pages, done = [first], len(first.items)
        if progress:
            progress(done, total)
        while pages[-1].items and len(pages[-1].items) >= size:
            after = pages[-1].items[-1].id
            params = {"limit": size, "scroll_id": after}
            page = await self.resumable(f"scroll={after}", partial(self._page, params, 0))
            pages.append(page)
            done += len(page.items)
            if progress:
                progress(done, max(total, done))
        return merged(pages, since)
