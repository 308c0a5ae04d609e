"""Sample programme data for ``datacity demo``: clearly labelled, generated from a fixed seed.

Rule header: nothing here is real. The shipped city files are copied into the demo's work folder
and completed where they are silent: sample corporate partners ("Sample partner N"), sample
challenges on every season that declares none (titled with the theme and the word *sample* in
each of the city's languages). The records (start-ups, applications, pilots, KPI measurements,
sponsorships, contract values) are written as the programme's own CSV import files, so they
pass every rule of the records store.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from datacity_federation._i18n import Catalogs, Translator
from datacity_federation.domain.city import City
from datacity_federation.domain.season import Season, add_months
from datacity_federation.domain.vocab import THEME_LABELS, Phase, Theme

__all__ = ["sample_federation_folder", "sample_records", "sample_word"]

_SHIPPED = Catalogs()

CORPORATE_PARTNERS = 8
"""Sample corporate partners per city; each season draws its own five to seven of them, so
partner retention from one season to the next varies."""
OUTCOMES = ("contract", "joint_offer", "extended", "discontinued")
SAMPLE_UNTIL = 2020
"""Sample seasons are added to every city until its last season ends in this year, so the demo's
trends cover several years and each city of the review year has a season before it."""


def _tr(lang: str) -> Translator:
    return _SHIPPED.translator(lang)


def sample_word(lang: str) -> str:
    """The word that labels generated sample data in ``lang``."""
    # Translators: a label on generated demonstration data ("Sample start-up 012 (sample)").
    return _tr(lang).gettext("sample")


_word = sample_word


def _challenge(rng: random.Random, data: dict[str, Any], season: str, n: int, theme: str,
               corporates: Sequence[str]) -> dict[str, Any]:  # fmt: skip
    langs: list[str] = data["languages"]
    city_partner = next(p["id"] for p in data["partners"] if p["kind"] == "city")
    portal = data["portals"][0]["id"] if data.get("portals") else None
    title = {lang: f"{_tr(lang).label(THEME_LABELS, theme)} ({_word(lang)} {n})" for lang in langs}
    return {
        "id": f"{season}-{n}" if season.endswith("-sample") else f"{season}-sample-{n}",
        "theme": theme,
        "title": title,
        "summary": {lang: f"{title[lang]}." for lang in langs},
        "owners": [city_partner, *rng.sample(list(corporates), 3)],
        "datasets": (
            [
                {"portal": portal, "dataset": f"sample-dataset-{n}"}
                for n in rng.sample(range(1, 41), 3)
            ]
            if portal
            else []
        ),
        "rubric": [
            {"code": "impact", "weight": 50},
            {"code": "feasibility", "weight": 30},
            {"code": "data_use", "weight": 20},
        ],
        "kpis": [
            {
                "indicator": "sample_kpi",
                "unit": "%",
                "baseline": 100,
                "target": 70,
                "label": {langs[0]: f"KPI ({_word(langs[0])})"},
            },
        ],
    }


def sample_federation_folder(*, source: Path, dest: Path, seed: int) -> Path:
    """Copy ``source`` (a federation folder) to ``dest``, completed with labelled sample data."""
    rng = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    federation = yaml.safe_load((source / "federation.yaml").read_text(encoding="utf-8"))
    for path in sorted(source.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name != "federation.yaml" and isinstance(data, dict) and "seasons" in data:
            partners = data.setdefault("partners", [])
            corporates = [
                f"sample-partner-{i}" for i in range(1, CORPORATE_PARTNERS + 1)
            ]  # fmt: skip
            for i, pid in enumerate(corporates, start=1):
                partners.append({
                    "id": pid, "kind": "corporate",
                    "name": {data["languages"][0]: f"Sample partner {i} ({_word(data['languages'][0])})"},
                })  # fmt: skip
            _add_sample_seasons(data, _template(data, federation))
            for season in data["seasons"]:
                if not season.get("challenges"):
                    themes = rng.sample([t.value for t in Theme], 4)
                    active = rng.sample(corporates, rng.randint(5, 7))
                    season["challenges"] = [
                        _challenge(rng, data, season["id"], n, theme, active)
                        for n, theme in enumerate(themes, start=1)
                    ]
        (dest / path.name).write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return dest


def _template(city: dict[str, Any], federation: dict[str, Any]) -> int:
    """Months of a season of ``city`` (its template, else the federation's, else 12)."""
    template = city.get("season_template") or (federation.get("defaults") or {}).get(
        "season_template"
    )
    return sum(template.values()) if isinstance(template, dict) else 12


def _add_sample_seasons(city: dict[str, Any], months: int) -> None:
    """Yearly sample seasons (ids ending in ``-sample``) after the city's last season, while the
    next one still ends by :data:`SAMPLE_UNTIL`. Seasons with explicit phases are left alone."""
    seasons = city["seasons"]
    while seasons and "phases" not in seasons[-1]:
        last = seasons[-1]
        start = date.fromisoformat(str(last["start"]))
        following = start.replace(year=start.year + 1)
        if (add_months(following, months) - timedelta(days=1)).year > SAMPLE_UNTIL:
            return
        number = int(last["number"]) + 1
        seasons.append({"id": f"s{number}-sample", "number": number, "start": following})


def _span(season: Season, phase: Phase) -> tuple[date, date]:
    span = season.span(phase)
    assert span is not None  # every season has the three programme phases
    return span.start, span.end


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _write(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def sample_records(*, city: City, season: Season, folder: Path, seed: int) -> dict[str, Path]:
    """The season's sample records as import files (kind -> CSV path)."""
    rng = random.Random(f"{seed}/{city.id}/{season.id}")
    folder.mkdir(parents=True, exist_ok=True)
    call = _span(season, Phase.CALL)
    exp = _span(season, Phase.EXPERIMENTATION)
    corporates = [p.id for p in city.partners if p.kind.value == "corporate"]
    lang = city.default_language
    apps: list[list[object]] = []
    pilots: list[list[object]] = []
    measures: list[list[object]] = []
    contracts: list[list[object]] = []
    startups = [f"{city.id}-{season.id}-startup-{i:03d}" for i in range(rng.randint(70, 110))]
    for ch in season.challenges:
        applicants = rng.sample(startups, rng.randint(14, 30))
        selected = set(rng.sample(applicants, rng.randint(5, 8)))
        shortlisted = selected | set(rng.sample(applicants, rng.randint(3, 6)))
        for su in applicants:
            app_id = f"{ch.id}-{su}"
            status = (
                "selected" if su in selected else "shortlisted" if su in shortlisted else "rejected"
            )
            name = f"Sample start-up {su.rsplit('-', 1)[-1]} ({_word(lang)})"
            apps.append([app_id, ch.id, su, name, status, lang, _day(rng, *call).isoformat()])
            if status != "selected":
                continue
            pilot = f"P-{app_id}"
            outcome = rng.choices(OUTCOMES, weights=(4, 3, 2, 3))[0]
            started = _day(rng, exp[0], exp[0] + timedelta(days=20))
            completed = _day(rng, exp[1] - timedelta(days=20), exp[1])
            pilots.append([pilot, app_id, "closed", outcome, started.isoformat(),
                           completed.isoformat(), completed.isoformat()])  # fmt: skip
            for kpi in ch.kpis:
                baseline = Decimal(100)
                value = baseline - Decimal(rng.randint(-5, 45))
                measures.append([pilot, kpi.indicator, completed.isoformat(), value, baseline])
            if outcome in ("contract", "joint_offer") and corporates:
                amount = Decimal(rng.randint(20, 250) * 1000)
                contracts.append([pilot, rng.choice(corporates), amount, city.currency])
    owners = {p for ch in season.challenges for p in ch.owners}
    sponsors = [
        [p, Decimal(rng.randint(40, 160) * 1000), city.currency, season.start.isoformat()]
        for p in corporates
        if p in owners
    ]
    phases = _actual_phases(rng, season)
    files = {
        "applications": _write(folder / "applications.csv", [
            "id", "challenge", "startup", "startup_name", "status", "language", "submitted_on",
        ], apps),
        "pilots": _write(folder / "pilots.csv", [
            "id", "application", "status", "outcome", "started_on", "completed_on", "closed_on",
        ], pilots),
        "measurements": _write(folder / "measurements.csv", [
            "pilot", "indicator", "measured_on", "value", "baseline",
        ], measures),
        "sponsorships": _write(folder / "sponsorships.csv", [
            "partner", "amount", "currency", "signed_on",
        ], sponsors),
        "contracts": _write(folder / "contracts.csv", [
            "pilot", "partner", "amount", "currency",
        ], contracts),
        "phases": _write(folder / "phases.csv", ["phase", "started_on", "ended_on"], phases),
    }  # fmt: skip
    return files


def _actual_phases(rng: random.Random, season: Season) -> list[list[object]]:
    """When the season's phases really ended: a few days off the plan either way. The
    experimentation's end is left to the lifecycle (the last pilot completed, from pilots.csv)."""
    rows: list[list[object]] = []
    for span in season.timeline():
        if span.phase is Phase.EXPERIMENTATION:
            continue
        end = span.end + timedelta(days=rng.randint(-12, 18))
        started = span.start.isoformat() if span.phase is Phase.PARTNERING else ""
        rows.append([span.phase.value, started, end.isoformat()])
    return rows
