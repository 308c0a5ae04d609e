"""The data sets a fake portal serves, each shaped as every platform's API returns it.

A :class:`FakeDataset` is one numbered data set with a title, tags, a modification time and
resources; ``shaped(platform)`` gives the record that platform's search or listing holds (the
real field names, types and nesting), which :mod:`datacity_federation.testing.fake_portals`
pages, filters and serves.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from datacity_federation.testing.fake_platforms import ogd_record, socrata_id

__all__ = ["EPOCH", "FakeDataset"]

_SGT = timezone(timedelta(hours=8))
"""data.gov.sg stamps its modification times in Singapore time."""

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


class FakeDataset:
    """One data set of the fake catalogue, rendered in every platform's shape."""

    def __init__(self, number: int, *, harvest_source: bool = False) -> None:
        self.number = number
        self.id = f"ds-{number:05d}"
        self.title = (
            f"Data set {number} about {('waste', 'mobility', 'energy', 'water')[number % 4]}"
        )
        self.licence = "CC BY 4.0"
        self.modified = EPOCH + timedelta(minutes=number)
        self.harvest_source = harvest_source
        self._encoded: dict[str, bytes] = {}
        self._shaped: dict[str, dict[str, Any]] = {}

    def shaped(self, shape: str) -> dict[str, Any]:
        """One shape (``ods``, ``ckan``, ``ogd``...) as a dict, cached until the next change."""
        if shape not in self._shaped:
            self._shaped[shape] = getattr(self, shape)()
        return self._shaped[shape]

    def encoded(self, shape: str) -> bytes:
        """The JSON bytes of one shape, cached until the next change."""
        if shape not in self._encoded:
            self._encoded[shape] = json.dumps(self.shaped(shape)).encode()
        return self._encoded[shape]

    def changed(self) -> None:
        self._encoded.clear()
        self._shaped.clear()

    def ogd(self) -> dict[str, Any]:
        return ogd_record(self)

    def stamp(self) -> str:
        return self.modified.astimezone(UTC).isoformat()

    def ods(self) -> dict[str, Any]:
        return {
            "dataset_id": self.id,
            "dataset_uid": f"da_{self.number:06x}",
            "attachments": [],
            "has_records": True,
            "features": ["analyze"],
            "fields": [],
            "metas": {
                "default": {
                    "title": self.title,
                    "description": f"<p>{self.title}</p>",
                    "keyword": ["fake", f"k{self.number % 7}"],
                    "theme": ["Environnement"],
                    "publisher": "Ville de Test",
                    "license": self.licence,
                    "license_url": "https://creativecommons.org/licenses/by/4.0/",
                    "language": "fr",
                    "modified": self.stamp(),
                    "records_count": self.number,
                }
            },
        }

    def ckan(self) -> dict[str, Any]:
        naive = self.modified.astimezone(UTC).replace(tzinfo=None).isoformat()
        return {
            "id": f"00000000-0000-4000-8000-{self.number:012d}",
            "name": self.id,
            "title": self.title,
            "title_translated": {"ca": f"{self.title} (ca)", "es": f"{self.title} (es)", "en": self.title},
            "notes": f"Notes on {self.title}",
            "type": "harvest" if self.harvest_source else "dataset",
            "tag": "Any 2024,Fake",
            "tags": [{"name": "fake", "display_name": "fake"}],
            "license_title": self.licence,
            "license_url": "https://creativecommons.org/licenses/by/4.0/",
            "metadata_created": "2020-01-01T00:00:00",
            "metadata_modified": naive,
            "organization": {"name": "city", "title": "Ajuntament de Test"},
            "resources": [
                {"url": f"https://example.org/{self.id}.csv", "format": "CSV", "mimetype": "text/csv", "size": 100 + self.number, "name": "data"}
            ],
        }  # fmt: skip

    def sg(self) -> dict[str, Any]:
        sgt = self.modified.astimezone(_SGT).isoformat()
        return {
            "datasetId": f"d_{self.number:032x}",
            "createdAt": "2020-01-01T08:00:00+08:00",
            "name": self.title,
            "status": "active",
            "format": "CSV",
            "lastUpdatedAt": sgt,
            "managedByAgencyName": "Test Agency",
        }

    def socrata(self) -> dict[str, Any]:
        return {
            "resource": {
                "id": socrata_id(self),
                "name": self.title,
                "description": f"About {self.title}",
                "attribution": "Test Dept",
                "type": "dataset",
                "updatedAt": self.modified.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "createdAt": "2020-01-01T00:00:00.000Z",
            },
            "classification": {"categories": ["environment"], "tags": [], "domain_category": "Env", "domain_tags": ["fake"]},
            "metadata": {"domain": "data.example.org", "license": self.licence},
            "permalink": f"https://data.example.org/d/{socrata_id(self)}",
        }  # fmt: skip

    def datajson(self) -> dict[str, Any]:
        return {
            "@type": "dcat:Dataset",
            "identifier": self.id,
            "title": self.title,
            "description": f"About {self.title}",
            "modified": self.modified.date().isoformat(),
            "publisher": {"name": "Test Agency"},
            "license": "https://creativecommons.org/licenses/by/4.0/",
            "keyword": ["fake"],
            "distribution": [{"downloadURL": f"https://example.org/{self.id}.csv", "mediaType": "text/csv"}],
        }  # fmt: skip
