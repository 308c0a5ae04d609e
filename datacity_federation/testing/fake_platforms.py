"""More of the fake portal server: India's OGD API, data.gov.sg, Socrata, the fault modes.

Kept apart from ``fake_portals.py`` (which routes to these) so each file stays readable.

* ``/ogd/lists`` and ``/ogd/resource/{index_name}`` speak like ``api.data.gov.in``: the
  ``api-key`` parameter is required (missing: 400 ``{"error": "Authorization field missing"}``;
  wrong: 403 ``{"error": "Key not authorised"}``), almost every value is a string, paging is
  ``offset``/``limit``, ``filters[field]`` / ``notfilters[field]`` and ``sort[field]`` work,
  and an unknown resource answers HTTP 200 with ``{"status": "error", "message": ...}``.
* ``/socrata/api/catalog/v1`` refuses ``offset + limit`` past 10,000 (as the Discovery API
  does) and pages with ``scroll_id`` (results after that id, sorted by id).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datacity_federation.testing.fake_datasets import FakeDataset
    from datacity_federation.testing.fake_portals import _Handler

__all__ = [
    "OGD_KEY",
    "SG_PAGE",
    "SOCRATA_CAP",
    "ogd_record",
    "serve_fault",
    "serve_ogd",
    "serve_sg",
    "serve_socrata",
    "socrata_id",
]

#: The key the fake OGD API accepts (a test value, not a real key).
OGD_KEY = "fake-ogd-key-for-tests"
SOCRATA_CAP = 10_000
SG_PAGE = 10


def ogd_record(ds: FakeDataset) -> dict[str, Any]:
    """One data set as ``/lists`` and ``/resource`` describe it: strings nearly everywhere."""
    created = 1577836800 + ds.number  # 2020-01-01, one second apart: creation order
    return {
        "index_name": f"{ds.number:08x}-0000-4000-8000-{ds.number:012x}",
        "title": ds.title,
        "desc": f"About {ds.title}",
        "org_type": "State",
        "org": ["Karnataka", "Bruhat Bengaluru Mahanagara Palike"],
        "sector": ["Urban Development", "Environment"],
        "source": "data.gov.in",
        "catalog_uuid": f"cat-{ds.number % 10}",
        "visualizable": "1",
        "active": "1",
        "created": str(created),
        "updated": str(int(ds.modified.timestamp())),
        "created_date": "2020-01-01T00:00:00Z",
        "updated_date": ds.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "field": [{"id": "ward", "name": "Ward", "type": "keyword"}],
    }


def _matches(record: dict[str, Any], field: str, value: str) -> bool:
    found = record.get(field)
    texts = found if isinstance(found, list) else [found]
    return any(value.casefold() in str(t).casefold() for t in texts if t is not None)


def _ogd_listing(handler: _Handler, q: dict[str, str]) -> list[FakeDataset]:
    """The data sets a ``/lists`` query selects, in its order (cached per catalogue version)."""
    fake = handler.fake
    asked = tuple(
        sorted((k, v) for k, v in q.items() if k.startswith(("filters[", "notfilters[", "sort[")))
    )
    key = ("ogd", asked, fake.version, len(fake.datasets))
    with fake._lock:
        cached = fake.listings.get(key)
    if cached is not None:
        return cached
    chosen = list(fake.datasets)
    for name, value in asked:
        if name.startswith("filters["):
            field = name[8:-1]
            chosen = [d for d in chosen if _matches(d.shaped("ogd"), field, value)]
        elif name.startswith("notfilters["):
            field = name[11:-1]
            chosen = [d for d in chosen if not _matches(d.shaped("ogd"), field, value)]
    for name, value in asked:
        if name.startswith("sort["):
            field = name[5:-1]
            chosen.sort(key=lambda d: int(d.shaped("ogd").get(field) or 0), reverse=value == "desc")
    with fake._lock:
        fake.listings[key] = chosen
    return chosen


def serve_ogd(handler: _Handler, seg: list[str], q: dict[str, str]) -> None:
    key = q.get("api-key")
    if not key:
        return handler._send(400, {"error": "Authorization field missing"})
    if key != handler.fake.ogd_key:
        return handler._send(403, {"error": "Key not authorised"})
    if seg == ["lists"]:
        chosen = _ogd_listing(handler, q)
        try:
            offset, limit = int(q.get("offset", "0")), int(q.get("limit", "10"))
        except ValueError:
            return handler._send(400, {"status": "error", "message": "Invalid offset or limit"})
        page = chosen[offset : offset + limit]
        head = (
            '{"title": "Resource lists", "message": "Resource lists", "status": "ok", '
            f'"total": "{len(chosen)}", "count": {len(page)}, "limit": "{limit}", '
            f'"offset": "{offset}", "version": "2.2.0", "records": ['
        )
        items = b",".join(d.encoded("ogd") for d in page)
        return handler._send(200, head.encode() + items + b"]}")
    if len(seg) == 2 and seg[0] == "resource":
        for ds in handler.fake.datasets:
            record = ds.shaped("ogd")
            if record["index_name"] == seg[1]:
                meta = {**record, "status": "ok", "message": "Resource detail"}
                return handler._send(
                    200,
                    {**meta, "total": "12", "count": 0, "limit": "0", "offset": "0", "records": []},
                )
        return handler._send(
            200, {"status": "error", "message": "Meta not found", "version": "2.2.0"}
        )
    return handler._send(404, {"error": "Not found"})


def socrata_id(ds: FakeDataset) -> str:
    return f"{ds.number:05d}-fake"


def serve_socrata(handler: _Handler, q: dict[str, str]) -> None:
    chosen = sorted(handler.fake.datasets, key=socrata_id)
    if q.get("ids"):
        chosen = [d for d in chosen if socrata_id(d) == q["ids"]]
    if q.get("q"):
        chosen = [d for d in chosen if q["q"].casefold() in d.title.casefold()]
    total = len(chosen)
    limit = int(q.get("limit", 10))
    if "scroll_id" in q:
        after = q["scroll_id"]
        page = [d for d in chosen if socrata_id(d) > after][:limit]
    else:
        offset = int(q.get("offset", 0))
        if offset + limit > handler.fake.socrata_cap:
            return handler._send(
                400,
                {
                    "error": True,
                    "message": f"offset + limit may not exceed {handler.fake.socrata_cap}; "
                    "use scroll_id to page further",
                },
            )
        page = chosen[offset : offset + limit]
    body = {"results": [d.socrata() for d in page], "resultSetSize": total, "timings": {}}
    return handler._send(200, body)


def serve_sg(handler: _Handler, seg: list[str], q: dict[str, str]) -> None:
    """data.gov.sg v2: ``/datasets?page=N`` (10 a page), ``/datasets/{id}/metadata``."""
    datasets = handler.fake.datasets
    if seg == ["datasets"]:
        page = int(q.get("page", 1))
        pages = max(1, -(-len(datasets) // SG_PAGE))
        chunk = datasets[(page - 1) * SG_PAGE : page * SG_PAGE]
        return handler._send(
            200,
            {
                "code": 0,
                "data": {"datasets": [d.sg() for d in chunk], "pages": pages},
                "errorMsg": None,
            },
        )
    if len(seg) == 3 and seg[0] == "datasets" and seg[2] == "metadata":
        for d in datasets:
            if d.sg()["datasetId"] == seg[1]:
                return handler._send(
                    200,
                    {
                        "code": 0,
                        "data": {
                            **d.sg(),
                            "description": f"About {d.title}",
                            "collectionIds": ["1"],
                        },
                        "errorMsg": None,
                    },
                )
        return handler._send(
            404,
            {
                "code": 17,
                "name": "DATASET_NOT_FOUND",
                "data": None,
                "errorMsg": "Data not found",
            },
        )
    return handler._send(400, {"code": 4, "name": "ERROR_PARAMS", "data": None, "errorMsg": "Unknown path"})  # fmt: skip


def serve_fault(handler: _Handler, name: str, seg: list[str], q: dict[str, str]) -> None:
    """The CKAN API behind the fault ``name`` (``<mode>-<tag>``; see ``fake_portals``)."""
    mode = name.split("-", 1)[0]
    with handler.fake._lock:
        handler.fake.faults[name] += 1
        seen = handler.fake.faults[name]
    if mode == "html":
        page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
        return handler._send(502, page, content_type="text/html")
    if mode == "500" and seen == 1:
        return handler._send(
            500, {"success": False, "error": {"__type": "Internal Error", "message": "boom"}}
        )
    if mode == "429" and seen == 1:
        return handler._send(
            429,
            {"success": False, "error": {"__type": "Throttled", "message": "slow down"}},
            headers={"Retry-After": "1"},
        )
    if mode == "quota":
        return handler._send(
            429,
            {
                "success": False,
                "error": {"__type": "Throttled", "message": "daily quota used up"},
            },
            headers={"Retry-After": "3600"},
        )
    if mode == "later" and int(q.get("start", 0)) > 0:
        return handler._send(503, {"success": False, "error": {"__type": "Unavailable", "message": "try later"}})  # fmt: skip
    if mode == "slow":
        time.sleep(2.0)
    if (mode == "drop" and seen == 1) or mode == "dropall":
        handler.close_connection = True
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "5000")
        handler.end_headers()
        handler.wfile.write(b'{"success": true, "result": {"count"')
        handler.wfile.flush()
        handler.connection.shutdown(2)
        return None
    if mode == "truncated":
        return handler._send(
            200,
            b'{"help": "x", "success": true, "result": {"count": 3, "results": [{"name": "a"',
        )
    return handler._ckan(seg[-1], q)
