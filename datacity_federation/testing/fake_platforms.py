"""More platforms of the fake portal server: India's OGD API and Socrata's deep paging.

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

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datacity_federation.testing.fake_portals import FakeDataset, _Handler

__all__ = ["OGD_KEY", "SOCRATA_CAP", "ogd_record", "serve_ogd", "serve_socrata", "socrata_id"]

#: The key the fake OGD API accepts (a test value, not a real key).
OGD_KEY = "fake-ogd-key-for-tests"
SOCRATA_CAP = 10_000


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


def serve_ogd(handler: _Handler, seg: list[str], q: dict[str, str]) -> None:
    key = q.get("api-key")
    if not key:
        return handler._send(400, {"error": "Authorization field missing"})
    if key != handler.fake.ogd_key:
        return handler._send(403, {"error": "Key not authorised"})
    records = [ogd_record(d) for d in handler.fake.datasets]
    if seg == ["lists"]:
        for name, value in q.items():
            if name.startswith("filters["):
                field = name[8:-1]
                records = [r for r in records if _matches(r, field, value)]
            elif name.startswith("notfilters["):
                field = name[11:-1]
                records = [r for r in records if not _matches(r, field, value)]
        for name, value in q.items():
            if name.startswith("sort["):
                field = name[5:-1]
                records.sort(key=lambda r: int(r.get(field) or 0), reverse=value == "desc")
        try:
            offset, limit = int(q.get("offset", "0")), int(q.get("limit", "10"))
        except ValueError:
            return handler._send(400, {"status": "error", "message": "Invalid offset or limit"})
        chosen = records[offset : offset + limit]
        return handler._send(
            200,
            {
                "title": "Resource lists",
                "message": "Resource lists",
                "status": "ok",
                "total": str(len(records)),
                "count": len(chosen),
                "limit": str(limit),
                "offset": str(offset),
                "version": "2.2.0",
                "records": chosen,
            },
        )
    if len(seg) == 2 and seg[0] == "resource":
        for record in records:
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
