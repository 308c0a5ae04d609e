"""CKAN Action API (Open Data BCN, OpenCity Bengaluru and most other portals).

Rule header: ``package_search`` returns at most 1,000 rows whatever ``rows`` says, so a harvest
reads ``count`` on the first page and asks for every other ``start`` at once, sorted by name so
pages do not shift. Harvest sources (``type: harvest``) are filtered out on both sides. Answers
are wrapped in ``{"success": ..., "result" | "error"}``; ``success: false`` is mapped by the
error's ``__type``. CKAN timestamps are naive UTC. Barcelona adds ``title_translated`` /
``notes_translated`` per language and a comma-separated ``tag`` string.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from datacity_federation._portals.base import (
    PortalAdapter,
    ProbeRequest,
    Progress,
    join_url,
)
from datacity_federation._portals.record import (
    UNDETERMINED,
    DatasetRecord,
    Distribution,
    Page,
    as_list,
    as_size,
    as_text,
    clean_keywords,
    parse_datetime,
)
from datacity_federation.errors import (
    DatasetNotFound,
    PortalBadResponse,
    PortalError,
    PortalQueryError,
)

__all__ = [
    "MAX_ROWS",
    "CkanAdapter",
    "parse_error",
    "parse_package",
    "parse_search",
    "search_params",
    "unwrap",
]

MAX_ROWS = 1000
NOT_HARVEST = "-dataset_type:harvest"

_ERROR_TYPES: dict[str, type[PortalError]] = {
    "Not Found Error": DatasetNotFound,
    "Validation Error": PortalQueryError,
    "Search Query Error": PortalQueryError,
    "Search Error": PortalQueryError,
}

_EXTRAS_KEPT = ("id", "state", "type", "version", "frequency", "code", "fuente", "url", "author")


def search_params(
    query: str | None, *, rows: int, start: int = 0, since: datetime | None = None
) -> dict[str, Any]:
    """Query string of ``package_search`` (Solr ``q`` and ``fq``)."""
    fq = [NOT_HARVEST]
    if since is not None:
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        fq.append(f"metadata_modified:[{stamp} TO *]")
    return {
        "q": query if query and query.strip() else "*:*",
        "fq": " ".join(fq),
        "rows": max(1, min(rows, MAX_ROWS)),
        "start": start,
        "sort": None if query and query.strip() not in ("", "*:*") else "name asc",
    }


def unwrap(body: Any, *, portal: str, status: int = 200) -> Any:
    """``result`` of a CKAN envelope; ``success: false`` raises the mapped error."""
    if not isinstance(body, dict) or "success" not in body:
        raise PortalBadResponse(portal, "not a CKAN Action API answer (no success flag)")
    if body["success"] is not True:
        raise parse_error(portal, status, body)
    return body.get("result")


def parse_error(portal: str, status: int, body: Any) -> PortalError:
    """A ``success: false`` envelope -> the error named by ``__type``."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(body, dict) and error is not None and not isinstance(error, dict):
        return PortalBadResponse(
            portal, f"not a CKAN error envelope (is this a CKAN portal?): {error}", status=status
        )
    if not isinstance(error, dict):
        if status == 404:
            return DatasetNotFound(portal, "not found", status=status)
        return PortalError(portal, f"HTTP {status} without a CKAN error body", status=status)
    kind = as_text(error.get("__type")) or "Error"
    message = as_text(error.get("message"))
    if message is None:
        fields = [
            f"{key}: {'; '.join(str(v) for v in as_list(value))}"
            for key, value in error.items()
            if not key.startswith("_")
        ]
        message = ", ".join(fields) or kind
    cls = _ERROR_TYPES.get(kind)
    if cls is None and kind == "Authorization Error":
        return PortalError(portal, f"not authorised: {message}", status=status, code=kind)
    if cls is None:
        cls = DatasetNotFound if status == 404 else PortalError
    return cls(portal, f"{kind}: {message}", status=status if status >= 400 else None, code=kind)


def _translated(value: Any, fallback: Any, lang: str | None) -> dict[str, str]:
    if isinstance(value, dict):
        texts = {str(k): t for k, v in value.items() if (t := as_text(v))}
        if texts:
            return texts
    text = as_text(fallback)
    return {lang or UNDETERMINED: text} if text else {}


def _site(base: str) -> str:
    return re.sub(r"/api(/\d)?/action/?$", "", base.rstrip("/"))


