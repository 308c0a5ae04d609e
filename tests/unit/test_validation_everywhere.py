"""One source of truth: a value at or beyond a domain constraint is accepted or refused alike by a
city file (YAML), a model built in code, every CSV kind's row type and the hub's ``cells.csv``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from datacity_federation._config.loader import load_city
from datacity_federation._services.records_import import batch_adapter
from datacity_federation._services.records_kinds import KINDS, importer_of
from datacity_federation._sync.cells_csv import read_cells
from datacity_federation.domain import Assessment, City, Partner, Sponsorship
from datacity_federation.domain.base import (
    CurrencyCode,
    Email,
    LanguageTag,
    Slug,
    TimeZoneName,
    value_problems,
)
from datacity_federation.domain.records import Amount, RecordId, Score
from datacity_federation.errors import ConfigError, InvalidModelError, ReleaseError

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SINGAPORE = yaml.safe_load((ROOT / "cities" / "singapore.yaml").read_text(encoding="utf-8"))
PARIS = yaml.safe_load((ROOT / "cities" / "paris.yaml").read_text(encoding="utf-8"))
HEADER = "city,season,metric,theme,dim,value,unit,status\r\n"
BLANK_APPLICATION = dict.fromkeys(importer_of("applications").optional)
"""An applications row whose optional cells are all blank (read as None)."""

# Values around each limit: lengths 63-66 of a valid alphabet, and the same with one bad character.
_alnum = st.sampled_from("abcxyz019")
slugs = st.one_of(
    st.integers(min_value=1, max_value=70).map(lambda n: "a" * n),
    st.builds(lambda n, c: "s" * n + c, st.integers(60, 66), st.sampled_from("-_A .é")),
    st.text(alphabet="ab-_Z9", min_size=0, max_size=8),
    st.lists(_alnum, min_size=62, max_size=66).map("".join),
)
record_ids = st.one_of(
    slugs,
    st.builds(lambda n: "APP-" + "7" * n, st.integers(55, 62)),
    st.text(alphabet="A.-_9 ", min_size=1, max_size=6),
)
languages = st.sampled_from(
    ["fr", "en", "pt-BR", "pt_BR", "zh-Hans", "xq", "FR", "f", "fr-", "tlh", "en-" + "x" * 40]
)
currencies = st.sampled_from(["EUR", "SGD", "EUX", "eur", "EU", "EURO", "XTS", "ZZZ"])
timezones = st.sampled_from(
    ["Europe/Paris", "Asia/Singapore", "Mars/Olympus", "", "UTC", "europe/paris", "x" * 70]
)
amounts = st.one_of(
    st.decimals(min_value=-2, max_value=10**6, places=5, allow_nan=False),
    st.sampled_from([Decimal("0"), Decimal("0.0001"), Decimal("0.00001"), Decimal("-0.0001")]),
)
scores = st.integers(min_value=-3, max_value=104)
emails = st.sampled_from(["a@b.org", "a@b", "not-an-email", "x@" + "y" * 250 + ".org", " a@b.org"])


def accepts(kind: Any, value: Any) -> bool:
    """The domain type's own answer: the oracle every entry point must agree with."""
    return value_problems(kind, value) == []


def loads_yaml(tmp_path: Path, data: dict[str, Any]) -> bool:
    path = tmp_path / "singapore.yaml"
    try:
        load_city(path, content=yaml.safe_dump(data, allow_unicode=True).encode())
    except ConfigError:
        return False
    return True


def builds(model: Any, **fields: Any) -> bool:
    try:
        model(**fields)
    except InvalidModelError:
        return False
    return True


def line_accepts(kind: str, raw: dict[str, Any]) -> bool:
    """Whether the CSV kind's row type accepts the row (as the import validates a batch)."""
    try:
        batch_adapter(importer_of(kind).line).validate_python([raw])
    except ValidationError:
        return False
    return True


def cells_accept(city: str) -> bool:
    row = f"{city},s1,applications,all,,3,count,F\r\n"
    try:
        read_cells((HEADER + row).encode())
    except ReleaseError:
        return False
    return True


SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(value=slugs)
def test_slug_refused_alike_everywhere(
    tmp_path_factory: pytest.TempPathFactory, value: str
) -> None:
    ok = accepts(Slug, value)
    partner = {"id": value, "kind": "startup", "name": {"en": "X"}}
    data = {**SINGAPORE, "partners": [*SINGAPORE["partners"], partner]}
    assert loads_yaml(tmp_path_factory.mktemp("y"), data) is ok
    assert builds(Partner, id=value, kind="startup", name={"en": "X"}) is ok
    assert line_accepts("startups", {"id": value, "name": "X"}) is ok
    row = {**BLANK_APPLICATION, "id": "A-1", "challenge": "c", "startup": value}
    row |= {"status": "draft", "language": "fr"}
    assert line_accepts("applications", row) is ok
    assert cells_accept(value) is ok


