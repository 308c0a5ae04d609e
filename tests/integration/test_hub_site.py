"""The hub's read-only site over HTTP: language negotiation, pages, caching, bad input."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from site_hub import FilledHub, fill_hub, site_of_shipped_cities

from datacity_federation._services.hub_site import PageCache
from datacity_federation._sync.hub_store import hub_engine
from datacity_federation.testing.hub_server import hub_in_thread

pytestmark = pytest.mark.integration


@dataclass
class Site:
    hub: FilledHub
    http: httpx.Client


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    db = tmp_path_factory.mktemp("site") / "hub.db"
    engine = hub_engine(str(db))
    hub = fill_hub(engine)
    with (
        hub_in_thread(str(db), site=site_of_shipped_cities()) as url,
        httpx.Client(base_url=url, timeout=60) as http,
    ):
        yield Site(hub, http)
    engine.dispose()


@pytest.mark.parametrize(
    ("header", "lang"),
    [("fr-CA,fr;q=0.9,en;q=0.5", "fr"), ("pt", "pt-BR"), ("sw", "en"), (None, "en"),
     ("he;q=0.4, ar;q=0.8", "ar")],
)  # fmt: skip
def test_site_root_redirects_to_the_visitors_language(
    site: Site, header: str | None, lang: str
) -> None:
    got = site.http.get("/", headers={"Accept-Language": header} if header else {})
    assert (got.status_code, got.headers["location"]) == (307, f"/{lang}/")
    assert got.headers["vary"] == "Accept-Language"


def test_site_lang_parameter_wins_over_the_header(site: Site) -> None:
    got = site.http.get("/?lang=ja", headers={"Accept-Language": "fr"})
    assert (got.status_code, got.headers["location"]) == (307, "/ja/")


def test_site_other_spelling_of_a_language_redirects_to_its_own(site: Site) -> None:
    got = site.http.get("/pt_br/status")
    assert (got.status_code, got.headers["location"]) == (308, "/pt-BR/status")


@pytest.mark.parametrize("path", ["/fr/", "/fr/status", "/fr/feed", "/fr/review/2018"])
def test_site_page_is_in_the_language_and_offline(site: Site, path: str) -> None:
    got = site.http.get(path)
    assert got.status_code == 200
    assert got.headers["content-type"] == "text/html; charset=utf-8"
    assert got.headers["content-language"] == "fr"
    assert "default-src 'none'" in got.headers["content-security-policy"]
    page = got.text
    assert '<html lang="fr" dir="ltr">' in page
    assert re.findall(r'(?:src|href)="(?:https?:)?//', page) == []  # nothing from elsewhere
    assert "<script" not in page and "<form" not in page
    assert 'href="/ar' + path[3:] + '"' in page  # the switcher links the same page


@pytest.mark.parametrize("lang", ["ar", "he"])
def test_site_right_to_left_languages(site: Site, lang: str) -> None:
    for path in ("/", "/status", "/feed", "/review/2018"):
        page = site.http.get(f"/{lang}{path}").text
        assert f'<html lang="{lang}" dir="rtl">' in page


def test_site_status_page_shows_the_late_and_the_retracted_season(site: Site) -> None:
    page = site.http.get("/en/status").text
    rows = re.findall(r'<tr class="state-(\w+)"><th>([^<]+)</th><td>(\w+)</td>', page)
    assert rows == [
        ("received", "Paris", "s1"), ("received", "Paris", "s2"), ("received", "Paris", "s3"),
        ("received", "Barcelona", "s1"), ("retracted", "Singapore", "s1"),
        ("late", "Bengaluru", "s1"),
    ]  # fmt: skip
    assert '<td class="n">139</td>' in page


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/xx/", 404, "unknown_language"),
        ("/fr/review/1999", 404, "unknown_year"),
        ("/fr/review/abc", 422, "invalid_request"),
        ("/fr/review/99999", 422, "invalid_request"),
        ("/" + "a" * 30 + "/", 422, "invalid_request"),
        ("/?lang=klingon", 404, "unknown_language"),
        ("/?lang=%3Cb%3E", 422, "invalid_request"),
        ("/fr/nothing", 404, "not_found"),
    ],
)
def test_site_bad_input_is_a_4xx_with_a_reason(
    site: Site, path: str, status: int, error: str
) -> None:
    got = site.http.get(path)
    assert got.status_code == status
    body = got.json()
    assert body["error"] == error and body["detail"]
    assert "Traceback" not in got.text


def test_site_is_read_only(site: Site) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        got = site.http.request(method, "/fr/status")
        assert (got.status_code, got.json()["error"]) == (405, "method_not_allowed")


def test_site_caches_per_feed_position_and_a_push_invalidates(site: Site) -> None:
    first = site.http.get("/en/status")
    again = site.http.get("/en/status")
    assert (first.headers["x-datacity-cache"], again.headers["x-datacity-cache"]) in [
        ("miss", "hit"), ("hit", "hit"),
    ]  # fmt: skip
    assert again.text == first.text
    assert site.http.get("/fr/status").text != first.text  # keyed by language too
    site.hub.push("bangalore", "s1")  # the late season arrives
    after = site.http.get("/en/status")
    assert after.headers["x-datacity-cache"] == "miss"
    assert "state-late" not in after.text and "state-late" in first.text
    assert site.http.get("/en/status").headers["x-datacity-cache"] == "hit"


def test_page_cache_is_bounded_and_keyed_by_stamp() -> None:
    cache = PageCache(size=3)
    for n in range(5):
        cache.get(1, n, lambda n=n: f"page {n}")
    assert list(cache.pages) == [2, 3, 4]
    assert cache.get(1, 4, lambda: "new") == ("page 4", True)
    assert cache.get(2, 4, lambda: "new") == ("new", False)
    assert list(cache.pages) == [4]


def test_site_review_page_is_the_review_with_the_site_navigation(site: Site) -> None:
    page = site.http.get("/en/review/2018").text
    assert 'id="reporting-status"' in page and 'class="site"' in page
    assert page.count('<svg class="chart"') >= 4


def test_site_without_federation_lists_what_the_hub_holds(tmp_path: Path) -> None:
    engine = hub_engine(str(tmp_path / "hub.db"))
    fill_hub(engine)
    with hub_in_thread(str(tmp_path / "hub.db")) as url:
        page = httpx.get(f"{url}/en/status", timeout=60).text
    engine.dispose()
    assert "state-late" not in page
    assert page.count('class="state-received"') == 4


def test_hub_serve_serves_the_site_of_its_city_files(tmp_path: Path) -> None:
    from site_hub import ROOT

    from datacity_federation.testing.hub_server import hub_process

    engine = hub_engine(str(tmp_path / "hub.db"))
    fill_hub(engine)
    engine.dispose()
    with hub_process(str(tmp_path / "hub.db"), args=("--cities", str(ROOT / "cities"))) as hub:
        status = httpx.get(f"{hub.url}/en/status", timeout=60)
        root = httpx.get(hub.url, headers={"Accept-Language": "kn"}, timeout=60)
    assert status.status_code == 200
    assert '<tr class="state-late"><th>Bengaluru</th>' in status.text  # due dates from the files
    assert root.headers["location"] == "/kn/"
