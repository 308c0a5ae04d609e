"""Sample hub snapshots, generated from a fixed seed: for render tests, benchmarks and docs.

Rule header: the cells look like what a city's release would publish (counts under 5 suppressed
as ``A``, some money suppressed as ``O``), but they are made up; a snapshot built here is marked
``sample_data`` and every review of it says so.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from datacity_federation._review.model import BundleInfo, HubSnapshot, SeasonScope
from datacity_federation.domain.release import ALL_THEMES, METRIC_UNITS, Cell, CellStatus, Metric
from datacity_federation.domain.vocab import Outcome, Phase, Theme

__all__ = ["sample_cells", "sample_snapshot"]

PLANNED_DAYS = {"partnering": 92, "call": 92, "experimentation": 92, "outcome": 90}


def _cell(city: str, season: str, metric: Metric, value: int | Decimal, *, theme: str = ALL_THEMES,
          dim: str = "", status: CellStatus | None = None) -> Cell:  # fmt: skip
    unit = METRIC_UNITS[metric]
    if status is None:
        small = unit.value == "count" and 0 < int(value) < 5
        status = CellStatus.TOO_FEW if small else CellStatus.FREE
    shown = Decimal(value) if status is CellStatus.FREE else None
    return Cell.model_construct(
        city=city, season=season, metric=metric, theme=theme, dim=dim, value=shown, unit=unit,
        status=status,
    )  # fmt: skip


def sample_cells(rng: random.Random, city: str, season: str, size: int) -> list[Cell]:
    """One city-season's release: funnel, themes, phases, money, KPI and retention cells."""
    themes = rng.sample(list(Theme), k=rng.randint(2, 4))
    cells: list[Cell] = []
    pilots_total = 0
    for theme in themes:
        n_ch = rng.randint(1, 3)
        n_pi = rng.randint(2, 6) * size
        pilots_total += n_pi
        cells.append(_cell(city, season, Metric.CHALLENGES, n_ch, theme=theme.value))
        cells.append(_cell(city, season, Metric.PILOTS, n_pi, theme=theme.value))
    applications = rng.randint(40, 120) * size
    shortlisted = max(pilots_total + rng.randint(5, 20), applications // 4)
    contracts = rng.randint(pilots_total // 5, max(1, pilots_total // 2))
    joint = rng.randint(pilots_total // 6, max(1, pilots_total // 3))
    extended = rng.randint(0, max(1, pilots_total // 4))
    discontinued = max(0, pilots_total - contracts - joint - extended)
    cells += [
        _cell(city, season, Metric.CHALLENGES, sum(1 for _ in themes) * 2),
        _cell(city, season, Metric.CORPORATE_PARTNERS, rng.randint(5, 12)),
        _cell(city, season, Metric.DATASETS_USED, rng.randint(5, 40)),
        _cell(city, season, Metric.APPLICATIONS, applications),
        _cell(city, season, Metric.STARTUPS, applications - rng.randint(0, 10)),
        _cell(city, season, Metric.SHORTLISTED, shortlisted),
        _cell(city, season, Metric.PILOTS, pilots_total),
    ]
    for outcome, n in zip(Outcome, (contracts, joint, extended, discontinued), strict=True):
        cells.append(_cell(city, season, Metric.PILOT_OUTCOMES, n, dim=outcome.value))
    for phase in Phase:
        planned = PLANNED_DAYS[phase.value]
        cells.append(_cell(city, season, Metric.PHASE_DAYS_PLANNED, planned, dim=phase.value))
        cells.append(
            _cell(city, season, Metric.PHASE_DAYS, planned + rng.randint(-10, 30), dim=phase.value)
        )
    dominated = rng.random() < 0.2
    sponsorship = Decimal(rng.randint(150, 900) * 1000 * size)
    cells.append(
        _cell(city, season, Metric.SPONSORSHIP_TOTAL, sponsorship,
              status=CellStatus.DOMINATED_ONE if dominated else CellStatus.FREE)
    )  # fmt: skip
    contract_value = Decimal(rng.randint(0, 400) * 1000 * size)
    cells.append(
        _cell(city, season, Metric.CONTRACT_VALUE_TOTAL, contract_value,
              status=CellStatus.FREE if contracts >= 3 else CellStatus.TOO_FEW)
    )  # fmt: skip
    kpi = Decimal(rng.randint(2, 25))
    cells.append(
        _cell(city, season, Metric.KPI_IMPROVEMENT_MEAN, kpi,
              status=CellStatus.FREE if pilots_total >= 5 else CellStatus.TOO_FEW)
    )  # fmt: skip
    cells.append(_cell(city, season, Metric.PARTNER_RETENTION, Decimal(rng.randint(30, 90))))
    return cells


def sample_snapshot(
    *,
    cities: Sequence[tuple[str, str]],
    years: Sequence[int],
    seed: int = 2015,
    at: datetime | None = None,
) -> HubSnapshot:
    """A snapshot of ``(city, currency)`` pairs, one season per city ending in each year."""
    rng = random.Random(seed)
    cells: list[Cell] = []
    scopes: list[SeasonScope] = []
    bundles: dict[str, BundleInfo] = {}
    stamp = at or datetime(max(years) + 1, 1, 15, 9, 0, tzinfo=UTC)
    for city, currency in cities:
        size = rng.randint(1, 3)
        for number, year in enumerate(sorted(years), start=1):
            start = date(year - 1, 1, 15)
            season = f"s{number}"
            scopes.append(
                SeasonScope(city, season, number, start, start + timedelta(days=364), currency)
            )
            cells += sample_cells(rng, city, season, size)
        bundles[city] = BundleInfo(
            city=city,
            bundle_id=f"{rng.getrandbits(256):064x}",
            seq=len(years),
            received_at=stamp,
            signature_verified=True,
        )
    names = {city: {"en": city.replace("-", " ").title()} for city, _ in cities}
    return HubSnapshot(
        members=tuple(c for c, _ in cities),
        cells=cells,
        seasons=scopes,
        bundles=bundles,
        city_names=names,
        network_name={"en": "Data City network (sample)"},
        sample_data=True,
    )
