"""A metric added by one declaration flows to the review with no other edit to the package.

The test registers a toy metric (its declaration and its computation, nothing else), then follows
it: release cells -> signed bundle -> the hub's checks and store -> the review model -> the
rendered page, the JSON and the CSV. The docs' "Extending" table promises exactly this.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from datacity_federation._privacy.facts import PilotFact, SeasonFacts
from datacity_federation._privacy.rules import PROFILES
from datacity_federation._privacy.tables import build_release
from datacity_federation._review import HubSnapshot, SeasonScope, build_review
from datacity_federation._review.export import review_csv, review_json
from datacity_federation._review.render import render_html
from datacity_federation._services.review_source import snapshot_from_hub_db
from datacity_federation._sync.cells_csv import read_cells, write_cells
from datacity_federation._sync.hub_ingest import add_city, ingest, init_hub
from datacity_federation._sync.hub_store import hub_engine
from datacity_federation.domain.metrics import (
    METRICS,
    Disclosure,
    MetricSpec,
    MetricValue,
    ReviewShow,
    Unit,
    register_metric,
    unregister_metric,
)
from datacity_federation.domain.release import ALL_THEMES, Cell, CellStatus
from datacity_federation.errors import ReleaseError
from datacity_federation.testing.releases import sample_bundle, sample_facts

pytestmark = pytest.mark.integration

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
TOY = "pilots_measured"


def _measured(facts: SeasonFacts) -> list[MetricValue]:
    """Start-ups with a measured KPI improvement (distinct units: the count threshold applies)."""
    units = {p.startup: 1 for p in facts.pilots if p.kpi_improvement is not None}
    return [MetricValue(ALL_THEMES, Decimal(len(units)), units)]


@pytest.fixture
def toy_metric() -> Iterator[MetricSpec]:
    spec = register_metric(
        MetricSpec(
            TOY,
            Unit.COUNT,
            Disclosure.COUNT,
            "pilots measured",
            review=ReviewShow("Start-ups with a measured pilot", ("summary", "results")),
            compute=_measured,
        )
    )
    yield spec
    unregister_metric(TOY)
    assert TOY not in METRICS


def test_toy_metric_flows_from_the_facts_to_the_rendered_review(
    toy_metric: MetricSpec, tmp_path: Path
) -> None:
    facts = sample_facts("paris", seed=3, applications=80)
    expected = _measured(facts)[0].value
    assert expected >= 5  # enough distinct start-ups to be published under the default rules

    # release cells: computed by the declaration, ruled as a count
    body, _manifest, release = sample_bundle(facts, key=KEY)
    cell = release.cell(TOY)
    assert cell is not None
    assert (cell.value, cell.unit, cell.status) == (expected, Unit.COUNT, CellStatus.FREE)

    # the hub: its own schema check and store take the new metric
    db = str(tmp_path / "hub.db")
    engine = hub_engine(db)
    init_hub(engine, "c40-datacity")
    token = add_city(engine, city="paris", public_key=KEY.public_key())
    assert ingest(engine, city="paris", token=token, body=body).status == 201
    engine.dispose()

    # the review model
    year = facts.end.year
    review = build_review(snapshot_from_hub_db(db, year=year), year=year, on=date(year + 1, 1, 5))
    paris = review.cities[0]
    assert paris.figure(TOY).value == expected
    assert review.network.figure(TOY).value == expected

    # the rendered page: a summary tile and a results column, with the number
    html = render_html(review, lang="en")
    assert html.count("Start-ups with a measured pilot") == 2
    assert f'<span class="value">{expected}</span>' in html

    # the exports
    data = json.loads(review_json(review))
    assert data["network"]["figures"][TOY]["value"] == str(expected)
    assert data["cities"][0]["figures"][TOY]["state"] == "published"
    rows = list(csv.DictReader(io.StringIO(review_csv(review))))
    assert {(r["scope"], r["value"]) for r in rows if r["figure"] == TOY} == {
        ("network", str(expected)),
        ("paris", str(expected)),
    }


def test_toy_metric_below_the_threshold_is_suppressed_like_any_count(
    toy_metric: MetricSpec,
) -> None:
    facts = sample_facts("paris", seed=3)
    theme = facts.pilots[0].theme
    two = (PilotFact("su1", theme, None, Decimal(3)), PilotFact("su2", theme, None, Decimal(5)))
    _body, _manifest, release = sample_bundle(replace(facts, pilots=two), key=KEY)
    cell = release.cell(TOY)
    assert cell is not None
    assert (cell.value, cell.status) == (None, CellStatus.TOO_FEW)


def test_hub_check_refuses_a_metric_nobody_registered() -> None:
    row = ["paris", "s1", TOY, "all", "", "7", "count", "F"]
    data = ("city,season,metric,theme,dim,value,unit,status\r\n" + ",".join(row)).encode()
    with pytest.raises(ReleaseError, match=f"cells.csv:2: metric: unknown metric '{TOY}'"):
        read_cells(data)


def test_hub_check_takes_a_registered_metric_with_its_own_unit_and_sign(
    toy_metric: MetricSpec,
) -> None:
    good = Cell(
        city="paris", season="s1", metric=TOY, theme="all", value=Decimal(7), unit=Unit.COUNT,
        status=CellStatus.FREE,
    )  # fmt: skip
    assert read_cells(write_cells([good])) == [good]
    for value, unit, message in (("-1", "count", "must not be negative"),
                                 ("7", "days", "measured in count")):  # fmt: skip
        row = ["paris", "s1", TOY, "all", "", value, unit, "F"]
        data = ("city,season,metric,theme,dim,value,unit,status\r\n" + ",".join(row)).encode()
        with pytest.raises(ReleaseError, match=message):
            read_cells(data)


def test_registering_a_metric_twice_or_without_a_computation_is_refused(
    toy_metric: MetricSpec,
) -> None:
    with pytest.raises(ValueError, match="registered already"):
        register_metric(toy_metric)
    with pytest.raises(ValueError, match="needs a compute function"):
        register_metric(MetricSpec("other_toy", Unit.COUNT, Disclosure.COUNT, "other"))
    with pytest.raises(ValueError, match="built in"):
        unregister_metric("pilots")
    with pytest.raises(ValueError, match="lower-case letters"):
        register_metric(replace(toy_metric, code="Pilots Measured"))
    with pytest.raises(ValueError, match="has no dimension"):
        register_metric(replace(toy_metric, code="other_toy", dims={"a": "A"}))


def test_toy_metric_goes_through_a_correction_like_the_built_in_ones(
    toy_metric: MetricSpec,
) -> None:
    facts = sample_facts("paris", seed=3, applications=80)
    first = build_release(facts, PROFILES["default"])
    again = build_release(facts, PROFILES["default"], previous=first)
    assert again.cell(TOY) == first.cell(TOY)
    assert first.cell(TOY) is not None


def test_review_figures_are_the_registry_metrics_with_a_review_declaration() -> None:
    facts = sample_facts("paris", seed=1)
    _body, _m, release = sample_bundle(facts, key=KEY)
    snap = HubSnapshot(
        members=("paris",),
        cells=read_cells(write_cells(release.cells)),
        seasons=[SeasonScope("paris", "s1", 1, facts.start, facts.end, "EUR")],
    )
    review = build_review(snap, year=facts.end.year, on=facts.end)
    shown = [code for code, spec in METRICS.items() if spec.review is not None]
    assert list(review.network.figures) == list(review.cities[0].figures) == shown
    assert shown == [
        "challenges",
        "corporate_partners",
        "datasets_used",
        "kpi_improvement_mean",
        "partner_retention",
    ]
