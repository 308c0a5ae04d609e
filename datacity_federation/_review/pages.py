"""The hub's live pages (network status, reporting status, feed) and the review it serves.

Rule header: rendered like the review (one locale bound per render, the same catalogues and
fallback chain, the review's CSS and chart macros, inline SVG with a data table beside each
chart, nothing loaded from elsewhere), with a navigation and a language switcher whose links stay
on the hub (``/<lang>/...``). The data comes in as arguments: this module reads nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from datacity_federation._i18n import Catalogs, Translator, bcp47
from datacity_federation._review.model import Review
from datacity_federation._review.render import _environment, _Formats, _scale, render_html
from datacity_federation._review.status import ReportState, SeasonStatus, status_counts

__all__ = ["SiteInfo", "render_feed", "render_network", "render_reporting", "render_review_page"]


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What every hub page shows: the network's and cities' names, the languages, the day."""

    languages: tuple[str, ...]
    """Languages of the switcher (BCP 47), in display order."""
    today: date
    network_name: Mapping[str, str] = field(default_factory=dict)
    city_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    catalogs: Catalogs = field(default_factory=Catalogs)
    sample_data: bool = False
    """True when the hub holds generated sample data (the pages say so)."""


def _page_links(tr: Translator, tag: str) -> list[tuple[str, str, str]]:
    _ = tr.gettext
    return [
        # Translators: links of the hub's pages: the network, who is late, what was received.
        ("network", f"/{tag}/", _("Network status")),
        ("status", f"/{tag}/status", _("Reporting status")),
        ("feed", f"/{tag}/feed", _("Feed")),
    ]


def _site(site: SiteInfo, tr: Translator, page: str, rest: str) -> dict[str, Any]:
    """The navigation and the language switcher of a page at ``/<lang><rest>``."""
    switcher = []
    for code in site.languages:
        other = site.catalogs.translator(code)
        switcher.append((other.tag, other.fmt.language(other.tag), f"/{other.tag}{rest}",
                         other.direction))  # fmt: skip
    return {
        "site_pages": _page_links(tr, tr.tag),
        "site_page": page,
        "site_languages": switcher,
        "base": f"/{tr.tag}",
    }


def _context(site: SiteInfo, lang: str, page: str, rest: str) -> tuple[Translator, dict[str, Any]]:
    tr = site.catalogs.translator(lang)

    def city(code: str) -> str:
        return tr.name(site.city_names.get(code, {})) or code

    return tr, {
        "lang": tr.tag,
        "dir": tr.direction,
        "f": _Formats(tr),
        "city": city,
        "scale": _scale,
        "network_name": tr.name(site.network_name) or "Data City",
        "fallback_note": tr.page_note(),
        "today": site.today,
        "sample": site.sample_data,
        **_site(site, tr, page, rest),
    }


def _render(template: str, site: SiteInfo, ctx: dict[str, Any], tr: Translator) -> str:
    env = _environment(site.catalogs, bcp47(tr.tag))
    return env.get_template(template).render(ctx)


def render_network(
    site: SiteInfo, *, lang: str, coverage: Sequence[Any], years: Sequence[int]
) -> str:
    """The network status page: each city's seasons, last bundle and signatures; review years.

    ``coverage``: per city, an object with ``city``, ``seasons_reported``, ``last_bundle_id``,
    ``last_received_at`` and ``signature_verified`` (the hub's ``CityCoverage``)."""
    tr, ctx = _context(site, lang, "network", "/")
    ctx |= {"page_title": tr.gettext("Network status"), "coverage": coverage, "years": years}
    return _render("network.html.j2", site, ctx, tr)


def render_reporting(site: SiteInfo, *, lang: str, statuses: Sequence[SeasonStatus]) -> str:
    """The reporting status page: counts per state (chart and table), then every city-season."""
    tr, ctx = _context(site, lang, "status", "/status")
    counts = [(state.value, n) for state, n in status_counts(statuses).items()]
    ctx |= {
        "page_title": tr.gettext("Reporting status"),
        "counts": counts,
        "statuses": statuses,
        "status_on": site.today,
        "states": ReportState,
    }
    return _render("reporting.html.j2", site, ctx, tr)


def render_feed(site: SiteInfo, *, lang: str, entries: Sequence[Any],
                per_city: Sequence[tuple[str, int]]) -> str:  # fmt: skip
    """The feed page: bundles per city (chart and table), then the latest entries (objects with
    ``at``, ``city``, ``season``, ``seq``, ``action`` and ``bundle_id``: the hub's feed entries)."""
    tr, ctx = _context(site, lang, "feed", "/feed")
    ctx |= {"page_title": tr.gettext("Feed"), "entries": entries, "per_city": per_city}
    return _render("feed.html.j2", site, ctx, tr)


def render_review_page(site: SiteInfo, review: Review, *, lang: str) -> str:
    """The annual review of ``review.year`` with the hub's navigation and language switcher."""
    links = _site(site, site.catalogs.translator(lang), "review", f"/review/{review.year}")
    return render_html(review, lang=lang, catalogs=site.catalogs, site=links)