@SLOW
@given(value=languages)
def test_language_refused_alike_everywhere(
    tmp_path_factory: pytest.TempPathFactory, value: str
) -> None:
    ok = accepts(LanguageTag, value)
    shown = value.replace("_", "-") if ok else value
    data = {**SINGAPORE, "languages": [value], "name": {shown: "Singapore"}, "seasons": []}
    assert loads_yaml(tmp_path_factory.mktemp("y"), data) is ok
    code = {k: v for k, v in data.items() if k not in ("season_template",)}
    assert builds(City, **code) is ok
    row = {**BLANK_APPLICATION, "id": "A-1", "challenge": "c", "startup": "s"}
    row |= {"status": "draft", "language": value}
    assert line_accepts("applications", row) is ok


@SLOW
@given(currency=currencies, timezone=timezones)
def test_currency_and_time_zone_refused_alike_everywhere(
    tmp_path_factory: pytest.TempPathFactory, currency: str, timezone: str
) -> None:
    ok = accepts(CurrencyCode, currency) and accepts(TimeZoneName, timezone)
    data = {**SINGAPORE, "currency": currency, "timezone": timezone, "seasons": []}
    assert loads_yaml(tmp_path_factory.mktemp("y"), data) is ok
    assert builds(City, **{k: v for k, v in data.items() if k != "season_template"}) is ok
    row = {"city": "x", "season": "s1", "partner": "p", "amount": "1", "currency": currency}
    assert line_accepts("sponsorships", row) is accepts(CurrencyCode, currency)


@given(amount=amounts)
def test_amount_refused_alike_in_code_and_csv(amount: Decimal) -> None:
    ok = accepts(Amount, amount)
    fields = {"city": "x", "season": "s1", "partner": "p", "currency": "EUR"}
    assert builds(Sponsorship, amount=amount, **fields) is ok
    assert line_accepts("sponsorships", {**fields, "amount": str(amount)}) is ok
    contract = {"city": "x", "pilot": "P-1", "partner": "p", "currency": "EUR"}
    assert line_accepts("contracts", {**contract, "amount": format(amount, "f")}) is ok


@given(score=scores)
def test_score_refused_alike_in_code_and_csv(score: int) -> None:
    ok = accepts(Score, score)
    review = {"city": "x", "application": "A-1", "reviewer": "R-1", "recommendation": "select"}
    assert builds(Assessment, scores={"impact": score}, reviewed_on="2016-01-15", **review) is ok
    raw = {**review, "reviewed_on": "2016-01-15", "scores": {"impact": str(score)}}
    assert line_accepts("reviews", raw) is ok


@given(value=record_ids, email=emails)
def test_record_id_and_email_refused_alike_in_code_and_csv(value: str, email: str) -> None:
    from datacity_federation.domain import Person

    ok = accepts(RecordId, value) and accepts(Email, email)
    assert builds(Person, id=value, email=email) is ok
    assert line_accepts("reviewers", {"id": value, "email": email}) is ok
    pilot = {"city": "x", "season": "s1", "id": value, "application": "A-1"}
    assert line_accepts("pilots", pilot) is accepts(RecordId, value)
    measurement = {"pilot": value, "indicator": "k", "measured_on": "2016-04-01", "value": "1"}
    assert line_accepts("measurements", measurement) is accepts(RecordId, value)


def test_every_kind_has_a_row_type() -> None:
    assert all(importer_of(kind).line is not None for kind in KINDS)


def test_bad_model_in_code_raises_a_datacity_error_with_locations() -> None:
    data = {k: v for k, v in SINGAPORE.items() if k != "season_template"}
    with pytest.raises(InvalidModelError) as caught:
        City(**{**data, "timezone": "Mars/Olympus", "currency": "EUX", "languages": ["xq"]})
    fields = [p.field for p in caught.value.problems]
    assert fields == ["timezone", "currency", "languages[0]"]
    assert str(caught.value.problems[0]) == (
        "timezone: unknown time zone 'Mars/Olympus' (IANA, e.g. 'Europe/Paris')"
    )
    season = {**PARIS["seasons"][0], "durations": SINGAPORE["season_template"]}
    challenge = {**season["challenges"][0], "owners": ["ville-de-paris", "suez", "acme"]}
    paris = {**PARIS, "seasons": [{**season, "challenges": [challenge]}]}
    with pytest.raises(InvalidModelError, match=r"owners\[2\]: unknown partner 'acme'"):
        City.model_validate(paris)
