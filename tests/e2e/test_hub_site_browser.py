"""The hub's live site in a real headless Chromium: every page, switched between languages.

Asserts what a visitor sees: no console error, no request beyond the hub's own page, every chart
drawn with a title, a description and a data table, the switcher leading to the same page in
another language, and Arabic and Hebrew laid out right to left.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from review_browser import Browser, chromium_path
from site_hub import fill_hub, site_of_shipped_cities

from datacity_federation._sync.hub_store import hub_engine
from datacity_federation.testing.hub_server import hub_in_thread

pytestmark = pytest.mark.e2e

PAGES = {"/": 1, "/status": 1, "/feed": 1, "/review/2018": 4}
"""Each page and how many charts it draws."""
LANGS = ("en", "fr", "zh", "hi", "ar", "he")


@dataclass(frozen=True)
class Live:
    url: str
    shots: Path


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    db = tmp_path_factory.mktemp("site") / "hub.db"
    engine = hub_engine(str(db))
    fill_hub(engine)
    with hub_in_thread(str(db), site=site_of_shipped_cities()) as url:
        yield Live(url, tmp_path_factory.mktemp("screenshots"))
    engine.dispose()


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


CHARTS_JS = """
Array.from(document.querySelectorAll('svg.chart')).map(s => ({
  title: (s.querySelector('title') || {}).textContent || '',
  desc: (s.querySelector('desc') || {}).textContent || '',
  marks: s.querySelectorAll('rect').length,
  width: s.getBoundingClientRect().width,
  table: !!s.closest('figure').querySelector('table caption'),
}))
"""
PAGE_JS = """
[document.documentElement.lang, getComputedStyle(document.documentElement).direction,
 document.querySelectorAll('h1').length, document.querySelectorAll('h2').length,
 Array.from(document.querySelectorAll('table')).every(t => t.querySelector('th'))]
"""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", sorted(PAGES))
def test_hub_page_in_chromium(live: Live, browser: Browser, lang: str, path: str) -> None:
    url = f"{live.url}/{lang}{path}"
    page = browser.open(url)
    assert page.console_errors == []
    assert page.requests == [url]  # the page itself, nothing else

    charts = browser.evaluate(page, CHARTS_JS)
    assert len(charts) == PAGES[path]
    for chart in charts:
        assert chart["title"].strip() and chart["desc"].strip()
        assert chart["marks"] > 0 and chart["width"] > 100 and chart["table"] is True

    got_lang, direction, h1, h2, headed = browser.evaluate(page, PAGE_JS)
    assert (got_lang, direction) == (lang, "rtl" if lang in ("ar", "he") else "ltr")
    assert h1 == 1 and h2 >= 1 and headed is True
    text = browser.evaluate(page, "document.body.innerText")
    assert "{{" not in text and "%(" not in text
    if path == "/status":
        shot = browser.screenshot(page)
        (live.shots / f"status.{lang}.png").write_bytes(shot)
        assert shot.startswith(b"\x89PNG")


def test_hub_language_switch_in_chromium(live: Live, browser: Browser) -> None:
    start = f"{live.url}/"
    page = browser.open(start)  # Chromium's Accept-Language is English here
    assert browser.evaluate(page, "location.pathname") == "/en/"
    hop = browser.evaluate(page, "document.querySelector('nav.languages a[hreflang=\"ar\"]').href")
    assert hop == f"{live.url}/ar/"
    page = browser.open(hop)
    assert browser.evaluate(page, "[document.documentElement.lang, document.dir]") == ["ar", "rtl"]
    status = browser.evaluate(page, "document.querySelector('nav.site a[href$=\"/status\"]').href")
    page = browser.open(status)
    assert browser.evaluate(page, "location.pathname") == "/ar/status"
    back = browser.evaluate(page, "document.querySelector('nav.languages a[hreflang=\"fr\"]').href")
    page = browser.open(back)
    assert browser.evaluate(page, "[location.pathname, document.dir]") == ["/fr/status", "ltr"]
    assert page.console_errors == []
    assert all(r.startswith(live.url) for r in page.requests)
