"""Open-data portal adapters: search, get and harvest data sets on every platform a city uses.

One adapter per platform (:data:`ADAPTERS`, filled by :func:`register_adapter`, which also
declares the platform's kind in the city file's vocabulary), all behind :class:`PortalAdapter`; records come out
normalised as :class:`DatasetRecord`. Build adapters with :func:`make_adapter` around one client
from :func:`make_client`::

    async with make_client() as client:
        adapter = make_adapter(city.portals[0], client=client)
        page = await adapter.search("vélib", limit=5)

This package is an edge: it loads httpx. ``import datacity_federation`` does not load it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import httpx

from datacity_federation._http import RetryPolicy, make_client
from datacity_federation._portals.base import Checkpoint, PortalAdapter, Probe, Progress, Validators
from datacity_federation._portals.ckan import CkanAdapter
from datacity_federation._portals.datagovsg import DatagovsgAdapter
from datacity_federation._portals.dcat import DcatAdapter
from datacity_federation._portals.http import PortalHttp, Throttle
from datacity_federation._portals.ogd_india import OgdIndiaAdapter
from datacity_federation._portals.opendatasoft import OpendatasoftAdapter
from datacity_federation._portals.record import DatasetRecord, Distribution, Page, parse_datetime
from datacity_federation._portals.socrata import SocrataAdapter
from datacity_federation.domain.city import Portal
from datacity_federation.domain.platforms import (
    PLATFORMS,
    Platform,
    register_platform,
    unregister_platform,
)
from datacity_federation.errors import PortalError

__all__ = [
    "ADAPTERS",
    "Checkpoint",
    "CkanAdapter",
    "DatagovsgAdapter",
    "DatasetRecord",
    "DcatAdapter",
    "Distribution",
    "OgdIndiaAdapter",
    "OpendatasoftAdapter",
    "Page",
    "PortalAdapter",
    "PortalHttp",
    "Probe",
    "Progress",
    "RetryPolicy",
    "SocrataAdapter",
    "Throttle",
    "Validators",
    "make_adapter",
    "make_client",
    "parse_datetime",
    "register_adapter",
    "unregister_adapter",
]

_ADAPTERS: dict[str, type[PortalAdapter]] = {}
ADAPTERS: Mapping[str, type[PortalAdapter]] = MappingProxyType(_ADAPTERS)
"""The adapter of every registered platform, by kind (:func:`register_adapter` fills it)."""


def register_adapter(
    adapter: type[PortalAdapter], *, platform: Platform | None = None
) -> type[PortalAdapter]:
    """Register ``adapter`` for its ``kind``; a new platform's needs come with ``platform``
    (default: no key, no filters), and its kind joins the city file's vocabulary."""
    kind = adapter.kind
    if kind in _ADAPTERS and _ADAPTERS[kind] is not adapter:
        raise ValueError(f"portal platform {kind!r} has an adapter already")
    if kind not in PLATFORMS or platform is not None:
        register_platform(platform or Platform(kind))
    _ADAPTERS[kind] = adapter
    return adapter


def unregister_adapter(kind: str) -> None:
    """Remove a platform added beside the shipped ones, adapter and vocabulary both."""
    unregister_platform(kind)
    _ADAPTERS.pop(kind, None)


for _adapter in (
    OpendatasoftAdapter,
    CkanAdapter,
    DatagovsgAdapter,
    SocrataAdapter,
    OgdIndiaAdapter,
    DcatAdapter,
):
    register_adapter(_adapter)
if set(PLATFORMS) != set(_ADAPTERS):  # pragma: no cover - a shipped kind without its adapter
    missing = sorted(set(PLATFORMS) - set(_ADAPTERS))
    raise ImportError(f"portal platforms without an adapter: {missing}")


def make_adapter(
    portal: Portal,
    *,
    client: httpx.AsyncClient,
    environ: Mapping[str, str] | None = None,
    **options: Any,
) -> PortalAdapter:
    """The adapter for ``portal.kind``; ``options``: concurrency, retry, page_size, checkpoint."""
    adapter = _ADAPTERS.get(str(portal.kind))
    if adapter is None:
        raise PortalError(portal.id, f"no adapter is registered for {portal.kind!r}")
    return adapter(portal, client=client, environ=environ, **options)
