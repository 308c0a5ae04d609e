"""Build the annual review from a hub snapshot: pure, no I/O, the day given as a parameter.

Rule header:
- a season belongs to the year of its end date; a city with no season ending in the year is
  *missing* (its figures are ``MISSING``, never zero, and it is left out of network figures);
- a city figure over several seasons sums counts and money, and averages days and percentages;
- the figures of their own (``figures``) are the registry's metrics with a ``review``
  declaration (:mod:`datacity_federation.domain.metrics`), combined as each one declares;
- a network figure sums (or averages) the *published* city figures only and counts the cities
  whose cells were suppressed (``PARTIAL``: "sum of published cells; 2 of 9 cities suppressed");
- a conversion rate uses only cities that published both of its figures;
- the trends run over every year on record up to the review's year (:mod:`._review.trends`);
- money is grouped by currency; one converted line is added only when the federation gives a
  rate for every currency involved, and the rates are stated in the review.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from datacity_federation._review.figures import (
    added,
    combine_cells,
    combine_cities,
    network_rate,
)
from datacity_federation._review.model import (
    CityReview,
    Conversion,
    Coverage,
    Figure,
    Funnel,
    HubSnapshot,
    MoneyLine,
    NetworkReview,
    PhaseLine,
    Review,
    SeasonScope,
    ThemeRow,
)
from datacity_federation._review.trends import build_trends, trend_years
from datacity_federation.domain.metrics import METRICS, Combine, MetricSpec
from datacity_federation.domain.release import ALL_THEMES, Cell, CellStatus, Metric
from datacity_federation.domain.vocab import Outcome, Phase
from datacity_federation.errors import ReviewError

__all__ = ["build_review", "combine_cells", "combine_cities", "network_rate"]

Key = tuple[str, str, str]  # metric, theme, dim
Index = Mapping[str, Mapping[Key, list[Cell]]]  # city -> key -> cells of the year


def _city_funnel(cells: Mapping[Key, list[Cell]]) -> Funnel:
    def count(metric: Metric, dim: str = "") -> Figure:
        return combine_cells(cells.get((metric.value, ALL_THEMES, dim), []))

    applications = count(Metric.APPLICATIONS)
    shortlisted = count(Metric.SHORTLISTED)
    pilots = count(Metric.PILOTS)
    contracts = count(Metric.PILOT_OUTCOMES, Outcome.CONTRACT.value)
    joint = count(Metric.PILOT_OUTCOMES, Outcome.JOINT_OFFER.value)
    deals = added(contracts, joint)
    return Funnel(
        applications=applications,
        shortlisted=shortlisted,
        pilots=pilots,
        contracts=contracts,
        joint_offers=joint,
        shortlist_rate=_strip(network_rate([(shortlisted, applications)])),
        pilot_rate=_strip(network_rate([(pilots, shortlisted)])),
        deal_rate=_strip(network_rate([(deals, pilots)])),
    )


def _strip(rate: Figure) -> Figure:
    """A city's own rate carries no network counts."""
    return Figure(rate.value, rate.state, statuses=rate.statuses)


def _network_funnel(funnels: Sequence[Funnel]) -> Funnel:
    def deals(f: Funnel) -> Figure:
        return added(f.contracts, f.joint_offers)

    return Funnel(
        applications=combine_cities(f.applications for f in funnels),
        shortlisted=combine_cities(f.shortlisted for f in funnels),
        pilots=combine_cities(f.pilots for f in funnels),
        contracts=combine_cities(f.contracts for f in funnels),
        joint_offers=combine_cities(f.joint_offers for f in funnels),
        shortlist_rate=network_rate((f.shortlisted, f.applications) for f in funnels),
        pilot_rate=network_rate((f.pilots, f.shortlisted) for f in funnels),
        deal_rate=network_rate((deals(f), f.pilots) for f in funnels),
    )


