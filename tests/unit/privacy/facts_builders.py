"""Builders shared by the privacy tests: one closed season of Paris, changed by keyword."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from datacity_federation._privacy import PROFILES, SeasonFacts

DEFAULT = PROFILES["default"]
"""The federation's default disclosure profile."""

EMPTY_SEASON = SeasonFacts(
    city="paris",
    season="s1",
    season_number=1,
    start=date(2015, 1, 1),
    end=date(2015, 12, 31),
    currency="EUR",
)
"""Paris's first season with no record: what :func:`season` starts from."""


def season(**changes: Any) -> SeasonFacts:
    """:data:`EMPTY_SEASON` with ``changes`` (applications, pilots, sponsorships...)."""
    return replace(EMPTY_SEASON, **changes)
