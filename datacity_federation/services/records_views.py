"""Views over a season: its status (phase, funnel, money) and the call for applications.

Rule header: these functions return numbers, dates and paths; words and number formats are the
caller's (the CLI formats with Babel for one locale). The call for applications is rendered from
the city file (it is published before any record exists) with the Jinja2 templates in
``templates/call/``: one page per challenge and per city language, the deadline being the last
day of the call phase at 23:59 in the city's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from datacity_federation.domain.city import City
from datacity_federation.domain.vocab import ApplicationStatus, Outcome, Phase, label
from datacity_federation.errors import DatacityError, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["FUNNEL", "SeasonStatus", "call_deadline", "render_call", "season_status"]

FUNNEL = ("applications", "shortlisted", "selected", "pilots", "contracts", "joint_offers")
"""The funnel's steps, in order."""


@dataclass(frozen=True, slots=True)
class SeasonStatus:
    """Where a season stands on a day."""

    city: City
    season: str
    number: int
    on: date
    phase: Phase | None
    days_left: int | None
    funnel: dict[str, int]
    """Counts per :data:`FUNNEL` step: applications (submitted, not drafts), shortlisted (ever),
    selected, pilots, pilots closed with a contract, with a joint offer."""
    sponsorship_total: Decimal
    currency: str


def season_status(
    *, db: str | Path | Engine | None = None, city: str, season: str, on: date | None = None
) -> SeasonStatus:
    """The phase of ``season`` on ``on`` (default: today in the city) and its funnel counts."""
    from sqlalchemy import select

    from datacity_federation.domain.records import AuditKind
    from datacity_federation.store import tables as t
    from datacity_federation.store.engine import transaction
    from datacity_federation.store.mapping import table
    from datacity_federation.store.repository import load_city, season_records

    with transaction(db) as conn:
        found = load_city(conn, city)
        records = season_records(conn, city, season)
        events = table(t.AuditEventRow)
        ids = {a.id for a in records.applications}
        ever_shortlisted = {
            record
            for record in conn.execute(
                select(events.c.record).where(
                    events.c.city_id == city,
                    events.c.kind == AuditKind.APPLICATION.value,
                    events.c.to_state == ApplicationStatus.SHORTLISTED.value,
                )
            ).scalars()
            if record in ids
        }
    day = on or datetime.now(ZoneInfo(found.timezone)).date()
    the_season = found.season(season)
    assert the_season is not None  # season_records checked it
    apps = records.applications
    shortlisted = ever_shortlisted | {
        a.id
        for a in apps
        if a.status in (ApplicationStatus.SHORTLISTED, ApplicationStatus.SELECTED)
    }
    funnel = {
        "applications": sum(1 for a in apps if a.status is not ApplicationStatus.DRAFT),
        "shortlisted": len(shortlisted),
        "selected": sum(1 for a in apps if a.status is ApplicationStatus.SELECTED),
        "pilots": len(records.pilots),
        "contracts": sum(1 for p in records.pilots if p.outcome is Outcome.CONTRACT),
        "joint_offers": sum(1 for p in records.pilots if p.outcome is Outcome.JOINT_OFFER),
    }
    total = sum((s.amount for s in records.sponsorships), Decimal(0))
    return SeasonStatus(
        city=found,
        season=the_season.id,
        number=the_season.number,
        on=day,
        phase=the_season.phase_on(day),
        days_left=the_season.days_left(day),
        funnel=funnel,
        sponsorship_total=total,
        currency=found.currency,
    )


def call_deadline(city: City, season_id: str) -> datetime:
    """The end of the call phase: its last day at 23:59 in the city's time zone."""
    season = city.season(season_id)
    if season is None:
        raise DatacityError(f"no season {season_id!r} in {city.id}")
    span = season.span(Phase.CALL)
    if span is None:
        raise DatacityError(f"season {season.id} of {city.id} has no call phase")
    return datetime.combine(span.end, time(23, 59), tzinfo=ZoneInfo(city.timezone))


