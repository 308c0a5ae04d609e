"""The shared vocabulary of anonymised results: metrics, dimensions, cell statuses, cells.

Rule header: this is the contract between a city's release, the hub and the review. A cell is
``city, season, metric, theme, dim, value, unit, status``; codes come from fixed vocabularies
(an unknown one is refused), ``theme`` is a theme code or ``all`` (the total over themes), ``dim``
is empty or a code of the metric's dimension, and a suppressed cell (any status but ``F``) carries
no value: the true value never leaves the city.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from datacity_federation.domain.base import Code, DomainModel, Slug
from datacity_federation.domain.vocab import Outcome, Phase

__all__ = [
    "ALL_THEMES",
    "MAX_FRACTION_DIGITS",
    "MAX_VALUE_DIGITS",
    "SIGNED_METRICS",
    "Cell",
    "CellValue",
    "CellStatus",
    "METRIC_DIMS",
    "METRIC_UNITS",
    "Metric",
    "Unit",
]

ALL_THEMES = "all"
"""The ``theme`` of a cell that totals every theme."""


class CellStatus(StrEnum):
    """SDMX ``CL_CONF_STATUS`` letters."""

    FREE = "F"
    """Published."""
    TOO_FEW = "A"
    """Suppressed: too few contributors."""
    DOMINATED_ONE = "O"
    """Suppressed: one contributor dominates."""
    DOMINATED_TWO = "T"
    """Suppressed: two contributors dominate."""
    SECONDARY = "D"
    """Suppressed to protect another suppressed cell."""


class Unit(StrEnum):
    """What a cell's value counts."""

    COUNT = "count"
    DAYS = "days"
    PERCENT = "percent"
    CURRENCY = "currency"
    """Money in the city's currency (ISO 4217 in the release scope)."""


class Metric(StrEnum):
    """What a cell measures, per city x season x theme."""

    CHALLENGES = "challenges"
    CORPORATE_PARTNERS = "corporate_partners"
    DATASETS_USED = "datasets_used"
    APPLICATIONS = "applications"
    STARTUPS = "startups"
    SHORTLISTED = "shortlisted"
    SELECTED = "selected"
    PILOTS = "pilots"
    PILOT_OUTCOMES = "pilot_outcomes"
    """Pilots by outcome (``dim`` = an outcome code)."""
    PHASE_DAYS = "phase_days"
    """Days spent in a phase (``dim`` = a phase code)."""
    PHASE_DAYS_PLANNED = "phase_days_planned"
    """Days the plan gave a phase (``dim`` = a phase code)."""
    SPONSORSHIP_TOTAL = "sponsorship_total"
    CONTRACT_VALUE_TOTAL = "contract_value_total"
    KPI_IMPROVEMENT_MEAN = "kpi_improvement_mean"
    """Mean improvement towards the KPI targets over pilots, in percentage points."""
    PARTNER_RETENTION = "partner_retention"
    """Share of the previous season's corporate partners who return in this season (percent)."""
    NETWORK_STARTUPS_MULTI_CITY = "network_startups_multi_city"
    """Start-ups piloting in two or more member cities (network linkage, pseudonymous)."""


METRIC_UNITS: dict[Metric, Unit] = {
    Metric.CHALLENGES: Unit.COUNT,
    Metric.CORPORATE_PARTNERS: Unit.COUNT,
    Metric.DATASETS_USED: Unit.COUNT,
    Metric.APPLICATIONS: Unit.COUNT,
    Metric.STARTUPS: Unit.COUNT,
    Metric.SHORTLISTED: Unit.COUNT,
    Metric.SELECTED: Unit.COUNT,
    Metric.PILOTS: Unit.COUNT,
    Metric.PILOT_OUTCOMES: Unit.COUNT,
    Metric.PHASE_DAYS: Unit.DAYS,
    Metric.PHASE_DAYS_PLANNED: Unit.DAYS,
    Metric.SPONSORSHIP_TOTAL: Unit.CURRENCY,
    Metric.CONTRACT_VALUE_TOTAL: Unit.CURRENCY,
    Metric.KPI_IMPROVEMENT_MEAN: Unit.PERCENT,
    Metric.PARTNER_RETENTION: Unit.PERCENT,
    Metric.NETWORK_STARTUPS_MULTI_CITY: Unit.COUNT,
}

METRIC_DIMS: dict[Metric, frozenset[str]] = {
    Metric.PILOT_OUTCOMES: frozenset(o.value for o in Outcome),
    Metric.PHASE_DAYS: frozenset(p.value for p in Phase),
    Metric.PHASE_DAYS_PLANNED: frozenset(p.value for p in Phase),
}
"""The codes ``dim`` may take for each metric; a metric not listed has no dimension."""


SIGNED_METRICS = frozenset({Metric.KPI_IMPROVEMENT_MEAN})
"""Metrics whose value may be negative (a pilot can move away from its target)."""

MAX_VALUE_DIGITS = 24
"""Significant digits a cell value may have (so any sum of up to 10,000 values stays exact in
Python's default 28-digit decimal context: what the review adds up is what the cities signed)."""
MAX_FRACTION_DIGITS = 6
"""Digits a cell value may have after the decimal point."""

CellValue = Annotated[
    Decimal,
    Field(max_digits=MAX_VALUE_DIGITS, decimal_places=MAX_FRACTION_DIGITS, allow_inf_nan=False),
]
"""An exact, finite decimal of at most 24 digits, 6 of them after the point."""


class Cell(DomainModel):
    """One cell of an anonymised release."""

    city: Slug
    season: Slug
    metric: Metric
    theme: Annotated[Code, Field(description="A theme code, or 'all' for the total over themes.")]
    dim: Annotated[str, StringConstraints(max_length=64)] = ""
    """A code of the metric's dimension, or empty."""
    value: CellValue | None
    """The value when published (status F); empty when suppressed."""
    unit: Unit
    status: CellStatus

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.status is CellStatus.FREE and self.value is None:
            raise ValueError("a published cell (F) needs a value")
        if self.status is not CellStatus.FREE and self.value is not None:
            raise ValueError(f"a suppressed cell ({self.status}) must not carry a value")
        allowed = METRIC_DIMS.get(self.metric, frozenset())
        if self.dim and self.dim not in allowed:
            raise ValueError(f"dim {self.dim!r} is not a dimension of {self.metric}")
        if self.unit is not METRIC_UNITS[self.metric]:
            raise ValueError(f"{self.metric} is measured in {METRIC_UNITS[self.metric]}")
        if self.value is not None:
            if not self.value.is_finite():
                raise ValueError("value must be a finite number")
            if self.value < 0 and self.metric not in SIGNED_METRICS:
                raise ValueError(f"a {self.metric} value must not be negative")
            if self.unit is Unit.COUNT and self.value != self.value.to_integral_value():
                raise ValueError("a count must be a whole number")
        return self

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What makes a cell unique in a release."""
        return (self.city, self.season, self.metric, self.theme, self.dim)
