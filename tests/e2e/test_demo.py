"""`make demo`'s command: the whole federation on sample data, twice in a row, nothing left running."""

from __future__ import annotations

import threading
from pathlib import Path

import openpyxl
import pytest

from datacity_federation.testing import RunCli

pytestmark = pytest.mark.e2e

LANGS = ["ca", "en", "es", "fr", "kn", "ms", "ta", "zh"]


def test_demo_writes_the_review_twice_in_a_row(run_cli: RunCli, tmp_path: Path) -> None:
    before = threading.active_count()
    for _ in range(2):
        result = run_cli("demo", "--out", str(tmp_path), "--today", "2026-01-15")
        assert result.code == 0, result.err
        assert result.out.splitlines()[-1] == f"open {tmp_path / 'index.html'}"
    pages = sorted(p.name for p in tmp_path.glob("review-*.html"))
    assert pages == [f"review-2018.{lang}.html" for lang in LANGS]
    english = (tmp_path / "review-2018.en.html").read_text(encoding="utf-8")
    assert "Sample data" in english
    # Bangalore's season is held back on purpose: three cities report, and Bangalore is late.
    assert "3 of 4" in english
    status = english[english.index('id="reporting-status"') :]
    assert '<tr class="state-late"><th>Bengaluru</th><td>s1</td>' in status
    assert status.count('class="state-received"') == 3
    data = sorted(p.name for p in tmp_path.glob("review-2018*.*") if p.suffix != ".html")
    workbooks = [f"review-2018.{lang}.xlsx" for lang in LANGS]
    assert data == sorted(["review-2018.csv", "review-2018.json", *workbooks])
    book = openpyxl.load_workbook(tmp_path / "review-2018.fr.xlsx")
    assert book.sheetnames[:3] == ["Notes", "Villes", "Réseau"]
    assert "Suivi des transmissions" in book.sheetnames  # the reporting status, its own sheet
    assert threading.active_count() == before  # the hub stopped with the demo


def test_demo_bad_day_is_one_clear_line(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("demo", "--out", str(tmp_path), "--today", "2026-02-30")
    assert result.code == 1
    assert (
        result.err.strip() == "datacity: error: --today: not a date '2026-02-30' (use YYYY-MM-DD)"
    )
