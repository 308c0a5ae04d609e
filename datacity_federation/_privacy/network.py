"""Totals across cities: published cells only, with the count of cities left out.

Rule header: the hub never sees a suppressed value, and a network total must not invite anyone
to reconstruct one: it sums the ``F`` cells of one metric x theme x dim across cities and says
how many cities were suppressed, so a reader cannot mistake it for the complete total (nor
subtract a published "all cities" figure from it to recover a hidden city).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from datacity_federation.domain.release import Cell, CellStatus, Metric

__all__ = ["NetworkTotal", "network_total"]


@dataclass(frozen=True, slots=True)
class NetworkTotal:
    metric: Metric
    theme: str
    dim: str
    value: Decimal
    """Sum over the cities whose cell is published."""
    cities_published: tuple[str, ...]
    cities_suppressed: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.cities_suppressed


def network_total(
    cells: Iterable[Cell], metric: Metric, theme: str = "all", dim: str = ""
) -> NetworkTotal:
    """The total of ``metric`` over every city's published cell (one season per city expected)."""
    published: dict[str, Decimal] = {}
    suppressed: set[str] = set()
    for c in cells:
        if (c.metric, c.theme, c.dim) != (metric, theme, dim):
            continue
        if c.status is CellStatus.FREE and c.value is not None:
            published[c.city] = published.get(c.city, Decimal(0)) + c.value
        else:
            suppressed.add(c.city)
    suppressed -= set(published)
    return NetworkTotal(
        metric=metric,
        theme=theme,
        dim=dim,
        value=sum(published.values(), Decimal(0)),
        cities_published=tuple(sorted(published)),
        cities_suppressed=tuple(sorted(suppressed)),
    )
