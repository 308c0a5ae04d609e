"""Disclosure rules as versioned profiles, and the primary tests of one cell.

Rule header (the rule book, section 2): thresholds count distinct contributing units, not rows.
Counts publish when 0 or at least ``min_count`` units (else ``A``). Money publishes with at least
``min_money_contributors`` contributors, the largest at most ``dominance_one`` % of the total
(else ``O``), the two largest at most ``dominance_two`` % (else ``T``), and the rest at least
``p_percent`` % of the largest (the p%-rule, else ``O``). A KPI mean needs ``min_kpi_pilots``
pilots, is rounded to ``kpi_step`` points and is never published when every value is equal.
Homogeneity: an outcome holding more than ``homogeneity`` % of a theme's pilots suppresses that
theme's outcome breakdown. A profile only moves upward: a city may choose a stricter profile
than its federation, never a looser one.

Version 2 adds the **protection levels** the interval audit (:mod:`.intervals`) holds every
primary suppression to: a count's deducible interval at least ``count_protection`` units wide
(the width of the range its letter already allows, 1 .. ``min_count - 1``); a money total's
interval reaching at least the p% / dominance protection level on both sides of the true value;
a KPI mean's interval at least ``kpi_protection`` points wide. Figures the city publishes itself
(:data:`PUBLIC_METRICS`) are outside the rules from version 2 on. Every version ever issued stays
in :data:`PROFILE_VERSIONS`, so the hub can re-check a release built under an earlier one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from datacity_federation.domain.metrics import Disclosure, SpecView
from datacity_federation.domain.release import ALL_THEMES, Cell, CellStatus, Unit
from datacity_federation.domain.vocab import DISCLOSURE_PROFILES
from datacity_federation.errors import ReleaseError

__all__ = [
    "ALWAYS_ADDITIVE",
    "PROFILES",
    "PROFILE_VERSIONS",
    "PUBLIC_METRICS",
    "DisclosureProfile",
    "count_status",
    "kpi_status",
    "money_status",
    "published_problems",
    "resolve_profile",
    "round_kpi",
]


@dataclass(frozen=True, slots=True)
class DisclosureProfile:
    """One versioned set of thresholds."""

    name: str
    version: int
    min_count: int
    min_money_contributors: int = 3
    dominance_one: Decimal = Decimal(85)
    dominance_two: Decimal = Decimal(90)
    p_percent: Decimal = Decimal(10)
    min_kpi_pilots: int = 5
    kpi_step: Decimal = Decimal(1)
    homogeneity: Decimal = Decimal(90)
    count_protection: int = 0
    """Smallest width (units) of a suppressed count's deducible interval; 0: no interval audit."""
    kpi_protection: Decimal = Decimal(0)
    """Smallest width (points) of a suppressed KPI mean's deducible interval."""

    @property
    def rank(self) -> int:
        return DISCLOSURE_PROFILES.index(self.name)


_V1 = (
    DisclosureProfile(name="default", version=1, min_count=5),
    DisclosureProfile(
        name="strict", version=1, min_count=10, min_kpi_pilots=10, min_money_contributors=5
    ),
)
_V2 = (
    DisclosureProfile(
        name="default", version=2, min_count=5, count_protection=3, kpi_protection=Decimal(10)
    ),
    DisclosureProfile(
        name="strict",
        version=2,
        min_count=10,
        min_kpi_pilots=10,
        min_money_contributors=5,
        count_protection=8,
        kpi_protection=Decimal(20),
    ),
)

PROFILE_VERSIONS: Mapping[tuple[str, int], DisclosureProfile] = {
    (p.name, p.version): p for p in (*_V1, *_V2)
}
"""Every profile version ever issued (the hub re-checks a release under the one it names)."""

PROFILES: Mapping[str, DisclosureProfile] = {p.name: p for p in _V2}
"""The current version of each profile: what releases are built under."""

PUBLIC_METRICS: Mapping[str, bool] = SpecView(
    lambda s: True if s.disclosure is Disclosure.PUBLIC else None
)
"""Figures the city publishes itself (calls, partner lists, portals, the season plan): released
unsuppressed from profile version 2 on; the rules apply to what comes from programme records."""


