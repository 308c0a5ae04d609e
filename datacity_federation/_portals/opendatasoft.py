"""Opendatasoft Explore API v2.1 (Paris: opendata.paris.fr).

Rule header: ``/catalog/datasets`` pages with ``limit`` <= 100 and ``offset + limit`` < 10,000;
a harvest beyond that cap switches to ``/catalog/exports/json``, which has no cap. Responses in
the legacy v2.0 shape (``datasets[].dataset``) are read too, and the adapter says so in
``warnings``. Error bodies come in two styles (``error_code``/``message`` and
``errorcode``/``error``); :func:`parse_error` reads both.
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
    "OpendatasoftAdapter",
    "detect_version",
    "parse_catalog",
    "parse_dataset",
    "parse_error",
    "parse_export",
    "search_params",
]

MAX_LIMIT = 100
OFFSET_CAP = 10_000
"""``offset + limit`` must stay below this on ``/catalog/datasets``."""

_FIELDS_KEPT = (
    "records_count",
    "territory",
    "geographic_reference",
    "data_processed",
    "metadata_processed",
    "references",
    "attributions",
    "timezone",
)


def detect_version(body: Any) -> str:
    """``"v2.1"`` for flat ``results[]`` (or an export list), ``"v2.0"`` for ``datasets[]``."""
    if isinstance(body, dict) and "datasets" in body and "results" not in body:
        return "v2.0"
    if isinstance(body, dict) and "dataset" in body and "dataset_id" not in body:
        return "v2.0"
    return "v2.1"


def search_params(
    query: str | None,
    *,
    limit: int,
    offset: int = 0,
    lang: str | None = None,
    since: datetime | None = None,
) -> dict[str, Any]:
    """Query string of ``/catalog/datasets``; full-text search is a quoted ODSQL literal."""
    clauses = []
    if query and query.strip() not in ("", "*"):
        clauses.append('"' + query.replace("\\", "\\\\").replace('"', '\\"') + '"')
    if since is not None:
        clauses.append(f"modified > date'{since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'")
    return {
        "where": " and ".join(clauses) or None,
        "limit": max(1, min(limit, MAX_LIMIT)),
        "offset": offset,
        "order_by": "dataset_id",
        "lang": lang,
    }


def _site(base: str) -> str:
    return re.sub(r"/api/(explore/)?v2(\.\d)?/?$", "", base.rstrip("/"))


def parse_dataset(
    item: dict[str, Any],
    *,
    portal: str,
    base: str = "",
    lang: str | None = None,
    site: str | None = None,
) -> DatasetRecord:
    """One ODS dataset object (v2.1 flat, or v2.0 ``{"dataset": {...}}``) -> record."""
    if "dataset_id" not in item and isinstance(item.get("dataset"), dict):
        item = item["dataset"]
    dataset_id = as_text(item.get("dataset_id"))
    if dataset_id is None:
        raise PortalBadResponse(portal, "a dataset without dataset_id in the catalogue")
    metas = item.get("metas") or {}
    default = metas.get("default") or {}
    dcat = metas.get("dcat") or {}
    language = as_text(default.get("language")) or lang
    key = language or UNDETERMINED
    title = as_text(default.get("title"))
    description = as_text(default.get("description"))
    features = [str(f) for f in as_list(item.get("features"))]
    distributions: list[Distribution] = []
    if base:
        exports = join_url(base, f"catalog/datasets/{dataset_id}/exports")
        formats = [("csv", "CSV", "text/csv"), ("json", "JSON", "application/json")]
        if "geo" in features:
            formats.append(("geojson", "GeoJSON", "application/geo+json"))
        distributions += [Distribution(f"{exports}/{ext}", fmt, mt) for ext, fmt, mt in formats]
    for attachment in as_list(item.get("attachments")):
        if isinstance(attachment, dict) and as_text(
            attachment.get("href") or attachment.get("url")
        ):
            distributions.append(
                Distribution(
                    url=str(attachment.get("href") or attachment.get("url")),
                    format=as_text(attachment.get("mimetype")),
                    title=as_text(attachment.get("title")),
                )
            )
    extras: dict[str, Any] = {k: default[k] for k in _FIELDS_KEPT if default.get(k) is not None}
    extras.update(
        {
            "dataset_uid": item.get("dataset_uid"),
            "features": features,
            "has_records": item.get("has_records"),
        }
    )
    other = {name: value for name, value in metas.items() if name != "default" and value}
    if other:
        extras["metas"] = other
    return DatasetRecord(
        portal=portal,
        id=dataset_id,
        title={key: title} if title else {},
        description={key: description} if description else {},
        publisher=as_text(default.get("publisher")),
        license=as_text(default.get("license")),
        license_url=as_text(default.get("license_url")),
        keywords=clean_keywords(as_list(default.get("keyword"))),
        themes=clean_keywords(as_list(default.get("theme"))),
        language=language,
        issued=parse_datetime(dcat.get("issued")) if isinstance(dcat, dict) else None,
        modified=parse_datetime(default.get("modified")),
        landing_page=f"{site or _site(base)}/explore/dataset/{dataset_id}/" if base else None,
        distributions=tuple(distributions),
        extras=extras,
    )


def parse_catalog(
    body: Any, *, portal: str, base: str = "", lang: str | None = None, offset: int = 0
) -> Page:
    """A ``/catalog/datasets`` answer (v2.1 or v2.0) -> page; the cursor is the next offset."""
    if not isinstance(body, dict):
        raise PortalBadResponse(portal, "catalogue answer is not a JSON object")
    items = body.get("results") if "results" in body else body.get("datasets")
    if not isinstance(items, list):
        raise PortalBadResponse(portal, "catalogue answer has neither results[] nor datasets[]")
    site = _site(base)
    records = tuple(parse_dataset(i, portal=portal, base=base, lang=lang, site=site) for i in items)
    total = body.get("total_count")
    total = total if isinstance(total, int) else None
    end = offset + len(records)
    more = bool(records) and (total is None or end < total)
    return Page(items=records, total=total, next_cursor=str(end) if more else None)


def parse_export(
    body: Any, *, portal: str, base: str = "", lang: str | None = None
) -> list[DatasetRecord]:
    """A ``/catalog/exports/json`` answer: a list of dataset objects (or a catalogue page)."""
    if isinstance(body, dict):
        return list(parse_catalog(body, portal=portal, base=base, lang=lang).items)
    if not isinstance(body, list):
        raise PortalBadResponse(portal, "catalogue export is not a JSON list")
    site = _site(base)
    return [
        parse_dataset(i, portal=portal, base=base, lang=lang, site=site)
        for i in body
        if isinstance(i, dict)
    ]


def parse_error(portal: str, status: int, body: Any) -> PortalError:
    """Either error style -> the matching :class:`PortalError` subclass."""
    body = body if isinstance(body, dict) else {}
    code = as_text(body.get("error_code")) or as_text(body.get("errorcode"))
    message = as_text(body.get("message")) or as_text(body.get("error")) or f"HTTP {status}"
    if status == 429:
        limit = body.get("call_limit")
        unit = body.get("limit_time_unit")
        reset = body.get("reset_time")
        detail = f"quota of {limit} calls per {unit} used up" if limit and unit else message
        if reset:
            detail += f"; resets at {reset}"
        return PortalRateLimited(portal, detail, status=status, code=code)
    if status == 404:
        return DatasetNotFound(portal, message, status=status, code=code)
    if status == 400 or code in {"ODSQLError", "InvalidRESTParameterError"}:
        return PortalQueryError(portal, message, status=status, code=code)
    if status in (401, 403):
        return PortalError(portal, f"access refused: {message}", status=status, code=code)
    return PortalError(portal, message, status=status, code=code)


class OpendatasoftAdapter(PortalAdapter):
    kind = "opendatasoft"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []

    parse_error = staticmethod(parse_error)

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Apikey {self.key}"} if self.key else {}

    def _note_version(self, body: Any) -> None:
        if detect_version(body) == "v2.0":
            note = (
                f"portal {self.portal.id} answers in the legacy Explore API v2.0 shape; "
                "point its url at .../api/explore/v2.1"
            )
            if note not in self.warnings:
                self.warnings.append(note)

    def _parse(self, body: Any, offset: int = 0) -> Page:
        self._note_version(body)
        return parse_catalog(
            body, portal=self.portal.id, base=self.base, lang=self.lang, offset=offset
        )

    async def _page(self, params: dict[str, Any], offset: int) -> Page:
        parse = partial(self._parse, offset=offset)
        return await self.http.get_parsed(join_url(self.base, "catalog/datasets"), params, parse)

    async def search(self, query: str, *, limit: int = 20, cursor: str | None = None) -> Page:
        offset = int(cursor or 0)
        limit = min(limit, MAX_LIMIT, OFFSET_CAP - 1 - offset)
        if limit < 1:
            return Page(items=(), total=None)
        params = search_params(query, limit=limit, offset=offset, lang=self.lang)
        return await self._page(params, offset)

    def probe_request(self) -> ProbeRequest:
        params = {**search_params(None, limit=1, lang=self.lang), "order_by": "modified desc"}
        return join_url(self.base, "catalog/datasets"), params, self._parse

    async def get(self, dataset_id: str) -> DatasetRecord:
        url = join_url(self.base, f"catalog/datasets/{dataset_id}")
        body = await self.http.get_json(url, {"lang": self.lang})
        self._note_version(body)
        if not isinstance(body, dict):
            raise PortalBadResponse(self.portal.id, "dataset answer is not a JSON object")
        return parse_dataset(body, portal=self.portal.id, base=self.base, lang=self.lang)

    async def harvest(
        self, *, since: datetime | None = None, progress: Progress | None = None
    ) -> list[DatasetRecord]:
        size = min(self.page_size or MAX_LIMIT, MAX_LIMIT)
        first = await self._page(search_params(None, limit=size, lang=self.lang, since=since), 0)
        total = first.total if first.total is not None else len(first.items)
        more = first.next_cursor is not None
        if more and total >= OFFSET_CAP:
            if progress:
                progress(len(first.items), total)
            return await self._export(since, total, progress)

        def fetch(offset: int) -> Callable[[], Awaitable[Page]]:
            limit = min(size, OFFSET_CAP - 1 - offset)
            params = search_params(None, limit=limit, offset=offset, lang=self.lang, since=since)
            return partial(self._page, params, offset)

        offsets = range(len(first.items), total, size) if more else range(0)
        return await self.walk(
            first,
            ((f"offset={o}", fetch(o)) for o in offsets),
            signature=f"{size}:{since}:{total}",
            total=total,
            progress=progress,
        )

    async def _export(
        self, since: datetime | None, total: int, progress: Progress | None
    ) -> list[DatasetRecord]:
        params = search_params(None, limit=1, lang=self.lang, since=since)
        export = {"where": params["where"], "lang": self.lang, "order_by": "dataset_id"}

        def parse(body: Any) -> list[DatasetRecord]:
            self._note_version(body)
            return parse_export(body, portal=self.portal.id, base=self.base, lang=self.lang)

        url = join_url(self.base, "catalog/exports/json")
        records = await self.http.get_parsed(url, export, parse)
        if progress:
            progress(len(records), max(total, len(records)))
        return records
