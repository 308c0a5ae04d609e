"""A hub store on SQLite with two registered cities."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import BARCELONA_KEY, PARIS_KEY, Hub


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    from datacity_federation._sync.hub_ingest import add_city, init_hub
    from datacity_federation._sync.hub_store import hub_engine

    engine = hub_engine(str(tmp_path / "hub.db"))
    init_hub(engine, "c40-datacity")
    keys = {"paris": PARIS_KEY, "barcelona": BARCELONA_KEY}
    tokens = {c: add_city(engine, city=c, public_key=k.public_key()) for c, k in keys.items()}
    yield Hub(engine, tokens, keys)
    engine.dispose()
