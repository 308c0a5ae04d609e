"""Use cases of the annual review: choose its languages, build it, write it in a format.

Keyword-only functions; the CLI and apps call these. Files written: ``review-<year>.<lang>.html``
per language plus ``index.html`` (html), ``review-<year>.<lang>.pdf`` (pdf),
``review-<year>.<lang>.xlsx`` (xlsx: the review's tables, one sheet per section, headers in the
language), ``review-<year>.json`` or ``review-<year>.csv`` (json, csv: the same figures, no words).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path

from datacity_federation._i18n import Catalogs, bcp47, parse_locale
from datacity_federation._review.build import build_review
from datacity_federation._review.model import HubSnapshot, Review
from datacity_federation.domain.federation import Federation
from datacity_federation.errors import ReviewError

__all__ = [
    "ReviewFormat",
    "federation_review",
    "review_languages",
    "with_federation",
    "write_review",
]


class ReviewFormat(StrEnum):
    """What ``datacity review --format`` writes."""

    HTML = "html"
    JSON = "json"
    CSV = "csv"
    PDF = "pdf"
    XLSX = "xlsx"


def review_languages(*, federation: Federation, requested: Sequence[str] = ()) -> tuple[str, ...]:
    """The locales to write, in BCP 47 spelling: ``requested``, else the federation's reporting
    languages and every language a member city declares (in that order, without repeats).

    Never refuses a language for want of a catalogue: its words fall back (see
    :class:`~datacity_federation._i18n.Catalogs`); only a tag CLDR does not know is an error.
    """
    wanted = requested or (
        *federation.settings.defaults.reporting_languages,
        *(lang for city in federation.cities for lang in city.languages),
    )
    seen: list[str] = []
    for lang in wanted:
        parse_locale(lang)
        tag = bcp47(lang)
        if tag not in seen:
            seen.append(tag)
    return tuple(seen)


def with_federation(snapshot: HubSnapshot, federation: Federation) -> HubSnapshot:
    """The snapshot with the federation's members (in its order) and their names."""
    members = tuple(c.id for c in federation.cities)
    names = {c.id: dict(c.name) for c in federation.cities}
    return dataclasses.replace(
        snapshot,
        members=members,
        city_names={**snapshot.city_names, **names},
        network_name=dict(federation.settings.name),
        theme_labels={t.code: dict(t.label) for t in federation.settings.themes},
    )


def federation_review(
    *, snapshot: HubSnapshot, federation: Federation, year: int, on: date
) -> Review:
    """Build the review of ``year`` with the federation's members, names and currency rates,
    and the reporting status of its city-seasons on ``on``."""
    from datacity_federation._review.status import (
        expected_seasons,
        reporting_status,
        statuses_for_year,
    )

    settings = federation.settings
    review = build_review(
        with_federation(snapshot, federation),
        year=year,
        on=on,
        currency_rates=settings.currency_rates,
        review_currency=settings.review_currency,
    )
    if snapshot.sample_data and not snapshot.events:
        return review  # generated cells without a hub: no release log to compare the files with
    statuses = reporting_status(expected_seasons(federation.cities), snapshot.events, on=on)
    members = set(review.members)
    shown = statuses_for_year([s for s in statuses if s.city in members], year)
    return dataclasses.replace(review, report_status=shown)


def write_review(
    *,
    review: Review,
    out: Path,
    languages: Sequence[str],
    fmt: ReviewFormat = ReviewFormat.HTML,
    catalogs: Catalogs | None = None,
    profile: str | None = None,
    fonts: Path | None = None,
    strict_fonts: bool = False,
    warn: Callable[[str], None] = lambda _: None,
) -> list[Path]:
    """Write the review into the folder ``out`` (created); return the files written, main first.

    Words come from ``catalogs`` (default: the shipped ones); a language without a complete
    catalogue falls back and its page says so, unless the catalogues are strict. ``profile``:
    the federation's disclosure profile, stated in the workbook's notes sheet.

    PDF: drawn with the fonts of ``fonts`` (default: :func:`~datacity_federation._review.fonts.
    fonts_dir`) only; a page whose scripts those fonts do not cover is reported to ``warn``, or
    refused with ``strict_fonts`` before anything is written.
    """
    from datacity_federation._review import export, render

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReviewError(f"cannot create the output folder {out}: {exc.strerror}") from None
    stem = f"review-{review.year}"
    written: list[Path] = []
    if fmt is ReviewFormat.JSON:
        written.append(_write(out / f"{stem}.json", export.review_json(review)))
    elif fmt is ReviewFormat.CSV:
        written.append(_write(out / f"{stem}.csv", export.review_csv(review)))
    elif fmt is ReviewFormat.XLSX:
        from datacity_federation._review.workbook import review_workbook

        for lang in languages:
            book = review_workbook(review, lang=lang, catalogs=catalogs, profile=profile)
            written.append(_write(out / f"{stem}.{lang}.xlsx", book))
    elif fmt is ReviewFormat.PDF:
        drafts = {
            f"{stem}.{lang}.pdf": render.render_html(review, lang=lang, catalogs=catalogs)
            for lang in languages
        }
        folder = _checked_fonts(drafts, fonts=fonts, strict=strict_fonts, warn=warn)
        for name, html in drafts.items():
            written.append(_write(out / name, render.render_pdf(html, fonts=folder)))
    else:
        files = {lang: f"{stem}.{lang}.html" for lang in languages}
        pages = [
            _write(out / name, render.render_html(review, lang=lang, catalogs=catalogs))
            for lang, name in files.items()
        ]
        written.append(
            _write(out / "index.html", render.render_index(review, files=files, catalogs=catalogs))
        )
        written += pages
    return written


def _checked_fonts(
    pages: Mapping[str, str], *, fonts: Path | None, strict: bool, warn: Callable[[str], None]
) -> Path | None:
    """The font folder to draw the PDF pages with (none: the system's fonts), once every page's
    scripts are checked against it; problems go to ``warn``, or raise under ``strict``."""
    from datacity_federation._review import fonts as pdf_fonts

    folder = fonts or pdf_fonts.fonts_dir()
    files = pdf_fonts.font_files(folder)
    problems: list[str] = []
    if not files:
        problems.append(
            f"no fonts in {folder}: the PDF is drawn with this machine's fonts, unchecked "
            f"(run 'make fonts', or set {pdf_fonts.FONTS_ENV} to a folder of fonts)"
        )
    else:
        covered = pdf_fonts.coverage(files)
        for name, html in pages.items():
            gaps = pdf_fonts.font_gaps(pdf_fonts.page_text(html), covered)
            if gaps:
                problems.append(pdf_fonts.gaps_message(name, gaps, folder))
    if problems and strict:
        raise ReviewError(f"--strict-fonts: {problems[0]}")
    for problem in problems:
        warn(problem)
    return folder if files else None


def _write(path: Path, content: str | bytes) -> Path:
    try:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise ReviewError(f"cannot write {path}: {exc.strerror}") from None
    return path
