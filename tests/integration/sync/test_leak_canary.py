"""Leak canary: names, e-mails, company names, proposal texts and ids planted in a city store
never appear in the bundle's bytes, and the columns are exactly the allowlist."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datacity_federation._config.loader import load_federation
from datacity_federation._privacy.rules import PROFILES
from datacity_federation._services.sync import build_due
from datacity_federation._store.engine import open_store
from datacity_federation._store.outbox import OutboxRow
from datacity_federation._sync.cells_csv import COLUMNS
from datacity_federation.testing.records_seed import seed_season

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
PARIS = load_federation(ROOT / "cities").city("paris")
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))

canary = st.text(alphabet="abcdefghijklmnopqrstuvwxyzQXZ", min_size=10, max_size=16).map(
    lambda s: "qx" + s
)
slug = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=8, max_size=12).map(
    lambda s: "zq" + s + "-"
)


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(canary, min_size=3, max_size=6, unique=True), slug)
def test_bundle_never_carries_a_planted_name_email_text_or_id(
    marks: list[str], prefix: str
) -> None:
    assert PARIS is not None
    folder = Path(tempfile.mkdtemp(prefix="canary-"))
    engine = open_store(folder / "city.db")
    season = PARIS.seasons[0]
    seed_season(
        engine, city=PARIS, season=season, applications=80, canaries=marks, id_prefix=prefix
    )
    build_due(
        engine=engine,
        city=PARIS,
        network="c40-datacity",
        profile=PROFILES["default"],
        key=KEY,
        today=date(2026, 1, 1),
        seasons=[season.id],
    )
    from sqlmodel import Session, select

    with Session(engine) as s:
        data = s.exec(select(OutboxRow.data)).one()
    engine.dispose()
    zf = zipfile.ZipFile(io.BytesIO(data))
    blobs = [data, *(zf.read(n) for n in zf.namelist())]
    for mark in [*marks, prefix.rstrip("-"), "example.org", "proposes"]:
        assert not any(mark.encode() in blob for blob in blobs), mark
    header = zf.read("cells.csv").decode().splitlines()[0]
    assert tuple(header.split(",")) == COLUMNS
