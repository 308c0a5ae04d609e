"""`make demo`'s command: the whole federation on sample data, twice in a row, nothing left running."""

from __future__ import annotations

import re
import threading
from pathlib import Path

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
    assert "4 of 4" in english
    assert threading.active_count() == before  # the hub stopped with the demo
    sections = dict(re.findall(r'<section id="(\w+)">(.*?)</section>', english, re.S))
    # every city reported in 2020: only the trends show years before a city joined as missing
    assert [name for name, html in sections.items() if 'class="missing"' in html] == ["trends"]
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
