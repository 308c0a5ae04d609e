"""A stateful model of the hub (hypothesis): whatever the sequence of pushes, replays, stale
replays, forks, retractions, tampering and wrong-city attempts, the hub holds exactly what the
model says; and any interleaving of several cities' pushes gives the same final state."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import text
from sync_helpers import snapshot

from datacity_federation._sync.hub_ingest import add_city, ingest, init_hub
from datacity_federation._sync.hub_store import hub_engine
from datacity_federation._sync.manifest import Action
from datacity_federation.errors import HubRejected
from datacity_federation.testing.releases import sample_bundle, sample_facts

pytestmark = pytest.mark.integration

CITIES = ("paris", "barcelona")
KEYS = {c: Ed25519PrivateKey.from_private_bytes(bytes([i + 7] * 32)) for i, c in enumerate(CITIES)}
SEASONS = ("s1", "s2")


def _hub() -> tuple[Any, dict[str, str]]:
    folder = Path(tempfile.mkdtemp(prefix="hubmodel-"))
    engine = hub_engine(str(folder / "hub.db"))
    init_hub(engine, "c40-datacity")
    return engine, {c: add_city(engine, city=c, public_key=KEYS[c].public_key()) for c in CITIES}


def _cells(engine: Any) -> set[tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT city, season, metric, theme, dim, value, status FROM hub_cell")
        )
        return {tuple(r) for r in rows}


class HubModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.engine, self.tokens = _hub()
        self.chain: dict[str, list[tuple[str, bytes]]] = {c: [] for c in CITIES}
        self.live: dict[tuple[str, str], set[tuple[Any, ...]]] = {}
        self.accepted = 0

    def teardown(self) -> None:
        self.engine.dispose()

    def _build(
        self, city: str, season: str, seed: int, seq: int, action: Action = Action.UPSERT
    ) -> tuple[bytes, Any, Any]:
        prev = self.chain[city][seq - 2][0] if seq > 1 else None
        number = SEASONS.index(season) + 1
        return sample_bundle(
            sample_facts(city, season, number=number, seed=seed),
            key=KEYS[city],
            seq=seq,
            prev=prev,
            action=action,
        )

    def _refused(self, city: str, body: bytes, *status: int, token_city: str | None = None) -> None:
        before = snapshot(self.engine)
        with pytest.raises(HubRejected) as info:
            ingest(self.engine, city=city, token=self.tokens[token_city or city], body=body)
        assert info.value.status in status
        assert snapshot(self.engine) == before

    @rule(city=st.sampled_from(CITIES), season=st.sampled_from(SEASONS), seed=st.integers(0, 3))
    def push(self, city: str, season: str, seed: int) -> None:
        seq = len(self.chain[city]) + 1
        data, manifest, release = self._build(city, season, seed, seq)
        if self.chain[city] and any(d == data for _, d in self.chain[city]):
            return
        got = ingest(self.engine, city=city, token=self.tokens[city], body=data)
        assert got.status == 201
        self.chain[city].append((manifest.bundle_id, data))
        self.live[(city, season)] = {
            (
                c.city,
                c.season,
                c.metric.value,
                c.theme,
                c.dim,
                None if c.value is None else _text(c.value),
                c.status.value,
            )
            for c in release.cells
        }
        self.accepted += 1

    @precondition(lambda self: any(self.chain.values()))
    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        city = data.draw(st.sampled_from([c for c in CITIES if self.chain[c]]))
        _bundle_id, body = data.draw(st.sampled_from(self.chain[city]))
        before = snapshot(self.engine)
        assert ingest(self.engine, city=city, token=self.tokens[city], body=body).status == 200
        assert snapshot(self.engine) == before

    @precondition(lambda self: any(self.chain.values()))
    @rule(data=st.data(), seed=st.integers(10, 20))
    def stale_or_fork(self, data: st.DataObject, seed: int) -> None:
        city = data.draw(st.sampled_from([c for c in CITIES if self.chain[c]]))
        seq = data.draw(st.integers(1, len(self.chain[city])))
        body, _, _ = self._build(city, "s1", seed, seq)
        self._refused(city, body, 409)

    @precondition(lambda self: bool(self.live))
    @rule(data=st.data())
    def retract(self, data: st.DataObject) -> None:
        city, season = data.draw(st.sampled_from(sorted(self.live)))
        seq = len(self.chain[city]) + 1
        body, manifest, _ = self._build(city, season, 0, seq, Action.RETRACT)
        assert ingest(self.engine, city=city, token=self.tokens[city], body=body).status == 201
        self.chain[city].append((manifest.bundle_id, body))
        del self.live[(city, season)]
        self.accepted += 1

    @rule(city=st.sampled_from(CITIES), where=st.integers(0, 10_000))
    def tamper(self, city: str, where: int) -> None:
        body, _, _ = self._build(city, "s2", 5, len(self.chain[city]) + 1)
        zf = zipfile.ZipFile(io.BytesIO(body))
        cells = bytearray(zf.read("cells.csv"))
        cells[where % len(cells)] ^= 0x01
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as out:
            for name in zf.namelist():
                out.writestr(
                    zf.getinfo(name), bytes(cells) if name == "cells.csv" else zf.read(name)
                )
        self._refused(city, buf.getvalue(), 400, 403, 422)  # a flipped city is check 4

    @rule(city=st.sampled_from(CITIES))
    def wrong_city(self, city: str) -> None:
        other = next(c for c in CITIES if c != city)
        body, _, _ = self._build(city, "s1", 1, len(self.chain[city]) + 1)
        self._refused(city, body, 403, token_city=other)  # another city's token
        self._refused(other, body, 403, token_city=other)  # another city's URL

    @invariant()
    def hub_holds_the_model(self) -> None:
        expected = set().union(*self.live.values()) if self.live else set()
        assert _cells(self.engine) == expected
        with self.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM hub_feed")).scalar() == self.accepted
            for city in CITIES:
                head = conn.execute(
                    text("SELECT max(seq) FROM hub_bundle WHERE city = :c"), {"c": city}
                ).scalar()
                assert (head or 0) == len(self.chain[city])


def _text(value: Any) -> str:
    from datacity_federation._sync.cells_csv import format_decimal

    return format_decimal(value)


TestHubModel = HubModel.TestCase
TestHubModel.settings = settings(
    max_examples=12, stateful_step_count=10, deadline=None, suppress_health_check=list(HealthCheck)
)

CHAINS: dict[str, list[bytes]] = {}


def _chains() -> dict[str, list[bytes]]:
    if not CHAINS:
        for city in ("paris", "barcelona"):
            prev, out = None, []
            for seq, season in enumerate(("s1", "s2", "s1"), start=1):
                data, manifest, _ = sample_bundle(
                    sample_facts(city, season, number=SEASONS.index(season) + 1, seed=seq),
                    key=KEYS[city],
                    seq=seq,
                    prev=prev,
                )
                out.append(data)
                prev = manifest.bundle_id
            CHAINS[city] = out
    return CHAINS


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.permutations(["paris"] * 3 + ["barcelona"] * 3))
def test_hub_any_interleaving_of_cities_gives_the_same_state(order: list[str]) -> None:
    chains = _chains()
    engine, tokens = _hub()
    nxt = dict.fromkeys(chains, 0)
    for city in order:
        ingest(engine, city=city, token=tokens[city], body=chains[city][nxt[city]])
        nxt[city] += 1
    got = _cells(engine)
    engine.dispose()
    reference, ref_tokens = _hub()
    for city in sorted(chains):
        for body in chains[city]:
            ingest(reference, city=city, token=ref_tokens[city], body=body)
    assert got == _cells(reference)
    reference.dispose()
