"""The review renders in every shipped locale: translated, formatted for the locale, RTL for Arabic."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from datacity_federation._i18n import Catalogs
from datacity_federation._review import Review, build_review
from datacity_federation._review.render import render_html, render_index
from datacity_federation._review.sample import sample_snapshot
from datacity_federation._review.trends import TREND_METRICS
from datacity_federation.errors import LanguageError

pytestmark = pytest.mark.integration

CITIES = (("paris", "EUR"), ("barcelona", "EUR"), ("singapore", "SGD"), ("bangalore", "INR"))


@pytest.fixture(scope="module")
def review() -> Review:
    snap = sample_snapshot(cities=CITIES, years=(2018, 2019), seed=11)
    return build_review(
        snap, year=2019, on=date(2020, 1, 10),
        currency_rates={"SGD": Decimal("0.68"), "INR": Decimal("0.011")}, review_currency="EUR",
    )  # fmt: skip


@pytest.mark.parametrize("lang", Catalogs().languages())
def test_render_html_is_complete_in_every_locale(review: Review, lang: str) -> None:
    html = render_html(review, lang=lang)
    rtl = lang in ("ar", "he")
    assert f'<html lang="{lang}" dir="{"rtl" if rtl else "ltr"}">' in html
    assert 'class="fallback-note"' not in html
    assert "{{" not in html and "{%" not in html
    trend_charts = len(TREND_METRICS) * (1 + len(CITIES))  # network + each city, per metric
    assert html.count('<svg class="chart"') == 4
    assert html.count('<svg class="trend-chart"') == trend_charts
    assert html.count("<desc") == 4 + trend_charts
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    if lang != "en":
        for english in ("The network at a glance", "How to read this review", "Cities compared"):
            assert english not in html


def test_render_html_formats_numbers_for_the_locale(review: Review) -> None:
    fr = render_html(review, lang="fr")
    assert "Bilan annuel inter-villes 2019" in fr
    assert re.search(r"\d\u202f\d{3}", fr)  # French groups thousands with a narrow space
    assert "10 janvier 2020" in fr


def test_render_html_arabic_is_right_to_left(review: Review) -> None:
    html = render_html(review, lang="ar")
    assert 'dir="rtl"' in html
    assert "المراجعة السنوية بين المدن" in html


def test_render_html_states_the_conversion_rates(review: Review) -> None:
    html = render_html(review, lang="en")
    assert "1 SGD = 0.68 EUR" in html
    assert "never added together" in html


def test_render_html_says_when_data_is_sample(review: Review) -> None:
    assert "Sample data" in render_html(review, lang="en")


def test_render_html_regional_tag_falls_back_to_base_language(review: Review) -> None:
    assert 'lang="fr-CA"' in render_html(review, lang="fr-CA")


def test_render_html_unknown_language_is_refused(review: Review) -> None:
    with pytest.raises(LanguageError, match="unknown language 'xx'"):
        render_html(review, lang="xx")


def test_render_html_without_catalogue_falls_back_and_says_so(review: Review) -> None:
    html = render_html(review, lang="sw")
    assert 'lang="sw" dir="ltr"' in html
    assert "The network at a glance" in html  # the words, in English
    assert 'class="fallback-note"' in html and "Kiswahili" in html
    assert "10 Januari 2020" in html  # the dates, in Swahili


def test_render_html_without_catalogue_is_refused_when_strict(review: Review) -> None:
    with pytest.raises(LanguageError, match="strict-lang"):
        render_html(review, lang="sw", catalogs=Catalogs(strict=True))


def test_render_html_money_follows_the_locale_pattern(review: Review) -> None:
    fr = render_html(review, lang="fr")
    assert re.search(r"\d \u20ac|\d\xa0\u20ac", fr)  # "1 234 €": the symbol after the amount
    assert not re.search(r"\u20ac\d", fr)


def test_render_index_links_every_language(review: Review) -> None:
    html = render_index(review, files={"en": "review-2019.en.html", "ar": "review-2019.ar.html"})
    assert 'href="review-2019.ar.html"' in html
    assert "العربية" in html
