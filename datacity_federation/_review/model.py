"""The review's input (what a hub holds) and output (the figures of the annual review).

Rule header: the review model holds numbers, dates and codes only; words live in the templates.
Every figure says how it was built: ``PUBLISHED`` (every contributing cell was published),
``PARTIAL`` (a sum or mean of the published cells only; ``suppressed_cities`` of ``of_cities``
cities had a suppressed cell in it), ``SUPPRESSED`` (nothing published) or ``MISSING`` (no bundle
for the year: shown as missing, never as zero). Money carries its currency; amounts in different
currencies are never added, only converted with the federation's stated rates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from datacity_federation._review.status import Released, SeasonStatus
from datacity_federation.domain.release import Cell

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
    "Trend",
]


# -- input ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeasonScope:
    """The scope of a city's release: one season, its dates and the currency of its money."""

    city: str
    season: str
    number: int
    start: date
    end: date
    currency: str

    @property
    def year(self) -> int:
        """The review year a season belongs to: the year of its end date."""
        return self.end.year


@dataclass(frozen=True, slots=True)
class BundleInfo:
    """The last bundle the hub accepted from a city, and whether its signature checked out."""

    city: str
    bundle_id: str
    seq: int
    received_at: datetime
    signature_verified: bool


@dataclass(frozen=True, slots=True)
class HubSnapshot:
    """Everything the review reads: the hub's cells, the seasons they belong to, the bundles.

    ``members`` are the cities the review covers, in display order; ``city_names`` their names
    per language (``{"paris": {"fr": "Paris"}}``), ``city_languages`` the languages they declare.
    """

    members: tuple[str, ...]
    cells: Sequence[Cell]
    seasons: Sequence[SeasonScope]
    bundles: Mapping[str, BundleInfo] = field(default_factory=dict)
    city_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    network_name: Mapping[str, str] = field(default_factory=dict)
    sample_data: bool = False
    """True when the cells come from generated sample records (the report says so)."""
    theme_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Labels per language of the themes a federation added (canonical ones are translated)."""
    events: Sequence[Released] = ()
    """Every bundle the hub accepted (releases and retractions): the reporting status's input."""


# -- output --------------------------------------------------------------------------------------


class FigureState(StrEnum):
    """How a figure was built from the cells."""

    PUBLISHED = "published"
    PARTIAL = "partial"
    SUPPRESSED = "suppressed"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Figure:
    """One number of the review and how it was built."""

    value: Decimal | None
    state: FigureState
    suppressed_cities: int = 0
    """Cities with a suppressed cell left out of this figure (network figures)."""
    of_cities: int = 0
    """Cities reporting for this figure (network figures; a missing city is not counted)."""
    statuses: tuple[str, ...] = ()
    """The SDMX confidentiality letters of the suppressed cells, sorted."""

    @property
    def shown(self) -> bool:
        """True when there is a number to show."""
        return self.value is not None


MISSING = Figure(None, FigureState.MISSING)


class _NamedFigures:
    """The built-in metrics' figures by name (read from ``figures``, the one place they live)."""

    __slots__ = ()
    figures: Mapping[str, Figure]

    def figure(self, metric: str) -> Figure:
        """The figure of ``metric`` (``MISSING`` when the review has none for it)."""
        return self.figures.get(metric, MISSING)

    @property
    def challenges(self) -> Figure:
        return self.figure("challenges")

    @property
    def partners(self) -> Figure:
        return self.figure("corporate_partners")

    @property
    def datasets(self) -> Figure:
        return self.figure("datasets_used")

    @property
    def kpi_improvement(self) -> Figure:
        """Mean KPI improvement (percentage points; network: mean of the city means)."""
        return self.figure("kpi_improvement_mean")

    @property
    def retention(self) -> Figure:
        """Partner retention (network: mean of the published city shares)."""
        return self.figure("partner_retention")


@dataclass(frozen=True, slots=True)
class Funnel:
    """Applications -> shortlisted -> pilots -> contracts and joint offers."""

    applications: Figure
    shortlisted: Figure
    pilots: Figure
    contracts: Figure
    joint_offers: Figure
    shortlist_rate: Figure
    """Shortlisted / applications (a fraction, 0..1)."""
    pilot_rate: Figure
    """Pilots / shortlisted."""
    deal_rate: Figure
    """(Contracts + joint offers) / pilots."""

    def stages(self) -> tuple[tuple[str, Figure], ...]:
        """The counting stages in order, with their codes."""
        return (
            ("applications", self.applications),
            ("shortlisted", self.shortlisted),
            ("pilots", self.pilots),
            ("contracts", self.contracts),
            ("joint_offers", self.joint_offers),
        )