def parse_package(
    package: dict[str, Any],
    *,
    portal: str,
    base: str = "",
    lang: str | None = None,
    site: str | None = None,
) -> DatasetRecord:
    """One CKAN package dict -> record (id = the package's ``name``, its URL slug)."""
    name = as_text(package.get("name")) or as_text(package.get("id"))
    if name is None:
        raise PortalBadResponse(portal, "a package without name or id")
    tags = [
        t.get("display_name") or t.get("name")
        for t in as_list(package.get("tags"))
        if isinstance(t, dict)
    ]
    tag_string = package.get("tag")
    if isinstance(tag_string, str):
        tags += tag_string.split(",")
    elif isinstance(tag_string, list):
        tags += tag_string
    groups = [
        g.get("title") or g.get("display_name") or g.get("name")
        for g in as_list(package.get("groups"))
        if isinstance(g, dict)
    ]
    organization = package.get("organization")
    publisher = (
        as_text(organization.get("title")) or as_text(organization.get("name"))
        if isinstance(organization, dict)
        else None
    ) or as_text(package.get("author"))
    resources = []
    for res in as_list(package.get("resources")):
        url = as_text(res.get("url")) if isinstance(res, dict) else None
        if url is None:
            continue
        resources.append(
            Distribution(
                url=url,
                format=as_text(res.get("format")),
                media_type=as_text(res.get("mimetype")),
                title=as_text(res.get("name")),
                size=as_size(res.get("size")),
            )
        )
    extras: dict[str, Any] = {
        k: package[k] for k in _EXTRAS_KEPT if package.get(k) not in (None, "")
    }
    for extra in as_list(package.get("extras")):
        if isinstance(extra, dict) and "key" in extra:
            extras.setdefault(str(extra["key"]), extra.get("value"))
    return DatasetRecord(
        portal=portal,
        id=name,
        title=_translated(package.get("title_translated"), package.get("title"), lang),
        description=_translated(package.get("notes_translated"), package.get("notes"), lang),
        publisher=publisher,
        license=as_text(package.get("license_title")) or as_text(package.get("license_id")),
        license_url=as_text(package.get("license_url")),
        keywords=clean_keywords(tags),
        themes=clean_keywords(groups),
        language=as_text(package.get("language")) or lang,
        issued=parse_datetime(package.get("metadata_created")),
        modified=parse_datetime(package.get("metadata_modified")),
        landing_page=f"{site or _site(base)}/dataset/{name}" if base else None,
        distributions=tuple(resources),
        extras=extras,
    )


def parse_search(
    body: Any, *, portal: str, base: str = "", lang: str | None = None, start: int = 0
) -> Page:
    """A ``package_search`` envelope -> page without harvest sources; cursor = next start."""
    result = unwrap(body, portal=portal)
    if not isinstance(result, dict) or not isinstance(result.get("results"), list):
        raise PortalBadResponse(portal, "package_search result has no results[]")
    packages = result["results"]
    site = _site(base)
    records = tuple(
        parse_package(p, portal=portal, base=base, lang=lang, site=site)
        for p in packages
        if isinstance(p, dict) and p.get("type") != "harvest"
    )
    count = result.get("count")
    total = count if isinstance(count, int) else None
    end = start + len(packages)
    more = bool(packages) and (total is None or end < total)
    return Page(items=records, total=total, next_cursor=str(end) if more else None)


class CkanAdapter(PortalAdapter):
    kind = "ckan"
    key_header = "Authorization"
    parse_error = staticmethod(parse_error)

    def _parse(self, body: Any, start: int = 0) -> Page:
        return parse_search(
            body, portal=self.portal.id, base=self.base, lang=self.lang, start=start
        )

    async def _search(self, params: dict[str, Any]) -> Page:
        parse = partial(self._parse, start=params["start"])
        return await self.http.get_parsed(join_url(self.base, "package_search"), params, parse)

    async def search(self, query: str, *, limit: int = 20, cursor: str | None = None) -> Page:
        return await self._search(search_params(query, rows=limit, start=int(cursor or 0)))

    def probe_request(self) -> ProbeRequest:
        params = {**search_params(None, rows=1), "sort": "metadata_modified desc"}
        return join_url(self.base, "package_search"), params, self._parse

    async def get(self, dataset_id: str) -> DatasetRecord:
        body = await self.http.get_json(join_url(self.base, "package_show"), {"id": dataset_id})
        package = unwrap(body, portal=self.portal.id)
        if not isinstance(package, dict):
            raise PortalBadResponse(self.portal.id, "package_show result is not an object")
        return parse_package(package, portal=self.portal.id, base=self.base, lang=self.lang)

    async def harvest(
        self, *, since: datetime | None = None, progress: Progress | None = None
    ) -> list[DatasetRecord]:
        rows = min(self.page_size or MAX_ROWS, MAX_ROWS)
        first = await self._search(search_params(None, rows=rows, since=since))
        total = first.total or 0
        step = int(first.next_cursor) if first.next_cursor is not None else total

        def fetch(start: int) -> Callable[[], Awaitable[Page]]:
            return partial(self._search, search_params(None, rows=rows, start=start, since=since))

        return await self.walk(
            first,
            ((f"start={s}", fetch(s)) for s in range(step, total, step or 1)),
            signature=f"{rows}:{since}:{total}",
            total=total,
            progress=progress,
        )
