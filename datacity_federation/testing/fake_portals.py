"""A fake open-data portal server on 127.0.0.1 that behaves like each real platform.

For tests and benchmarks of code that talks to portals (ours, or an application's). One
threaded stdlib HTTP server answers under a prefix per platform, with the real paths, envelopes,
paging caps and error bodies:

==============================  ============================================================
``/ods/api/explore/v2.1/...``   Opendatasoft v2.1 (``limit`` <= 100, ``offset + limit`` < 10,000,
                                ``/catalog/exports/json`` without cap); ``/ods20/api/v2`` = v2.0
``/ckan/api/3/action/...``      CKAN (``rows`` capped at 1,000, ``start``, ``success: false``
                                envelopes, Barcelona translated fields, harvest sources)
``/sg/v2/public/api/...``       data.gov.sg v2 (10 per page, ``code`` envelope, 429 code 24)
``/socrata/api/catalog/v1``     Socrata Discovery (offset cap 10,000, ``scroll_id`` deep paging)
``/ogd/lists``, ``/ogd/resource``  India's OGD API (``api-key`` required, string values)
``/dcat/data.json``             DCAT-US catalogue
``/moved/api/3/action/...``     301 to the CKAN API (redirects are followed)
``/faults/<mode>-<tag>/...``    the CKAN API behind a fault: ``html`` (an HTML 502 page),
                                ``500`` (one 500, then fine), ``429`` (one 429 with Retry-After,
                                then fine), ``drop`` (one dropped connection, then fine),
                                ``dropall``, ``truncated`` (a cut JSON body), ``slow`` (2 s),
                                ``quota`` (429 with a Retry-After of an hour),
                                ``later`` (every page after the first: 503)
==============================  ============================================================

Every request waits ``latency`` seconds first (the benchmark's 50 ms). ``requests`` counts them.
Every JSON answer carries an ``ETag``; a request whose ``If-None-Match`` equals it gets ``304``
(as a web server in front of a portal does). The listings sort as asked (CKAN ``sort``,
Opendatasoft ``order_by``, OGD ``sort[...]``), which the harvest's probe of the newest data set
relies on. :meth:`FakePortals.remove` deletes a data set between two harvests.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import re
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from datacity_federation.testing.fake_datasets import FakeDataset
from datacity_federation.testing.fake_platforms import (
    OGD_KEY,
    SOCRATA_CAP,
    serve_fault,
    serve_ogd,
    serve_sg,
    serve_socrata,
)

__all__ = ["FakeDataset", "FakePortals", "FakePortalsProcess"]

ODS_CAP = 10_000
CKAN_ROWS_MAX = 1000


class FakePortals:
    """Start with :meth:`start` (or as a context manager); ``url(prefix)`` gives a base URL."""

    def __init__(
        self,
        *,
        datasets: int = 250,
        latency: float = 0.0,
        harvest_sources: int = 2,
        ogd_key: str = OGD_KEY,
        socrata_cap: int = SOCRATA_CAP,
    ) -> None:
        self.latency = latency
        self.ogd_key = ogd_key
        self.socrata_cap = socrata_cap
        self.version = 0
        """Moves with every change of the catalogue (listings cached per version)."""
        self.listings: dict[tuple[Any, ...], list[FakeDataset]] = {}
        self.datasets = [FakeDataset(i) for i in range(datasets)]
        self.harvest_sources = [
            FakeDataset(datasets + i, harvest_source=True) for i in range(harvest_sources)
        ]
        self.requests: Counter[str] = Counter()
        self.not_modified = 0
        """Answers that were ``304 Not Modified``."""
        self.faults: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---
    def start(self) -> FakePortals:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakePortals:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start the server first"
        return int(self._server.server_address[1])

    def url(self, prefix: str) -> str:
        """Base URL of one platform: ``ods``, ``ods20``, ``ckan``, ``sg``, ``socrata``, ``ogd``,
        ``dcat``, or ``faults/<mode>-<tag>`` (a CKAN API behind that fault)."""
        paths = {
            "ods": "/ods/api/explore/v2.1",
            "ods20": "/ods20/api/v2",
            "ckan": "/ckan/api/3/action/",
            "sg": "/sg/v2/public/api",
            "socrata": "/socrata/api/catalog/v1",
            "ogd": "/ogd",
            "dcat": "/dcat/data.json",
        }
        path = paths.get(prefix) or f"/{prefix.strip('/')}/api/3/action/"
        return f"http://127.0.0.1:{self.port}{path}"

    # --- changing the catalogue between harvests ---
    def touch(
        self, number: int, *, minutes: int = 1, title: str | None = None, licence: str | None = None
    ) -> None:
        """Modify one data set (its ``modified`` moves forward)."""
        ds = next(d for d in self.datasets if d.number == number)
        latest = max(d.modified for d in self.datasets)
        ds.modified = latest + timedelta(minutes=minutes)
        if title is not None:
            ds.title = title
        if licence is not None:
            ds.licence = licence
        ds.changed()
        self.version += 1

    def remove(self, number: int) -> None:
        """Delete one data set from the catalogue (a later full harvest marks it withdrawn)."""
        self.datasets = [d for d in self.datasets if d.number != number]
        self.version += 1


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away (a harvest killed mid-request) is not the server's error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    fake: FakePortals
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return

    # --- plumbing ---
    def _send(
        self,
        status: int,
        body: Any,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        extra = dict(headers or {})
        if status == 200 and content_type == "application/json":
            etag = '"' + hashlib.sha256(raw).hexdigest()[:20] + '"'
            extra["ETag"] = etag
            if self.headers.get("If-None-Match") == etag:
                with self.fake._lock:
                    self.fake.not_modified += 1
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        if len(raw) > 1024 and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            raw = gzip.compress(raw, compresslevel=1)
            extra["Content-Encoding"] = "gzip"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:
        fake = self.fake
        if fake.latency:
            time.sleep(fake.latency)
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        segments = [s for s in parts.path.split("/") if s]
        with fake._lock:
            fake.requests[segments[0] if segments else ""] += 1
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route(segments, query)

    def _route(self, seg: list[str], q: dict[str, str]) -> None:
        head = seg[0] if seg else ""
        if head == "ods" and seg[1:4] == ["api", "explore", "v2.1"]:
            return self._ods(seg[4:], q, legacy=False)
        if head == "ods20" and seg[1:3] == ["api", "v2"]:
            return self._ods(seg[3:], q, legacy=True)
        if head == "ckan":
            return self._ckan(seg[-1], q)
        if head == "sg" and seg[1:4] == ["v2", "public", "api"]:
            return serve_sg(self, seg[4:], q)
        if head == "socrata":
            return serve_socrata(self, q)
        if head == "ogd":
            return serve_ogd(self, seg[1:], q)
        if head == "dcat":
            return self._send(200, {"@type": "dcat:Catalog", "conformsTo": "https://project-open-data.cio.gov/v1.1/schema", "dataset": [d.datajson() for d in self.fake.datasets]})  # fmt: skip
        if head == "moved":  # a portal that moved its API: 301 to the CKAN one
            self.send_response(301)
            self.send_header("Location", "/ckan/" + self.path.split("/", 2)[2])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if head == "faults" and len(seg) > 1:
            return serve_fault(self, seg[1], seg, q)
        return self._send(
            404, b"<html><head><title>404 Not Found</title></head></html>", content_type="text/html"
        )

    # --- Opendatasoft ---
    def _ods(self, seg: list[str], q: dict[str, str], *, legacy: bool) -> None:
        datasets = _filter_ods(self.fake.datasets, q.get("where"))
        if q.get("order_by") == "modified desc":
            datasets = sorted(datasets, key=lambda d: d.modified, reverse=True)
        if seg == ["catalog", "datasets"]:
            limit, offset = int(q.get("limit", 10)), int(q.get("offset", 0))
            if limit > 100:
                return self._send(
                    400,
                    {
                        "error_code": "InvalidRESTParameterError",
                        "message": f"Invalid value for limit API parameter: {limit} was found but -1 <= limit <= 100 is expected.",
                    },
                )
            if offset + limit >= ODS_CAP:
                return self._send(
                    400,
                    {
                        "error_code": "InvalidRESTParameterError",
                        "message": "Invalid value for offset/limit: offset + limit must be lower than 10000. If you need more results, use the /exports endpoint.",
                    },
                )
            chosen = datasets[offset : offset + limit]
            if legacy:
                wrapped = [{"links": [], "dataset": d.ods()} for d in chosen]
                return self._send(
                    200, {"total_count": len(datasets), "links": [], "datasets": wrapped}
                )
            items = b",".join(d.encoded("ods") for d in chosen)
            return self._send(200, b'{"total_count": %d, "results": [%s]}' % (len(datasets), items))
        if seg == ["catalog", "exports", "json"]:
            return self._send(200, b"[" + b",".join(d.encoded("ods") for d in datasets) + b"]")
        if len(seg) == 3 and seg[:2] == ["catalog", "datasets"]:
            for d in self.fake.datasets:
                if d.id == seg[2]:
                    return self._send(200, {"dataset": d.ods()} if legacy else d.ods())
            return self._send(
                404, {"error_code": "DatasetNotFound", "message": f"Unknown dataset: {seg[2]}"}
            )
        return self._send(404, {"error_code": "NotFound", "message": "Unknown path"})  # fmt: skip

    # --- CKAN ---
    def _ckan(self, action: str, q: dict[str, str]) -> None:
        help_url = f"http://127.0.0.1/api/3/action/help_show?name={action}"
        everything = self.fake.datasets + self.fake.harvest_sources
        if action == "package_search":
            try:
                rows, start = min(int(q.get("rows", 10)), CKAN_ROWS_MAX), int(q.get("start", 0))
            except ValueError:
                return self._send(
                    409,
                    {
                        "help": help_url,
                        "success": False,
                        "error": {"__type": "Validation Error", "rows": ["Invalid integer"]},
                    },
                )
            chosen = _filter_ckan(everything, q.get("q", "*:*"), q.get("fq", ""))
            if chosen is not None and q.get("sort") == "metadata_modified desc":
                chosen = sorted(chosen, key=lambda d: d.modified, reverse=True)
            if chosen is None:
                return self._send(
                    409,
                    {
                        "help": help_url,
                        "success": False,
                        "error": {
                            "__type": "Search Query Error",
                            "message": 'Search Query is invalid: "Invalid Lucene query"',
                        },
                    },
                )
            items = b",".join(d.encoded("ckan") for d in chosen[start : start + rows])
            head = (
                b'{"help": "%s", "success": true, "result": {"count": %d, "sort": "name asc", '
                % (
                    help_url.encode(),
                    len(chosen),
                )
            )
            return self._send(200, head + b'"facets": {}, "results": [' + items + b"]}}")
        if action == "package_show":
            for d in everything:
                if q.get("id") in (d.id, d.ckan()["id"]):
                    return self._send(200, {"help": help_url, "success": True, "result": d.ckan()})
            return self._send(
                404,
                {
                    "help": help_url,
                    "success": False,
                    "error": {"__type": "Not Found Error", "message": "Not found"},
                },
            )
        return self._send(400, {"help": help_url, "success": False, "error": {"__type": "Bad request", "message": f"Action name not known: {action}"}})  # fmt: skip


_SINCE = re.compile(r"modified > date'([^']+)'")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_CKAN_SINCE = re.compile(r"metadata_modified:\[(\S+) TO \*\]")


def _filter_ods(datasets: list[FakeDataset], where: str | None) -> list[FakeDataset]:
    chosen = datasets
    if where:
        if (since := _SINCE.search(where)) is not None:
            moment = datetime.fromisoformat(since.group(1).replace("Z", "+00:00"))
            chosen = [d for d in chosen if d.modified > moment]
        for text in _QUOTED.findall(where):
            chosen = [d for d in chosen if text.casefold() in d.title.casefold()]
    return chosen


def _filter_ckan(datasets: list[FakeDataset], q: str, fq: str) -> list[FakeDataset] | None:
    if q.count('"') % 2 or q.strip().endswith(("AND", "OR", ":")):
        return None
    chosen = datasets
    if "-dataset_type:harvest" in fq:
        chosen = [d for d in chosen if not d.harvest_source]
    if (since := _CKAN_SINCE.search(fq)) is not None:
        moment = datetime.fromisoformat(since.group(1).replace("Z", "+00:00"))
        chosen = [d for d in chosen if d.modified >= moment]
    if q not in ("*:*", ""):
        words = q.casefold().split()
        chosen = [d for d in chosen if all(w in d.title.casefold() for w in words)]
    return chosen


def _serve_child(conn: Any, datasets: int, latency: float, harvest_sources: int) -> None:
    with FakePortals(datasets=datasets, latency=latency, harvest_sources=harvest_sources) as fake:
        conn.send(fake.port)
        conn.recv()  # any message (or the parent's end closing) stops the server


class FakePortalsProcess(FakePortals):
    """The same server in a child process, so its CPU does not compete with the client's (GIL).

    For benchmarks: the catalogue cannot be changed after start (``touch`` acts on a copy).
    """

    def start(self) -> FakePortalsProcess:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve_child,
            args=(child, len(self.datasets), self.latency, len(self.harvest_sources)),
            daemon=True,
        )
        self._process.start()
        if not self._conn.poll(30):
            self._process.kill()
            raise RuntimeError("the fake portal server did not start")
        self._port = int(self._conn.recv())
        return self

    def stop(self) -> None:
        process = getattr(self, "_process", None)
        if process is not None:
            self._conn.send("stop")
            process.join(10)
            if process.is_alive():
                process.kill()
            del self._process

    def __enter__(self) -> FakePortalsProcess:
        return self.start()

    @property
    def port(self) -> int:
        return self._port
