"""India's OGD adapter: parsers on the project's fixtures, the error shapes, the city rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datacity_federation._portals import ADAPTERS, OgdIndiaAdapter, ogd_india
from datacity_federation._portals.base import fingerprint
from datacity_federation._portals.http import mask_secrets
from datacity_federation._portals.record import DatasetRecord, Page
from datacity_federation.domain.city import Portal
from datacity_federation.domain.vocab import PortalKind
from datacity_federation.errors import (
    DatasetNotFound,
    PortalBadResponse,
    PortalError,
    PortalQueryError,
    PortalRateLimited,
)

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "portals"
BASE = "https://api.data.gov.in"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_ogd_is_a_portal_kind_with_its_adapter() -> None:
    assert PortalKind("ogd_india") is PortalKind.OGD_INDIA
    assert ADAPTERS["ogd_india"] is OgdIndiaAdapter


def test_ogd_parse_list_reads_string_counts_and_nested_orgs() -> None:
    page = ogd_india.parse_list(load("ogd_lists.json"), portal="p", base=BASE)
    assert page.total == 3
    assert page.next_cursor == "2"
    first, second = page.items
    assert first.id == "0cde42d3-5f49-4d2a-996c-4dfc4b2e2596"
    assert first.title == {"und": "Ward-wise solid waste collected in Bengaluru"}
    assert first.publisher == "Bruhat Bengaluru Mahanagara Palike"
    assert first.extras["org"] == [
        "Karnataka",
        "Urban Development Department",
        "Bruhat Bengaluru Mahanagara Palike",
    ]
    assert first.themes == ("Urban Development", "Waste Management")
    assert first.keywords == ("waste", "wards", "Bengaluru")
    assert first.modified == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert first.issued == datetime(2019, 1, 1, tzinfo=UTC)
    assert first.extras["fields"] == ["ward_no", "tonnes"]
    assert [d.url for d in first.distributions] == [
        f"{BASE}/resource/{first.id}?format=json",
        f"{BASE}/resource/{first.id}?format=csv",
        f"{BASE}/resource/{first.id}?format=xml",
    ]
    assert second.publisher == "Ministry of Agriculture and Farmers Welfare"
    assert second.description == {}
    # No updated_date: the epoch seconds (as text) give the date.
    assert second.modified == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_ogd_parse_list_last_page_has_no_cursor() -> None:
    body = {
        **load("ogd_lists.json"),
        "offset": "2",
        "records": load("ogd_lists.json")["records"][:1],
    }
    assert ogd_india.parse_list(body, portal="p", offset=2).next_cursor is None


def test_ogd_parse_list_without_records_is_a_bad_response() -> None:
    with pytest.raises(PortalBadResponse, match="no records"):
        ogd_india.parse_list({"status": "ok", "total": "1"}, portal="p")


def test_ogd_parse_resource_reads_metadata_at_the_top() -> None:
    record = ogd_india.parse_resource(load("ogd_resource.json"), portal="p", base=BASE)
    assert record.id == "0cde42d3-5f49-4d2a-996c-4dfc4b2e2596"
    assert record.modified == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert record.publisher == "Karnataka"
    assert record.extras["visualizable"] == "1"


def test_ogd_error_in_a_200_answer_is_raised() -> None:
    with pytest.raises(DatasetNotFound, match="Meta not found"):
        ogd_india.parse_resource(load("ogd_error_meta.json"), portal="p", dataset_id="x")


@pytest.mark.parametrize(
    ("name", "status", "cls", "text"),
    [
        ("ogd_error_no_key.json", 400, PortalError, "access refused: Authorization field missing"),
        ("ogd_error_bad_key.json", 403, PortalError, "access refused: Key not authorised"),
        ("ogd_error_meta.json", 200, DatasetNotFound, "Meta not found"),
    ],
)
def test_ogd_error_shapes(name: str, status: int, cls: type[PortalError], text: str) -> None:
    error = ogd_india.parse_error("p", status, load(name))
    assert type(error) is cls
    assert error.message.startswith(text)


def test_ogd_error_other_statuses() -> None:
    assert type(ogd_india.parse_error("p", 429, {"error": "slow"})) is PortalRateLimited
    assert type(ogd_india.parse_error("p", 400, {"status": "error", "message": "bad sort"})) is (
        PortalQueryError
    )
    assert ogd_india.parse_error("p", 502, None).message == "HTTP 502"


@given(st.integers(min_value=0, max_value=10**12))
def test_as_count_reads_ints_and_digit_strings_alike(n: int) -> None:
    assert ogd_india.as_count(n) == n
    assert ogd_india.as_count(str(n)) == n
    assert ogd_india.as_count(f" {n} ") == n


@pytest.mark.parametrize("value", [None, True, "1.5", "", "x", -1.0, []])
def test_as_count_refuses_what_is_not_a_count(value: object) -> None:
    assert ogd_india.as_count(value) is None


URL_SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%+"


@given(st.text(alphabet=URL_SAFE, min_size=1))
def test_mask_secrets_hides_every_key_value(key: str) -> None:
    line = f"GET https://api.data.gov.in/lists?format=json&api-key={key}&limit=1 200"
    masked = mask_secrets(line)
    assert f"api-key={key}" not in masked
    assert masked == "GET https://api.data.gov.in/lists?format=json&api-key=***&limit=1 200"


def record(ident: str, minute: int) -> DatasetRecord:
    return DatasetRecord(
        portal="p", id=ident, title={}, modified=datetime(2024, 1, 1, 0, minute, tzinfo=UTC)
    )


def test_fingerprint_moves_with_total_newest_id_and_date() -> None:
    base = fingerprint(Page((record("a", 1),), total=10))
    assert fingerprint(Page((record("a", 1),), total=10)) == base
    assert fingerprint(Page((record("a", 1),), total=9)) != base  # a deletion
    assert fingerprint(Page((record("b", 1),), total=10)) != base  # another newest
    assert fingerprint(Page((record("a", 2),), total=10)) != base  # modified again


def test_city_portal_rules_for_filters_and_key() -> None:
    ogd = Portal(id="x", kind=PortalKind.OGD_INDIA, url=BASE, filters={"org": "Karnataka"})
    assert ogd.problems() == [
        (
            ("api_key_env",),
            "the ogd_india platform answers only with an API key: name the environment "
            "variable that holds it",
        )
    ]
    ckan = Portal(id="y", kind=PortalKind.CKAN, url=BASE, filters={"org": "x"})
    assert ckan.problems() == [(("filters",), "the ckan platform takes no catalogue filters")]
