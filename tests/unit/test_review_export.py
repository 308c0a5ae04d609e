"""JSON and CSV carry the same figures as the page, with their states."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from datacity_federation._review import build_review
from datacity_federation._review.export import CSV_COLUMNS, review_csv, review_json
from datacity_federation._review.sample import sample_snapshot

pytestmark = pytest.mark.unit

CITIES = (("paris", "EUR"), ("barcelona", "EUR"), ("singapore", "SGD"), ("bangalore", "INR"))


def _review():  # type: ignore[no-untyped-def]
    snap = sample_snapshot(cities=CITIES, years=(2018, 2019), seed=7)
    return build_review(snap, year=2019, on=date(2020, 1, 10))


def test_review_json_holds_the_network_funnel_as_exact_decimals() -> None:
    review = _review()
    data = json.loads(review_json(review))
    assert data["network"]["funnel"]["applications"]["value"] == str(
        review.network.funnel.applications.value
    )
    assert data["year"] == 2019
    assert data["sample_data"] is True


def test_review_csv_matches_the_model() -> None:
    review = _review()
    rows = list(csv.DictReader(io.StringIO(review_csv(review))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    net = {r["figure"]: r for r in rows if r["scope"] == "network" and not r["theme"]}
    assert Decimal(net["applications"]["value"]) == review.network.funnel.applications.value
    paris = [r for r in rows if r["scope"] == "paris" and r["figure"] == "sponsorship_total"]
    assert [r["currency"] for r in paris] == ["EUR"]


def test_review_csv_leaves_suppressed_values_empty() -> None:
    rows = list(csv.DictReader(io.StringIO(review_csv(_review()))))
    suppressed = [r for r in rows if r["state"] == "suppressed"]
    assert suppressed
    assert {r["value"] for r in suppressed} == {""}
