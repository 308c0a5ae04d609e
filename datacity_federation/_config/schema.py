"""JSON Schema of the city and federation files (field docstrings become descriptions)."""

from __future__ import annotations

import json
from typing import Any

from datacity_federation.domain.city import City
from datacity_federation.domain.federation import FederationSettings

__all__ = ["city_schema", "city_schema_text", "federation_schema", "federation_schema_text"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def city_schema() -> dict[str, Any]:
    """The JSON Schema of ``cities/<id>.yaml``."""
    schema = City.model_json_schema()
    return {"$schema": _DIALECT, "$id": "datacity-city.schema.json", **schema}


def federation_schema() -> dict[str, Any]:
    """The JSON Schema of ``cities/federation.yaml``."""
    schema = FederationSettings.model_json_schema()
    return {"$schema": _DIALECT, "$id": "datacity-federation.schema.json", **schema}


def city_schema_text() -> str:
    """The city schema as the JSON file editors read."""
    return json.dumps(city_schema(), indent=2, ensure_ascii=False) + "\n"


def federation_schema_text() -> str:
    """The federation schema as the JSON file editors read."""
    return json.dumps(federation_schema(), indent=2, ensure_ascii=False) + "\n"
