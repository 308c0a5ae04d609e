"""The records commands through the CLI: results, and every bad input as one clean line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from datacity_federation._services.records_kinds import KINDS

pytestmark = pytest.mark.e2e

Run = Callable[..., Any]


def test_db_upgrade_creates_then_reports_current(run_cli: Run, tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    first = run_cli("db", "upgrade", "--db", db)
    second = run_cli("db", "upgrade", "--db", db)
    assert (first.code, second.code) == (0, 0)
    assert first.out.startswith("database upgraded from empty to ")
    assert second.out.startswith("database already at ")


def test_db_upgrade_missing_folder_fails_cleanly(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("db", "upgrade", "--db", str(tmp_path / "nope" / "r.db"))
    assert result.code == 1
    assert "no such folder" in result.err


def test_db_upgrade_unreachable_server_fails_cleanly(run_cli: Run) -> None:
    result = run_cli("db", "upgrade", "--db", "postgresql://nobody@127.0.0.1:1/x")
    assert result.code == 1
    assert result.err.startswith("datacity: error: postgresql+psycopg://nobody@127.0.0.1:1/x: ")


def test_db_upgrade_reads_datacity_db(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATACITY_DB", str(tmp_path / "env.db"))
    result = run_cli("db", "upgrade")
    assert result.code == 0
    assert (tmp_path / "env.db").is_file()


ROOT = Path(__file__).resolve().parents[2]
CSV = ROOT / "templates" / "csv"
ORDER = KINDS


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store with the seed cities synced and Paris season 1 imported from the samples."""
    from datacity_federation.testing import run_cli as run

    path = tmp_path_factory.mktemp("records") / "records.db"
    assert run("db", "sync-config", str(ROOT / "cities"), "--db", str(path)).code == 0
    for kind in ORDER:
        result = run(
            "records", "import", kind, str(CSV / f"{kind}.csv"), "--city", "paris", "--season", "s1",
            "--db", str(path), "--by", "director",
        )  # fmt: skip
        assert result.code == 0, result.err
    return path


@pytest.fixture
def db(seeded_db: Path, tmp_path: Path) -> str:
    """A fresh copy of the seeded store for one test."""
    import shutil

    copy = tmp_path / "records.db"
    shutil.copyfile(seeded_db, copy)
    return str(copy)


def test_sync_config_prints_changes_then_no_change(run_cli: Run, tmp_path: Path) -> None:
    path = str(tmp_path / "r.db")
    first = run_cli("db", "sync-config", str(ROOT / "cities"), "--db", path)
    second = run_cli("db", "sync-config", str(ROOT / "cities"), "--db", path)
    assert first.out.splitlines()[0] == "paris: 40 inserted"
    assert second.out.splitlines() == [
        "paris: no change", "barcelona: no change", "singapore: no change", "bangalore: no change",
    ]  # fmt: skip


def test_import_reports_rows_written(run_cli: Run, db: str) -> None:
    result = run_cli(
        "records", "export", "paris", "--out", str(Path(db).with_suffix(".json")), "--db", db
    )
    assert result.code == 0
    assert result.out.startswith("wrote ")


