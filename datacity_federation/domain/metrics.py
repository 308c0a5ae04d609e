"""The metric registry: one declaration per metric, read by everything that handles cells.

Rule header: a metric is declared once, as a :class:`MetricSpec` (its code, unit, dimension
codes, disclosure class, sign, the words a person reads as message ids, how the review shows it
and, for a metric added beside the built-in ones, how it is computed from a season's facts).
The release tables (``_privacy``), the hub's check of ``cells.csv`` (``_sync``), the review model
and its exports and templates (``_review``) and the release summary (``_cli``) all read this
registry; none keeps a list of metrics of its own. :func:`register_metric` adds one (a
federation's own metric, or a test's); the codes of the built-in ones are :class:`Metric`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from datacity_federation.domain.registry import CODE, RegisteredCode
from datacity_federation.domain.vocab import N_, OUTCOME_LABELS, PHASE_LABELS, Labels

__all__ = [
    "METRICS",
    "Combine",
    "Disclosure",
    "Metric",
    "MetricCode",
    "MetricSpec",
    "MetricValue",
    "ReviewShow",
    "Unit",
    "metric_code",
    "metric_spec",
    "metrics_shown_in",
    "register_metric",
    "unregister_metric",
]


class Unit(StrEnum):
    """What a cell's value counts."""

    COUNT = "count"
    DAYS = "days"
    PERCENT = "percent"
    CURRENCY = "currency"
    """Money in the city's currency (ISO 4217 in the release scope)."""


class Metric(StrEnum):
    """The built-in metrics: what a cell measures, per city x season x theme."""

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


class Disclosure(StrEnum):
    """Which disclosure rules a metric's cells go through (see docs/privacy.md)."""

    COUNT = "count"
    """Distinct contributing units: published when 0 or at least the threshold."""
    MONEY = "money"
    """Totals of amounts: contributors, dominance and the p%-rule."""
    KPI = "kpi"
    """Means over pilots: enough pilots, not all equal, rounded."""
    PUBLIC = "public"
    """Figures the city publishes itself: released as they are (protected: every other)."""
    RATE = "rate"
    """A share of the season's units, ruled like a count of them."""


class Combine(StrEnum):
    """How a figure over several seasons or cities is made from its cells."""

    SUM = "sum"
    MEAN = "mean"


@dataclass(frozen=True, slots=True)
class ReviewShow:
    """How the annual review shows a metric as a figure of its own (city and network).

    ``sections``: where it appears: ``summary`` (a tile of "the network at a glance") and
    ``results`` (a column of "partners, data and results"). ``format``: ``num``, ``points``
    (percentage points) or ``pct``. ``title``: the heading, an English message id."""

    title: str
    sections: tuple[str, ...] = ("results",)
    format: str = "num"


@dataclass(frozen=True, slots=True)
class MetricValue:
    """One cell a metric's computation yields: its place, true value and contributing units
    (rows per start-up for counts, the amount per contributor for money, the value per pilot
    for KPIs). Kept in the city; the rules decide what is released."""

    theme: str
    value: Decimal
    units: Mapping[str, Decimal | int] = field(default_factory=dict)
    dim: str = ""


ComputeFn = Callable[[Any], Iterable[MetricValue]]
"""Season facts (``_privacy.facts.SeasonFacts``) -> the metric's cells."""


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """Everything the package knows about one metric."""

    code: str
    unit: Unit
    disclosure: Disclosure
    label: str
    """How a programme director reads it (an English message id, lower case)."""
    dims: Labels = field(default_factory=lambda: MappingProxyType({}))
    """The codes ``dim`` may take, with their labels (message ids); empty: no dimension."""
    signed: bool = False
    """True when a value may be negative."""
    additive: bool = False
    """True when the theme cells always add up to the ``all`` cell (each record has one theme)."""
    combine: Combine = Combine.SUM
    """How the review adds up this metric's cells over seasons and cities."""
    review: ReviewShow | None = None
    """Its own figure in the review; ``None``: shown by a section built for it (funnel, money,
    phases) or not at all."""
    compute: ComputeFn | None = None
    """How its cells come from a season's facts; ``None`` for the built-in metrics, which the
    release tables compute together in one pass (``_privacy/cells.py``)."""


_REGISTRY: dict[str, MetricSpec] = {}
METRICS: Mapping[str, MetricSpec] = MappingProxyType(_REGISTRY)
"""Every registered metric by code, in registration order (the order of review rows)."""


MetricCode = RegisteredCode
"""The code of a metric registered beyond :class:`Metric`."""


def register_metric(spec: MetricSpec) -> MetricSpec:
    """Add ``spec`` to the registry; a code registered already is refused."""
    if spec.code in _REGISTRY:
        raise ValueError(f"metric {spec.code!r} is registered already")
    if not CODE.fullmatch(spec.code):
        raise ValueError(f"metric code {spec.code!r}: use lower-case letters, digits and '_'")
    if spec.review is not None and spec.dims:
        raise ValueError(f"metric {spec.code!r}: a figure of its own has no dimension")
    if spec.code not in _BUILT_IN and spec.compute is None:
        raise ValueError(f"metric {spec.code!r} needs a compute function")
    _REGISTRY[spec.code] = spec
    return spec


