"""The review read from a real hub: its SQLite database, and its feed served by uvicorn."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from datacity_federation.testing import RunCli

pytestmark = pytest.mark.integration

CITIES = {"paris": "EUR", "barcelona": "EUR", "singapore": "SGD", "bangalore": "INR"}


@dataclass(frozen=True)
class HubFiles:
    db: Path
    keys: Path
    url: str


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HubFiles]:
    from datacity_federation._services.hub_server import serving
    from datacity_federation._sync.hub import create_app
    from datacity_federation._sync.hub_ingest import add_city, ingest, init_hub
    from datacity_federation._sync.hub_store import hub_engine
    from datacity_federation.testing.releases import sample_bundle, sample_facts

    root = tmp_path_factory.mktemp("hub")
    keys = root / "keys"
    keys.mkdir()
    engine = hub_engine(str(root / "hub.db"))
    init_hub(engine, "c40-datacity")
    for i, (city, currency) in enumerate(CITIES.items()):
        key = Ed25519PrivateKey.from_private_bytes(bytes([i + 1]) * 32)
        (keys / f"{city}.pub").write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        token = add_city(engine, city=city, public_key=key.public_key())
        prev = None
        # Bangalore sends nothing for 2019: the review must show it as missing.
        seasons = [("s1", date(2017, 1, 15))] + (
            [] if city == "bangalore" else [("s2", date(2018, 1, 15))]
        )
        for seq, (season, start) in enumerate(seasons, start=1):
            facts = sample_facts(
                city, season, number=seq, start=start, seed=seq, applications=80, currency=currency
            )
            data, manifest, _ = sample_bundle(facts, key=key, seq=seq, prev=prev)
            ingest(engine, city=city, token=token, body=data)
            prev = manifest.bundle_id
    with serving(create_app(engine)) as url:
        yield HubFiles(root / "hub.db", keys, url)
    engine.dispose()


def test_review_from_hub_db_shows_missing_city_and_coverage(
    hub: HubFiles, run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli(
        "review",
        "2019",
        "--hub-db",
        f"sqlite:///{hub.db}",
        "--format",
        "json",
        "--out",
        str(tmp_path),
    )
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "review-2019.json").read_text(encoding="utf-8"))
    assert data["reporting"] == ["paris", "barcelona", "singapore"]
    assert data["missing"] == ["bangalore"]
    cities = {c["city"]: c for c in data["cities"]}
    assert cities["bangalore"]["funnel"]["applications"]["state"] == "missing"
    assert cities["paris"]["coverage"]["seasons"] == ["s2"]
    assert cities["paris"]["coverage"]["last_bundle"]["seq"] == 2
    assert cities["paris"]["coverage"]["last_bundle"]["signature_verified"] is True
    assert [m["currency"] for m in data["network"]["money"]] == ["EUR", "SGD"]
    # the trends read every year on record: Bangalore reported for 2018, not for 2019
    assert data["years"] == [2018, 2019]
    applications = next(t for t in data["trends"] if t["metric"] == "applications")
    series = {city: [f["state"] for f in figures] for city, figures in applications["cities"]}
    assert series["bangalore"][1] == "missing" and series["bangalore"][0] != "missing"
    assert all(state != "missing" for state in series["paris"])


def test_review_from_hub_url_verifies_and_matches_the_database(
    hub: HubFiles, run_cli: RunCli, tmp_path: Path
) -> None:
    by_db = run_cli(
        "review", "2019", "--hub-db", str(hub.db), "--format", "csv", "--out", str(tmp_path / "db")
    )
    by_url = run_cli(
        "review",
        "2019",
        "--hub",
        hub.url,
        "--keys",
        str(hub.keys),
        "--format",
        "csv",
        "--out",
        str(tmp_path / "url"),
    )
    assert (by_db.code, by_url.code) == (0, 0), by_url.err

    def figures(folder: Path) -> list[dict[str, str]]:
        text = (folder / "review-2019.csv").read_text(encoding="utf-8")
        return list(csv.DictReader(io.StringIO(text)))

    assert figures(tmp_path / "url") == figures(tmp_path / "db")


def test_review_from_hub_url_renders_every_language(
    hub: HubFiles, run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli(
        "review", "2019", "--hub", hub.url, "--keys", str(hub.keys), "--out", str(tmp_path)
    )
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == f"open {tmp_path / 'index.html'}"
    names = sorted(p.name for p in tmp_path.glob("review-2019.*.html"))
    assert names == [
        f"review-2019.{lang}.html"
        for lang in sorted(["en", "fr", "ca", "es", "ms", "zh", "ta", "kn"])
    ]


def test_review_from_hub_url_without_a_city_key_is_refused(
    hub: HubFiles, run_cli: RunCli, tmp_path: Path
) -> None:
    partial = tmp_path / "keys"
    partial.mkdir()
    (partial / "paris.pub").write_bytes((hub.keys / "paris.pub").read_bytes())
    result = run_cli(
        "review", "2019", "--hub", hub.url, "--keys", str(partial), "--out", str(tmp_path)
    )
    assert result.code == 1
    assert "no public key for city bangalore" in result.err


def test_review_from_hub_url_with_a_wrong_key_is_refused(
    hub: HubFiles, run_cli: RunCli, tmp_path: Path
) -> None:
    wrong = tmp_path / "keys"
    wrong.mkdir()
    for city in CITIES:
        (wrong / f"{city}.pub").write_bytes((hub.keys / "paris.pub").read_bytes())
    result = run_cli(
        "review", "2019", "--hub", hub.url, "--keys", str(wrong), "--out", str(tmp_path)
    )
    assert result.code == 1
    assert "does not verify" in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hub", "http://127.0.0.1:9"], "--hub needs --keys DIR"),
        (["--hub-db", "nowhere.db"], "hub database nowhere.db: no such file"),
        (["--sample", "--hub-db", "x.db"], "give exactly one source"),
        (["--sample", "--format", "xml"], "--format: expected html, json, csv, xlsx or pdf"),
        (["--sample", "--lang", "xx"], "--lang: unknown language 'xx'"),
        (["--sample", "--on", "2020-13-01"], "--on: not a date"),
    ],
)
def test_review_bad_input_is_one_clear_line(
    args: list[str], message: str, run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli("review", "2019", *args, "--out", str(tmp_path))
    assert result.code == 1
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_review_unreachable_hub_is_one_clear_line(
    hub: HubFiles, run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli(
        "review",
        "2019",
        "--hub",
        "http://127.0.0.1:9",
        "--keys",
        str(hub.keys),
        "--out",
        str(tmp_path),
    )
    assert result.code == 1
    assert "hub http://127.0.0.1:9" in result.err


def test_review_pdf_without_weasyprint_says_how_to_get_it(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint fails, as uninstalled
    result = run_cli(
        "review", "2019", "--sample", "--lang", "en", "--format", "pdf", "--out", str(tmp_path)
    )
    assert result.code == 1
    assert "PDF output needs WeasyPrint: install the 'pdf' extra" in result.err
    assert list(tmp_path.glob("*.pdf")) == []


def test_review_pdf_with_weasyprint_writes_one_pdf_per_language(
    run_cli: RunCli, tmp_path: Path
) -> None:
    pytest.importorskip("weasyprint", reason="the optional 'pdf' extra is not installed")
    result = run_cli(
        "review",
        "2019",
        "--sample",
        "--lang",
        "en",
        "--lang",
        "ar",
        "--format",
        "pdf",
        "--out",
        str(tmp_path),
    )
    assert result.code == 0, result.err
    for lang in ("en", "ar"):
        assert (tmp_path / f"review-2019.{lang}.pdf").read_bytes().startswith(b"%PDF")


def test_review_xlsx_writes_one_workbook_per_language(run_cli: RunCli, tmp_path: Path) -> None:
    import openpyxl

    result = run_cli(
        "review", "2019", "--sample", "--lang", "en", "--lang", "he", "--format", "xlsx",
        "--out", str(tmp_path),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "review-2019.en.xlsx",
        "review-2019.he.xlsx",
    ]
    english = openpyxl.load_workbook(tmp_path / "review-2019.en.xlsx")
    hebrew = openpyxl.load_workbook(tmp_path / "review-2019.he.xlsx")
    assert english.sheetnames[0] == "Notes"
    assert len(hebrew.sheetnames) == len(english.sheetnames)
    assert hebrew.worksheets[1].sheet_view.rightToLeft


def test_review_xlsx_without_openpyxl_says_how_to_get_it(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl fails, as uninstalled
    result = run_cli(
        "review", "2019", "--sample", "--lang", "en", "--format", "xlsx", "--out", str(tmp_path)
    )
    assert result.code == 1
    assert "xlsx output needs openpyxl: install the 'xlsx' extra" in result.err
    assert list(tmp_path.glob("*.xlsx")) == []
