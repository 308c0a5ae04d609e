"""The annual cross-city review: a pure model built from the hub's cells, and its renderings.

The model (:func:`build_review`, :class:`HubSnapshot`, :class:`Review`) is pure: numbers, dates
and codes, no I/O. Rendering (HTML per language, PDF, JSON, CSV) lives in
:mod:`datacity_federation._review.render` and :mod:`datacity_federation._review.export`, which load
Jinja2 and Babel only when used.
"""

from __future__ import annotations

from datacity_federation._review.build import build_review
from datacity_federation._review.model import (
    BundleInfo,
    CityReview,
    Conversion,
    Coverage,
    Figure,
    FigureState,
    Funnel,
    HubSnapshot,
    MoneyLine,
    NetworkReview,
    PhaseLine,
    Review,
    SeasonScope,
    ThemeRow,
)

__all__ = [
    "BundleInfo",
    "CityReview",
    "Conversion",
    "Coverage",
    "Figure",
    "FigureState",
    "Funnel",
    "HubSnapshot",
    "MoneyLine",
    "NetworkReview",
    "PhaseLine",
    "Review",
    "SeasonScope",
    "ThemeRow",
    "build_review",
]
