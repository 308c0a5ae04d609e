"""The call for applications: one page per challenge and language, Babel dates, right-to-left."""

from __future__ import annotations

from pathlib import Path

import pytest

from datacity_federation._config.loader import load_federation
from datacity_federation._services.records_views import call_deadline, render_call

pytestmark = pytest.mark.integration

CITIES = Path(__file__).resolve().parents[2] / "cities"


def test_call_deadline_is_end_of_call_in_city_time_zone() -> None:
    paris = load_federation(CITIES).city("paris")
    assert paris is not None
    assert call_deadline(paris, "s1").isoformat() == "2016-02-29T23:59:00+01:00"


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        (
            ("ar", "fr"),
            {"ar": ('dir="rtl"', "29 فبراير 2016"), "fr": ('dir="ltr"', "29 février 2016")},
        ),
        (
            ("zh", "en"),
            {"zh": ('lang="zh"', "2016年2月29日"), "en": ('lang="en"', "February 29, 2016")},
        ),
    ],
)
def test_call_pages_in_each_language(
    tmp_path: Path, languages: tuple[str, ...], expected: dict[str, tuple[str, str]]
) -> None:
    paris = load_federation(CITIES).city("paris")
    assert paris is not None
    city = paris.model_copy(update={"languages": languages})
    paths = render_call(city=city, season="s1", out_dir=tmp_path)
    assert sorted(p.name for p in paths) == sorted(
        f"{c}.{lang}.html" for c in ("waste-collection", "pedestrian-flows") for lang in languages
    )
    for lang, (marker, day) in expected.items():
        page = (tmp_path / f"waste-collection.{lang}.html").read_text(encoding="utf-8")
        assert marker in page
        assert day in page
