"""The normalised, DCAT-shaped record of one data set, whatever platform it came from.

Rule header: everything here is pure (no I/O, no clock). Datetimes are always time-zone aware:
a naive timestamp (CKAN writes them) is read as UTC, a bare date as midnight UTC. Text per
language is kept as given (``{"ca": ..., "es": ...}``); :meth:`DatasetRecord.title_in` picks one.
Platform leftovers live in ``extras`` so the common fields stay comparable across platforms.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

__all__ = [
    "DatasetRecord",
    "Distribution",
    "Page",
    "as_list",
    "as_text",
    "clean_keywords",
    "parse_datetime",
]

#: Key used in per-language text when the platform does not say which language it is.
UNDETERMINED = "und"


@dataclass(frozen=True, slots=True)
class Distribution:
    """One way to get the data: a file, an API, a download page."""

    url: str
    format: str | None = None
    media_type: str | None = None
    title: str | None = None
    size: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "format": self.format,
            "media_type": self.media_type,
            "title": self.title,
            "size": self.size,
        }


@dataclass(frozen=True, slots=True)
class DatasetRecord:
    """A data set as any portal describes it, normalised."""

    portal: str
    """Id of the portal in the city file."""
    id: str
    """Native id: ODS dataset_id, CKAN name, data.gov.sg datasetId, Socrata 4x4, DCAT identifier."""
    title: Mapping[str, str]
    """Title per language (``und`` when the platform does not say)."""
    description: Mapping[str, str] = field(default_factory=dict)
    """Description per language, raw (HTML or Markdown kept)."""
    publisher: str | None = None
    license: str | None = None
    license_url: str | None = None
    keywords: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    language: str | None = None
    issued: datetime | None = None
    modified: datetime | None = None
    landing_page: str | None = None
    distributions: tuple[Distribution, ...] = ()
    extras: Mapping[str, Any] = field(default_factory=dict)
    """Platform-specific leftovers (native uid, record counts, frequency...)."""

    def title_in(self, lang: str | None = None) -> str:
        """The title in ``lang`` if given, else the first one, else the id."""
        return _pick(self.title, lang) or self.id

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (datetimes as ISO 8601 with offset)."""
        return {
            "portal": self.portal,
            "id": self.id,
            "title": dict(self.title),
            "description": dict(self.description),
            "publisher": self.publisher,
            "license": self.license,
            "license_url": self.license_url,
            "keywords": list(self.keywords),
            "themes": list(self.themes),
            "language": self.language,
            "issued": self.issued.isoformat() if self.issued else None,
            "modified": self.modified.isoformat() if self.modified else None,
            "landing_page": self.landing_page,
            "distributions": [d.to_json() for d in self.distributions],
            "extras": dict(self.extras),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DatasetRecord:
        """The inverse of :meth:`to_json`."""
        return cls(
            portal=str(data["portal"]),
            id=str(data["id"]),
            title=dict(data.get("title") or {}),
            description=dict(data.get("description") or {}),
            publisher=data.get("publisher"),
            license=data.get("license"),
            license_url=data.get("license_url"),
            keywords=tuple(data.get("keywords") or ()),
            themes=tuple(data.get("themes") or ()),
            language=data.get("language"),
            issued=parse_datetime(data.get("issued")),
            modified=parse_datetime(data.get("modified")),
            landing_page=data.get("landing_page"),
            distributions=tuple(
                Distribution(
                    url=str(d["url"]),
                    format=d.get("format"),
                    media_type=d.get("media_type"),
                    title=d.get("title"),
                    size=d.get("size"),
                )
                for d in data.get("distributions") or ()
            ),
            extras=dict(data.get("extras") or {}),
        )


@dataclass(frozen=True, slots=True)
class Page:
    """One page of search results."""

    items: tuple[DatasetRecord, ...]
    total: int | None
    """How many match in all; ``None`` when the platform does not say."""
    next_cursor: str | None = None
    """Opaque cursor for the next page (offset, page number); ``None`` on the last page."""


def _pick(texts: Mapping[str, str], lang: str | None) -> str | None:
    if lang and texts.get(lang):
        return texts[lang]
    return next((t for t in texts.values() if t), None)


def parse_datetime(value: object) -> datetime | None:
    """An aware datetime from ISO 8601 text, a date, an epoch number, or ``None``.

    Naive values are UTC (CKAN's ``metadata_modified``); ``Z`` is accepted; a space may separate
    date and time (DCAT-US ``"2019-06-27 12:41:27"``). Unreadable text gives ``None``.
    """
    if type(value) is str:  # the common case first: harvests parse thousands of these
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), tz=UTC)
    return None


def as_text(value: object) -> str | None:
    """A stripped string, or ``None`` for null, empty or non-text values."""
    if type(value) is str:
        return value.strip() or None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def as_list(value: object) -> list[Any]:
    """``value`` as a list: ``None`` is empty, a scalar is one item."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def clean_keywords(values: Iterable[object]) -> tuple[str, ...]:
    """Stripped, non-empty, first occurrence kept, order kept."""
    seen: dict[str, None] = {}
    for value in values:
        text = as_text(value)
        if text is not None and text not in seen:
            seen[text] = None
    return tuple(seen)


def as_size(value: object) -> int | None:
    """A byte size from an int, a float or digits; anything else is ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value >= 0 and value == value:  # NaN is not a size
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
