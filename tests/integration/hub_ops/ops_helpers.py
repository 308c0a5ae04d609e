"""Helpers of the hub operations tests: a hub filled with a realistic history, and a snapshot of
every hub table that compares across SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, select

from datacity_federation._sync.hub_ingest import add_city, ingest, init_hub, revoke_key, rotate_key
from datacity_federation._sync.hub_store import HUB_METADATA, hub_engine
from datacity_federation._sync.keys import fingerprint
from datacity_federation._sync.manifest import Action
from datacity_federation.testing.releases import sample_bundle, sample_facts

NETWORK = "c40-datacity"
CITIES = ("paris", "barcelona", "singapore", "bangalore")
KEYS = {c: Ed25519PrivateKey.from_private_bytes(bytes([i + 40] * 32)) for i, c in enumerate(CITIES)}
NEW_KEY = Ed25519PrivateKey.from_private_bytes(bytes([99] * 32))


@dataclass
class Chains:
    """The bundles of each city, in the order they were made, and each city's head."""

    bundles: dict[str, list[bytes]] = field(default_factory=dict)
    heads: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    keys: dict[str, Ed25519PrivateKey] = field(default_factory=lambda: dict(KEYS))

    def next(
        self, city: str, season: int, *, action: Action = Action.UPSERT, seed: int = 0
    ) -> bytes:
        seq, prev = self.heads.get(city, (0, None))
        facts = sample_facts(
            city, f"s{season}", number=season, start=date(2014 + season, 1, 1), seed=seed
        )
        data, manifest, _ = sample_bundle(
            facts, key=self.keys[city], seq=seq + 1, prev=prev, action=action
        )
        self.heads[city] = (seq + 1, manifest.bundle_id)
        self.bundles.setdefault(city, []).append(data)
        return data


def register(engine: Engine, cities: tuple[str, ...] = CITIES) -> dict[str, str]:
    init_hub(engine, NETWORK)
    return {c: add_city(engine, city=c, public_key=KEYS[c].public_key()) for c in cities}


def fill(url: str) -> tuple[dict[str, str], Chains]:
    """A hub on ``url`` with four cities, interleaved pushes of three seasons, a correction, a
    retraction, and a key rotated then revoked after it signed bundles."""
    engine = hub_engine(url)
    tokens = register(engine)
    chains = Chains()
    try:
        for season in (1, 2, 3):
            for city in CITIES:
                push(engine, tokens, city, chains.next(city, season))
        push(engine, tokens, "paris", chains.next("paris", 2, seed=5))  # a correction
        push(engine, tokens, "barcelona", chains.next("barcelona", 1, action=Action.RETRACT))
        rotate_key(engine, city="singapore", public_key=NEW_KEY.public_key())
        revoke_key(
            engine, city="singapore", key_fingerprint=fingerprint(KEYS["singapore"].public_key())
        )
        chains.keys["singapore"] = NEW_KEY
        push(engine, tokens, "singapore", chains.next("singapore", 4))
    finally:
        engine.dispose()
    return tokens, chains


def push(engine: Engine, tokens: dict[str, str], city: str, data: bytes) -> int:
    return ingest(engine, city=city, token=tokens[city], body=data).status


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def snapshot(
    engine: Engine, *, skip: frozenset[tuple[str, str]] = frozenset()
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every hub table (typed, times in naive UTC), sorted; ``skip`` leaves out
    (table, column) pairs."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name, table in sorted(HUB_METADATA.tables.items()):
            cols = [c for c in table.columns if (name, c.name) not in skip]
            if not cols:
                continue
            rows = conn.execute(select(*cols)).all()
            out[name] = sorted((tuple(_plain(v) for v in r) for r in rows), key=repr)
    return out
