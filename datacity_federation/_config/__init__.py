"""Configuration files -> domain models (the file edge of the library)."""

from __future__ import annotations

from datacity_federation._config.loader import (
    FEDERATION_FILE,
    load_city,
    load_federation,
    load_federation_settings,
)
from datacity_federation._config.resources import default_cities_dir, templates_dir
from datacity_federation._config.schema import city_schema, federation_schema

__all__ = [
    "FEDERATION_FILE",
    "city_schema",
    "default_cities_dir",
    "federation_schema",
    "load_city",
    "load_federation",
    "load_federation_settings",
    "templates_dir",
]
