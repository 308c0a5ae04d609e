"""Pure invariants of the hub's bounds: exact cell values, the envelope's types, the rate limit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datacity_federation._sync.cells_csv import format_decimal, read_cells, write_cells
from datacity_federation._sync.envelope import BundleRejected, parse_envelope
from datacity_federation._sync.hub_limits import RateLimiter
from datacity_federation.domain.release import MAX_FRACTION_DIGITS, MAX_VALUE_DIGITS, Cell

pytestmark = pytest.mark.unit

WHOLE = MAX_VALUE_DIGITS - MAX_FRACTION_DIGITS


@st.composite
def bounded_decimals(draw: st.DrawFn) -> Decimal:
    whole = draw(st.integers(0, 10**WHOLE - 1))
    fraction = draw(st.integers(0, 10**MAX_FRACTION_DIGITS - 1))
    return Decimal(f"{whole}.{fraction:0{MAX_FRACTION_DIGITS}d}")


@given(bounded_decimals())
def test_cells_csv_keeps_every_digit_of_a_bounded_value(value: Decimal) -> None:
    cell = Cell(
        city="paris",
        season="s1",
        metric="contract_value_total",
        theme="all",
        value=value,
        unit="currency",
        status="F",
    )
    data = write_cells([cell])
    (back,) = read_cells(data)
    assert back.value == value
    assert write_cells([back]) == data
    text = format_decimal(value)
    assert Decimal(text) == value
    assert len(text.replace(".", "").lstrip("0")) <= MAX_VALUE_DIGITS


def test_format_decimal_does_not_round_beyond_the_context() -> None:
    # 30 significant digits: normalize() would round it to Python's 28-digit context.
    assert format_decimal(Decimal("123456789012345678901234.567891")) == (
        "123456789012345678901234.567891"
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"[" * 5000 + b"]" * 5000, "bad_envelope"),
        (b'{"payloadType": 1, "payload": "", "signatures": []}', "bad_envelope"),
        (b"x" * (16 * 1024 + 1), "bad_envelope"),
    ],
)
def test_envelope_of_the_wrong_shape_is_refused(data: bytes, code: str) -> None:
    with pytest.raises(BundleRejected) as info:
        parse_envelope(data)
    assert info.value.code == code


def test_rate_limiter_allows_a_burst_then_answers_the_wait() -> None:
    now = [100.0]
    limiter = RateLimiter(rate=0.5, burst=3, clock=lambda: now[0])
    assert [limiter.take("t") for _ in range(3)] == [0, 0, 0]
    assert limiter.take("t") == 2
    assert limiter.take("other") == 0
    now[0] += 2.0
    assert limiter.take("t") == 0
    assert limiter.take("t") == 2


@given(st.lists(st.floats(0, 5), max_size=50))
def test_rate_limiter_never_allows_more_than_burst_plus_refill(gaps: list[float]) -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=4, clock=lambda: now[0])
    allowed = 0
    for gap in gaps:
        now[0] += gap
        allowed += limiter.take("t") == 0
    assert allowed <= 4 + 2.0 * now[0] + 1e-9
