"""A hub store on SQLite with two registered cities; the same served over HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
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


@pytest.fixture(scope="module")
def live_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Engine]]:
    """A hub served on 127.0.0.1 for the test module: ``(base URL, Paris's token, engine)``."""
    from datacity_federation._sync.hub_ingest import add_city, init_hub
    from datacity_federation._sync.hub_store import hub_engine
    from datacity_federation.testing.hub_server import hub_in_thread

    db = str(tmp_path_factory.mktemp("live") / "hub.db")
    engine = hub_engine(db)
    init_hub(engine, "c40-datacity")
    token = add_city(engine, city="paris", public_key=PARIS_KEY.public_key())
    add_city(engine, city="barcelona", public_key=BARCELONA_KEY.public_key())
    with hub_in_thread(db, rate=1000.0, burst=1000) as base:
        yield base, token, engine
    engine.dispose()
