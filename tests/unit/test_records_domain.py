"""Records as values: exact money, personal data marked, the fast import checks the domain's rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from datacity_federation._services import records_import
from datacity_federation._store.mapping import amount_from_e4, amount_to_e4
from datacity_federation.domain import base
from datacity_federation.domain.records import (
    Application,
    Assessment,
    Person,
    Sponsorship,
    personal_fields,
)

pytestmark = pytest.mark.unit


def sponsorship(amount: str) -> Sponsorship:
    return Sponsorship(
        city="paris", season="s1", partner="suez", amount=Decimal(amount), currency="EUR"
    )


def test_money_keeps_exact_decimals() -> None:
    assert sponsorship("150000.10").amount == Decimal("150000.10")


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-1", "must not be negative"), ("1.00001", "at most 4 decimal places"), ("NaN", "finite")],
)
def test_money_refuses_negative_too_precise_and_nan(amount: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        sponsorship(amount)


@given(st.decimals(min_value=0, max_value=10**12, places=4, allow_nan=False))
def test_money_round_trips_through_the_store_integer(amount: Decimal) -> None:
    assert amount_from_e4(amount_to_e4(amount)) == amount


def test_personal_fields_are_marked_in_the_schema() -> None:
    assert personal_fields(Application) == ("proposal",)
    assert personal_fields(Person) == ("name", "email")
    assert personal_fields(Assessment) == ("comment",)
    schema = Application.model_json_schema()
    assert schema["properties"]["proposal"]["x-personal-data"] is True


def _pattern(annotated: Any) -> str:
    for meta in annotated.__metadata__:
        pattern = getattr(meta, "pattern", None)
        if pattern:
            return str(pattern)
    raise AssertionError("no pattern")


def test_import_fast_path_uses_the_domain_patterns() -> None:
    assert records_import.SLUG_RE.pattern == _pattern(base.Slug)
    assert records_import.LANGUAGE_RE.pattern == _pattern(base.LanguageTag)


@pytest.mark.parametrize(
    ("text", "ok"), [("2016-02-29", True), ("2015-02-29", False), ("1/2/2016", False)]
)
def test_import_parse_date(text: str, ok: bool) -> None:
    if ok:
        assert records_import.parse_date(text).isoformat() == text
    else:
        with pytest.raises(ValueError, match="not a date"):
            records_import.parse_date(text)
