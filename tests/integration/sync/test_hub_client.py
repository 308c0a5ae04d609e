"""The client against the real hub: cheap repeats (the head first) and the per-token rate limit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, create_engine, select
from sync_helpers import PARIS_KEY, snapshot

from datacity_federation._http import RetryPolicy
from datacity_federation._services.sync import push_outbox
from datacity_federation._store.outbox import OutboxRow
from datacity_federation._sync.client import HubClient
from datacity_federation._sync.hub_ingest import add_city, init_hub
from datacity_federation._sync.hub_store import hub_engine
from datacity_federation._sync.manifest import sha256_hex
from datacity_federation.testing.hub_server import hub_in_thread
from datacity_federation.testing.releases import sample_bundle, sample_facts

pytestmark = pytest.mark.integration


class Counting(httpx.HTTPTransport):
    """A real transport that counts the requests it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url.path}")
        return super().handle_request(request)


def _outbox(path: Path, seasons: int) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    OutboxRow.__table__.create(engine)  # type: ignore[attr-defined]
    prev = None
    with Session(engine) as s:
        for n in range(1, seasons + 1):
            facts = sample_facts("paris", f"s{n}", number=n, seed=n)
            data, manifest, _ = sample_bundle(facts, key=PARIS_KEY, seq=n, prev=prev)
            prev = manifest.bundle_id
            s.add(
                OutboxRow(
                    city_id="paris",
                    seq=n,
                    season_id=f"s{n}",
                    bundle_id=manifest.bundle_id,
                    prev=manifest.prev,
                    action="upsert",
                    cells_sha256=sha256_hex(data),
                    data=data,
                    facts="{}",
                    profile="default",
                    created_at=datetime.now(UTC),
                )
            )
        s.commit()
    return engine


def _hub(path: Path) -> tuple[str, str]:
    engine = hub_engine(str(path))
    init_hub(engine, "c40-datacity")
    token = add_city(engine, city="paris", public_key=PARIS_KEY.public_key())
    engine.dispose()
    return str(path), token


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Engine]:
    engine = _outbox(tmp_path / "city.db", 3)
    yield engine
    engine.dispose()


def _states(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return [r.state for r in s.exec(select(OutboxRow).order_by(OutboxRow.seq)).all()]  # type: ignore[arg-type]


def test_sync_with_nothing_new_is_one_round_trip(outbox: Engine, tmp_path: Path) -> None:
    url, token = _hub(tmp_path / "hub.db")
    with hub_in_thread(url) as base:
        first = Counting()
        with HubClient(base, token=token, transport=first) as client:
            report = push_outbox(engine=outbox, city="paris", client=client, key=PARIS_KEY)
        assert [status for _, status in report.pushed] == [201, 201, 201]
        assert first.sent[0] == "GET /api/v1/cities/paris/head"
        again = Counting()
        with HubClient(base, token=token, transport=again) as client:
            report = push_outbox(engine=outbox, city="paris", client=client, key=PARIS_KEY)
    assert again.sent == ["GET /api/v1/cities/paris/head"]
    assert report.pushed == []


def test_sync_after_lost_acks_uploads_nothing_the_hub_holds(outbox: Engine, tmp_path: Path) -> None:
    url, token = _hub(tmp_path / "hub.db")
    with hub_in_thread(url) as base:
        with HubClient(base, token=token) as client:
            push_outbox(engine=outbox, city="paris", client=client, key=PARIS_KEY)
        with Session(outbox) as s:  # the acks were lost (a crash before they were written)
            for row in s.exec(select(OutboxRow)).all():
                row.state = "pending"
                s.add(row)
            s.commit()
        counting = Counting()
        with HubClient(base, token=token, transport=counting) as client:
            report = push_outbox(engine=outbox, city="paris", client=client, key=PARIS_KEY)
    assert counting.sent == ["GET /api/v1/cities/paris/head"]
    assert report.pushed == []
    assert _states(outbox) == ["acked"] * 3


def test_sync_re_sends_what_a_restored_hub_lacks(outbox: Engine, tmp_path: Path) -> None:
    url, token = _hub(tmp_path / "hub.db")
    with hub_in_thread(url) as base, HubClient(base, token=token) as client:
        push_outbox(engine=outbox, city="paris", client=client, key=PARIS_KEY)
    fresh, fresh_token = _hub(tmp_path / "restored.db")  # an empty hub, as after a lost disk
    with hub_in_thread(fresh) as base, HubClient(base, token=fresh_token) as client:
        report = push_outbox(engine=outbox, city="paris", client=client, key=PARIS_KEY)
    assert report.pushed == [(1, 201), (2, 201), (3, 201)]


def test_rate_limit_answers_429_with_retry_after_and_changes_nothing(
    outbox: Engine, tmp_path: Path
) -> None:
    url, token = _hub(tmp_path / "hub.db")
    with Session(outbox) as s:
        bodies = [r.data for r in s.exec(select(OutboxRow).order_by(OutboxRow.seq)).all()]  # type: ignore[arg-type]
    engine = hub_engine(url)
    try:
        with hub_in_thread(url, rate=0.5, burst=2) as base:
            headers = {"Authorization": f"Bearer {token}"}
            post = f"{base}/api/v1/cities/paris/bundles"
            assert [
                httpx.post(post, content=b, headers=headers).status_code for b in bodies[:2]
            ] == [
                201,
                201,
            ]
            before = snapshot(engine)
            r = httpx.post(post, content=bodies[2], headers=headers)
            assert (r.status_code, r.json()["error"]) == (429, "rate_limited")
            assert int(r.headers["Retry-After"]) >= 1
            assert snapshot(engine) == before
            # Another city's token is not slowed down by Paris's flood.
            r = httpx.post(post, content=bodies[2], headers={"Authorization": "Bearer other"})
            assert r.status_code == 401
            # The client waits as told and then succeeds.
            with HubClient(base, token=token, retry=RetryPolicy(attempts=4)) as client:
                assert client.push("paris", bodies[2]).status == 201
    finally:
        engine.dispose()
