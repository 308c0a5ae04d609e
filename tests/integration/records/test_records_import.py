"""CSV imports: all or nothing, every bad row reported as FILE:ROW: column: message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from records_helpers import TEMPLATES, counts
from sqlalchemy import Engine

from datacity_federation._services.records_import import import_csv
from datacity_federation.errors import ImportRowsError, StoreError

pytestmark = pytest.mark.integration

APP_HEADER = (
    "id,challenge,startup,startup_name,status,language,submitted_on,contact_email,proposal\n"
)
GOOD = "A-{n},waste-collection,craft-ai,,submitted,fr,2016-01-0{n},a{n}@example.org,Texte\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(
    engine: Engine, path: Path, kind: str = "applications", on: date | None = None
) -> list[str]:
    """Import ``path``, expect a refusal that wrote nothing, return the problems as text."""
    before = counts(engine)
    with pytest.raises(ImportRowsError) as caught:
        import_csv(db=engine, kind=kind, path=path, city="paris", season="s1", by="test", on=on)
    assert counts(engine) == before
    return [str(p) for p in caught.value.problems]


def test_import_every_sample_kind(season_1: Engine) -> None:
    written = counts(season_1)
    assert (written["applications"], written["reviews"], written["pilots"]) == (5, 6, 2)
    assert (written["kpi_measurements"], written["sponsorships"], written["reviewers"]) == (3, 2, 3)


def test_import_missing_column_reported_on_header(synced: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.csv", "id,challenge,startup,language\nA-1,waste-collection,craft-ai,fr\n"
    )
    assert refused(synced, path) == [f"{path}:1: status: missing column"]


def test_import_wrong_type_reported_with_row(synced: Engine, tmp_path: Path) -> None:
    text = (
        APP_HEADER + GOOD.format(n=1) + "A-2,waste-collection,craft-ai,,submitted,fr,12/01/2016,,\n"
    )
    path = write(tmp_path, "a.csv", text)
    assert refused(synced, path) == [
        f"{path}:3: submitted_on: not a date: invalid character in year (use YYYY-MM-DD) "
        "(got '12/01/2016')"
    ]


def test_import_unknown_challenge_reported(synced: Engine, tmp_path: Path) -> None:
    text = (
        APP_HEADER
        + GOOD.format(n=1)
        + GOOD.format(n=2)
        + "A-3,parking,craft-ai,,submitted,fr,2016-01-03,,\n"
    )
    path = write(tmp_path, "a.csv", text)
    assert refused(synced, path) == [
        f"{path}:4: challenge: unknown challenge 'parking' in season s1 "
        "(known: pedestrian-flows, waste-collection)"
    ]


def test_import_state_not_allowed_in_phase_reported(synced: Engine, tmp_path: Path) -> None:
    text = (
        APP_HEADER + "A-1,waste-collection,craft-ai,,selected,fr,2015-10-01,,\n" + GOOD.format(n=2)
    )
    path = write(tmp_path, "a.csv", text)
    assert refused(synced, path) == [
        f"{path}:2: status: 'selected' is not allowed in the partnering phase (2015-10-01); "
        "only during call"
    ]


def test_import_override_lifts_phase_check(synced: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.csv", APP_HEADER + "A-1,waste-collection,craft-ai,,selected,fr,2015-10-01,,\n"
    )
    report = import_csv(
        db=synced, kind="applications", path=path, city="paris", season="s1", by="test",
        override="selected at the kick-off",
    )  # fmt: skip
    assert report.written == {"applications": 1}


def test_import_duplicate_in_file_names_both_rows(synced: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.csv", APP_HEADER + GOOD.format(n=1) + GOOD.format(n=2) + GOOD.format(n=1)
    )
    assert refused(synced, path) == [f"{path}:4: id: duplicate id 'A-1' (also row 2)"]


def test_import_duplicate_of_stored_record(season_1: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.csv",
        APP_HEADER + "APP-001,waste-collection,craft-ai,,submitted,fr,2016-01-02,,\n",
    )
    assert refused(season_1, path) == [
        f"{path}:2: id: duplicate id 'APP-001' (already in the records, or an earlier row)"
    ]


def test_import_duplicate_across_batches(synced: Engine, tmp_path: Path) -> None:
    rows = [GOOD.format(n=1).replace("A-1", f"A-{i}") for i in range(1, 6)]
    path = write(tmp_path, "a.csv", APP_HEADER + "".join(rows) + rows[0])
    before = counts(synced)
    with pytest.raises(ImportRowsError) as caught:
        import_csv(
            db=synced,
            kind="applications",
            path=path,
            city="paris",
            season="s1",
            by="t",
            batch_size=2,
        )
    assert [p.row for p in caught.value.problems] == [7]
    assert counts(synced) == before


def test_import_reports_every_bad_row(synced: Engine, tmp_path: Path) -> None:
    text = (
        APP_HEADER
        + "A-1,waste-collection,nobody,,submitted,fr,2016-01-02,,\n"
        + "A-2,waste-collection,suez,,maybe,fr,2016-01-02,,\n"
        + "A-5,waste-collection,suez,,submitted,fr,2016-01-02,,\n"
        + "A-3,waste-collection,craft-ai,,submitted,fr,2016-01-02,not-an-email,\n"
        + "A-4,waste-collection\n"
    )
    path = write(tmp_path, "a.csv", text)
    assert refused(synced, path) == [
        f"{path}:2: startup: unknown start-up 'nobody' (give startup_name to register it)",
        f"{path}:3: status: unknown value (expected 'draft', 'submitted', 'shortlisted', "
        "'selected', 'rejected' or 'withdrawn') (got 'maybe')",
        f"{path}:4: startup: 'suez' is a corporate partner, not a start-up",
        f"{path}:5: contact_email: not an e-mail address (got 'not-an-email')",
        f"{path}:6: : expected 9 fields like the header, got 2",
    ]


def test_import_registers_new_startup_from_name(synced: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path, "a.csv", APP_HEADER + "A-1,waste-collection,bintech,BinTech,draft,fr,,,\n"
    )
    report = import_csv(
        db=synced,
        kind="applications",
        path=path,
        city="paris",
        season="s1",
        by="t",
        on=date(2016, 1, 2),
    )
    assert report.written == {"startups": 1, "applications": 1}


def test_import_reviews_conflict_and_missing_score(season_1: Engine, tmp_path: Path) -> None:
    text = (
        "application,reviewer,recommendation,reviewed_on,score_impact,score_feasibility,score_data_use\n"
        "APP-001,R-suez-1,select,2016-01-15,5,4,4\n"
        "APP-003,R-inria-1,select,2016-01-15,5,,4\n"
        "APP-003,R-inria-1,select,2016-01-15,five,4,4\n"
    )
    path = write(tmp_path, "r.csv", text)
    assert refused(season_1, path, "reviews") == [
        f"{path}:2: reviewer: reviewer R-suez-1 declared a conflict with start-up 'craft-ai'",
        f"{path}:3: score_*: missing score(s) for feasibility",
        f"{path}:4: score_impact: not a whole number (got 'five')",
    ]


def test_import_pilots_of_unselected_and_outcome_mismatch(season_1: Engine, tmp_path: Path) -> None:
    text = (
        "id,application,status,outcome,started_on,completed_on,closed_on\n"
        "PIL-9,APP-002,planned,,,,\n"
        "PIL-8,APP-004,closed,,2016-03-01,2016-05-01,2016-06-01\n"
        "PIL-7,APP-001,planned,,,,\n"
    )
    path = write(tmp_path, "p.csv", text)
    problems = refused(season_1, path, "pilots", on=date(2016, 3, 15))
    assert (
        problems[0]
        == f"{path}:2: application: pilot PIL-9: application APP-002 is rejected, only a selected application runs a pilot"
    )
    assert problems[1] == f"{path}:3: status: a pilot has an outcome exactly when it is closed"
    assert problems[2] == f"{path}:4: application: application APP-001 already has a pilot"


def test_import_pilot_running_in_call_phase_refused(season_1: Engine, tmp_path: Path) -> None:
    text = "id,application,status,started_on\nPIL-9,APP-003,running,2016-01-10\n"
    path = write(tmp_path, "p.csv", text)
    [problem] = refused(season_1, path, "pilots")
    assert problem.startswith(f"{path}:2: status: pilot PIL-9: cannot move from new to running: ")
    assert "not allowed in the call phase (2016-01-10); only during experimentation" in problem


def test_import_measurements_and_sponsorships_bad_rows(season_1: Engine, tmp_path: Path) -> None:
    m = write(
        tmp_path,
        "m.csv",
        "pilot,indicator,measured_on,value\nPIL-002,bins,2016-04-01,3\nPIL-002,flow_forecast_error,2016-04-02,1,5\n",
    )
    assert refused(season_1, m, "measurements") == [
        f"{m}:2: indicator: 'bins' is not a KPI of pedestrian-flows (flow_forecast_error)",
        f"{m}:3: : expected 4 fields like the header, got 5",
    ]
    s = write(
        tmp_path,
        "s.csv",
        "partner,amount,currency\nnuma,10,USD\ncraft-ai,5,\nsuez,-3,\nnuma,1e3x,\n",
    )
    assert refused(season_1, s, "sponsorships") == [
        f"{s}:2: currency: 'USD': amounts are in the city's currency EUR",
        f"{s}:3: partner: a start-up cannot sponsor: 'craft-ai'",
        f"{s}:4: amount: must not be negative (got '-3')",
        f"{s}:5: amount: not a number (use a dot for decimals: 1234.50) (got '1e3x')",
    ]


def test_import_unknown_column_and_empty_file(synced: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", APP_HEADER.replace("proposal", "proposl") + GOOD.format(n=1))
    [problem] = refused(synced, path)
    assert problem.startswith(f"{path}:1: proposl: unknown column (expected: id, challenge")
    empty = write(tmp_path, "e.csv", "")
    assert refused(synced, empty) == [f"{empty}:1: : empty file: expected a header row"]


def test_import_unknown_kind_season_and_file(synced: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", APP_HEADER)
    with pytest.raises(StoreError, match="unknown kind 'grants'"):
        import_csv(db=synced, kind="grants", path=path, city="paris", season="s1", by="t")
    with pytest.raises(StoreError, match=r"no season 's9' in paris \(known: s1, s2, s3\)"):
        import_csv(db=synced, kind="applications", path=path, city="paris", season="s9", by="t")
    with pytest.raises(StoreError, match="no such file"):
        import_csv(
            db=synced,
            kind="applications",
            path=tmp_path / "x.csv",
            city="paris",
            season="s1",
            by="t",
        )


def test_import_not_utf8_refused(synced: Engine, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        (APP_HEADER + "A-1,waste-collection,craft-ai,,submitted,fr,2016-01-02,,Énergie\n").encode(
            "latin-1"
        )
    )
    with pytest.raises(StoreError, match="not UTF-8 text"):
        import_csv(db=synced, kind="applications", path=path, city="paris", season="s1", by="t")


def test_sample_csv_headers_match_importers() -> None:
    from datacity_federation._services.records_kinds import KINDS, importer_of

    for kind in KINDS:
        header = (TEMPLATES / f"{kind}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        spec = importer_of(kind)
        assert set(spec.required) <= set(header)
        assert all(
            c in (*spec.required, *spec.optional) or c.startswith(spec.prefixes or ("\0",))
            for c in header
        )
