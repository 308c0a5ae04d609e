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

from datacity_federation._i18n import Catalogs, Translator
from datacity_federation.domain.city import City
from datacity_federation.domain.vocab import ApplicationStatus, Outcome, Phase
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


def season_status(*, db: Engine, city: str, season: str, on: date | None = None) -> SeasonStatus:
    """The phase of ``season`` on ``on`` (default: today in the city) and its funnel counts."""
    from sqlalchemy import select

    from datacity_federation._store import tables as t
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.mapping import table
    from datacity_federation._store.repository import load_city, season_records
    from datacity_federation.domain.records import AuditKind

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


def render_call(
    *,
    city: City,
    season: str,
    out_dir: str | Path,
    templates: str | Path | None = None,
    catalogs: Catalogs | None = None,
) -> list[Path]:
    """Write one HTML page per challenge of ``season`` and per city language; return the paths.

    Words come from ``catalogs`` (default: the shipped ones); numbers and dates follow each
    language's full locale even where the words fall back to English (the page says so).
    """
    from jinja2 import (
        Environment,
        FileSystemLoader,
        StrictUndefined,
        TemplateError,
        select_autoescape,
    )

    from datacity_federation._config.resources import templates_dir
    from datacity_federation.domain.vocab import THEME_LABELS

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
        extensions=["jinja2.ext.i18n"],
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
    for tr in (catalogs or Catalogs()).translators(city.languages):
        env.install_gettext_translations(tr.translations, newstyle=True)  # type: ignore[attr-defined]
        fmt, lang = tr.fmt, tr.tag

        def text(values: dict[str, str] | None, tr: Translator = tr) -> str:
            return tr.name(values or {}, first=city.default_language)

        for challenge in found.challenges:
            weights = challenge.weights()
            context: dict[str, Any] = {
                "lang": lang,
                "dir": tr.direction,
                "fallback_note": tr.page_note(),
                "city_name": text(city.name),
                "season": found,
                "season_number": fmt.number(found.number),
                "title": text(challenge.title),
                "summary": text(challenge.summary),
                "theme": tr.label(THEME_LABELS, challenge.theme),
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
                        "baseline": fmt.number(k.baseline),
                        "target": fmt.number(k.target),
                    }
                    for k in challenge.kpis
                ],
                "rubric": [
                    {
                        "label": text(c.label) or c.code,
                        "weight": fmt.percent(weights[c.code]),
                        "max_score": fmt.number(c.max_score),
                    }
                    for c in challenge.rubric
                ],
                "deadline": fmt.datetime(deadline, length="full"),
                "deadline_iso": deadline.isoformat(),
            }
            path = out / f"{challenge.id}.{lang}.html"
            path.write_text(template.render(**context), encoding="utf-8")
            written.append(path)
    return written
