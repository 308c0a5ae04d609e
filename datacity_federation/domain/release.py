"""The shared vocabulary of anonymised results: cell statuses and cells over the metric registry.

Rule header: this is the contract between a city's release, the hub and the review. A cell is
``city, season, metric, theme, dim, value, unit, status``; codes come from fixed vocabularies
(an unknown one is refused), ``theme`` is a theme code or ``all`` (the total over themes), ``dim``
is empty or a code of the metric's dimension, and a suppressed cell (any status but ``F``) carries
no value: the true value never leaves the city.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, PlainSerializer, PlainValidator, StringConstraints, model_validator

from datacity_federation.domain.base import Code, DomainModel, Slug
from datacity_federation.domain.metrics import (
    METRICS,
    Metric,
    MetricCode,
    SpecView,
    Unit,
    metric_code,
    metric_spec,
)
from datacity_federation.domain.registry import Registered

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
    "MetricField",
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


METRIC_UNITS: Mapping[str, Unit] = SpecView(lambda s: s.unit)
"""The unit of every registered metric (a live view of :data:`~.metrics.METRICS`)."""

METRIC_DIMS: Mapping[str, frozenset[str]] = SpecView(lambda s: frozenset(s.dims) or None)
"""The codes ``dim`` may take for each metric; a metric not listed has no dimension."""

SIGNED_METRICS: Mapping[str, bool] = SpecView(lambda s: True if s.signed else None)
"""Metrics whose value may be negative (a pilot can move away from its target)."""


MetricField = Annotated[
    Metric | MetricCode,
    PlainValidator(metric_code),
    PlainSerializer(str, return_type=str),
    Registered(lambda: METRICS),
]
"""A registered metric's code."""

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
    metric: MetricField
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
        spec = metric_spec(self.metric)
        if self.dim and self.dim not in spec.dims:
            raise ValueError(f"dim {self.dim!r} is not a dimension of {self.metric}")
        if self.unit is not spec.unit:
            raise ValueError(f"{self.metric} is measured in {spec.unit}")
        if self.value is not None:
            if not self.value.is_finite():
                raise ValueError("value must be a finite number")
            if self.value < 0 and not spec.signed:
                raise ValueError(f"a {self.metric} value must not be negative")
            if self.unit is Unit.COUNT and self.value != self.value.to_integral_value():
                raise ValueError("a count must be a whole number")
        return self

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """What makes a cell unique in a release."""
        return (self.city, self.season, self.metric, self.theme, self.dim)
