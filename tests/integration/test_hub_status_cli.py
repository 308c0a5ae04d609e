"""``datacity hub status``: the reporting status on the terminal and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from site_hub import ROOT, fill_hub

from datacity_federation._sync.hub_store import hub_engine
from datacity_federation.testing import RunCli

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def hub_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("status") / "hub.db"
    engine = hub_engine(str(db))
    fill_hub(engine)
    engine.dispose()
    return db


def status(run_cli: RunCli, db: Path, *more: str) -> tuple[int, str, str]:
    got = run_cli("hub", "status", "--db", str(db), "--cities", str(ROOT / "cities"), *more)
    return got.code, got.out, got.err


def test_hub_status_table_names_the_late_city(run_cli: RunCli, hub_db: Path) -> None:
    code, out, err = status(run_cli, hub_db, "--on", "2019-06-01")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "reporting status on 2019-06-01 (due 30 days after a season ends)"
    assert lines[-1].split() == ["bangalore", "s1", "2018-12-14", "2019-01-13", "late", "139",
                                 "days", "late"]  # fmt: skip
    assert [line.split()[4] for line in lines[2:]] == [
        "received", "received", "received", "received", "retracted", "late",
    ]  # fmt: skip


def test_hub_status_json_and_grace(run_cli: RunCli, hub_db: Path) -> None:
    code, out, err = status(run_cli, hub_db, "--on", "2019-01-20", "--grace", "3", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["on"], data["grace_days"]) == ("2019-01-20", 3)
    assert data["counts"] == {"not_due": 0, "due": 0, "received": 4, "late": 1, "retracted": 1}
    late = data["seasons"][-1]
    assert late == {
        "city": "bangalore", "season": "s1", "number": 1, "end": "2018-12-14",
        "due": "2018-12-17", "state": "late", "received_on": None, "days_late": 34,
    }  # fmt: skip


def test_hub_status_before_the_season_closes_is_not_due(run_cli: RunCli, hub_db: Path) -> None:
    code, out, _ = status(run_cli, hub_db, "--on", "2018-12-20", "--json")
    assert code == 0
    assert json.loads(out)["seasons"][-1]["state"] == "due"
    code, out, _ = status(run_cli, hub_db, "--on", "2018-06-01", "--json")
    assert json.loads(out)["seasons"][-1]["state"] == "not_due"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--on", "2019-02-30"), "datacity: error: --on: not a date '2019-02-30' (use YYYY-MM-DD)"),
        (("--grace", "-1"), "datacity: error: --grace -1: must be 0 or more days"),
    ],
)
def test_hub_status_bad_option_is_one_clear_line(
    run_cli: RunCli, hub_db: Path, args: tuple[str, ...], message: str
) -> None:
    code, out, err = status(run_cli, hub_db, *args)
    assert (code, out, err.strip()) == (1, "", message)


def test_hub_status_missing_database_is_one_clear_line(run_cli: RunCli, tmp_path: Path) -> None:
    code, _, err = status(run_cli, tmp_path / "none.db")
    assert code == 1
    assert err.strip() == f"datacity: error: hub database {tmp_path / 'none.db'}: no such file"


def test_hub_status_database_that_is_not_a_hubs(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "other.db").write_bytes(b"")
    code, _, err = status(run_cli, tmp_path / "other.db")
    assert code == 1
    assert "cannot read it" in err and "Traceback" not in err
