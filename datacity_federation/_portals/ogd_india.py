"""India's Open Government Data platform (data.gov.in, its Smart Cities sibling): ``api.data.gov.in``.

Rule header: the portal's ``url`` is the API base (``https://api.data.gov.in``). The catalogue is
``/lists`` (``offset``/``limit`` paging, ``filters[field]=value`` from the city file, the
visualisation copies and inactive resources left out as the platform's own clients do), one
resource's metadata is ``/resource/{index_name}`` with ``limit=0``. The ``api-key`` query
parameter is mandatory, even for metadata: it is read from the environment variable the city
file names and only ever sent in the query (log lines carry it masked, see ``http.py``). Almost
every value arrives as a string (``"total": "250"``, ``"active": "1"``, epoch seconds as text);
the parsers read both. Errors come in two shapes: the gateway's ``{"error": "Key not authorised"}``
and the API's ``{"status": "error", "message": ...}``, the latter sometimes with HTTP 200.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from datacity_federation._portals.base import (
    PortalAdapter,
    ProbeRequest,
    Progress,
    join_url,
)
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
    "FIXED_FILTERS",
    "MAX_LIMIT",
    "OgdIndiaAdapter",
    "as_count",
    "parse_error",
    "parse_list",
    "parse_resource",
]

MAX_LIMIT = 100
#: What every catalogue request asks, as the platform's own clients do: live resources only,
#: without the visualisation copies.
FIXED_FILTERS = {"filters[active]": "1", "notfilters[source]": "visualize.data.gov.in"}
_EXTRAS = ("org_type", "source", "catalog_uuid", "visualizable", "external_ws_url")


def as_count(value: object) -> int | None:
    """An integer from an int or a string of digits (the platform sends both)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _stamp(record: dict[str, Any], *keys: str) -> datetime | None:
    """The first readable date among ``keys``: ISO text, or epoch seconds as number or text."""
    for key in keys:
        value = record.get(key)
        seconds = as_count(value)
        found = parse_datetime(seconds if seconds is not None else value)
        if found is not None:
            return found
    return None


def _flat(value: object) -> list[str]:
    """``org`` may be a string, a list, or a list of lists: every text in it, in order."""
    out: list[str] = []
    for item in as_list(value):
        if isinstance(item, list):
            out += _flat(item)
        elif (text := as_text(item)) is not None:
            out.append(text)
    return out


def parse_record(record: dict[str, Any], *, portal: str, base: str) -> DatasetRecord:
    """One catalogue entry (or one resource's metadata) -> normalised record."""
    index = as_text(record.get("index_name"))
    if index is None:
        raise PortalBadResponse(portal, "a catalogue entry without index_name")
    title = as_text(record.get("title"))
    description = as_text(record.get("desc"))
    orgs = _flat(record.get("org"))
    keywords = record.get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    api = join_url(base, f"resource/{index}") if base else f"resource/{index}"
    extras: dict[str, Any] = {
        key: record[key] for key in _EXTRAS if record.get(key) not in (None, "", [])
    }
    if orgs[1:]:
        extras["org"] = orgs
    fields = [as_text(f.get("id")) for f in as_list(record.get("field")) if isinstance(f, dict)]
    if any(fields):
        extras["fields"] = [f for f in fields if f]
    return DatasetRecord(
        portal=portal,
        id=index,
        title={"und": title} if title else {},
        description={"und": description} if description else {},
        publisher=orgs[-1] if orgs else None,
        keywords=clean_keywords(as_list(keywords)),
        themes=clean_keywords(_flat(record.get("sector"))),
        issued=_stamp(record, "created_date", "created"),
        modified=_stamp(record, "updated_date", "updated"),
        distributions=(
            Distribution(f"{api}?format=json", "JSON", "application/json", "API"),
            Distribution(f"{api}?format=csv", "CSV", "text/csv", "API"),
            Distribution(f"{api}?format=xml", "XML", "application/xml", "API"),
        ),
        extras=extras,
    )


def _checked(body: Any, *, portal: str, status: int = 200) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise PortalBadResponse(portal, "answer is not a JSON object")
    if str(body.get("status", "ok")).lower() == "error" or "error" in body:
        raise parse_error(portal, status, body)
    return body


