"""Open-data portal adapters: search, get and harvest data sets on every platform a city uses.

One adapter per platform (:data:`ADAPTERS`), all behind :class:`PortalAdapter`; records come out
normalised as :class:`DatasetRecord`. Build adapters with :func:`make_adapter` around one client
from :func:`make_client`::

    async with make_client() as client:
        adapter = make_adapter(city.portals[0], client=client)
        page = await adapter.search("vélib", limit=5)

This package is an edge: it loads httpx. ``import datacity_federation`` does not load it.
"""

from __future__ import annotations

from collections.abc import Mapping
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
]

ADAPTERS: Mapping[str, type[PortalAdapter]] = {
    "opendatasoft": OpendatasoftAdapter,
    "ckan": CkanAdapter,
    "datagovsg": DatagovsgAdapter,
    "socrata": SocrataAdapter,
    "ogd_india": OgdIndiaAdapter,
    "dcat": DcatAdapter,
}


def make_adapter(
    portal: Portal,
    *,
    client: httpx.AsyncClient,
    environ: Mapping[str, str] | None = None,
    **options: Any,
) -> PortalAdapter:
    """The adapter for ``portal.kind``; ``options``: concurrency, retry, page_size, checkpoint."""
    return ADAPTERS[str(portal.kind)](portal, client=client, environ=environ, **options)