def _index(
    cells: Iterable[Cell], scopes: Mapping[tuple[str, str], SeasonScope], years: tuple[int, ...]
) -> dict[int, Index]:
    """One pass over the cells: year -> city -> (metric, theme, dim) -> cells."""
    year_of: dict[str, dict[str, int]] = defaultdict(dict)
    for (city, season), scope in scopes.items():
        if scope.end.year in years:
            year_of[city][season] = scope.end.year
    out: dict[int, dict[str, dict[Key, list[Cell]]]] = {y: {} for y in years}
    nowhere: dict[str, int] = {}
    for cell in cells:
        year = year_of.get(cell.city, nowhere).get(cell.season)
        if year is not None:
            by_key = out[year].setdefault(cell.city, {})
            key = (cell.metric, cell.theme, cell.dim)
            group = by_key.get(key)
            if group is None:
                by_key[key] = [cell]
            else:
                group.append(cell)
    return dict(out)


def _members(snapshot: HubSnapshot) -> tuple[str, ...]:
    extra = sorted({s.city for s in snapshot.seasons} - set(snapshot.members))
    return (*snapshot.members, *extra)


def _currency(city: str, scopes: Sequence[SeasonScope]) -> str | None:
    currencies = sorted({s.currency for s in scopes})
    if len(currencies) > 1:
        raise ReviewError(
            f"city {city} reports seasons in several currencies ({', '.join(currencies)}) "
            "for one year; the review never adds different currencies"
        )
    return currencies[0] if currencies else None


def _phases(cells: Mapping[Key, list[Cell]]) -> tuple[PhaseLine, ...]:
    return tuple(
        PhaseLine(
            phase=p.value,
            actual=combine_cells(
                cells.get((Metric.PHASE_DAYS.value, ALL_THEMES, p.value), []), mean=True
            ),
            planned=combine_cells(
                cells.get((Metric.PHASE_DAYS_PLANNED.value, ALL_THEMES, p.value), []), mean=True
            ),
        )
        for p in Phase
    )


def _city_review(
    city: str,
    cells: Mapping[Key, list[Cell]],
    previous: Mapping[Key, list[Cell]],
    scopes: Sequence[SeasonScope],
    snapshot: HubSnapshot,
) -> CityReview:
    def fig(metric: str, *, mean: bool = False) -> Figure:
        return combine_cells(cells.get((metric, ALL_THEMES, ""), []), mean=mean)

    every = [c for group in cells.values() for c in group]
    coverage = Coverage(
        seasons=tuple(s.season for s in sorted(scopes, key=lambda s: s.number)),
        cells=len(every),
        suppressed_cells=sum(c.status is not CellStatus.FREE for c in every),
        last_bundle=snapshot.bundles.get(city),
    )
    currency = _currency(city, scopes)
    missing = not scopes
    money = (
        None
        if currency is None
        else MoneyLine(currency, fig(Metric.SPONSORSHIP_TOTAL), fig(Metric.CONTRACT_VALUE_TOTAL))
    )
    return CityReview(
        city=city,
        missing=missing,
        coverage=coverage,
        currency=currency,
        funnel=_city_funnel(cells),
        previous_funnel=_city_funnel(previous),
        figures={
            code: fig(code, mean=spec.combine is Combine.MEAN) for code, spec in _shown().items()
        },
        money=money,
        phases=_phases(cells),
    )


def _shown() -> dict[str, MetricSpec]:
    """The metrics the review shows as figures of their own (the registry as it stands)."""
    return {code: spec for code, spec in METRICS.items() if spec.review is not None}


def _themes(index: Index, cities: Sequence[str]) -> tuple[ThemeRow, ...]:
    codes = sorted({k[1] for city in cities for k in index.get(city, {}) if k[1] != ALL_THEMES})
    rows = []
    for theme in codes:
        ch_key = (Metric.CHALLENGES.value, theme, "")
        pi_key = (Metric.PILOTS.value, theme, "")
        running = tuple(
            city
            for city in cities
            if any(
                c.status is not CellStatus.FREE or (c.value or 0) > 0
                for c in index.get(city, {}).get(ch_key, [])
            )
        )
        rows.append(
            ThemeRow(
                theme=theme,
                challenges=combine_cities(
                    combine_cells(index.get(c, {}).get(ch_key, [])) for c in cities
                ),
                pilots=combine_cities(
                    combine_cells(index.get(c, {}).get(pi_key, [])) for c in cities
                ),
                cities=running,
            )
        )
    rows.sort(key=lambda r: (-len(r.cities), -(r.challenges.value or 0), r.theme))
    return tuple(rows)


