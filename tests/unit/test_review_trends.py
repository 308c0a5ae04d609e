"""The review's comparisons (like for like) and trends (every year on record), on hand-made cells."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_review_model import ON, cell, funnel_cells, scope, snapshot

from datacity_federation._i18n import Catalogs
from datacity_federation._review import FigureState, build_review
from datacity_federation._review.model import Figure
from datacity_federation._review.render import _Formats, _line
from datacity_federation._review.trends import TREND_METRICS, trend_years
from datacity_federation.domain.release import Metric

pytestmark = pytest.mark.unit


def end(year: int) -> date:
    return date(year, 1, 14)


def trend(review: object, metric: str) -> dict[str, list[str | None]]:
    found = next(t for t in review.trends if t.metric == metric)  # type: ignore[attr-defined]
    out = {"network": [None if f.value is None else str(f.value) for f in found.network]}
    for city, series in found.cities:
        out[city] = [None if f.value is None else str(f.value) for f in series]
    return out


def test_funnel_compares_the_same_cities_and_keeps_the_total_apart() -> None:
    """This year's all-city total (150) is never compared with last year's one-city figure (88):
    the change compares Paris with Paris."""
    cells = [
        *funnel_cells("paris", 88, 10, 5, 1, 1, season="s1"),
        *funnel_cells("paris", 100, 10, 5, 1, 1, season="s2"),
        *funnel_cells("barcelona", 50, 10, 5, 1, 1, season="s1"),
    ]
    scopes = [scope("paris", "s1", end=end(2018)), scope("paris", "s2", end=end(2019)),
              scope("barcelona", "s1", end=end(2019))]  # fmt: skip
    review = build_review(snapshot(cells, scopes, ("paris", "barcelona")), year=2019, on=ON)
    net = review.network
    assert review.compared == ("paris",)
    assert (net.previous_funnel.applications.value, net.comparable_funnel.applications.value,
            net.funnel.applications.value) == (Decimal(88), Decimal(100), Decimal(150))  # fmt: skip
    fmt = _Formats(Catalogs().translator("en"))
    change = fmt.change(net.comparable_funnel.applications, net.previous_funnel.applications)
    assert change == "+13.6%"


def test_change_is_not_shown_between_partial_figures() -> None:
    fmt = _Formats(Catalogs().translator("en"))
    full = Figure(Decimal(100), FigureState.PUBLISHED)
    partial = Figure(Decimal(80), FigureState.PARTIAL, 1, 2, ("A",))
    assert fmt.change(full, Figure(Decimal(50), FigureState.PUBLISHED)) == "+100%"
    assert fmt.change(partial, full) == ""
    assert fmt.change(full, partial) == ""


def test_trends_cover_every_year_from_the_first_on_record() -> None:
    cells = [cell("paris", Metric.APPLICATIONS, 10 * n, season=f"s{n}") for n in (1, 2, 4)]
    cells.append(cell("barcelona", Metric.APPLICATIONS, 7, season="s1"))
    scopes = [scope("paris", f"s{n}", end=end(2015 + n)) for n in (1, 2, 4)]
    scopes.append(scope("barcelona", "s1", end=end(2019)))
    review = build_review(snapshot(cells, scopes, ("paris", "barcelona")), year=2019, on=ON)
    assert review.years == (2016, 2017, 2018, 2019)
    assert trend(review, "applications") == {
        "network": ["10", "20", None, "47"],
        "paris": ["10", "20", None, "40"],
        "barcelona": [None, None, None, "7"],
    }
    assert [t.metric for t in review.trends] == [m for m, _k, _mean in TREND_METRICS]


def test_trends_keep_suppressed_years_as_gaps_and_network_partial() -> None:
    cells = [
        cell("paris", Metric.PILOTS, 6, season="s1"),
        cell("paris", Metric.PILOTS, None, season="s2", status="A"),
        cell("barcelona", Metric.PILOTS, 9, season="s1"),
    ]
    scopes = [scope("paris", "s1", end=end(2018)), scope("paris", "s2", end=end(2019)),
              scope("barcelona", "s1", end=end(2019))]  # fmt: skip
    review = build_review(snapshot(cells, scopes, ("paris", "barcelona")), year=2019, on=ON)
    found = next(t for t in review.trends if t.metric == "pilots")
    paris = dict(found.cities)["paris"]
    assert (paris[1].state, paris[1].statuses) == (FigureState.SUPPRESSED, ("A",))
    assert (found.network[1].value, found.network[1].state) == (Decimal(9), FigureState.PARTIAL)
    assert found.network[1].suppressed_cities == 1


def test_trends_ignore_seasons_after_the_review_year() -> None:
    cells = [cell("paris", Metric.APPLICATIONS, n, season=f"s{n}") for n in (1, 2)]
    scopes = [scope("paris", "s1", end=end(2019)), scope("paris", "s2", end=end(2020))]
    review = build_review(snapshot(cells, scopes, ("paris",)), year=2019, on=ON)
    assert review.years == (2019,)
    assert trend(review, "applications")["paris"] == ["1"]


@given(st.lists(st.integers(min_value=1990, max_value=2030), max_size=8),
       st.integers(min_value=2000, max_value=2025))  # fmt: skip
def test_trend_years_run_without_holes_up_to_the_review_year(ends: list[int], year: int) -> None:
    years = trend_years(ends, year)
    assert years[-1] == year
    assert list(years) == list(range(years[0], year + 1))
    assert years[0] == min([e for e in ends if e <= year], default=year)


figures = st.one_of(
    st.builds(lambda v: Figure(Decimal(v), FigureState.PUBLISHED), st.integers(0, 500)),
    st.builds(lambda v: Figure(Decimal(v), FigureState.PARTIAL, 1, 2, ("A",)), st.integers(0, 500)),
    st.just(Figure(None, FigureState.SUPPRESSED, statuses=("D",))),
    st.just(Figure(None, FigureState.MISSING)),
)


@given(st.lists(figures, min_size=1, max_size=12))
def test_trend_line_joins_only_figures_published_in_full(series: list[Figure]) -> None:
    g = _line(series, list(range(2000, 2000 + len(series))))
    joined = [p for seg in g.segments for p in seg]
    published = [f for f in series if f.state is FigureState.PUBLISHED]
    assert len(g.points) == len(published)
    assert set(joined) <= {(x, y) for x, y, _v in g.points}
    assert all(len(seg) >= 2 for seg in g.segments)
    assert len(g.partial) == sum(f.state is FigureState.PARTIAL for f in series)
    assert len(g.gaps) == sum(f.value is None for f in series)
    assert all(g.top_y - 0.01 <= y <= g.base + 0.01 for _x, y, _v in [*g.points, *g.partial])
