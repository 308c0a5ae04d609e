"""PURE: release tables from programme facts, under versioned disclosure rules.

No I/O, no clock. :func:`build_release` turns one closed season's :class:`SeasonFacts` into the
long-format cells of the rule book, with primary suppression (counts, dominance, p%, KPI means,
homogeneity), secondary suppression by cost and the interval audit against the attacker's model
(:mod:`.intervals`); :func:`apply_correction` audits a correction against the chain of earlier
releases of the season (:mod:`.chain`); :mod:`.pseudonyms` links start-ups across cities without
identities.
"""

from __future__ import annotations

from datacity_federation._privacy.audit import derivable_cells
from datacity_federation._privacy.facts import (
    ApplicationFact,
    ChallengeFact,
    MoneyFact,
    PhaseFact,
    PilotFact,
    SeasonFacts,
)
from datacity_federation._privacy.intervals import Interval
from datacity_federation._privacy.network import NetworkTotal, network_total
from datacity_federation._privacy.pseudonyms import multi_city_count, normalise_id, pseudonym
from datacity_federation._privacy.rules import (
    PROFILES,
    DisclosureProfile,
    published_problems,
    resolve_profile,
)
from datacity_federation._privacy.tables import (
    Release,
    Suppression,
    apply_correction,
    build_release,
)

__all__ = [
    "PROFILES",
    "ApplicationFact",
    "ChallengeFact",
    "DisclosureProfile",
    "Interval",
    "MoneyFact",
    "NetworkTotal",
    "PhaseFact",
    "PilotFact",
    "Release",
    "SeasonFacts",
    "Suppression",
    "apply_correction",
    "build_release",
    "derivable_cells",
    "multi_city_count",
    "network_total",
    "normalise_id",
    "pseudonym",
    "published_problems",
    "resolve_profile",
]
