"""The hub's read-only HTML site, served beside its API: network, reporting status, feed, reviews.

Rule header:
- read-only: GET only (any other method is 405), no form, no script, no cookie; every page is
  self-contained (the review's CSS inline, charts as inline SVG with a data table) and a
  ``Content-Security-Policy`` forbids anything from elsewhere;
- language: ``/`` picks one from ``Accept-Language`` (or ``?lang=``) among the catalogues'
  languages, with the review's fallback chain, and redirects to ``/<lang>/``; every page links
  the same page in every other language;
- bad input answers the hub's JSON ``{"error", "detail"}`` with a 4xx: an unknown language or a
  year without any season is 404, a malformed one 422; never a stack trace;
- pages are cached per (page, language, year) and per feed position and day: a push moves the
  feed, which empties the cache, and a new day does too (reporting states move with the date).
  Keys come only from validated values and the cache is bounded (least recently used dropped).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Engine

from datacity_federation._i18n import Catalogs, bcp47
from datacity_federation._i18n.negotiate import negotiate
from datacity_federation._review.status import (
    GRACE_DAYS,
    ExpectedSeason,
    expected_seasons,
    reporting_status,
)
from datacity_federation.errors import HubRejected, LanguageError

if TYPE_CHECKING:
    from datacity_federation._review.model import HubSnapshot, Review
    from datacity_federation.domain.federation import Federation

__all__ = [
    "CACHE_PAGES",
    "PageCache",
    "SiteSettings",
    "create_hub_app",
    "install_site",
    "site_settings",
]


CACHE_PAGES = 256
"""Pages kept per worker (19 languages x 3 pages x a few review years fit)."""
FEED_ROWS = 100
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
LangPath = Annotated[
    str,
    Path(
        pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,2}$",
        max_length=20,
        description="A language tag such as fr or pt-BR.",
    ),
]
YearPath = Annotated[int, Path(ge=1900, le=2200, description="The review year.")]


def _today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class SiteSettings:
    """What the site needs besides the hub's database (the composition root fills it)."""

    catalogs: Catalogs = field(default_factory=Catalogs)
    expected: tuple[ExpectedSeason, ...] = ()
    """Seasons the federation's city files declare (the reporting status's due dates)."""
    members: tuple[str, ...] = ()
    """Member cities in display order; empty: every city registered at the hub."""
    network_name: dict[str, str] = field(default_factory=dict)
    city_names: dict[str, dict[str, str]] = field(default_factory=dict)
    review: Callable[[HubSnapshot, int, date], Review] | None = None
    """How a year's review is built (the federation's names and rates); default: plain."""
    grace_days: int = GRACE_DAYS
    clock: Callable[[], date] = _today
    sample_data: bool = False
    """True when the hub holds generated sample data (the review says so)."""


class PageCache:
    """Rendered pages by key, valid for one stamp (feed position, day); bounded, thread-safe."""

    def __init__(self, size: int = CACHE_PAGES) -> None:
        self.size = size
        self.stamp: Hashable = None
        self.pages: OrderedDict[Hashable, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, stamp: Hashable, key: Hashable, make: Callable[[], str]) -> tuple[str, bool]:
        """The page (made when absent) and whether it came from the cache."""
        with self.lock:
            if stamp != self.stamp:
                self.pages.clear()
                self.stamp = stamp
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
                return page, True
        page = make()
        with self.lock:
            if stamp == self.stamp:
                self.pages[key] = page
                while len(self.pages) > self.size:
                    self.pages.popitem(last=False)
        return page, False


