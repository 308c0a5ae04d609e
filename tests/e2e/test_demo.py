"""`make demo`'s command: the whole federation on sample data, twice in a row, nothing left running."""

from __future__ import annotations

import re
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
    assert pages == [f"review-2020.{lang}.html" for lang in LANGS]
    english = (tmp_path / "review-2020.en.html").read_text(encoding="utf-8")
    assert "Sample data" in english
    # Bangalore's season is held back on purpose: three cities report, and Bangalore is late.
    assert "3 of 4" in english
    status = english[english.index('id="reporting-status"') :]
    assert '<tr class="state-late"><th>Bengaluru</th><td>s3-sample</td>' in status
    assert status.count('class="state-received"') == 3
    data = sorted(p.name for p in tmp_path.glob("review-2020*.*") if p.suffix != ".html")
    workbooks = [f"review-2020.{lang}.xlsx" for lang in LANGS]
    assert data == sorted(["review-2020.csv", "review-2020.json", *workbooks])
    book = openpyxl.load_workbook(tmp_path / "review-2020.fr.xlsx")
    assert book.sheetnames[:3] == ["Notes", "Villes", "Réseau"]
    assert "Suivi des transmissions" in book.sheetnames  # the reporting status, its own sheet
    assert threading.active_count() == before  # the hub stopped with the demo
    sections = dict(re.findall(r'<section id="(\w+)">(.*?)</section>', english, re.S))
    # "missing" only where a city really did not report: the late Bangalore, and in the trends
    # the years before a city joined
    rows = [
        row
        for name, html in sections.items()
        if name != "trends"
        for row in re.findall(r"<tr.*?</tr>", html, re.S)
        if 'class="missing"' in row
    ]
    assert rows and all("Bengaluru" in row for row in rows)
    phases = re.sub(r"<[^>]+>", " ", sections["phases"])
    assert "Days spent (mean)" in phases and "suppressed" not in phases
    assert re.search(r"Partner retention.*?%", sections["partners"], re.S)
    assert "Trends since 2016" in sections["trends"]
    assert english.count('<svg class="trend-chart"') == 8 * 5  # 8 metrics, network + 4 cities


def test_demo_bad_day_is_one_clear_line(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("demo", "--out", str(tmp_path), "--today", "2026-02-30")
    assert result.code == 1
    assert (
        result.err.strip() == "datacity: error: --today: not a date '2026-02-30' (use YYYY-MM-DD)"
    )
