"""Contract values (contracts and joint commercial offers) through the CSV front door.

Every bad row is refused as FILE:ROW: column: message with nothing written; a good file is
written with its audit events and survives the JSON export/import round trip.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from records_helpers import TEMPLATES, counts
from sqlalchemy import Engine

from datacity_federation._services.records_import import import_csv
from datacity_federation._store.engine import open_store
from datacity_federation.errors import ImportRowsError

pytestmark = pytest.mark.integration

HEADER = "pilot,partner,amount,currency,signed_on\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "contracts.csv"
    path.write_text(text, encoding="utf-8")
    return path


def refused(engine: Engine, path: Path) -> list[str]:
    before = counts(engine)
    with pytest.raises(ImportRowsError) as caught:
        import_csv(db=engine, kind="contracts", path=path, city="paris", season="s1", by="test")
    assert counts(engine) == before
    return [str(p) for p in caught.value.problems]


def test_contracts_sample_imports_values_and_audit_events(season_1: Engine) -> None:
    from datacity_federation._services.records import audit_log
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import season_records

    with transaction(season_1) as conn:
        view = season_records(conn, "paris", "s1")
    assert sorted((c.partner, c.amount) for p in view.pilots for c in p.contracts) == [
        ("suez", Decimal("80000.00")),
        ("ville-de-paris", Decimal("45000")),
    ]
    contract_events = [
        e for e in audit_log(db=season_1, city="paris") if e.kind.value == "contract"
    ]
    assert [(e.record, e.to_state, e.why) for e in contract_events] == [
        ("PIL-001/suez", "recorded", "import contracts.csv:2"),
        ("PIL-001/ville-de-paris", "recorded", "import contracts.csv:3"),
    ]


def test_contracts_of_a_contract_outcome_accepted(season_1: Engine, tmp_path: Path) -> None:
    from datacity_federation._services.records import move_pilot
    from datacity_federation.domain.vocab import Outcome, PilotStatus

    move_pilot(
        db=season_1, city="paris", pilot="PIL-002", to=PilotStatus.COMPLETED, by="d",
        on=date(2016, 5, 30),
    )  # fmt: skip
    move_pilot(
        db=season_1, city="paris", pilot="PIL-002", to=PilotStatus.CLOSED, by="d",
        outcome=Outcome.CONTRACT, on=date(2016, 6, 10),
    )  # fmt: skip
    path = write(tmp_path, "pilot,partner,amount\nPIL-002,cisco,12000.5\n")
    report = import_csv(
        db=season_1, kind="contracts", path=path, city="paris", season="s1", by="test"
    )
    assert (report.rows, report.written) == (1, {"contract_values": 1})


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("PIL-404,suez,10,EUR,\n", "pilot: unknown pilot 'PIL-404' in season s1"),
        (
            "PIL-002,suez,10,EUR,\n",
            "pilot: pilot PIL-002 is running: only a contract or a joint offer has a value",
        ),
        ("PIL-001,acme,10,EUR,\n", "partner: unknown partner: 'acme'"),
        ("PIL-001,suez,10,USD,\n", "currency: 'USD': amounts are in the city's currency EUR"),
        ("PIL-001,suez,-10,EUR,\n", "amount: must not be negative (got '-10')"),
        ("PIL-001,suez,10.12345,EUR,\n", "amount: at most 4 decimal places (got '10.12345')"),
        (
            "PIL-001,suez,10k,EUR,\n",
            "amount: not a number (use a dot for decimals: 1234.50) (got '10k')",
        ),
        ("PIL-001,suez,,EUR,\n", "amount: missing value"),
        (
            "PIL-001,suez,10,EUR,20/06/2016\n",
            "signed_on: not a date: invalid character in year (use YYYY-MM-DD) (got '20/06/2016')",
        ),
        (
            "PIL-001,suez,10,EUR,2016-02-30\n",
            "signed_on: not a date: day value is outside expected range (use YYYY-MM-DD) "
            "(got '2016-02-30')",
        ),
        (
            "PIL-001,suez,80000.00,EUR,\n",
            "partner: duplicate value of PIL-001 for suez (already in the records)",
        ),
        ("PIL-001,suez,10\n", ": expected 5 fields like the header, got 3"),
    ],
)
def test_contracts_bad_row_refused_with_row_and_column(
    season_1: Engine, tmp_path: Path, rows: str, expected: str
) -> None:
    path = write(tmp_path, HEADER + "PIL-001,cisco,5,EUR,2016-06-21\n" + rows)
    assert refused(season_1, path) == [f"{path}:3: {expected}"]


def test_contracts_duplicate_in_file_names_first_row(season_1: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "PIL-001,cisco,5,,\nPIL-001,numa,5,,\nPIL-001,cisco,7,,\n")
    assert refused(season_1, path) == [
        f"{path}:4: partner: duplicate value of PIL-001 for cisco (also row 2)"
    ]


def test_contracts_pilot_of_another_season_refused(season_1: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "PIL-001,cisco,5,,\n")
    before = counts(season_1)
    with pytest.raises(ImportRowsError) as caught:
        import_csv(db=season_1, kind="contracts", path=path, city="paris", season="s2", by="t")
    assert counts(season_1) == before
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2: pilot: unknown pilot 'PIL-001' in season s2"
    ]


def test_contracts_missing_and_unknown_columns_reported_on_header(
    season_1: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, "pilot,amount,value\nPIL-001,5,5\n")
    assert refused(season_1, path) == [
        f"{path}:1: partner: missing column",
        f"{path}:1: value: unknown column (expected: pilot, partner, amount, currency, signed_on)",
    ]


def test_contracts_survive_the_json_round_trip(season_1: Engine, tmp_path: Path) -> None:
    from datacity_federation._services import records_io

    first = tmp_path / "paris.json"
    records_io.export_city(db=season_1, city="paris", out=first)
    exported = json.loads(first.read_text(encoding="utf-8"))["tables"]["contract_values"]
    assert [(r["pilot_id"], r["partner_id"], r["amount_e4"]) for r in exported] == [
        ("PIL-001", "suez", 800_000_000),
        ("PIL-001", "ville-de-paris", 450_000_000),
    ]
    target = open_store(tmp_path / "restored.db")
    records_io.import_city(db=target, path=first)
    second = tmp_path / "again.json"
    records_io.export_city(db=target, city="paris", out=second)
    assert second.read_bytes() == first.read_bytes()


def test_every_kind_has_a_sample_that_imports(season_1: Engine) -> None:
    from datacity_federation._services.records_kinds import KINDS

    written = counts(season_1)
    assert sorted(p.stem for p in TEMPLATES.glob("*.csv")) == sorted(KINDS)
    assert written["contract_values"] == 2
