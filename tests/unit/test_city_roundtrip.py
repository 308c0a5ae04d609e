"""A city survives load -> dump -> load unchanged, whatever its content."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datacity_federation import City, load_city
from datacity_federation.domain import Theme
from datacity_federation.domain.season import add_months

pytestmark = pytest.mark.unit

LANGS = ["fr", "en", "ca", "es", "ar", "kn", "zh", "ta", "ms"]
text = (
    st.text(
        alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
slug = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6})?", fullmatch=True)
money = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)


@st.composite
def cities(draw: st.DrawFn) -> dict[str, Any]:
    langs = draw(st.lists(st.sampled_from(LANGS), min_size=1, max_size=3, unique=True))

    def localized() -> dict[str, str]:
        return {lang: draw(text) for lang in langs}

    partner_ids = draw(st.lists(slug, min_size=2, max_size=4, unique=True))
    partners = [
        {"id": pid, "kind": "city" if i == 0 else "corporate", "name": localized()}
        for i, pid in enumerate(partner_ids)
    ]
    seasons, start = [], draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 1, 1)))
    for number in range(1, draw(st.integers(1, 3)) + 1):
        challenges = [
            {
                "id": f"c{number}-{i}",
                "theme": draw(st.sampled_from([t.value for t in Theme])),
                "title": localized(),
                "summary": localized(),
                "owners": partner_ids[:2],
                "datasets": [{"portal": "main", "dataset": draw(slug)}],
                "kpis": [
                    {
                        "indicator": "k",
                        "unit": "h",
                        "baseline": str(draw(money)),
                        "target": str(draw(money)),
                    }
                ],
                "rubric": [{"code": "impact", "weight": str(draw(st.integers(1, 100)))}],
            }
            for i in range(draw(st.integers(0, 2)))
        ]
        seasons.append(
            {
                "id": f"s{number}",
                "number": number,
                "start": start.isoformat(),
                "challenges": challenges,
            }
        )
        start = add_months(start, 12)
    return {
        "id": draw(slug),
        "name": localized(),
        "country": draw(st.sampled_from(["FR", "ES", "SG", "IN", "MA"])),
        "timezone": draw(st.sampled_from(["Europe/Paris", "Asia/Kolkata", "Africa/Casablanca"])),
        "currency": draw(st.sampled_from(["EUR", "INR", "SGD", "MAD"])),
        "languages": langs,
        "portals": [
            {"id": "main", "kind": "ckan", "url": "https://data.example.org/api/3/action/"}
        ],
        "partners": partners,
        "seasons": seasons,
    }


def dump(city: City) -> str:
    return yaml.safe_dump(city.model_dump(mode="json", exclude_defaults=True), allow_unicode=True)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=cities())
def test_city_load_dump_load_round_trips(tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    first = load_city(path)
    path.write_text(dump(first), encoding="utf-8")
    second = load_city(path)
    assert second == first


def test_shipped_cities_round_trip(tmp_path: Path, cities_dir: Path) -> None:
    from datacity_federation import load_federation

    for city in load_federation(cities_dir).cities:
        path = tmp_path / f"{city.id}.yaml"
        path.write_text(dump(city), encoding="utf-8")
        assert load_city(path) == city


def test_decimal_values_survive_exactly(tmp_path: Path, cities_dir: Path) -> None:
    paris = load_city(cities_dir / "paris.yaml")
    kpi = paris.seasons[0].challenges[0].kpis[0]
    assert (kpi.baseline, kpi.target) == (Decimal(10), Decimal(4))