# Headings of the call page; the language's own text, English when a language is missing.
# fmt: off
WORDS: dict[str, dict[str, str]] = {
    "call": {"en": "Call for start-ups", "fr": "Appel à candidatures",
        "es": "Convocatoria de start-ups", "ca": "Convocatòria d'start-ups",
        "ar": "دعوة الشركات الناشئة", "hi": "स्टार्ट-अप आमंत्रण",
        "kn": "ಸ್ಟಾರ್ಟ್\u200cಅಪ್ ಆಹ್ವಾನ", "ms": "Pelawaan syarikat pemula",
        "ta": "புத்தொழில் அழைப்பு", "zh": "初创企业征集"},
    "season": {"en": "Season", "fr": "Saison", "es": "Temporada", "ca": "Temporada",
        "ar": "الموسم", "hi": "सत्र", "kn": "ಋತು", "ms": "Musim", "ta": "பருவம்", "zh": "季"},
    "theme": {"en": "Theme", "fr": "Thème", "es": "Tema", "ca": "Tema", "ar": "الموضوع",
        "hi": "विषय", "kn": "ವಿಷಯ", "ms": "Tema", "ta": "கருப்பொருள்", "zh": "主题"},
    "partners": {"en": "Partners", "fr": "Partenaires", "es": "Socios", "ca": "Socis",
        "ar": "الشركاء", "hi": "साझेदार", "kn": "ಪಾಲುದಾರರು", "ms": "Rakan kongsi",
        "ta": "பங்குதாரர்கள்", "zh": "合作伙伴"},
    "datasets": {"en": "Data sets", "fr": "Jeux de données", "es": "Conjuntos de datos",
        "ca": "Conjunts de dades", "ar": "مجموعات البيانات", "hi": "डेटा सेट",
        "kn": "ದತ್ತಾಂಶ ಸಂಗ್ರಹಗಳು", "ms": "Set data", "ta": "தரவுத் தொகுப்புகள்", "zh": "数据集"},
    "kpis": {"en": "How pilots are measured", "fr": "Comment les expérimentations sont mesurées",
        "es": "Cómo se miden los pilotos", "ca": "Com es mesuren els pilots",
        "ar": "كيف تقاس التجارب", "hi": "पायलट कैसे मापे जाते हैं",
        "kn": "ಪ್ರಾಯೋಗಿಕ ಯೋಜನೆಗಳ ಅಳತೆ", "ms": "Cara perintis diukur",
        "ta": "சோதனைகள் எவ்வாறு அளவிடப்படுகின்றன", "zh": "试点评估方式"},
    "rubric": {"en": "How applications are scored", "fr": "Grille d'évaluation",
        "es": "Criterios de evaluación", "ca": "Criteris d'avaluació", "ar": "معايير التقييم",
        "hi": "मूल्यांकन मानदंड", "kn": "ಮೌಲ್ಯಮಾಪನ ಮಾನದಂಡಗಳು", "ms": "Kriteria penilaian",
        "ta": "மதிப்பீட்டு அளவுகோல்கள்", "zh": "评分标准"},
    "criterion": {"en": "Criterion", "fr": "Critère", "es": "Criterio", "ca": "Criteri",
        "ar": "المعيار", "hi": "मानदंड", "kn": "ಮಾನದಂಡ", "ms": "Kriteria", "ta": "அளவுகோல்",
        "zh": "标准"},
    "weight": {"en": "Weight", "fr": "Poids", "es": "Peso", "ca": "Pes", "ar": "الوزن",
        "hi": "भार", "kn": "ತೂಕ", "ms": "Wajaran", "ta": "எடை", "zh": "权重"},
    "deadline": {"en": "Deadline", "fr": "Date limite", "es": "Fecha límite", "ca": "Data límit",
        "ar": "آخر أجل", "hi": "अंतिम तिथि", "kn": "ಕೊನೆಯ ದಿನಾಂಕ", "ms": "Tarikh tutup",
        "ta": "கடைசி நாள்", "zh": "截止时间"},
    "baseline": {"en": "baseline", "fr": "référence", "es": "referencia", "ca": "referència",
        "ar": "خط الأساس", "hi": "आधार", "kn": "ಆಧಾರ", "ms": "garis dasar", "ta": "அடிப்படை",
        "zh": "基线"},
    "target": {"en": "target", "fr": "cible", "es": "objetivo", "ca": "objectiu", "ar": "الهدف",
        "hi": "लक्ष्य", "kn": "ಗುರಿ", "ms": "sasaran", "ta": "இலக்கு", "zh": "目标"},
}
# fmt: on

