"""Helpers of the sync tests: two city keys, a hub handle, a snapshot of every hub table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text

PARIS_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
BARCELONA_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(2, 34)))


@dataclass(frozen=True)
class Hub:
    engine: Engine
    tokens: dict[str, str]
    keys: dict[str, Ed25519PrivateKey]


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every hub table, to compare before and after a refused request."""
    from datacity_federation.sync.hub_store import HUB_METADATA

    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name in sorted(HUB_METADATA.tables):
            rows = conn.execute(text(f"SELECT * FROM {name}")).all()
            out[name] = sorted((tuple(r) for r in rows), key=repr)
    return out