def resolve_profile(federation: str, city: str | None = None) -> DisclosureProfile:
    """The profile a city releases under: its own when set, never looser than the federation's."""
    for name in (federation, city):
        if name is not None and name not in PROFILES:
            raise ReleaseError(
                f"unknown disclosure profile {name!r} (known: {', '.join(PROFILES)})"
            )
    base = PROFILES[federation]
    if base.rank < PROFILES["default"].rank:  # pragma: no cover - default is the loosest
        raise ReleaseError("a federation may not go below the default disclosure profile")
    if city is None:
        return base
    chosen = PROFILES[city]
    if chosen.rank < base.rank:
        raise ReleaseError(
            f"disclosure profile {city!r} is looser than the federation's {federation!r}; "
            "a city may only make the rules stricter"
        )
    return chosen


def count_status(units: int, profile: DisclosureProfile) -> CellStatus:
    """Counts: 0 or at least ``min_count`` distinct units publish; 1 to ``min_count - 1`` do not."""
    return CellStatus.FREE if units == 0 or units >= profile.min_count else CellStatus.TOO_FEW


def money_status(amounts: Sequence[Decimal], profile: DisclosureProfile) -> CellStatus:
    """Dominance (n,k) and the p%-rule on the contributions of one money total."""
    positive = sorted((a for a in amounts if a > 0), reverse=True)
    if not positive:
        return CellStatus.FREE if not amounts else CellStatus.TOO_FEW
    if len(positive) < profile.min_money_contributors:
        return CellStatus.TOO_FEW
    total = sum(positive, Decimal(0))
    if positive[0] * 100 > profile.dominance_one * total:
        return CellStatus.DOMINATED_ONE
    if (positive[0] + positive[1]) * 100 > profile.dominance_two * total:
        return CellStatus.DOMINATED_TWO
    rest = total - positive[0] - positive[1]
    # p%: the second largest contributor, knowing its own share, estimates the largest from the
    # total within ``rest``; the estimate must stay at least p% of the largest away.
    if rest * 100 < profile.p_percent * positive[0]:
        return CellStatus.DOMINATED_ONE
    return CellStatus.FREE


def round_kpi(mean: Decimal, profile: DisclosureProfile) -> Decimal:
    step = profile.kpi_step
    return (mean / step).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * step


def kpi_status(values: Sequence[Decimal], profile: DisclosureProfile) -> CellStatus:
    """KPI means: enough pilots, and not all equal (a mean of equal values discloses each)."""
    if len(values) < profile.min_kpi_pilots or len(set(values)) <= 1:
        return CellStatus.TOO_FEW
    return CellStatus.FREE


ALWAYS_ADDITIVE: Mapping[str, bool] = SpecView(lambda s: True if s.additive else None)
"""Metrics whose theme cells always add up to the ``all`` cell (each row has one theme)."""


def published_problems(cells: Iterable[Cell], profile: DisclosureProfile) -> list[str]:
    """What the hub can re-check without any record (check 7): a count between 1 and
    ``min_count - 1`` published, and an always-additive group (theme cells + their total) in
    which exactly one cell is suppressed, so it would follow by subtraction. Public figures
    (:data:`PUBLIC_METRICS`) are not checked under version 2 and later: they are not suppressed.
    """
    problems: list[str] = []
    groups: dict[tuple[str, str, str], list[Cell]] = {}
    public: Mapping[str, bool] = PUBLIC_METRICS if profile.version >= 2 else {}
    for c in cells:
        if c.metric in public:
            continue
        if (
            c.status is CellStatus.FREE
            and c.unit is Unit.COUNT
            and c.value is not None
            and 0 < c.value < profile.min_count
        ):
            problems.append(
                f"{'/'.join(c.key)}: a count of {c.value} is below the threshold "
                f"{profile.min_count} of profile {profile.name}"
            )
        if c.metric in ALWAYS_ADDITIVE:
            groups.setdefault((c.season, c.metric.value, c.dim), []).append(c)
    for (season, metric, dim), members in sorted(groups.items()):
        if not any(c.theme == ALL_THEMES for c in members) or len(members) < 2:
            continue
        hidden = [c for c in members if c.status is not CellStatus.FREE]
        if len(hidden) == 1:
            where = "/".join(x for x in (season, metric, dim) if x)
            problems.append(
                f"{where}: only {hidden[0].theme} is suppressed, so it follows from the others"
            )
    return problems