def test_import_bad_rows_exit_1_one_line_each(run_cli: Run, db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,challenge,startup,status,language,submitted_on\n"
        "X-1,parking,craft-ai,submitted,fr,2016-01-02\n"
        "X-2,waste-collection,craft-ai,submitted,fr,tomorrow\n",
        encoding="utf-8",
    )
    result = run_cli(
        "records",
        "import",
        "applications",
        str(bad),
        "--city",
        "paris",
        "--season",
        "s1",
        "--db",
        db,
    )
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{bad}:2: challenge: unknown challenge 'parking' in season s1 (known: pedestrian-flows, waste-collection)",
        f"{bad}:3: submitted_on: not a date: input is too short (use YYYY-MM-DD) (got 'tomorrow')",
        "datacity: 2 problems",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("records", "import", "grants", "x.csv", "--city", "paris", "--season", "s1"),
            "unknown kind 'grants'",
        ),
        (
            (
                "records",
                "import",
                "applications",
                "missing.csv",
                "--city",
                "paris",
                "--season",
                "s1",
            ),
            "missing.csv: no such file",
        ),
        (
            ("records", "import", "applications", "CSV", "--city", "rome", "--season", "s1"),
            "no city 'rome' in the records",
        ),
        (
            (
                "records",
                "import",
                "applications",
                "CSV",
                "--city",
                "paris",
                "--season",
                "s1",
                "--on",
                "soon",
            ),
            "--on: not a date 'soon'",
        ),
        (("records", "export", "rome", "--out", "x.json"), "no city 'rome' in the records"),
        (("records", "erase-person", "nobody"), "no person 'nobody' in the records"),
        (
            ("records", "add-startup", "paris", "craft-ai", "--name", "Craft AI"),
            "partner 'craft-ai' already exists",
        ),
        (("records", "rank", "paris", "parking"), "unknown challenge 'parking'"),
        (("season", "status", "paris", "s9"), "no season 's9' in paris"),
        (("season", "status", "paris", "s1", "--on", "2016-13-01"), "--on: not a date"),
        (("season", "status", "paris", "s1", "--lang", "xx-??"), "--lang: unknown language"),
    ],
)
def test_records_command_errors_are_one_clean_line(
    run_cli: Run, db: str, args: tuple[str, ...], message: str
) -> None:
    args = tuple(str(CSV / "applications.csv") if a == "CSV" else a for a in args)
    result = run_cli(*args, "--db", db)
    assert result.code == 1
    assert result.err.startswith("datacity: error: ")
    assert message in result.err
    assert len(result.err.splitlines()) == 1


def test_import_json_errors(run_cli: Run, db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "datacity-records/2", "city": "paris", "tables": {}}', encoding="utf-8"
    )
    result = run_cli("records", "import-json", str(bad), "--db", db)
    assert (
        result.code,
        "is not supported (this version reads datacity-records/1)" in result.err,
    ) == (1, True)
    bad.write_text("not json", encoding="utf-8")
    assert "not a records export" in run_cli("records", "import-json", str(bad), "--db", db).err