def _money(
    cities: Sequence[CityReview], rates: Mapping[str, Decimal], target: str | None
) -> tuple[tuple[MoneyLine, ...], Conversion | None]:
    lines = [c.money for c in cities if c.money is not None]
    by_currency: dict[str, list[MoneyLine]] = defaultdict(list)
    for line in lines:
        by_currency[line.currency].append(line)
    out = [
        MoneyLine(
            cur,
            combine_cities(m.sponsorship for m in group),
            combine_cities(m.contracts for m in group),
        )
        for cur, group in sorted(by_currency.items())
    ]
    if target is None or not lines:
        return tuple(out), None
    table = {**rates, target: Decimal(1)}
    if any(cur not in table for cur in by_currency):
        return tuple(out), None  # never convert without a stated rate for every currency

    def converted(f: Figure, rate: Decimal) -> Figure:
        if f.value is None:
            return f
        return Figure(f.value * rate, f.state, f.suppressed_cities, f.of_cities, f.statuses)

    conv = [
        MoneyLine(
            target,
            converted(m.sponsorship, table[m.currency]),
            converted(m.contracts, table[m.currency]),
        )
        for m in lines
    ]
    out.append(
        MoneyLine(
            target,
            combine_cities(m.sponsorship for m in conv),
            combine_cities(m.contracts for m in conv),
            converted=True,
        )
    )
    used = tuple(sorted((cur, table[cur]) for cur in by_currency if cur != target))
    return tuple(out), Conversion(target, used)


def _network_phases(cities: Sequence[CityReview]) -> tuple[PhaseLine, ...]:
    """Mean days spent and planned per phase over the cities that published each."""
    return tuple(
        PhaseLine(
            phase.value,
            combine_cities((c.phases[i].actual for c in cities), mean=True),
            combine_cities((c.phases[i].planned for c in cities), mean=True),
        )
        for i, phase in enumerate(Phase)
    )


def build_review(
    snapshot: HubSnapshot,
    *,
    year: int,
    on: date,
    currency_rates: Mapping[str, Decimal] | None = None,
    review_currency: str | None = None,
) -> Review:
    """The annual review of ``year`` from ``snapshot``; ``on`` is the day it is made."""
    scopes = {(s.city, s.season): s for s in snapshot.seasons}
    members = _members(snapshot)
    years = trend_years([s.end.year for s in snapshot.seasons], year)
    indexed = _index(snapshot.cells, scopes, (*{year - 1, *years},))
    index, before = indexed[year], indexed[year - 1]
    reported: dict[int, set[str]] = defaultdict(set)
    for season in snapshot.seasons:
        reported[season.end.year].add(season.city)
    of_year: dict[str, list[SeasonScope]] = defaultdict(list)
    for season in snapshot.seasons:
        if season.end.year == year:
            of_year[season.city].append(season)
    cities = tuple(
        _city_review(city, index.get(city, {}), before.get(city, {}), of_year[city], snapshot)
        for city in members
    )
    reporting = tuple(c.city for c in cities if not c.missing)
    money, conversion = _money(
        [c for c in cities if not c.missing], currency_rates or {}, review_currency
    )
    present = [c for c in cities if not c.missing]
    reported_before = {s.city for s in snapshot.seasons if s.end.year == year - 1}
    both = [c for c in present if c.city in reported_before]
    network = NetworkReview(
        funnel=_network_funnel([c.funnel for c in present]),
        previous_funnel=_network_funnel([c.previous_funnel for c in both]),
        comparable_funnel=_network_funnel([c.funnel for c in both]),
        figures={
            code: combine_cities(
                (c.figure(code) for c in present), mean=spec.combine is Combine.MEAN
            )
            for code, spec in _shown().items()
        },
        money=money,
        phases=_network_phases(present),
        themes=_themes(index, reporting),
    )
    return Review(
        year=year,
        members=members,
        reporting=reporting,
        missing=tuple(c.city for c in cities if c.missing),
        compared=tuple(c.city for c in both),
        cities=cities,
        network=network,
        conversion=conversion,
        city_names=snapshot.city_names,
        network_name=snapshot.network_name,
        sample_data=snapshot.sample_data,
        generated_on=on,
        theme_labels=snapshot.theme_labels,
        years=years,
        trends=build_trends(indexed, years=years, members=members, reported=reported),
    )
