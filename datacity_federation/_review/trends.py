"""The review's trends: each headline metric for every year on record, per city and network-wide.

Rule header (pure): a year's figures are built exactly as the review builds the year itself
(:mod:`~datacity_federation._review.figures`): a city's figure from its cells of the seasons that
ended in the year, a network figure from the published city figures only (``PARTIAL`` when some
city's cell was suppressed). A suppressed or missing year stays a gap, never a zero, so a line is
drawn only between published points. The years run from the first year any season ended in up to
the review's year, with no year skipped (a year nobody reported is a gap for every series).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from datacity_federation._review.figures import added, combine_cells, combine_cities
from datacity_federation._review.model import MISSING, Figure, Trend
from datacity_federation.domain.release import ALL_THEMES, Cell, Metric
from datacity_federation.domain.vocab import Outcome

__all__ = ["TREND_METRICS", "build_trends", "trend_years"]

Key = tuple[str, str, str]

TREND_METRICS: tuple[tuple[str, str, bool], ...] = (
    ("applications", "num", False),
    ("pilots", "num", False),
    ("deals", "num", False),
    ("challenges", "num", False),
    ("corporate_partners", "num", False),
    ("datasets_used", "num", False),
    ("kpi_improvement_mean", "points", True),
    ("partner_retention", "points", True),
)
"""The headline metrics a trend is drawn for: code, how values read, whether cities' figures
are averaged (``True``) or summed across the network. ``deals``: contracts plus joint offers."""


def _headlines(cells: Mapping[Key, list[Cell]]) -> dict[str, Figure]:
    def fig(metric: Metric, dim: str = "", *, mean: bool = False) -> Figure:
        return combine_cells(cells.get((metric.value, ALL_THEMES, dim), []), mean=mean)

    deals = added(
        fig(Metric.PILOT_OUTCOMES, Outcome.CONTRACT.value),
        fig(Metric.PILOT_OUTCOMES, Outcome.JOINT_OFFER.value),
    )
    return {
        "applications": fig(Metric.APPLICATIONS),
        "pilots": fig(Metric.PILOTS),
        "deals": Figure(deals.value, deals.state, statuses=deals.statuses),
        "challenges": fig(Metric.CHALLENGES),
        "corporate_partners": fig(Metric.CORPORATE_PARTNERS),
        "datasets_used": fig(Metric.DATASETS_USED),
        "kpi_improvement_mean": fig(Metric.KPI_IMPROVEMENT_MEAN, mean=True),
        "partner_retention": fig(Metric.PARTNER_RETENTION, mean=True),
    }


def trend_years(end_years: Sequence[int], year: int) -> tuple[int, ...]:
    """Every year from the first season's end up to ``year`` (just ``year`` when none ended)."""
    first = min((y for y in end_years if y <= year), default=year)
    return tuple(range(first, year + 1))


def build_trends(
    index: Mapping[int, Mapping[str, Mapping[Key, list[Cell]]]],
    *,
    years: Sequence[int],
    members: Sequence[str],
    reported: Mapping[int, set[str]],
) -> tuple[Trend, ...]:
    """The trends over ``years`` from ``index`` (year -> city -> key -> cells); ``reported``:
    the cities with a season ending in each year (a city without one is missing that year)."""
    per_year: dict[int, dict[str, dict[str, Figure]]] = {
        y: {c: _headlines(index.get(y, {}).get(c, {})) for c in reported.get(y, set())}
        for y in years
    }
    trends = []
    for metric, kind, mean in TREND_METRICS:
        network = tuple(
            combine_cities((f[metric] for f in per_year[y].values()), mean=mean) for y in years
        )
        cities = tuple(
            (city, tuple(per_year[y].get(city, {}).get(metric, MISSING) for y in years))
            for city in members
        )
        trends.append(Trend(metric, kind, network, cities))
    return tuple(trends)
