"""Challenges: what the city and its corporate partners ask start-ups to solve."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from datacity_federation.domain.base import Code, DomainModel, LocalizedText, Slug

__all__ = ["KPI", "Challenge", "Criterion", "DatasetRef"]


class DatasetRef(DomainModel):
    """A data set on one of the city's portals, pinned to a challenge."""

    portal: Slug
    """The id of a portal declared by the city."""
    dataset: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    """The data set's native id on that portal (ODS dataset_id, CKAN name, Socrata 4x4...)."""


class KPI(DomainModel):
    """A key performance indicator a pilot is measured against."""

    indicator: Code
    """Stable code of the indicator, e.g. ``bin_time_on_street``."""
    unit: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    """Unit of the values, e.g. ``h``, ``%``, ``kWh``."""
    baseline: Decimal
    """The value before the pilot."""
    target: Decimal
    """The value the pilot aims for."""
    label: LocalizedText | None = None
    """Human name of the indicator per language."""

    @property
    def lower_is_better(self) -> bool:
        """Whether the target asks for a decrease."""
        return self.target < self.baseline


class Criterion(DomainModel):
    """One weighted criterion of a challenge's scoring rubric."""

    code: Code
    """Stable code of the criterion, e.g. ``impact``."""
    weight: Annotated[Decimal, Field(gt=0, le=100)]
    """Relative weight; weights are normalised over the rubric when scores are combined."""
    label: LocalizedText | None = None
    """Human name of the criterion per language."""
    max_score: Annotated[int, Field(ge=1, le=100)] = 5
    """Scores for this criterion go from 0 to ``max_score``."""


class Challenge(DomainModel):
    """A challenge of a season, owned by the city and at least one corporate partner."""

    id: Slug
    """Stable identifier, unique within the city."""
    theme: Code
    """Theme code from the canonical vocabulary (or a theme the federation added)."""
    title: LocalizedText
    """Title in every language the city requires."""
    summary: LocalizedText
    """One-paragraph summary in every language the city requires."""
    owners: Annotated[tuple[Slug, ...], Field(min_length=2)]
    """Partner ids: the city and at least one corporate partner."""
    datasets: tuple[DatasetRef, ...] = ()
    """Data sets given to the start-ups."""
    kpis: tuple[KPI, ...] = ()
    """How the pilots will be measured."""
    rubric: Annotated[tuple[Criterion, ...], Field(min_length=1)]
    """How applications are scored."""

    def weights(self) -> dict[str, Decimal]:
        """Each criterion's weight, normalised so they sum to 1."""
        total = sum((c.weight for c in self.rubric), Decimal(0))
        return {c.code: c.weight / total for c in self.rubric}
