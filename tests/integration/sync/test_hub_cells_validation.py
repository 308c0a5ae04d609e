"""``cells.csv`` at the hub over real HTTP: a cell value is accepted or refused as the domain's
``CellValue`` type says, and a refused bundle changes nothing in the hub's database."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sync_helpers import HEADER, craft, snapshot

from datacity_federation._sync.cells_csv import format_decimal
from datacity_federation.domain.base import Slug, value_problems
from datacity_federation.domain.release import CellValue

pytestmark = pytest.mark.integration


values = st.one_of(
    st.decimals(min_value=-5, max_value=10**20, places=7, allow_nan=False),
    st.builds(lambda n: Decimal(10) ** n - 1, st.integers(20, 26)),
    st.builds(lambda n: Decimal(1).scaleb(-n), st.integers(4, 8)),
)
dims = st.one_of(st.just(""), st.sampled_from(["call", "outcome", "x" * 65]))


def push(live_hub: tuple[str, str, Engine], row: str) -> int:
    base, token, engine = live_hub
    head = httpx.get(f"{base}/api/v1/cities/paris/head").json()
    body = craft(HEADER + row, seq=head["seq"] + 1, prev=head["bundle_id"])
    before = snapshot(engine)
    r = httpx.post(
        f"{base}/api/v1/cities/paris/bundles",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/zip"},
    )
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        assert snapshot(engine) == before, r.text
    return r.status_code


@given(value=values)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_cell_value_accepted_exactly_as_the_domain_type_says(
    live_hub: tuple[str, str, Engine], value: Decimal
) -> None:
    ok = value_problems(CellValue, value) == [] and value >= 0
    status = push(
        live_hub, f"paris,s1,sponsorship_total,all,,{format_decimal(value)},currency,F\r\n"
    )
    assert (status < 400) is ok, (value, status)


@given(season=st.sampled_from(["s1", "s" * 64, "s" * 65, "S1", "s 1"]))
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_cell_season_refused_as_the_domain_slug_says(
    live_hub: tuple[str, str, Engine], season: str
) -> None:
    status = push(live_hub, f"paris,{season},applications,all,,3,count,F\r\n")
    if value_problems(Slug, season):
        assert status == 422 or 400 <= status < 500
