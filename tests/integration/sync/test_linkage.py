"""Network linkage: start-ups piloting in two member cities, counted through keyed pseudonyms
that never reach the hub; the count is released only past the threshold."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, select

from datacity_federation._config.loader import load_federation
from datacity_federation._privacy.rules import PROFILES
from datacity_federation._services.linkage import (
    other_cities_pseudonyms,
    piloting_pseudonyms,
    write_pseudonyms,
)
from datacity_federation._services.sync import build_due
from datacity_federation._store.engine import open_store
from datacity_federation._store.outbox import OutboxRow
from datacity_federation._sync.cells_csv import read_cells
from datacity_federation.testing import RunCli
from datacity_federation.testing.records_seed import seed_season

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
FED = load_federation(ROOT / "cities")
NETWORK_KEY = bytes(range(32))
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def _store(path: Path, city: str, apps: int) -> object:
    found = FED.city(city)
    assert found is not None
    engine = open_store(path)
    seed_season(engine, city=found, season=found.seasons[0], applications=apps)
    return engine


def test_linkage_count_is_released_and_pseudonyms_stay_out_of_the_bundle(tmp_path: Path) -> None:
    paris, barcelona = FED.city("paris"), FED.city("barcelona")
    assert paris is not None and barcelona is not None
    p_engine = _store(tmp_path / "paris.db", "paris", 400)
    b_engine = _store(tmp_path / "barcelona.db", "barcelona", 400)
    shared = tmp_path / "linkage"
    shared.mkdir()
    write_pseudonyms(
        shared / "barcelona.txt", piloting_pseudonyms(b_engine, city="barcelona", key=NETWORK_KEY)
    )  # type: ignore[arg-type]
    others = other_cities_pseudonyms(shared, city="paris")
    mine = piloting_pseudonyms(p_engine, city="paris", key=NETWORK_KEY, season="s1")  # type: ignore[arg-type]
    expected = len(mine & others)
    assert expected > 0
    build_due(
        engine=p_engine,  # type: ignore[arg-type]
        city=paris,
        network="c40-datacity",
        profile=PROFILES["default"],
        key=KEY,
        today=date(2026, 1, 1),
        seasons=["s1"],
        linkage=(NETWORK_KEY, others),
    )
    with Session(p_engine) as s:  # type: ignore[call-overload]
        data = s.exec(select(OutboxRow.data)).one()
    zf = zipfile.ZipFile(io.BytesIO(data))
    cells = read_cells(zf.read("cells.csv"))
    cell = next(c for c in cells if c.metric == "network_startups_multi_city")
    if expected >= 5:
        assert (cell.status, cell.value) == ("F", expected)
    else:
        assert (cell.status, cell.value) == ("A", None)
    for token in mine | others:
        assert token.encode() not in data
        assert all(token.encode() not in zf.read(n) for n in zf.namelist())


def test_linkage_pseudonym_lists_are_checked(tmp_path: Path) -> None:
    (tmp_path / "rome.txt").write_text("not-a-pseudonym\n")
    from datacity_federation.errors import DatacityError

    with pytest.raises(DatacityError, match=r"rome.txt:1: not a pseudonym"):
        other_cities_pseudonyms(tmp_path, city="paris")


def test_release_pseudonyms_command_needs_the_network_key(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store(tmp_path / "paris.db", "paris", 100)
    monkeypatch.delenv("DATACITY_NETWORK_KEY", raising=False)
    args = (
        "release",
        "pseudonyms",
        "paris",
        "--out",
        str(tmp_path / "paris.txt"),
        "--db",
        str(tmp_path / "paris.db"),
        "--cities",
        str(ROOT / "cities"),
    )
    got = run_cli(*args)
    assert (
        got.err.strip()
        == "datacity: error: no network key: set $DATACITY_NETWORK_KEY (hex, shared by the member cities only)"
    )
    monkeypatch.setenv("DATACITY_NETWORK_KEY", NETWORK_KEY.hex())
    got = run_cli(*args)
    assert got.code == 0
    lines = (tmp_path / "paris.txt").read_text().splitlines()
    assert lines == sorted(lines) and all(len(x) == 32 for x in lines)