def install_site(app: FastAPI, engine: Engine, settings: SiteSettings | None = None) -> PageCache:
    """Add the site's routes to ``app`` (after the API's); return its page cache."""
    from datacity_federation._review.pages import (
        SiteInfo,
        render_feed,
        render_network,
        render_reporting,
        render_review_page,
    )
    from datacity_federation._services.review_source import snapshot_from_engine
    from datacity_federation._sync import hub_read

    conf = settings or SiteSettings()
    languages = conf.catalogs.languages()
    cache = PageCache()

    def language(raw: str) -> str:
        try:
            tag = bcp47(raw)
        except LanguageError:
            tag = raw
        if tag not in languages:
            raise HubRejected(
                404, "unknown_language",
                f"no pages in {raw!r}; languages: {', '.join(languages)}",
            )  # fmt: skip
        return tag

    def serve(lang: str, key: tuple[Hashable, ...], make: Callable[[SiteInfo], str]) -> Response:
        today = conf.clock()
        stamp = (hub_read.feed_position(engine), today)
        info = SiteInfo(
            languages=languages, today=today, network_name=conf.network_name,
            city_names=conf.city_names, catalogs=conf.catalogs, sample_data=conf.sample_data,
        )  # fmt: skip
        page, hit = cache.get(stamp, key, lambda: make(info))
        return HTMLResponse(
            page,
            headers={
                "Content-Language": lang,
                "Content-Security-Policy": CSP,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-cache",
                "X-Datacity-Cache": "hit" if hit else "miss",
            },
        )

    def ordered(cities: list[str]) -> list[str]:
        if not conf.members:
            return sorted(cities)
        rank = {c: i for i, c in enumerate(conf.members)}
        return sorted((c for c in cities if c in rank), key=rank.__getitem__)

    def canonical(raw: str, rest: str) -> Response | None:
        tag = language(raw)
        return RedirectResponse(f"/{tag}{rest}", status_code=308) if tag != raw else None

    @app.get("/", include_in_schema=False)
    def root(
        request: Request,
        lang: Annotated[str | None, Query(max_length=20, pattern=r"^[A-Za-z0-9_-]+$")] = None,
    ) -> Response:
        tag = language(lang) if lang else negotiate(
            request.headers.get("accept-language"), languages
        )  # fmt: skip
        return RedirectResponse(f"/{tag}/", status_code=307, headers={"Vary": "Accept-Language"})

    @app.get("/{lang}/", include_in_schema=False)
    def network(lang: LangPath) -> Response:
        moved = canonical(lang, "/")
        if moved:
            return moved

        def make(info: SiteInfo) -> str:
            cov = hub_read.coverage(engine)
            rows = [cov[c] for c in ordered(list(cov))]
            return render_network(info, lang=lang, coverage=rows,
                                  years=hub_read.season_years(engine))  # fmt: skip

        return serve(lang, ("network", lang), make)

    @app.get("/{lang}/status", include_in_schema=False)
    def status(lang: LangPath) -> Response:
        moved = canonical(lang, "/status")
        if moved:
            return moved

        def make(info: SiteInfo) -> str:
            events = hub_read.release_events(engine)
            if conf.members:
                events = tuple(e for e in events if e.city in conf.members)
            got = reporting_status(conf.expected, events, on=info.today,
                                   grace_days=conf.grace_days)  # fmt: skip
            return render_reporting(info, lang=lang, statuses=got)

        return serve(lang, ("status", lang), make)

    @app.get("/{lang}/feed", include_in_schema=False)
    def feed(lang: LangPath) -> Response:
        moved = canonical(lang, "/feed")
        if moved:
            return moved

        def make(info: SiteInfo) -> str:
            counts = Counter(e.city for e in hub_read.release_events(engine))
            per_city = [(c, counts[c]) for c in ordered(list(counts))]
            entries = hub_read.latest_feed(engine, limit=FEED_ROWS)
            return render_feed(info, lang=lang, entries=entries, per_city=per_city)

        return serve(lang, ("feed", lang), make)

    @app.get("/{lang}/review/{year}", include_in_schema=False)
    def review(lang: LangPath, year: YearPath) -> Response:
        moved = canonical(lang, f"/review/{year}")
        if moved:
            return moved
        if year not in hub_read.season_years(engine):
            raise HubRejected(404, "unknown_year", f"no season at this hub ended in {year}")

        def make(info: SiteInfo) -> str:
            from datacity_federation._review.build import build_review

            snapshot = snapshot_from_engine(engine, year=year)
            if conf.sample_data:
                snapshot = replace(snapshot, sample_data=True)
            if conf.review is not None:
                built = conf.review(snapshot, year, info.today)
            else:
                built = build_review(snapshot, year=year, on=info.today)
            return render_review_page(info, built, lang=lang)

        return serve(lang, ("review", lang, year), make)

    return cache


def site_settings(
    federation: Federation, *, catalogs: Catalogs | None = None, sample_data: bool = False
) -> SiteSettings:
    """The site of a federation: its members in order, names, due dates and review settings."""
    from datacity_federation._services.review import federation_review

    def review(snapshot: HubSnapshot, year: int, on: date) -> Review:
        return federation_review(snapshot=snapshot, federation=federation, year=year, on=on)

    return SiteSettings(
        catalogs=catalogs or Catalogs(),
        expected=expected_seasons(federation.cities),
        members=tuple(c.id for c in federation.cities),
        network_name=dict(federation.settings.name),
        city_names={c.id: dict(c.name) for c in federation.cities},
        review=review,
        sample_data=sample_data,
    )


def create_hub_app(engine: Engine | str, *, site: SiteSettings | None = None,
                   **api: Any) -> FastAPI:  # fmt: skip
    """The hub: its API (:func:`~datacity_federation._sync.hub.create_app`, ``api`` options)
    and, beside it, the read-only site."""
    from datacity_federation._sync.hub import create_app
    from datacity_federation._sync.hub_store import hub_engine

    eng = hub_engine(engine) if isinstance(engine, str) else engine
    app = create_app(eng, **api)
    install_site(app, eng, site)
    return app
