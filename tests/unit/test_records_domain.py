"""Records as values: exact money, personal data marked, the fast import checks the domain's rules."""

from __future__ import annotations

from decimal import Decimal
from typing import get_type_hints

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datacity_federation._store.mapping import amount_from_e4, amount_to_e4
from datacity_federation.domain.records import (
    Application,
    Assessment,
    Person,
    Sponsorship,
    personal_fields,
)
from datacity_federation.errors import InvalidModelError

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
    with pytest.raises(InvalidModelError, match=message):
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


def test_application_line_has_the_types_of_application_and_person() -> None:
    """The CSV row type of applications is made of the domain's own field types."""
    from datacity_federation._services.records_import_applications import ApplicationLine

    hints = get_type_hints(ApplicationLine, include_extras=True)
    for column, model, name in [
        ("id", Application, "id"),
        ("challenge", Application, "challenge"),
        ("startup", Application, "startup"),
        ("status", Application, "status"),
        ("language", Application, "language"),
        ("submitted_on", Application, "submitted_on"),
        ("contact_id", Application, "contact"),
    ]:
        assert hints[column] == get_type_hints(model, include_extras=True)[name], column
    email = get_type_hints(Person, include_extras=True)["email"]
    assert hints["contact_email"] | None == email.__origin__ | None
