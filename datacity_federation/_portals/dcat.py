"""DCAT catalogues: DCAT-US ``data.json``, DCAT-AP in JSON-LD, and Turtle with the ``rdf`` extra.

Rule header: the portal's ``url`` is the catalogue document itself. It is fetched whole (DCAT
has no paging), then read by shape: a JSON object with a ``dataset`` list is DCAT-US (Project
Open Data 1.1, what Socrata and ODS export); JSON-LD with ``@graph`` (or an expanded list) is
read node by node, whatever the prefixes; Turtle goes through rdflib (optional: ``pip install
'datacity-federation[rdf]'``) into the same JSON-LD reader. Unknown keys are kept in ``extras``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from datacity_federation._portals.base import PortalAdapter, Probe, Progress, Validators
from datacity_federation._portals.datagovsg import matches
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
from datacity_federation._portals.socrata import parse_error as _http_error
from datacity_federation.errors import DatasetNotFound, PortalBadResponse, PortalError

__all__ = [
    "DcatAdapter",
    "parse_datajson",
    "parse_datajson_dataset",
    "parse_document",
    "parse_error",
    "parse_jsonld",
    "parse_turtle",
]

_KNOWN_US = {
    "@type", "identifier", "title", "description", "publisher", "license", "keyword", "theme",
    "language", "issued", "modified", "landingPage", "distribution",
}  # fmt: skip

_NAMESPACES = (
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/dcat#",
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/2004/02/skos/core#",
    "http://www.w3.org/2006/vcard/ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://schema.org/",
    "http://www.w3.org/ns/adms#",
)


def parse_error(portal: str, status: int, body: Any) -> PortalError:
    """A catalogue file has no error format of its own: map by HTTP status."""
    return _http_error(portal, status, body)


# --- DCAT-US data.json ---------------------------------------------------------------------


def parse_datajson_dataset(
    item: dict[str, Any], *, portal: str, lang: str | None = None
) -> DatasetRecord:
    """One DCAT-US dataset object -> record."""
    identifier = as_text(item.get("identifier")) or as_text(item.get("@id"))
    if identifier is None:
        raise PortalBadResponse(portal, "a data.json dataset without identifier")
    languages = [str(x) for x in as_list(item.get("language")) if as_text(x)]
    key = lang or (languages[0] if languages else UNDETERMINED)
    title = as_text(item.get("title"))
    description = as_text(item.get("description"))
    publisher = item.get("publisher")
    distributions = []
    for dist in as_list(item.get("distribution")):
        if not isinstance(dist, dict):
            continue
        url = as_text(dist.get("downloadURL")) or as_text(dist.get("accessURL"))
        if url is None:
            continue
        distributions.append(
            Distribution(
                url=url,
                format=as_text(dist.get("format")),
                media_type=as_text(dist.get("mediaType")),
                title=as_text(dist.get("title")),
                size=as_size(dist.get("byteSize")),
            )
        )
    license_ = as_text(item.get("license"))
    return DatasetRecord(
        portal=portal,
        id=identifier,
        title={key: title} if title else {},
        description={key: description} if description else {},
        publisher=as_text(publisher.get("name"))
        if isinstance(publisher, dict)
        else as_text(publisher),
        license=license_,
        license_url=license_ if license_ and license_.startswith("http") else None,
        keywords=clean_keywords(as_list(item.get("keyword"))),
        themes=clean_keywords(as_list(item.get("theme"))),
        language=languages[0] if languages else lang,
        issued=parse_datetime(item.get("issued")),
        modified=parse_datetime(item.get("modified")),
        landing_page=as_text(item.get("landingPage")),
        distributions=tuple(distributions),
        extras={
            k: v for k, v in item.items() if k not in _KNOWN_US and not k.startswith("@context")
        },
    )


def parse_datajson(body: Any, *, portal: str, lang: str | None = None) -> list[DatasetRecord]:
    """A DCAT-US catalogue (``{"dataset": [...]}``) -> records."""
    if not isinstance(body, dict) or not isinstance(body.get("dataset"), list):
        raise PortalBadResponse(portal, "data.json has no dataset[] list")
    return [
        parse_datajson_dataset(d, portal=portal, lang=lang)
        for d in body["dataset"]
        if isinstance(d, dict)
    ]


# --- DCAT-AP JSON-LD (compact with prefixes, or expanded) ----------------------------------


def _local(key: str) -> str:
    for namespace in _NAMESPACES:
        if key.startswith(namespace):
            return key[len(namespace) :]
    if ":" in key and not key.startswith(("http:", "https:")):
        return key.split(":", 1)[1]
    return key.rsplit("#", 1)[-1] if key.startswith("http") else key


class _Graph:
    def __init__(self, nodes: Iterable[dict[str, Any]]) -> None:
        self.nodes = [n for n in nodes if isinstance(n, dict)]
        self.by_id = {n["@id"]: n for n in self.nodes if isinstance(n.get("@id"), str)}

    def values(self, node: dict[str, Any], name: str) -> list[Any]:
        out: list[Any] = []
        for key, value in node.items():
            if not key.startswith("@") and _local(key) == name:
                for item in as_list(value):
                    if isinstance(item, dict) and set(item) == {"@id"}:
                        out.append(self.by_id.get(item["@id"], item["@id"]))
                    else:
                        out.append(item)
        return out

    def texts(self, node: dict[str, Any], name: str) -> list[tuple[str | None, str]]:
        found = []
        for item in self.values(node, name):
            if isinstance(item, dict) and "@value" in item:
                text = as_text(item["@value"])
                if text:
                    found.append((as_text(item.get("@language")), text))
            elif isinstance(item, dict):
                label = self.label(item)
                if label:
                    found.append((None, label))
            elif (text := as_text(item)) is not None:
                found.append((None, text))
        return found

    def text(self, node: dict[str, Any], *names: str) -> str | None:
        for name in names:
            found = self.texts(node, name)
            if found:
                return found[0][1]
        return None

    def label(self, node: dict[str, Any]) -> str | None:
        for name in ("prefLabel", "name", "label", "title", "fn", "value"):
            found = [t for _, t in self.texts(node, name)]
            if found:
                return found[0]
        return as_text(node.get("@id"))

    def is_a(self, node: dict[str, Any], kind: str) -> bool:
        return any(_local(str(t)) == kind for t in as_list(node.get("@type")))


def _per_language(pairs: list[tuple[str | None, str]], lang: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for language, text in pairs:
        out.setdefault(language or lang or UNDETERMINED, text)
    return out


def _jsonld_dataset(
    graph: _Graph, node: dict[str, Any], *, portal: str, lang: str | None
) -> DatasetRecord:
    identifier = graph.text(node, "identifier") or as_text(node.get("@id"))
    if identifier is None:
        raise PortalBadResponse(portal, "a DCAT dataset without identifier or @id")
    distributions = []
    licences = [t for _, t in graph.texts(node, "license")]
    for dist in graph.values(node, "distribution"):
        if not isinstance(dist, dict):
            continue
        url = graph.text(dist, "downloadURL", "accessURL")
        if url is None:
            continue
        formats = graph.values(dist, "format")
        fmt = next((graph.text(f, "label") for f in formats if isinstance(f, dict)), None)
        fmt = fmt or next(
            (_local(str(f)).rsplit("/", 1)[-1] for f in formats if isinstance(f, str)), None
        )
        media = graph.text(dist, "mediaType") or next(
            (graph.text(f, "value") for f in formats if isinstance(f, dict)), None
        )
        licences += [t for _, t in graph.texts(dist, "license")]
        distributions.append(
            Distribution(
                url=url,
                format=fmt,
                media_type=media,
                title=graph.text(dist, "title"),
                size=_size(graph.text(dist, "byteSize")),
            )
        )
    languages = [t.rsplit("/", 1)[-1].lower() for _, t in graph.texts(node, "language")]
    license_ = licences[0] if licences else None
    return DatasetRecord(
        portal=portal,
        id=identifier,
        title=_per_language(graph.texts(node, "title"), lang),
        description=_per_language(graph.texts(node, "description"), lang),
        publisher=graph.text(node, "publisher"),
        license=license_,
        license_url=license_ if license_ and license_.startswith("http") else None,
        keywords=clean_keywords(t for _, t in graph.texts(node, "keyword")),
        themes=clean_keywords(t for _, t in graph.texts(node, "theme")),
        language=languages[0] if languages else lang,
        issued=parse_datetime(graph.text(node, "issued")),
        modified=parse_datetime(graph.text(node, "modified")),
        landing_page=graph.text(node, "landingPage"),
        distributions=tuple(distributions),
        extras={"iri": node["@id"]} if isinstance(node.get("@id"), str) else {},
    )


def _size(text: str | None) -> int | None:
    try:
        return as_size(float(text)) if text else None
    except ValueError:
        return None


def parse_jsonld(body: Any, *, portal: str, lang: str | None = None) -> list[DatasetRecord]:
    """DCAT in JSON-LD: ``@graph`` or an expanded node list; POD-style catalogues go to data.json."""
    if isinstance(body, dict) and isinstance(body.get("dataset"), list) and "@graph" not in body:
        return parse_datajson(body, portal=portal, lang=lang)
    if isinstance(body, dict):
        nodes = as_list(body.get("@graph")) if "@graph" in body else [body]
    elif isinstance(body, list):
        nodes = body
    else:
        raise PortalBadResponse(portal, "JSON-LD document is neither an object nor a list")
    graph = _Graph(nodes)
    return [
        _jsonld_dataset(graph, n, portal=portal, lang=lang)
        for n in graph.nodes
        if graph.is_a(n, "Dataset")
    ]


def parse_turtle(text: str, *, portal: str, lang: str | None = None) -> list[DatasetRecord]:
    """DCAT-AP in Turtle, through rdflib (the optional ``rdf`` extra)."""
    try:
        import rdflib
    except ImportError:
        raise PortalError(
            portal, "a Turtle catalogue needs rdflib: pip install 'datacity-federation[rdf]'"
        ) from None
    graph = rdflib.Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad input
        raise PortalBadResponse(portal, f"Turtle catalogue does not parse: {exc}") from None
    expanded = json.loads(graph.serialize(format="json-ld"))
    return parse_jsonld(expanded, portal=portal, lang=lang)


def parse_document(
    body: bytes, *, portal: str, content_type: str = "", lang: str | None = None
) -> list[DatasetRecord]:
    """Any catalogue document: JSON (data.json or JSON-LD) or Turtle, told apart by content."""
    head = body[:2048].lstrip()
    if head.startswith((b"{", b"[")):
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PortalBadResponse(
                portal, f"truncated or invalid JSON catalogue ({type(exc).__name__})"
            ) from None
        if (
            isinstance(data, dict)
            and isinstance(data.get("dataset"), list)
            and "@graph" not in data
        ):
            return parse_datajson(data, portal=portal, lang=lang)
        return parse_jsonld(data, portal=portal, lang=lang)
    if "turtle" in content_type or head.startswith((b"@prefix", b"@base", b"PREFIX", b"<")):
        if head.lower().startswith((b"<!doctype", b"<html")):
            raise PortalBadResponse(portal, "answered with an HTML page instead of a catalogue")
        return parse_turtle(body.decode("utf-8", "replace"), portal=portal, lang=lang)
    raise PortalBadResponse(portal, "catalogue is neither JSON nor Turtle")


class DcatAdapter(PortalAdapter):
    kind = "dcat"
    parse_error = staticmethod(parse_error)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._records: list[DatasetRecord] | None = None

    async def _catalogue(self) -> list[DatasetRecord]:
        # One document holds everything: read it once per adapter (a check asks for several).
        if self._records is None:
            answer = await self.http.get_text(self.base)
            await self._read(answer.body, answer.content_type)
        assert self._records is not None
        return self._records

    async def _read(self, body: bytes, content_type: str) -> None:
        self._records = await asyncio.to_thread(
            parse_document, body, portal=self.portal.id, content_type=content_type, lang=self.lang
        )

    async def probe(self, known: Validators | None) -> Probe | None:
        # The probe is the document itself, asked conditionally; a 200 is kept for the harvest.
        answer = await self.http.get_text(self.base, headers=known.headers() if known else None)
        if answer.status == 304 and known is not None:
            return Probe(True, known)
        await self._read(answer.body, answer.content_type)
        found = Validators(
            answer.etag, answer.last_modified, hashlib.sha256(answer.body).hexdigest()
        )
        return Probe(known is not None and known.fingerprint == found.fingerprint, found)

    async def search(self, query: str, *, limit: int = 20, cursor: str | None = None) -> Page:
        start = int(cursor or 0)
        found = [r for r in await self._catalogue() if matches(r, query)]
        end = start + limit
        return Page(
            items=tuple(found[start:end]),
            total=len(found),
            next_cursor=str(end) if end < len(found) else None,
        )

    async def get(self, dataset_id: str) -> DatasetRecord:
        for record in await self._catalogue():
            if dataset_id in (record.id, record.id.rstrip("/").rsplit("/", 1)[-1]):
                return record
        raise DatasetNotFound(self.portal.id, f"no data set {dataset_id!r} in the catalogue")

    async def harvest(
        self, *, since: datetime | None = None, progress: Progress | None = None
    ) -> list[DatasetRecord]:
        records = await self._catalogue()
        if progress:
            progress(len(records), len(records))
        if since is not None:
            records = [r for r in records if r.modified is None or r.modified > since]
        return records