RTL = frozenset({"ar", "he", "fa", "ur"})


def word(key: str, lang: str) -> str:
    """A heading of the call page in ``lang`` (base language, then English)."""
    return label(WORDS, key, lang)


def render_call(
    *, city: City, season: str, out_dir: str | Path, templates: str | Path | None = None
) -> list[Path]:
    """Write one HTML page per challenge of ``season`` and per city language; return the paths."""
    from babel import Locale
    from babel.dates import format_datetime
    from babel.numbers import format_decimal, format_percent
    from jinja2 import (
        Environment,
        FileSystemLoader,
        StrictUndefined,
        TemplateError,
        select_autoescape,
    )

    from datacity_federation.config.resources import templates_dir
    from datacity_federation.domain.vocab import THEME_LABELS, label

    found = city.season(season)
    if found is None:
        known = ", ".join(s.id for s in city.seasons) or "none"
        raise DatacityError(f"no season {season!r} in {city.id} (known: {known})")
    if not found.challenges:
        raise DatacityError(f"season {found.id} of {city.id} has no challenges to call for")
    deadline = call_deadline(city, found.id)
    folder = Path(templates) if templates is not None else templates_dir() / "call"
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{out}: cannot create the folder ({exc.strerror})") from None
    written: list[Path] = []
    try:
        template = env.get_template("challenge.html.j2")
    except TemplateError as exc:
        raise DatacityError(f"{folder}: call template: {exc}") from None
    for lang in city.languages:
        locale = Locale.parse(lang, sep="-")

        def text(values: dict[str, str] | None, lang: str = lang) -> str:
            if not values:
                return ""
            return (
                values.get(lang) or values.get(city.default_language) or next(iter(values.values()))
            )

        for challenge in found.challenges:
            weights = challenge.weights()
            context: dict[str, Any] = {
                "lang": lang,
                "dir": "rtl" if lang.split("-")[0] in RTL else "ltr",
                "w": {key: word(key, lang) for key in WORDS},
                "city_name": text(city.name),
                "season": found,
                "title": text(challenge.title),
                "summary": text(challenge.summary),
                "theme": label(THEME_LABELS, challenge.theme, lang),
                "partners": [text(p.name) for o in challenge.owners if (p := city.partner(o))],
                "datasets": [
                    {
                        "portal": next(
                            (p.name or p.id for p in city.portals if p.id == d.portal), d.portal
                        ),
                        "url": next((p.url for p in city.portals if p.id == d.portal), ""),
                        "id": d.dataset,
                    }
                    for d in challenge.datasets
                ],
                "kpis": [
                    {
                        "label": text(k.label) or k.indicator,
                        "unit": k.unit,
                        "baseline": format_decimal(k.baseline, locale=locale),
                        "target": format_decimal(k.target, locale=locale),
                    }
                    for k in challenge.kpis
                ],
                "rubric": [
                    {
                        "label": text(c.label) or c.code,
                        "weight": format_percent(weights[c.code], locale=locale),
                        "max_score": format_decimal(c.max_score, locale=locale),
                    }
                    for c in challenge.rubric
                ],
                "deadline": format_datetime(
                    deadline, format="full", tzinfo=deadline.tzinfo, locale=locale
                ),
                "deadline_iso": deadline.isoformat(),
            }
            path = out / f"{challenge.id}.{lang}.html"
            path.write_text(template.render(**context), encoding="utf-8")
            written.append(path)
    return written
