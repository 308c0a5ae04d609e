"""The signed manifest of a release bundle and the scope it covers (pure: pydantic only).

Rule header: the manifest is the signed payload of a bundle's envelope. It names the format and
its major version, the network, the city, ``seq`` and ``prev`` (the chain of the city's bundles),
the scope (one season, with what the review needs without any record: season number, first and
last day, currency), the action (``upsert`` or ``retract``), the disclosure profile and its
version, and the sha256 of every other member. Its bytes are canonical JSON (sorted keys, no
spaces, UTF-8), so ``bundle_id = sha256(manifest bytes)`` is stable.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from datacity_federation.domain.base import DomainModel, Slug

__all__ = [
    "FORMAT",
    "FORMAT_MAJOR",
    "MAX_SEQ",
    "MEMBERS",
    "PAYLOAD_TYPE",
    "Action",
    "Manifest",
    "ReleaseScope",
    "RulesRef",
    "canonical_json",
    "sha256_hex",
]

FORMAT = "datacity-release"
FORMAT_MAJOR = 1
PAYLOAD_TYPE = "application/vnd.datacity.release+json"
MEMBERS = ("envelope.json", "datapackage.json", "cells.csv")
"""The only members a bundle may hold, in their fixed order."""

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
MAX_SEQ = 2**31 - 1
"""The largest ``seq`` (and season number, profile version): what a 32-bit database integer holds."""
Seq = Annotated[int, Field(ge=1, le=MAX_SEQ)]


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no insignificant spaces, UTF-8: the same object always gives the same bytes."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Action(StrEnum):
    UPSERT = "upsert"
    RETRACT = "retract"


class ReleaseScope(DomainModel):
    """What a release covers: one season of one city, described without any record."""

    season: Slug
    """The season id within its city."""
    season_number: Seq
    """The season's number in the city's history."""
    start: date
    """First day of the season."""
    end: date
    """Last day of the season, outcome period included (the review's year is this day's year)."""
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    """ISO 4217 code of every money cell."""

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError("the scope ends before it starts")
        return self


class RulesRef(DomainModel):
    """The disclosure profile a release was built under."""

    profile: Slug
    version: Seq


class Manifest(DomainModel):
    """The signed payload of a bundle."""

    format: Literal["datacity-release"] = "datacity-release"
    major: Literal[1] = 1
    network: Slug
    city: Slug
    seq: Seq
    prev: Sha256 | None
    scope: ReleaseScope
    action: Action
    rules: RulesRef
    members: dict[Literal["cells.csv", "datapackage.json"], Sha256]
    """sha256 of every member but the envelope: ``datapackage.json`` and ``cells.csv``."""

    @model_validator(mode="after")
    def _both_members(self) -> Self:
        if set(self.members) != {"cells.csv", "datapackage.json"}:
            raise ValueError("the manifest hashes cells.csv and datapackage.json, both")
        return self

    def to_bytes(self) -> bytes:
        return canonical_json(self.model_dump(mode="json"))

    @property
    def bundle_id(self) -> str:
        return sha256_hex(self.to_bytes())
