"""data.gov.sg catalogue API v2 (``api-production.data.gov.sg/v2/public/api``).

Rule header: success is ``code == 0`` in the body, whatever the HTTP status says; any other code
is an error (4 parameters, 17 not found, 24 too many requests). The listing has a server-fixed
page size and ignores ``query=``, so search walks the pages and filters locally. Its rate limits
reset every 10 seconds and are tiny without a key: the city file's ``rate_limit`` drives the
client's throttle, and ``x-api-key`` is sent when the environment holds a key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from datacity_federation._portals.base import PortalAdapter, Progress, gather_pages, join_url
from datacity_federation._portals.record import (
    DatasetRecord,
    Distribution,
    Page,
    as_list,
    as_size,
    as_text,
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
    "Collection",
    "DatagovsgAdapter",
    "matches",
    "parse_collections",
    "parse_dataset",
    "parse_datasets",
    "parse_error",
    "unwrap",
]

SITE = "https://data.gov.sg"
DOWNLOAD = "https://api-open.data.gov.sg/v1/public/api/datasets/{id}/initiate-download"

_CODES: dict[int, type[PortalError]] = {
    4: PortalQueryError,
    17: DatasetNotFound,
    24: PortalRateLimited,
}


@dataclass(frozen=True, slots=True)
class Collection:
    """A data.gov.sg collection: a named group of data sets."""

    id: str
    name: str
    description: str | None
    frequency: str | None
    publisher: str | None
    modified: datetime | None
    datasets: tuple[str, ...]


def unwrap(body: Any, *, portal: str, status: int = 200) -> Any:
    """``data`` of a v2 envelope; ``code != 0`` raises the mapped error."""
    if not isinstance(body, dict) or "code" not in body:
        raise PortalBadResponse(portal, "not a data.gov.sg v2 answer (no code)")
    if body["code"] != 0:
        raise parse_error(portal, status, body)
    return body.get("data")


def parse_error(portal: str, status: int, body: Any) -> PortalError:
    """A ``{code, name, errorMsg}`` envelope (or a bare status) -> the matching error."""
    body = body if isinstance(body, dict) else {}
    code = body.get("code")
    name = as_text(body.get("name"))
    message = as_text(body.get("errorMsg")) or as_text(body.get("message")) or f"HTTP {status}"
    text = f"{name}: {message}" if name else message
    http_status = status if status >= 400 else None
    cls = _CODES.get(code) if isinstance(code, int) else None
    if cls is None:
        cls = {404: DatasetNotFound, 429: PortalRateLimited, 400: PortalQueryError}.get(
            status, PortalError
        )
    return cls(portal, text, status=http_status, code=name or (str(code) if code else None))


def parse_dataset(item: dict[str, Any], *, portal: str) -> DatasetRecord:
    """One item of ``/datasets`` or the ``data`` of ``/datasets/{id}/metadata`` -> record."""
    dataset_id = as_text(item.get("datasetId"))
    if dataset_id is None:
        raise PortalBadResponse(portal, "a data set without datasetId")
    name = as_text(item.get("name"))
    description = as_text(item.get("description"))
    fmt = as_text(item.get("format"))
    extras: dict[str, Any] = {
        key: item[key]
        for key in ("status", "coverageStart", "coverageEnd", "collectionIds", "rowCount")
        if item.get(key) is not None
    }
    columns = item.get("columnMetadata")
    if isinstance(columns, dict) and isinstance(columns.get("metaMapping"), dict):
        extras["columns"] = [
            as_text(c.get("columnTitle")) or as_text(c.get("name"))
            for c in columns["metaMapping"].values()
            if isinstance(c, dict)
        ]
    return DatasetRecord(
        portal=portal,
        id=dataset_id,
        title={"en": name} if name else {},
        description={"en": description} if description else {},
        publisher=as_text(item.get("managedByAgencyName")) or as_text(item.get("managedBy")),
        language="en",
        issued=parse_datetime(item.get("createdAt")),
        modified=parse_datetime(item.get("lastUpdatedAt")),
        landing_page=f"{SITE}/datasets/{dataset_id}/view",
        distributions=(
            Distribution(
                url=DOWNLOAD.format(id=dataset_id),
                format=fmt,
                media_type="text/csv" if fmt == "CSV" else None,
                size=as_size(item.get("datasetSize")),
            ),
        ),
        extras=extras,
    )


def parse_datasets(body: Any, *, portal: str, page: int = 1) -> Page:
    """A ``/datasets?page=N`` envelope -> page; the cursor is the next page number."""
    data = unwrap(body, portal=portal)
    if not isinstance(data, dict) or not isinstance(data.get("datasets"), list):
        raise PortalBadResponse(portal, "datasets listing has no data.datasets[]")
    pages = data.get("pages")
    records = tuple(
        parse_dataset(i, portal=portal) for i in data["datasets"] if isinstance(i, dict)
    )
    more = isinstance(pages, int) and page < pages and bool(records)
    return Page(items=records, total=None, next_cursor=str(page + 1) if more else None)


def parse_collections(body: Any, *, portal: str) -> tuple[list[Collection], int | None]:
    """A ``/collections?page=N`` envelope -> its collections and the number of pages."""
    data = unwrap(body, portal=portal)
    if not isinstance(data, dict) or not isinstance(data.get("collections"), list):
        raise PortalBadResponse(portal, "collections listing has no data.collections[]")
    found = [
        Collection(
            id=str(c.get("collectionId")),
            name=as_text(c.get("name")) or str(c.get("collectionId")),
            description=as_text(c.get("description")),
            frequency=as_text(c.get("frequency")),
            publisher=as_text(c.get("managedByAgencyName")) or as_text(c.get("managedBy")),
            modified=parse_datetime(c.get("lastUpdatedAt")),
            datasets=tuple(str(d) for d in as_list(c.get("childDatasets"))),
        )
        for c in data["collections"]
        if isinstance(c, dict)
    ]
    pages = data.get("pages")
    return found, pages if isinstance(pages, int) else None


def matches(record: DatasetRecord, query: str) -> bool:
    """Local full-text filter: every word of ``query`` appears in the title, text or publisher."""
    haystack = " ".join(
        [*record.title.values(), *record.description.values(), record.publisher or "", record.id]
    ).casefold()
    return all(word in haystack for word in query.casefold().split())


class DatagovsgAdapter(PortalAdapter):
    kind = "datagovsg"
    key_header = "x-api-key"
    parse_error = staticmethod(parse_error)

    async def _page(self, page: int) -> tuple[Page, int | None]:
        def parse(body: Any) -> tuple[Page, int | None]:
            data = body.get("data") if isinstance(body, dict) else None
            pages = data.get("pages") if isinstance(data, dict) else None
            result = parse_datasets(body, portal=self.portal.id, page=page)
            return result, pages if isinstance(pages, int) else None

        return await self.http.get_parsed(join_url(self.base, "datasets"), {"page": page}, parse)

    async def search(self, query: str, *, limit: int = 20, cursor: str | None = None) -> Page:
        # No server-side search: read the listing in batches of pages (as many as the client
        # keeps in flight; the throttle still paces them) until enough match or it ends.
        page = int(cursor or 1)
        first, pages = await self._page(page)
        found = [r for r in first.items if matches(r, query)]
        last = pages or page
        while len(found) < limit and page < last:
            batch = range(page + 1, min(last, page + self.http.concurrency) + 1)
            results = await gather_pages(self._page(n) for n in batch)
            for result, _ in results:
                found += [r for r in result.items if matches(r, query)]
            page = batch[-1]
        more = str(page + 1) if page < last else None
        return Page(items=tuple(found[:limit]), total=None, next_cursor=more)

    async def get(self, dataset_id: str) -> DatasetRecord:
        url = join_url(self.base, f"datasets/{dataset_id}/metadata")
        data = unwrap(await self.http.get_json(url), portal=self.portal.id)
        if not isinstance(data, dict):
            raise PortalBadResponse(self.portal.id, "metadata answer has no data object")
        return parse_dataset(data, portal=self.portal.id)

    async def harvest(
        self, *, since: datetime | None = None, progress: Progress | None = None
    ) -> list[DatasetRecord]:
        # Progress counts pages here: the listing does not say how many data sets there are.
        first, pages = await self._page(1)

        async def fetch(number: int) -> Page:
            return (await self._page(number))[0]

        return await self.walk(
            first,
            ((f"page={n}", partial(fetch, n)) for n in range(2, (pages or 1) + 1)),
            signature=f"{pages}",
            total=pages,
            progress=progress,
            since=since,
            count=lambda _page: 1,
        )
