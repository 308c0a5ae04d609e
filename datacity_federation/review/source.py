"""Where a review's cells come from: a hub's database or a hub's feed over HTTP."""

from __future__ import annotations

from datacity_federation.errors import ReviewError
from datacity_federation.review.model import HubSnapshot

__all__ = ["snapshot_from_hub"]


def snapshot_from_hub(*, hub_url: str | None, hub_db: str | None, year: int) -> HubSnapshot:
    """The cells of ``year`` and ``year - 1`` with their seasons and each city's last bundle."""
    where = hub_url or hub_db or ""
    raise ReviewError(f"cannot read the hub {where}: this build has no hub reader; use --sample")