def parse_list(body: Any, *, portal: str, base: str = "", offset: int = 0) -> Page:
    """A ``/lists`` answer -> page; cursor = next offset."""
    body = _checked(body, portal=portal)
    records = body.get("records")
    if not isinstance(records, list):
        raise PortalBadResponse(portal, "catalogue answer has no records[]")
    items = tuple(
        parse_record(r, portal=portal, base=base)
        for r in records
        if isinstance(r, dict) and str(r.get("active", "1")) != "0"
    )
    total = as_count(body.get("total"))
    end = offset + len(records)
    more = bool(records) and (total is None or end < total)
    return Page(items=items, total=total, next_cursor=str(end) if more else None)


def parse_resource(
    body: Any, *, portal: str, base: str = "", dataset_id: str = ""
) -> DatasetRecord:
    """A ``/resource/{id}`` answer (metadata at the top level) -> record."""
    body = _checked(body, portal=portal)
    if as_text(body.get("index_name")) is None:
        raise DatasetNotFound(portal, f"no resource {dataset_id!r}")
    return parse_record(body, portal=portal, base=base)


def parse_error(portal: str, status: int, body: Any) -> PortalError:
    """``{"error": ...}`` (gateway) or ``{"status": "error", "message": ...}`` (API) -> error."""
    body = body if isinstance(body, dict) else {}
    message = as_text(body.get("message")) or as_text(body.get("error")) or f"HTTP {status}"
    lowered = message.lower()
    if status == 429 or "rate limit" in lowered:
        return PortalRateLimited(portal, message, status=status)
    if status == 404 or "not found" in lowered or "does not exist" in lowered:
        return DatasetNotFound(portal, message, status=status)
    if status in (401, 403) or "key" in lowered or "authori" in lowered:
        return PortalError(portal, f"access refused: {message} (check the API key)", status=status)
    if status == 400:
        return PortalQueryError(portal, message, status=status)
    return PortalError(portal, message, status=status)


class OgdIndiaAdapter(PortalAdapter):
    kind = "ogd_india"
    parse_error = staticmethod(parse_error)
    secret_params = ("api-key",)

    def query(self, **params: Any) -> dict[str, Any]:
        """``params`` with the key and ``format=json``; without a key, a clear error."""
        if not self.key:
            where = self.portal.api_key_env or "api_key_env"
            raise PortalError(
                self.portal.id,
                f"data.gov.in answers only with an API key: put yours in the environment "
                f"variable {where}",
            )
        return {"api-key": self.key, "format": "json", **params}

    def _catalogue(self, **params: Any) -> dict[str, Any]:
        filters = {f"filters[{k}]": v for k, v in self.portal.filters.items()}
        return self.query(**FIXED_FILTERS, **filters, **params)

    def _parse(self, body: Any, offset: int = 0) -> Page:
        return parse_list(body, portal=self.portal.id, base=self.base, offset=offset)

    async def _page(self, offset: int, limit: int, **extra: Any) -> Page:
        params = self._catalogue(offset=offset, limit=limit, **extra)
        parse = partial(self._parse, offset=offset)
        return await self.http.get_parsed(join_url(self.base, "lists"), params, parse)

    async def search(self, query: str, *, limit: int = 20, cursor: str | None = None) -> Page:
        # The catalogue has no full-text search parameter: the title filter is the closest.
        extra = {"filters[title]": query} if query.strip() else {}
        return await self._page(int(cursor or 0), min(limit, MAX_LIMIT), **extra)

    async def get(self, dataset_id: str) -> DatasetRecord:
        body = await self.http.get_json(
            join_url(self.base, f"resource/{dataset_id}"), self.query(offset=0, limit=0)
        )
        return parse_resource(body, portal=self.portal.id, base=self.base, dataset_id=dataset_id)

    def probe_request(self) -> ProbeRequest:
        params = self._catalogue(offset=0, limit=1, **{"sort[updated]": "desc"})
        return join_url(self.base, "lists"), params, self._parse

    async def harvest(
        self, *, since: datetime | None = None, progress: Progress | None = None
    ) -> list[DatasetRecord]:
        # Oldest first: a data set added during the walk lands after the pages already read.
        size = min(self.page_size or MAX_LIMIT, MAX_LIMIT)
        order = {"sort[created]": "asc"}
        first = await self._page(0, size, **order)
        total = first.total if first.total is not None else len(first.items)
        step = int(first.next_cursor) if first.next_cursor else total
        return await self.walk(
            first,
            (
                (f"offset={o}", partial(self._page, o, size, **order))
                for o in range(step, total, step or 1)
            ),
            signature=f"ogd:{size}:{total}",
            total=total,
            progress=progress,
            since=since,
        )
