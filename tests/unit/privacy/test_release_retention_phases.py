"""Partner retention (against the previous season) and actual phase days in a release."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datacity_federation._privacy import PROFILES, PhaseFact, SeasonFacts, build_release
from datacity_federation.domain.release import CellStatus
from datacity_federation.domain.vocab import Phase

pytestmark = pytest.mark.unit

DEFAULT = PROFILES["default"]


def season(**kw: object) -> SeasonFacts:
    base: dict[str, object] = {
        "city": "paris", "season": "s2", "season_number": 2, "start": date(2016, 9, 1),
        "end": date(2017, 8, 31), "currency": "EUR",
    }  # fmt: skip
    base.update(kw)
    return SeasonFacts(**base)  # type: ignore[arg-type]


def test_retention_is_the_share_of_last_seasons_partners_who_return() -> None:
    f = season(
        partners=frozenset({"a", "b", "c", "x"}),
        partners_before=frozenset({"a", "b", "c", "d", "e", "f"}),
    )
    cell = build_release(f, DEFAULT).cell("partner_retention")
    assert cell is not None
    assert (cell.value, cell.status) == (Decimal("50.0"), CellStatus.FREE)


def test_retention_of_a_first_season_is_not_released() -> None:
    f = season(partners=frozenset({"a", "b", "c", "d", "e"}), partners_before=None)
    assert build_release(f, DEFAULT).cell("partner_retention") is None


def test_retention_over_too_few_previous_partners_is_suppressed() -> None:
    f = season(partners=frozenset({"a", "b"}), partners_before=frozenset({"a", "b", "c"}))
    cell = build_release(f, DEFAULT).cell("partner_retention")
    assert cell is not None and cell.status is CellStatus.TOO_FEW and cell.value is None


@given(
    before=st.frozensets(st.sampled_from("abcdefghij"), min_size=5),
    now=st.frozensets(st.sampled_from("abcdefghijklmn")),
)
def test_retention_is_a_percentage_and_full_when_everyone_returns(
    before: frozenset[str], now: frozenset[str]
) -> None:
    cell = build_release(season(partners=now, partners_before=before), DEFAULT).cell(
        "partner_retention"
    )
    assert cell is not None and cell.value is not None
    assert Decimal(0) <= cell.value <= Decimal(100)
    assert (cell.value == Decimal(100)) == (before <= now)


def test_phase_days_released_for_a_phase_with_actual_dates_only() -> None:
    phases = (
        PhaseFact(Phase.PARTNERING, date(2016, 9, 1), date(2016, 11, 30),
                  date(2016, 9, 1), date(2016, 11, 20)),
        PhaseFact(Phase.CALL, date(2016, 12, 1), date(2017, 2, 28), date(2016, 11, 21), None),
    )  # fmt: skip
    release = build_release(season(phases=phases), DEFAULT)
    spent = release.cell("phase_days", dim="partnering")
    assert spent is not None and (spent.value, spent.status) == (Decimal(81), CellStatus.FREE)
    planned = release.cell("phase_days_planned", dim="partnering")
    assert planned is not None and planned.value == Decimal(91)
    assert release.cell("phase_days", dim="call") is None
