"""The portal platform registry: the vocabulary of ``portals[].kind`` in a city file.

Rule header: a platform is declared once, by the adapter that speaks it
(``_portals.register_adapter``), with what a city file must or must not give for it (an API key,
catalogue filters). The city file's type (:class:`~datacity_federation.domain.city.Portal`), its
JSON Schema, the CLI's ``--kind``/``--portal`` checks and the adapter table all read this
registry, so a kind without an adapter, or an adapter the config refuses, cannot exist: the
portal package checks, when it is imported, that every kind here has its adapter. The codes of
the shipped platforms are :class:`~datacity_federation.domain.vocab.PortalKind`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated

from pydantic import PlainSerializer, PlainValidator

from datacity_federation.domain.registry import CODE, Registered, RegisteredCode
from datacity_federation.domain.vocab import PortalKind

__all__ = [
    "PLATFORMS",
    "Platform",
    "PlatformCode",
    "PortalKindField",
    "platform_kind",
    "register_platform",
    "unregister_platform",
]


@dataclass(frozen=True, slots=True)
class Platform:
    """An open-data platform an adapter speaks, and what a portal of it needs in a city file."""

    kind: str
    takes_filters: bool = False
    """True when the platform applies catalogue filters (``portals[].filters``)."""
    needs_api_key: bool = False
    """True when it answers only with an API key (``portals[].api_key_env`` is required)."""


_REGISTRY: dict[str, Platform] = {}
PLATFORMS: Mapping[str, Platform] = MappingProxyType(_REGISTRY)
"""Every registered platform by kind."""

_BUILT_IN = frozenset(k.value for k in PortalKind)


PlatformCode = RegisteredCode
"""The kind of a platform registered beyond :class:`PortalKind`."""


def register_platform(platform: Platform) -> Platform:
    """Add ``platform`` (called by the adapter registration; a kind declared twice is refused
    unless the declaration is the same)."""
    known = _REGISTRY.get(platform.kind)
    if known is not None and known != platform:
        raise ValueError(f"portal platform {platform.kind!r} is registered already")
    if not CODE.fullmatch(platform.kind):
        raise ValueError(f"platform kind {platform.kind!r}: use lower-case letters, digits, '_'")
    _REGISTRY[platform.kind] = platform
    return platform


def unregister_platform(kind: str) -> None:
    """Remove a platform added beside the shipped ones."""
    if kind in _BUILT_IN:
        raise ValueError(f"portal platform {kind!r} is built in")
    _REGISTRY.pop(kind, None)


def platform_kind(text: object) -> PortalKind | PlatformCode:
    """A registered platform's kind (a :class:`PortalKind` member for the shipped ones)."""
    if not isinstance(text, str) or text not in _REGISTRY:
        known = ", ".join(_REGISTRY)
        raise ValueError(f"unknown portal platform {str(text)[:40]!r} (one of {known})")
    return PortalKind(text) if text in _BUILT_IN else PlatformCode(text)


PortalKindField = Annotated[
    PortalKind | PlatformCode,
    PlainValidator(platform_kind),
    PlainSerializer(str, return_type=str),
    Registered(lambda: PLATFORMS),
]
"""A registered platform's kind, as a city file gives it."""

for _platform in (
    Platform(PortalKind.OPENDATASOFT),
    Platform(PortalKind.CKAN),
    Platform(PortalKind.DATAGOVSG),
    Platform(PortalKind.SOCRATA),
    Platform(PortalKind.OGD_INDIA, takes_filters=True, needs_api_key=True),
    Platform(PortalKind.DCAT),
):
    _REGISTRY[_platform.kind] = _platform