@dataclass(frozen=True, slots=True)
class MoneyLine:
    """A money total in one currency (``converted`` when the federation's rate was applied)."""

    currency: str
    sponsorship: Figure
    contracts: Figure
    converted: bool = False


@dataclass(frozen=True, slots=True)
class Conversion:
    """The rates a review used to convert money, stated in the report."""

    currency: str
    rates: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True, slots=True)
class PhaseLine:
    """Days spent in a phase against the days the plan gave it."""

    phase: str
    actual: Figure
    planned: Figure


@dataclass(frozen=True, slots=True)
class ThemeRow:
    """One theme across the network: challenges and pilots per city, and who runs it."""

    theme: str
    challenges: Figure
    pilots: Figure
    cities: tuple[str, ...]
    """Cities that ran a challenge on this theme this year."""

    @property
    def shared(self) -> bool:
        """True when two or more cities ran this theme."""
        return len(self.cities) >= 2


@dataclass(frozen=True, slots=True)
class Coverage:
    """What a city sent for the year."""

    seasons: tuple[str, ...]
    cells: int
    suppressed_cells: int
    last_bundle: BundleInfo | None

    @property
    def suppressed_share(self) -> Decimal | None:
        """Share of the city's cells that are suppressed (0..1); none without cells."""
        if not self.cells:
            return None
        return Decimal(self.suppressed_cells) / Decimal(self.cells)


@dataclass(frozen=True, slots=True)
class CityReview(_NamedFigures):
    """One city's year."""

    city: str
    missing: bool
    coverage: Coverage
    currency: str | None
    funnel: Funnel
    previous_funnel: Funnel
    figures: Mapping[str, Figure]
    """One figure per metric the registry shows on its own (``review`` in its declaration), by
    metric code, in registry order."""
    money: MoneyLine | None
    phases: tuple[PhaseLine, ...]


@dataclass(frozen=True, slots=True)
class NetworkReview(_NamedFigures):
    """The network's year: sums of published cells, each saying what was left out."""

    funnel: Funnel
    previous_funnel: Funnel
    """The year before, over the cities that reported in both years."""
    comparable_funnel: Funnel
    """This year over the same cities as ``previous_funnel`` (what the change compares)."""
    figures: Mapping[str, Figure]
    """One figure per metric the registry shows on its own: the sum of the published city
    figures, or their mean (KPI means, shares, days) as the metric's declaration says."""
    money: tuple[MoneyLine, ...]
    """One line per currency, never added together; plus a converted line when rates allow."""
    phases: tuple[PhaseLine, ...]
    """Mean days per phase over the cities that published both figures."""
    themes: tuple[ThemeRow, ...]


@dataclass(frozen=True, slots=True)
class Trend:
    """One headline metric for every year on record: network-wide and per city.

    ``network`` and each city's series hold one figure per year of :attr:`Review.years`; a
    suppressed or missing year stays a gap (its figure says which), never a zero.
    """

    metric: str
    """The metric's code (``applications``, ``pilots``, ``deals``, ``partner_retention``...)."""
    kind: str
    """How its values read: ``num`` (counts) or ``points`` (values already in percent)."""
    network: tuple[Figure, ...]
    """Network figure per year (sums, or means of the city means, of published cells)."""
    cities: tuple[tuple[str, tuple[Figure, ...]], ...]
    """Per member city, its figure per year."""


@dataclass(frozen=True, slots=True)
class Review:
    """The annual cross-city review of one year."""

    year: int
    members: tuple[str, ...]
    reporting: tuple[str, ...]
    missing: tuple[str, ...]
    compared: tuple[str, ...]
    """Cities that reported this year and the year before (the year-over-year change's scope)."""
    cities: tuple[CityReview, ...]
    network: NetworkReview
    conversion: Conversion | None
    city_names: Mapping[str, Mapping[str, str]]
    network_name: Mapping[str, str]
    sample_data: bool
    generated_on: date
    theme_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    report_status: tuple[SeasonStatus, ...] = ()
    """Reporting status on ``generated_on`` of the seasons ending in the year, and of every
    season still due or late (:mod:`datacity_federation._review.status`)."""
    years: tuple[int, ...] = ()
    """Every year on record up to the review's year, oldest first (the trends' x axis)."""
    trends: tuple[Trend, ...] = ()
    """The headline metrics over :attr:`years`."""
