"""Attacks written as an outsider would: from the published cells.csv only.

Each test builds a release, reads back the public cells (as the hub and any reader get them), and
either searches every integer table they allow (:mod:`attacker`, which shares no code with the
audit) or writes the reader's arithmetic by hand; then it asserts that no suppressed cell can be
narrowed below its protection level.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datacity_federation._privacy import (
    ApplicationFact,
    MoneyFact,
    PilotFact,
    SeasonFacts,
    build_release,
)
from datacity_federation._privacy.tables import Release
from datacity_federation._sync.cells_csv import read_cells, write_cells
from datacity_federation.domain.release import CellStatus
from datacity_federation.domain.vocab import ApplicationStatus, Outcome

sys.path.insert(0, str(Path(__file__).parent))
from attacker import Published, attack
from facts_builders import DEFAULT, season

pytestmark = pytest.mark.unit

SUB, SHORT, SEL = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.SELECTED,
)
CAP = 40


def public(release: Release) -> dict[tuple[str, str, str], tuple[str, Decimal | None]]:
    """What a reader holds: the cells of the bundle, read back from cells.csv."""
    cells = read_cells(write_cells(release.cells))
    return {(c.metric.value, c.theme, c.dim): (c.status.value, c.value) for c in cells}


def outsider(release: Release) -> dict[tuple[str, str], tuple[int, int]]:
    seen = public(release)
    cells = {
        (m, t): Published(st, None if v is None else int(v))
        for (m, t, d), (st, v) in seen.items()
        if not d
    }
    truth = {(m, t): int(c.value) for (m, t, d), c in release.raw.items() if not d}
    return attack(cells, truth, release.profile.min_count, CAP)


def assert_protected(release: Release) -> dict[tuple[str, str], tuple[int, int]]:
    """Every primary count suppression of the chain metrics is as wide as its level asks (or
    as wide as the letters alone allow, where the audit says so); the audit never claims a
    wider interval than the exhaustive search finds."""
    found = outsider(release)
    level = release.profile.count_protection
    capped = release.audit.capped
    for (metric, theme), (low, high) in found.items():
        key = (metric, theme, "")
        audit = release.intervals[key]
        # the search caps every cell at CAP, which also caps sums of up to three theme cells:
        # upper ends are compared where the audit's stays clear of that
        assert low <= audit.low, (key, (low, high), audit)
        assert high >= audit.high or audit.high > CAP // 3, (key, (low, high), audit)
        status = public(release)[key][0]
        if status == "A" and key not in capped:
            assert high - low >= level, (key, low, high)
    return found


def apps(
    theme: str, n: int, state: ApplicationStatus = SUB, prefix: str = ""
) -> list[ApplicationFact]:
    return [ApplicationFact(f"{prefix or theme}{i}", theme, state) for i in range(n)]


def test_two_hidden_cells_that_must_sum_to_two_stay_open() -> None:
    # waste and energy each have one applicant; the total and traffic are published
    f = season(applications=tuple(apps("waste", 1) + apps("energy", 1) + apps("traffic", 9)))
    release = build_release(f, DEFAULT)
    found = assert_protected(release)
    assert found[("applications", "waste")][1] - found[("applications", "waste")][0] >= 3


def test_bound_propagation_across_themes_and_the_metric_chain() -> None:
    # selected <= shortlisted <= applications, start-ups <= applications, across three themes
    f = season(
        applications=tuple(
            apps("waste", 2, SEL)
            + apps("waste", 1, SHORT, "w-s")
            + apps("energy", 6, SUB)
            + apps("energy", 3, SEL, "e-sel")
            + apps("traffic", 7, SHORT)
            + apps("traffic", 5, SEL, "t-sel")
        )
    )
    assert_protected(build_release(f, DEFAULT))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 9),
            st.sampled_from(["waste", "traffic"]),
            st.sampled_from([SUB, SHORT, SEL]),
        ),
        max_size=14,
    ),
    st.lists(st.tuples(st.integers(0, 9), st.sampled_from(["waste", "traffic"])), max_size=4),
)
def test_no_table_consistent_with_the_release_narrows_a_hidden_cell(
    rows: list[tuple[int, str, ApplicationStatus]], pilots: list[tuple[int, str]]
) -> None:
    f = season(
        applications=tuple(ApplicationFact(f"su{s}", t, state) for s, t, state in rows),
        pilots=tuple(
            PilotFact(f"su{s}", t, Outcome.CONTRACT, id=f"p{i}") for i, (s, t) in enumerate(pilots)
        ),
    )
    assert_protected(build_release(f, DEFAULT))


def test_dominated_money_cell_next_to_small_complements() -> None:
    # waste's contracts are dominated (one partner gives 95%); energy and traffic are small
    contracts = [
        MoneyFact("big", Decimal(950_000), "waste"),
        MoneyFact("w2", Decimal(30_000), "waste"),
        MoneyFact("w3", Decimal(20_000), "waste"),
        *(MoneyFact(f"e{i}", Decimal(10_000 + i), "energy") for i in range(4)),
        *(MoneyFact(f"t{i}", Decimal(12_000 + i), "traffic") for i in range(4)),
    ]
    f = season(contracts=tuple(contracts))
    release = build_release(f, DEFAULT)
    seen = public(release)
    assert seen[("contract_value_total", "waste", "")][0] == "O"
    total = seen[("contract_value_total", "all", "")]
    published = {
        t: v
        for (m, t, _), (_st, v) in seen.items()
        if m == "contract_value_total" and v is not None
    }
    # the second largest contributor knows its own 30,000: how close does it get to the largest?
    largest, second, rest = 950_000, 30_000, 20_000
    interval = release.intervals[("contract_value_total", "waste", "")]
    needed = 0.10 * largest - rest
    assert interval.low <= 1_000_000 - needed and interval.high >= 1_000_000 + needed
    if total[1] is not None:  # a reader subtracting the published themes from the total
        others = sum(v for t, v in published.items() if t != "all")
        assert others < total[1] and len(published) < 3  # at least two themes left to split it
    assert second < largest


def test_kpi_mean_of_a_theme_cannot_be_bracketed_from_the_others() -> None:
    # all-theme mean published, traffic and energy published, waste has 3 pilots (hidden)
    def pilots(theme: str, values: list[int]) -> list[PilotFact]:
        return [
            PilotFact(f"{theme}{i}", theme, None, Decimal(v), id=f"{theme}-{i}")
            for i, v in enumerate(values)
        ]

    f = season(
        pilots=tuple(
            pilots("waste", [30, 30, 30])
            + pilots("traffic", [5, 8, 11, 14, 17, 20])
            + pilots("energy", [2, 4, 6, 8, 10, 12, 14])
        )
    )
    release = build_release(f, DEFAULT)
    seen = public(release)
    assert seen[("kpi_improvement_mean", "waste", "")][0] != "F"
    # the reader's own bracket, granted the measured pilots per theme: mean_all x n_all minus the
    # other themes' mean x n, each published mean known to within half a point
    n = {"waste": 3, "traffic": 6, "energy": 7, "all": 16}
    means = {t: v for (m, t, _), (_s, v) in seen.items() if m == "kpi_improvement_mean"}
    if all(means[t] is not None for t in ("all", "traffic", "energy")):
        low = n["all"] * (float(means["all"]) - 0.5) - sum(  # type: ignore[arg-type]
            n[t] * (float(means[t]) + 0.5)  # type: ignore[arg-type]
            for t in ("traffic", "energy")
        )
        high = n["all"] * (float(means["all"]) + 0.5) - sum(  # type: ignore[arg-type]
            n[t] * (float(means[t]) - 0.5)  # type: ignore[arg-type]
            for t in ("traffic", "energy")
        )
        assert (high - low) / n["waste"] >= float(DEFAULT.kpi_protection)
    # and the audit, which grants the reader the same, agrees it is wide enough
    interval = release.intervals[("kpi_improvement_mean", "waste", "")]
    assert interval.width >= float(DEFAULT.kpi_protection)


def corrected(first: SeasonFacts, second: SeasonFacts) -> tuple[Release, Release]:
    a = build_release(first, DEFAULT)
    return a, build_release(second, DEFAULT, previous=a)


def changed_cells(a: Release, b: Release) -> dict[tuple[str, str, str], tuple[Decimal, Decimal]]:
    pa, pb = public(a), public(b)
    return {
        k: (pa[k][1], pb[k][1])  # type: ignore[misc]
        for k in pa
        if k in pb and pa[k][1] is not None and pb[k][1] is not None and pa[k][1] != pb[k][1]
    }


@pytest.mark.parametrize("name", ["aaa-first", "zzz-last"])
def test_a_correction_adding_one_application_does_not_show(name: str) -> None:
    base = apps("waste", 12) + apps("traffic", 9)
    a, b = corrected(
        season(applications=tuple(base)),
        season(applications=(*base, ApplicationFact(name, "waste", SUB))),
    )
    for (metric, _t, _d), (old, new) in changed_cells(a, b).items():
        assert metric not in ("applications", "startups") or abs(new - old) >= DEFAULT.min_count
    assert any(s.reason == "held" for s in b.suppressions)


@pytest.mark.parametrize("name", ["aaa-first", "zzz-last"])
def test_a_correction_adding_one_pilot_kpi_does_not_show(name: str) -> None:
    def pilot(i: str, v: int) -> PilotFact:
        return PilotFact(f"su-{i}", "waste", Outcome.CONTRACT, Decimal(v), id=f"pl-{i}")

    base = [pilot(str(i), 10 + 3 * i) for i in range(8)]
    a, b = corrected(season(pilots=tuple(base)), season(pilots=(*base, pilot(name, 90))))
    changed = changed_cells(a, b)
    assert ("kpi_improvement_mean", "waste", "") not in changed
    assert ("pilots", "waste", "") not in changed
    # published: the same mean and the same count as before (held together, consistently)
    assert public(b)[("pilots", "all", "")] == public(a)[("pilots", "all", "")]


def test_kpi_changes_are_compared_pilot_by_pilot_not_by_position() -> None:
    def pilot(i: int, v: int) -> PilotFact:
        return PilotFact(f"su{i}", "waste", None, Decimal(v), id=f"pl-{i:02d}")

    base = [pilot(i, 10 + 2 * i) for i in range(1, 9)]
    # one new pilot whose id sorts first: by position every value would look changed
    a, b = corrected(season(pilots=tuple(base)), season(pilots=(pilot(0, 50), *base)))
    assert ("kpi_improvement_mean", "waste", "") not in changed_cells(a, b)


def test_a_correction_adding_one_sponsorship_does_not_show() -> None:
    base = tuple(MoneyFact(f"corp{i}", Decimal(100_000 + i * 1000)) for i in range(5))
    a, b = corrected(
        season(sponsorships=base), season(sponsorships=(*base, MoneyFact("late", Decimal(40_000))))
    )
    assert ("sponsorship_total", "all", "") not in changed_cells(a, b)


def test_a_theme_re_split_between_releases_shows_no_one() -> None:
    # two applications move from waste to traffic between releases
    first = apps("waste", 9) + apps("traffic", 8)
    moved = [
        ApplicationFact(
            a.startup, "traffic" if a.startup in ("waste0", "waste1") else a.theme, a.state
        )
        for a in first
    ]
    a, b = corrected(season(applications=tuple(first)), season(applications=tuple(moved)))
    for (metric, _t, _d), (old, new) in changed_cells(a, b).items():
        assert abs(new - old) >= DEFAULT.min_count or metric not in ("applications", "startups")
    # whatever was published is consistent: the themes add up to the total
    seen = public(b)
    parts = [v for (m, t, _), (_s, v) in seen.items() if m == "applications" and t != "all"]
    total = seen[("applications", "all", "")][1]
    if all(v is not None for v in parts) and total is not None:
        assert sum(parts) == total  # type: ignore[arg-type]


def test_held_values_keep_the_release_consistent() -> None:
    base = apps("waste", 12) + apps("traffic", 9)
    _a, b = corrected(
        season(applications=tuple(base)),
        season(applications=(*base, *apps("waste", 1, SUB, "late"))),
    )
    seen = public(b)
    for metric in ("applications", "startups"):
        parts = [v for (m, t, _), (_s, v) in seen.items() if m == metric and t != "all"]
        total = seen[(metric, "all", "")][1]
        assert None in parts or total is None or sum(parts) == total  # type: ignore[arg-type]
    assert b.cell("applications", "waste").status is CellStatus.FREE  # type: ignore[union-attr]
