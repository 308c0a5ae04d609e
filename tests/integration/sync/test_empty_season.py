"""A season with no records is not released as zeros: refused with its city, seasons, database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from datacity_federation._config.loader import load_federation
from datacity_federation._privacy.rules import PROFILES
from datacity_federation._services.sync import build_due, build_release_file, release_of
from datacity_federation.errors import EmptySeasonError

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
TODAY = date(2026, 1, 1)


def test_empty_seasons_refused_everywhere_until_allowed(tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from datacity_federation._store.engine import open_store
    from datacity_federation._store.outbox import OutboxRow

    paris = load_federation(ROOT / "cities").city("paris")
    assert paris is not None
    engine = open_store(tmp_path / "empty.db")
    common = {"engine": engine, "city": paris, "profile": PROFILES["default"]}
    signing = {"network": "c40-datacity", "key": KEY, "today": TODAY}
    try:
        with pytest.raises(EmptySeasonError) as due:
            build_due(**common, **signing)
        assert (due.value.city, due.value.seasons, due.value.database) == (
            "paris",
            ("s1", "s2", "s3"),
            str(tmp_path / "empty.db"),
        )
        with pytest.raises(EmptySeasonError, match=r"^paris season s2: no records in "):
            release_of(**common, season=paris.seasons[1])
        with pytest.raises(EmptySeasonError):
            build_release_file(
                **common, **signing, season=paris.seasons[1], out=tmp_path / "s2.zip"
            )
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(OutboxRow)).scalar_one() == 0
        assert not (tmp_path / "s2.zip").exists()
        release = release_of(**common, season=paris.seasons[1], allow_empty=True)
        applications = [c for c in release.cells if c.metric == "applications"]
        assert applications and [c.value for c in applications] == [0]
        built = build_due(**common, **signing, allow_empty=True)
        assert [(b.season, b.seq) for b in built] == [("s1", 1), ("s2", 2), ("s3", 3)]
    finally:
        engine.dispose()
