"""The review model on hand-made cells: rates, suppression, currencies, missing cities."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacity_federation._review import (
    BundleInfo,
    FigureState,
    HubSnapshot,
    SeasonScope,
    build_review,
)
from datacity_federation._review.build import combine_cells, combine_cities, network_rate
from datacity_federation.domain.release import ALL_THEMES, METRIC_UNITS, Cell, CellStatus, Metric
from datacity_federation.errors import ReviewError

pytestmark = pytest.mark.unit

ON = date(2020, 2, 1)


def cell(city: str, metric: Metric, value: int | str | None, *, season: str = "s1",
         theme: str = ALL_THEMES, dim: str = "", status: str = "F") -> Cell:  # fmt: skip
    return Cell(
        city=city, season=season, metric=metric, theme=theme, dim=dim,
        value=None if value is None else Decimal(value), unit=METRIC_UNITS[metric],
        status=CellStatus(status),
    )  # fmt: skip


def scope(
    city: str, season: str = "s1", *, end: date = date(2019, 1, 14), cur: str = "EUR"
) -> SeasonScope:
    return SeasonScope(city, season, int(season[1:]), date(end.year - 1, 1, 15), end, cur)


def snapshot(cells: list[Cell], scopes: list[SeasonScope], members: tuple[str, ...]) -> HubSnapshot:
    return HubSnapshot(members=members, cells=cells, seasons=scopes)


def funnel_cells(city: str, apps: int, short: int, pilots: int, contracts: int, joint: int,
                 *, season: str = "s1") -> list[Cell]:  # fmt: skip
    return [
        cell(city, Metric.APPLICATIONS, apps, season=season),
        cell(city, Metric.SHORTLISTED, short, season=season),
        cell(city, Metric.PILOTS, pilots, season=season),
        cell(city, Metric.PILOT_OUTCOMES, contracts, dim="contract", season=season),
        cell(city, Metric.PILOT_OUTCOMES, joint, dim="joint_offer", season=season),
    ]


def test_funnel_rates_per_city_and_network() -> None:
    cells = funnel_cells("paris", 100, 20, 10, 5, 0) + funnel_cells("barcelona", 50, 10, 5, 0, 5)
    review = build_review(
        snapshot(cells, [scope("paris"), scope("barcelona")], ("paris", "barcelona")),
        year=2019, on=ON,
    )  # fmt: skip
    paris = review.cities[0].funnel
    assert (paris.shortlist_rate.value, paris.pilot_rate.value, paris.deal_rate.value) == (
        Decimal("0.2000"), Decimal("0.5000"), Decimal("0.5000"),
    )  # fmt: skip
    net = review.network.funnel
    assert net.applications.value == Decimal(150)
    assert net.shortlist_rate.value == Decimal("0.2000")
    assert net.deal_rate.value == Decimal("0.6667")
    assert net.deal_rate.state is FigureState.PUBLISHED


def test_network_sum_says_which_cities_were_suppressed() -> None:
    cells = [
        cell("paris", Metric.APPLICATIONS, 120),
        cell("barcelona", Metric.APPLICATIONS, None, status="A"),
        cell("singapore", Metric.APPLICATIONS, 80),
    ]
    review = build_review(
        snapshot(cells, [scope(c) for c in ("paris", "barcelona", "singapore")],
                 ("paris", "barcelona", "singapore")),
        year=2019, on=ON,
    )  # fmt: skip
    apps = review.network.funnel.applications
    assert (apps.value, apps.state, apps.suppressed_cities, apps.of_cities, apps.statuses) == (
        Decimal(200), FigureState.PARTIAL, 1, 3, ("A",),
    )  # fmt: skip
    assert review.cities[1].funnel.applications.state is FigureState.SUPPRESSED


def test_network_rate_leaves_out_cities_without_both_figures() -> None:
    cells = [
        *funnel_cells("paris", 100, 20, 10, 5, 5),
        cell("bangalore", Metric.APPLICATIONS, 60),
        cell("bangalore", Metric.SHORTLISTED, None, status="A"),
    ]
    review = build_review(
        snapshot(cells, [scope("paris"), scope("bangalore")], ("paris", "bangalore")),
        year=2019, on=ON,
    )  # fmt: skip
    rate = review.network.funnel.shortlist_rate
    assert (rate.value, rate.state, rate.suppressed_cities, rate.of_cities) == (
        Decimal("0.2000"), FigureState.PARTIAL, 1, 2,
    )  # fmt: skip


def test_city_without_bundle_for_the_year_is_missing_not_zero() -> None:
    cells = funnel_cells("paris", 100, 20, 10, 5, 5, season="s3") + funnel_cells(
        "singapore", 80, 16, 8, 4, 4
    )
    scopes = [scope("paris", "s3", end=date(2018, 8, 31)), scope("singapore")]
    review = build_review(snapshot(cells, scopes, ("paris", "singapore")), year=2019, on=ON)
    paris = review.cities[0]
    assert (paris.missing, paris.funnel.applications.state, paris.funnel.applications.value) == (
        True, FigureState.MISSING, None,
    )  # fmt: skip
    assert review.missing == ("paris",)
    assert review.reporting == ("singapore",)
    assert review.network.funnel.applications.of_cities == 1
    assert review.network.funnel.applications.state is FigureState.PUBLISHED


def test_previous_year_compares_the_same_cities() -> None:
    cells = funnel_cells("paris", 100, 20, 10, 5, 5, season="s2") + funnel_cells(
        "paris", 80, 20, 10, 5, 5, season="s1"
    )
    scopes = [
        scope("paris", "s2", end=date(2019, 8, 31)),
        scope("paris", "s1", end=date(2018, 8, 31)),
    ]
    review = build_review(snapshot(cells, scopes, ("paris",)), year=2019, on=ON)
    assert review.network.funnel.applications.value == Decimal(100)
    assert review.network.previous_funnel.applications.value == Decimal(80)


def test_money_in_different_currencies_is_never_added() -> None:
    cells = [
        cell("paris", Metric.SPONSORSHIP_TOTAL, 500000),
        cell("barcelona", Metric.SPONSORSHIP_TOTAL, 300000),
        cell("singapore", Metric.SPONSORSHIP_TOTAL, 800000),
    ]
    scopes = [scope("paris"), scope("barcelona"), scope("singapore", cur="SGD")]
    review = build_review(
        snapshot(cells, scopes, ("paris", "barcelona", "singapore")), year=2019, on=ON
    )
    lines = [(m.currency, m.sponsorship.value, m.converted) for m in review.network.money]
    assert lines == [("EUR", Decimal(800000), False), ("SGD", Decimal(800000), False)]
    assert review.conversion is None


def test_money_is_converted_only_with_stated_rates() -> None:
    cells = [
        cell("paris", Metric.SPONSORSHIP_TOTAL, 500000),
        cell("singapore", Metric.SPONSORSHIP_TOTAL, 800000),
    ]
    snap = snapshot(cells, [scope("paris"), scope("singapore", cur="SGD")], ("paris", "singapore"))
    review = build_review(
        snap, year=2019, on=ON, currency_rates={"SGD": Decimal("0.5")}, review_currency="EUR"
    )
    converted = [m for m in review.network.money if m.converted]
    assert [(m.currency, m.sponsorship.value) for m in converted] == [("EUR", Decimal(900000))]
    assert review.conversion is not None
    assert review.conversion.rates == (("SGD", Decimal("0.5")),)
    no_rate = build_review(snap, year=2019, on=ON, currency_rates={}, review_currency="EUR")
    assert [m.converted for m in no_rate.network.money] == [False, False]
    assert no_rate.conversion is None


def test_city_with_two_currencies_in_one_year_is_refused() -> None:
    scopes = [scope("paris", "s1"), scope("paris", "s2", end=date(2019, 12, 1), cur="USD")]
    with pytest.raises(ReviewError, match="several currencies"):
        build_review(snapshot([], scopes, ("paris",)), year=2019, on=ON)


def test_themes_shared_by_several_cities_come_first() -> None:
    cells = [
        cell("paris", Metric.CHALLENGES, 5, theme="waste"),
        cell("barcelona", Metric.CHALLENGES, None, theme="waste", status="A"),
        cell("barcelona", Metric.CHALLENGES, 6, theme="mobility"),
        cell("paris", Metric.CHALLENGES, 0, theme="energy"),
    ]
    review = build_review(
        snapshot(cells, [scope("paris"), scope("barcelona")], ("paris", "barcelona")),
        year=2019, on=ON,
    )  # fmt: skip
    rows = [(r.theme, r.cities, r.shared) for r in review.network.themes]
    assert rows == [
        ("waste", ("paris", "barcelona"), True),
        ("mobility", ("barcelona",), False),
        ("energy", (), False),
    ]


def test_coverage_counts_suppressed_cells_and_last_bundle() -> None:
    bundle = BundleInfo("paris", "ab" * 32, 3, datetime(2019, 2, 1, tzinfo=UTC), True)
    cells = [
        cell("paris", Metric.APPLICATIONS, 120),
        cell("paris", Metric.SHORTLISTED, None, status="A"),
    ]
    snap = HubSnapshot(
        members=("paris",), cells=cells, seasons=[scope("paris")], bundles={"paris": bundle}
    )
    cov = build_review(snap, year=2019, on=ON).cities[0].coverage
    assert (cov.seasons, cov.cells, cov.suppressed_cells, cov.suppressed_share, cov.last_bundle) == (
        ("s1",), 2, 1, Decimal("0.5"), bundle,
    )  # fmt: skip


def test_phase_days_are_averaged_against_the_plan() -> None:
    cells = [
        cell("paris", Metric.PHASE_DAYS, 100, dim="call"),
        cell("paris", Metric.PHASE_DAYS_PLANNED, 92, dim="call"),
        cell("barcelona", Metric.PHASE_DAYS, 110, dim="call"),
        cell("barcelona", Metric.PHASE_DAYS_PLANNED, 92, dim="call"),
    ]
    review = build_review(
        snapshot(cells, [scope("paris"), scope("barcelona")], ("paris", "barcelona")),
        year=2019, on=ON,
    )  # fmt: skip
    call = next(p for p in review.network.phases if p.phase == "call")
    assert (call.actual.value, call.planned.value) == (Decimal("105.0"), Decimal("92.0"))


figures = st.lists(
    st.one_of(
        st.integers(0, 10_000).map(lambda v: ("F", v)),
        st.sampled_from(["A", "O", "T", "D"]).map(lambda s: (s, None)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(figures)
def test_network_sum_is_the_sum_of_published_cells_only(
    values: list[tuple[str, int | None]],
) -> None:
    city_figs = [
        combine_cells([cell(f"c{i}", Metric.APPLICATIONS, v, status=s)])
        for i, (s, v) in enumerate(values)
    ]
    net = combine_cities(city_figs)
    published = [v for s, v in values if s == "F"]
    suppressed = len(values) - len(published)
    assert net.suppressed_cities == suppressed
    assert net.of_cities == len(values)
    assert net.value == (Decimal(sum(published)) if published else None)
    expected = (
        FigureState.PUBLISHED
        if not suppressed
        else FigureState.PARTIAL
        if published
        else FigureState.SUPPRESSED
    )
    assert net.state is expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 500)), min_size=1, max_size=8))
def test_network_rate_stays_between_zero_and_one(pairs: list[tuple[int, int]]) -> None:
    figs = [
        (
            combine_cells([cell("c", Metric.PILOTS, min(a, b))]),
            combine_cells([cell("c", Metric.SHORTLISTED, max(a, b))]),
        )
        for a, b in pairs
    ]
    rate = network_rate(figs)
    if rate.value is not None:
        assert Decimal(0) <= rate.value <= Decimal(1)


def test_year_over_year_compares_only_cities_that_reported_both_years() -> None:
    cells = [
        *funnel_cells("paris", 100, 20, 10, 5, 5, season="s2"),
        *funnel_cells("paris", 80, 20, 10, 5, 5, season="s1"),
        *funnel_cells("singapore", 300, 60, 30, 5, 5),
    ]
    scopes = [
        scope("paris", "s2", end=date(2019, 8, 31)),
        scope("paris", "s1", end=date(2018, 8, 31)),
        scope("singapore", end=date(2019, 1, 14)),
    ]
    review = build_review(snapshot(cells, scopes, ("paris", "singapore")), year=2019, on=ON)
    net = review.network
    assert review.compared == ("paris",)
    assert (net.funnel.applications.value, net.comparable_funnel.applications.value) == (
        Decimal(400), Decimal(100),
    )  # fmt: skip
    assert net.previous_funnel.applications.value == Decimal(80)
