"""How figures are combined: a city's cells of a year into one figure, city figures into a
network figure, and rates over the cities that published both of their figures.

Rule header (pure): a figure sums counts and money and averages days and percentages; a network
figure takes the *published* city figures only and counts the cities whose cells were suppressed
(``PARTIAL``); a missing city is left out, never counted as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from datacity_federation._review.model import MISSING, Figure, FigureState
from datacity_federation.domain.release import Cell

__all__ = [
    "MEAN_PLACES",
    "RATE_PLACES",
    "added",
    "combine_cells",
    "combine_cities",
    "network_rate",
    "worst",
]

RATE_PLACES = Decimal("0.0001")
MEAN_PLACES = Decimal("0.1")


def combine_cells(cells: Sequence[Cell], *, mean: bool = False) -> Figure:
    """One city's figure from its cells of the year (several seasons: sum, or mean)."""
    if not cells:
        return MISSING
    if len(cells) == 1:  # the common case: one season in the year
        only = cells[0]
        if only.value is not None:
            value = only.value.quantize(MEAN_PLACES) if mean else only.value
            return Figure(value, FigureState.PUBLISHED)
        return Figure(None, FigureState.SUPPRESSED, statuses=(only.status.value,))
    published = [c.value for c in cells if c.value is not None]
    statuses = tuple(sorted({c.status.value for c in cells if c.value is None}))
    if not published:
        return Figure(None, FigureState.SUPPRESSED, statuses=statuses)
    total = sum(published, Decimal(0))
    value = (total / len(published)).quantize(MEAN_PLACES) if mean else total
    state = FigureState.PARTIAL if statuses else FigureState.PUBLISHED
    return Figure(value, state, statuses=statuses)


def combine_cities(figures: Iterable[Figure], *, mean: bool = False) -> Figure:
    """A network figure from city figures: published values only, suppression counted."""
    present = [f for f in figures if f.state is not FigureState.MISSING]
    if not present:
        return MISSING
    shown = [f.value for f in present if f.value is not None]
    suppressed = sum(f.state in (FigureState.PARTIAL, FigureState.SUPPRESSED) for f in present)
    statuses = tuple(sorted({s for f in present for s in f.statuses}))
    if not shown:
        return Figure(None, FigureState.SUPPRESSED, suppressed, len(present), statuses)
    total = sum(shown, Decimal(0))
    value = (total / len(shown)).quantize(MEAN_PLACES) if mean else total
    state = FigureState.PARTIAL if suppressed else FigureState.PUBLISHED
    return Figure(value, state, suppressed, len(present), statuses)


def network_rate(pairs: Iterable[tuple[Figure, Figure]]) -> Figure:
    """Sum of numerators over sum of denominators, over cities that published both in full."""
    present = [
        (n, d)
        for n, d in pairs
        if n.state is not FigureState.MISSING and d.state is not FigureState.MISSING
    ]
    if not present:
        return MISSING
    full = [
        (n.value, d.value)
        for n, d in present
        if n.state is FigureState.PUBLISHED
        and d.state is FigureState.PUBLISHED
        and n.value is not None
        and d.value is not None
    ]
    left_out = len(present) - len(full)
    statuses = tuple(sorted({s for n, d in present for s in (*n.statuses, *d.statuses)}))
    numerator = sum((n for n, _ in full), Decimal(0))
    denominator = sum((d for _, d in full), Decimal(0))
    if not full or denominator == 0:
        state = FigureState.SUPPRESSED if left_out else FigureState.MISSING
        return Figure(None, state, left_out, len(present), statuses)
    value = (numerator / denominator).quantize(RATE_PLACES)
    state = FigureState.PARTIAL if left_out else FigureState.PUBLISHED
    return Figure(value, state, left_out, len(present), statuses)


def added(a: Figure, b: Figure) -> Figure:
    """Two figures of one city added (contracts + joint offers); published only if both are."""
    return combine_cities([a, b]) if a.shown or b.shown else worst(a, b)


def worst(a: Figure, b: Figure) -> Figure:
    if FigureState.MISSING in (a.state, b.state):
        return MISSING
    return Figure(None, FigureState.SUPPRESSED, statuses=tuple(sorted({*a.statuses, *b.statuses})))
