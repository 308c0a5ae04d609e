"""The hub's fast read builds the same Cell values as validating each row would."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datacity_federation._sync.hub_read import _cells
from datacity_federation.domain.release import METRIC_UNITS, Cell, CellStatus, Metric

pytestmark = pytest.mark.unit


@st.composite
def rows(draw: st.DrawFn) -> tuple[str, str, str, str, str, str | None, str, str]:
    metric = draw(st.sampled_from([m for m in Metric if m not in (Metric.PHASE_DAYS,
                                   Metric.PHASE_DAYS_PLANNED, Metric.PILOT_OUTCOMES)]))  # fmt: skip
    status = draw(st.sampled_from(list(CellStatus)))
    value = None
    if status is CellStatus.FREE:
        value = str(draw(st.integers(0, 10**9)))
    city = draw(st.sampled_from(["paris", "bangalore"]))
    theme = draw(st.sampled_from(["all", "waste", "mobility"]))
    return (city, "s1", metric.value, theme, "", value, METRIC_UNITS[metric].value, status.value)


@given(rows())
def test_fast_cell_equals_the_validated_cell(row: tuple[str, ...]) -> None:
    city, season, metric, theme, dim, value, unit, status = row
    validated = Cell(
        city=city, season=season, metric=metric, theme=theme, dim=dim,
        value=None if value is None else Decimal(value), unit=unit, status=status,
    )  # fmt: skip
    (fast,) = _cells([row])
    assert fast == validated
    assert fast.model_dump() == validated.model_dump()
    assert fast.key == validated.key
    changed = fast.model_copy(update={"theme": "waste"})
    assert changed.theme == "waste" and fast.model_fields_set == set(Cell.model_fields)
