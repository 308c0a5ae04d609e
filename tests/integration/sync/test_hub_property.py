"""Validly signed hostile bundles pushed to the real hub on 127.0.0.1: never a 5xx, and a 4xx
changes nothing in the database."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from hostile import build, hostile_bundles
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sync_helpers import BARCELONA_KEY, PARIS_KEY, snapshot

pytestmark = pytest.mark.integration


SEEN: dict[int, int] = {}


@given(data=st.data())
@settings(max_examples=80, suppress_health_check=list(HealthCheck))
def test_hostile_signed_bundles_get_2xx_or_a_clean_4xx_that_changes_nothing(
    live_hub: tuple[str, str, Engine], data: st.DataObject
) -> None:
    base, token, engine = live_hub
    head = httpx.get(f"{base}/api/v1/cities/paris/head").json()
    hostile = data.draw(hostile_bundles(head["seq"], head["bundle_id"]))
    body = build(hostile, PARIS_KEY, [BARCELONA_KEY])
    before = snapshot(engine)
    r = httpx.post(
        f"{base}/api/v1/cities/paris/bundles",
        content=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/zip"},
    )
    SEEN[r.status_code] = SEEN.get(r.status_code, 0) + 1
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        answer = r.json()
        assert isinstance(answer["error"], str) and isinstance(answer["detail"], str)
        assert answer["error"] and answer["detail"]
        assert snapshot(engine) == before, answer
    else:
        assert r.status_code in (200, 201)


def test_hostile_draws_reached_both_acceptance_and_refusal(
    live_hub: tuple[str, str, Engine], tmp_path: Path
) -> None:
    # Runs after the property test (same module, file order): it must have exercised both sides,
    # or the strategies drifted away from what the hub accepts.
    assert SEEN.get(201, 0) >= 1, SEEN
    assert sum(n for code, n in SEEN.items() if 400 <= code < 500) >= 10, SEEN