def unregister_metric(code: str) -> None:
    """Remove a metric added with :func:`register_metric` (the built-in ones stay)."""
    if code in _BUILT_IN:
        raise ValueError(f"metric {code!r} is built in")
    _REGISTRY.pop(code, None)


def metric_spec(code: str) -> MetricSpec:
    """The declaration of ``code``; ``KeyError`` naming it when it is not registered."""
    try:
        return _REGISTRY[code]
    except KeyError:
        raise KeyError(f"unknown metric {code!r}") from None


def metric_code(text: object) -> Metric | MetricCode:
    """A registered metric's code (a :class:`Metric` member for the built-in ones);
    ``ValueError`` when ``text`` is no registered metric."""
    if not isinstance(text, str) or text not in _REGISTRY:
        raise ValueError(f"unknown metric {str(text)[:40]!r}")
    return Metric(text) if text in _BUILT_IN else MetricCode(text)


def metrics_shown_in(section: str) -> list[MetricSpec]:
    """The metrics the review shows as figures in ``section``, in registry order."""
    return [s for s in _REGISTRY.values() if s.review is not None and section in s.review.sections]


T = TypeVar("T")


class SpecView(Mapping[str, T], Generic[T]):
    """A live read-only view of one property of every registered metric (``METRIC_UNITS``)."""

    def __init__(self, read: Callable[[MetricSpec], T | None]) -> None:
        self._read = read

    def __getitem__(self, code: str) -> T:
        spec = _REGISTRY.get(code)
        found = None if spec is None else self._read(spec)
        if found is None:
            raise KeyError(code)
        return found

    def __iter__(self) -> Iterator[str]:
        return (code for code, spec in _REGISTRY.items() if self._read(spec) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


_C, _D, _P, _CUR = Unit.COUNT, Unit.DAYS, Unit.PERCENT, Unit.CURRENCY
_BUILT_IN = frozenset(m.value for m in Metric)

for _spec in (
    MetricSpec(
        Metric.CHALLENGES,
        _C,
        Disclosure.PUBLIC,
        N_("challenges"),
        additive=True,
        review=ReviewShow(N_("Challenges"), ("summary",)),
    ),
    MetricSpec(
        Metric.CORPORATE_PARTNERS,
        _C,
        Disclosure.PUBLIC,
        N_("corporate partners"),
        review=ReviewShow(N_("Corporate partners")),
    ),
    MetricSpec(
        Metric.DATASETS_USED,
        _C,
        Disclosure.PUBLIC,
        N_("data sets used"),
        review=ReviewShow(N_("Data sets used"), ("summary", "results")),
    ),
    MetricSpec(Metric.APPLICATIONS, _C, Disclosure.COUNT, N_("applications"), additive=True),
    MetricSpec(Metric.STARTUPS, _C, Disclosure.COUNT, N_("start-ups")),
    MetricSpec(Metric.SHORTLISTED, _C, Disclosure.COUNT, N_("shortlisted"), additive=True),
    MetricSpec(Metric.SELECTED, _C, Disclosure.COUNT, N_("selected"), additive=True),
    MetricSpec(Metric.PILOTS, _C, Disclosure.COUNT, N_("pilots"), additive=True),
    MetricSpec(
        Metric.PILOT_OUTCOMES,
        _C,
        Disclosure.COUNT,
        N_("pilot outcomes"),
        dims=OUTCOME_LABELS,
        additive=True,
    ),
    MetricSpec(
        Metric.PHASE_DAYS,
        _D,
        Disclosure.PUBLIC,
        N_("days in the phase"),
        dims=PHASE_LABELS,
        combine=Combine.MEAN,
    ),
    MetricSpec(
        Metric.PHASE_DAYS_PLANNED,
        _D,
        Disclosure.PUBLIC,
        N_("planned days in the phase"),
        dims=PHASE_LABELS,
        combine=Combine.MEAN,
    ),
    MetricSpec(Metric.SPONSORSHIP_TOTAL, _CUR, Disclosure.MONEY, N_("sponsorship total")),
    MetricSpec(
        Metric.CONTRACT_VALUE_TOTAL,
        _CUR,
        Disclosure.MONEY,
        N_("contract value total"),
        additive=True,
    ),
    MetricSpec(
        Metric.KPI_IMPROVEMENT_MEAN,
        _P,
        Disclosure.KPI,
        N_("mean KPI improvement"),
        signed=True,
        combine=Combine.MEAN,
        # Translators: mean improvement of the pilots towards their key performance indicators.
        review=ReviewShow(N_("Mean KPI improvement"), ("summary", "results"), "points"),
    ),
    MetricSpec(
        Metric.PARTNER_RETENTION,
        _P,
        Disclosure.RATE,
        N_("partner retention"),
        combine=Combine.MEAN,
        review=ReviewShow(N_("Partner retention"), format="points"),
    ),
    MetricSpec(
        Metric.NETWORK_STARTUPS_MULTI_CITY,
        _C,
        Disclosure.COUNT,
        N_("start-ups piloting in several cities"),
    ),
):
    _REGISTRY[_spec.code] = _spec
