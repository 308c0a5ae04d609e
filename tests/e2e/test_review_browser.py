"""The review opened in a real headless Chromium, one page per shipped language.

Asserts what a reader sees: no console error, no request leaving the page (it opens offline),
every chart drawn with a title and a data table beside it, no message id or template syntax
left untranslated, and Arabic laid out right to left. A screenshot per language is kept.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from review_browser import Browser, chromium_path

from datacity_federation._cli.review import SAMPLE_YEARS
from datacity_federation._config.loader import load_federation
from datacity_federation._i18n import SHIPPED_DIR, Catalogs, catalog_name
from datacity_federation._review.trends import TREND_METRICS
from datacity_federation.testing import run_cli

pytestmark = pytest.mark.e2e

LANGS = Catalogs().languages()
RTL = {"ar", "he"}
FALLBACK = "sw"  # no catalogue: English words, Swahili dates and numbers, and a visible note
PLACEHOLDER = re.compile(r"%\(\w+\)s")
CITY_IDS = [c.id for c in load_federation(Path(__file__).resolve().parents[2] / "cities").cities]


@dataclass(frozen=True)
class Site:
    folder: Path
    shots: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("review")
    args = ["review", "2019", "--sample", "--on", "2020-01-10", "--out", str(folder)]
    for lang in (*LANGS, FALLBACK):
        args += ["--lang", lang]
    result = run_cli(*args)
    assert result.code == 0, result.err
    return Site(folder, tmp_path_factory.mktemp("screenshots"))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    exe = chromium_path()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (scripts/test-services.sh installs it)")
        pytest.skip("chromium is not installed (run scripts/test-services.sh)")
    chrome = Browser(tmp_path_factory.mktemp("chromium-profile"), executable=exe)
    try:
        yield chrome
    finally:
        chrome.close()


def english_fragments(lang: str) -> list[str]:
    """Pieces of English messages that a page in ``lang`` must not show (translated differently)."""
    with (SHIPPED_DIR / catalog_name(lang) / "LC_MESSAGES" / "datacity.po").open("rb") as fh:
        catalog = read_po(fh)
    pieces = []
    for m in catalog:
        if m.id and isinstance(m.id, str) and m.string and m.string != m.id:
            pieces += [p.strip() for p in PLACEHOLDER.split(m.id) if len(p.strip()) >= 12]
    return pieces


CHARTS_JS = """
Array.from(document.querySelectorAll('svg.chart')).map(s => ({
  title: (s.querySelector('title') || {}).textContent || '',
  desc: (s.querySelector('desc') || {}).textContent || '',
  marks: s.querySelectorAll('rect').length,
  labels: s.querySelectorAll('text').length,
  width: s.getBoundingClientRect().width,
  table: !!s.closest('figure').querySelector('table'),
}))
"""

TRENDS_JS = """
Array.from(document.querySelectorAll('#trends figure.trend')).map(f => ({
  charts: Array.from(f.querySelectorAll('svg.trend-chart')).map(s => ({
    title: (s.querySelector('title') || {}).textContent || '',
    desc: (s.querySelector('desc') || {}).textContent || '',
    lines: Array.from(s.querySelectorAll('polyline.series'))
      .filter(p => p.getTotalLength() > 0).length,
    marks: s.querySelectorAll('circle.point').length + s.querySelectorAll('text.gap').length,
    width: s.getBoundingClientRect().width,
  })),
  rows: f.querySelectorAll('table tbody tr').length,
  caption: (f.querySelector('table caption') || {}).textContent || '',
}))
"""

MIRROR_JS = """
(() => {
  const ths = document.querySelectorAll('#coverage thead th');
  return [getComputedStyle(document.documentElement).direction,
          ths[0].getBoundingClientRect().left > ths[ths.length - 1].getBoundingClientRect().left];
})()
"""


@pytest.mark.parametrize("lang", LANGS)
def test_review_page_in_chromium(site: Site, browser: Browser, lang: str) -> None:
    path = site.folder / f"review-2019.{lang}.html"
    url = path.as_uri()
    page = browser.open(url)
    shot = browser.screenshot(page)
    (site.shots / f"review-2019.{lang}.png").write_bytes(shot)
    assert shot.startswith(b"\x89PNG") and len(shot) > 50_000

    assert page.console_errors == []
    assert page.requests == [url]  # the page itself, nothing else: it opens offline

    charts = browser.evaluate(page, CHARTS_JS)
    assert len(charts) == 4
    for chart in charts:
        assert chart["title"].strip() and chart["desc"].strip()
        assert chart["marks"] > 0 and chart["labels"] > 0 and chart["width"] > 100
        assert chart["table"] is True

    trends = browser.evaluate(page, TRENDS_JS)
    assert len(trends) == len(TREND_METRICS)
    for figure in trends:
        assert figure["caption"].strip()
        assert len(figure["charts"]) == figure["rows"] == 1 + len(CITY_IDS)  # network, cities
        for chart in figure["charts"]:
            assert chart["title"].strip() and chart["desc"].strip() and chart["width"] > 100
            assert chart["marks"] == SAMPLE_YEARS  # a point or a marked gap for every year
    assert sum(c["lines"] for f in trends for c in f["charts"]) > 0  # lines were drawn

    text = browser.evaluate(page, "document.body.innerText")
    assert "{{" not in text and "{%" not in text and "%(" not in text
    if lang != "en":
        assert [p for p in english_fragments(lang) if p in text] == []

    direction, mirrored = browser.evaluate(page, MIRROR_JS)
    assert (direction, mirrored) == (("rtl", True) if lang in RTL else ("ltr", False))
    assert browser.evaluate(page, "document.querySelector('.fallback-note')") is None


def test_review_page_without_catalogue_shows_the_fallback_note(
    site: Site, browser: Browser
) -> None:
    url = (site.folder / f"review-2019.{FALLBACK}.html").as_uri()
    page = browser.open(url)
    assert page.console_errors == []
    note = browser.evaluate(
        page,
        "(() => { const n = document.querySelector('.fallback-note');"
        " return n ? [n.innerText, n.getBoundingClientRect().height] : null; })()",
    )
    assert note is not None and "Kiswahili" in note[0] and note[1] > 0


def test_review_index_links_open_offline(site: Site, browser: Browser) -> None:
    url = (site.folder / "index.html").as_uri()
    page = browser.open(url)
    links = browser.evaluate(page, "Array.from(document.querySelectorAll('a')).map(a => a.href)")
    assert sorted(links) == sorted(
        (site.folder / f"review-2019.{lang}.html").as_uri() for lang in (*LANGS, FALLBACK)
    )
    assert page.console_errors == []
    assert page.requests == [url]
