"""Where the shipped city files and templates are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_cities_dir", "templates_dir"]

_PACKAGE = Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path:
    # A wheel carries them inside the package; a source checkout has them beside it.
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def default_cities_dir() -> Path:
    """The city files shipped with the library (the four launch cities and federation.yaml)."""
    return _shipped("cities")


def templates_dir() -> Path:
    """The Jinja2 templates shipped with the library."""
    return _shipped("templates")