def test_export_import_json_round_trip_through_cli(run_cli: Run, db: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    other = str(tmp_path / "other.db")
    assert run_cli("records", "export", "paris", "--out", str(first), "--db", db).code == 0
    assert run_cli("records", "import-json", str(first), "--db", other).code == 0
    assert run_cli("records", "export", "paris", "--out", str(second), "--db", other).code == 0
    assert first.read_bytes() == second.read_bytes()
    again = run_cli("records", "import-json", str(first), "--db", other)
    assert again.code == 1 and "use --replace" in again.err
    assert run_cli("records", "import-json", str(first), "--db", other, "--replace").code == 0


def test_season_status_formats_with_babel(run_cli: Run, db: str) -> None:
    result = run_cli("season", "status", "paris", "s1", "--on", "2016-04-01", "--db", db)
    assert result.code == 0
    assert result.out.splitlines() == [
        "Paris — saison 1 (s1), 1 avril 2016",
        "phase : Expérimentation (61 jours restants)",
        "candidatures 5 → présélectionnées 3 → retenues 2 → expérimentations 2 → contrats 0 / offres communes 1",
        "parrainage : 270\u202f000,00\u00a0€",
    ]


def test_season_status_in_english(run_cli: Run, db: str) -> None:
    result = run_cli(
        "season", "status", "paris", "1", "--on", "2015-10-01", "--lang", "en", "--db", db
    )
    assert result.out.splitlines()[1:] == [
        "phase: Partnering (61 days left)",
        "applications 5 → shortlisted 3 → selected 2 → pilots 2 → contracts 0 / joint offers 1",
        "sponsorship: €270,000.00",
    ]


def test_erase_person_and_add_startup(run_cli: Run, db: str) -> None:
    erased = run_cli("records", "erase-person", "R-city-1", "--city", "paris", "--db", db)
    assert (
        erased.out.strip()
        == "erased R-city-1: 1 person record(s), 0 proposal(s), 1 review comment(s)"
    )
    added = run_cli(
        "records", "add-startup", "paris", "urban-bee", "--name", "Urban Bee", "--db", db
    )
    assert added.out.strip() == "paris: registered start-up urban-bee"


def test_rank_prints_ranking(run_cli: Run, db: str) -> None:
    result = run_cli("records", "rank", "paris", "waste-collection", "--db", db)
    assert result.out.splitlines() == [
        "  1. APP-001  z=+0.500  score=0.870  reviews=2",
        "  2. APP-002  z=-0.500  score=0.460  reviews=2",
    ]


def test_call_writes_one_page_per_challenge_and_language(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli(
        "call", "paris", "s1", "--out", str(tmp_path / "call"), "--cities", str(ROOT / "cities")
    )
    assert result.out.strip() == f"wrote 2 pages in {tmp_path / 'call'}"
    page = (tmp_path / "call" / "waste-collection.fr.html").read_text(encoding="utf-8")
    assert "lundi 29 février 2016" in page
    assert 'datetime="2016-02-29T23:59:00+01:00"' in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("call", "paris", "s9"), "no season 's9' in paris"),
        (("call", "paris", "s2"), "season s2 of paris has no challenges"),
        (("call", "rome", "s1"), "no city 'rome'"),
    ],
)
def test_call_errors_are_clean(
    run_cli: Run, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run_cli(*args, "--out", str(tmp_path / "o"), "--cities", str(ROOT / "cities"))
    assert result.code == 1
    assert message in result.err


def test_db_refuses_old_revision(run_cli: Run, tmp_path: Path) -> None:
    from datacity_federation._store.engine import make_engine
    from datacity_federation._store.migrate import downgrade, upgrade

    path = str(tmp_path / "old.db")
    engine = make_engine(path)
    upgrade(engine)
    downgrade(engine, "base")
    engine.dispose()
    result = run_cli("season", "status", "paris", "s1", "--db", path)
    assert result.code == 1
    assert "run `datacity db upgrade`" in result.err
    assert run_cli("db", "upgrade", "--db", path).code == 0


def test_import_contracts_bad_rows_one_line_each_nothing_written(
    run_cli: Run, db: str, tmp_path: Path
) -> None:
    bad = tmp_path / "contracts.csv"
    bad.write_text(
        "pilot,partner,amount\nPIL-002,suez,1000\nPIL-001,cisco,12.345678\nPIL-001,cisco,10\n",
        encoding="utf-8",
    )
    args = ("records", "import", "contracts", str(bad), "--city", "paris", "--season", "s1")
    result = run_cli(*args, "--db", db)
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{bad}:2: pilot: pilot PIL-002 is running: only a contract or a joint offer has a value",
        f"{bad}:3: amount: at most 4 decimal places (got '12.345678')",
        "datacity: 2 problems",
    ]
    backup = tmp_path / "paris.json"
    assert run_cli("records", "export", "paris", "--out", str(backup), "--db", db).code == 0
    assert "cisco" not in str(json.loads(backup.read_text())["tables"]["contract_values"])


def test_season_phase_records_and_prints_the_dates(run_cli: Run, db: str) -> None:
    result = run_cli("season", "phase", "paris", "s1", "call", "--ended", "2016-03-01",
                     "--db", db, "--by", "director")  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.strip() == (
        "paris/s1 call: started not recorded, ended 2016-03-01 (planned 2015-12-01 to 2016-02-29)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lunch", "--ended", "2016-03-01"], "unknown phase 'lunch' (one of: partnering, call, "),
        (["call", "--ended", "2016-02-30"], "--ended: not a date '2016-02-30'"),
        (["call"], "give --started, --ended or both"),
        (["call", "--ended", "2015-11-01"], "call would end on 2015-11-01, before it starts on"),
    ],
)
def test_season_phase_bad_input_is_one_clean_line(
    run_cli: Run, db: str, args: list[str], message: str
) -> None:
    result = run_cli("season", "phase", "paris", "s1", *args, "--db", db)
    assert result.code == 1
    assert result.err.startswith("datacity: error: ")
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
