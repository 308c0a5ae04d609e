"""``datacity review``: the annual cross-city review from a hub, in every member city's language."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from datacity_federation._cli.lang import StrictLang, catalogs, checked_tags, warn_fallbacks
from datacity_federation._cli.options import parse_day
from datacity_federation.errors import ReviewError

SAMPLE_YEARS = 5
"""Years of generated cells `--sample` draws (the trends show them all)."""

__all__ = ["register"]


def review(
    year: Annotated[
        int, typer.Argument(help="The review year: seasons whose end date falls in it.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the review files in.")],
    hub: Annotated[
        str | None,
        typer.Option(
            "--hub", help="URL of a federation hub: pull its feed and verify every bundle."
        ),
    ] = None,
    hub_db: Annotated[
        str | None,
        typer.Option(
            "--hub-db", help="Database URL of a hub (sqlite:///hub.db, postgresql://...)."
        ),
    ] = None,
    keys: Annotated[
        Path | None,
        typer.Option("--keys", help="Folder of the cities' public keys (<city>.pub), for --hub."),
    ] = None,
    sample: Annotated[
        bool,
        typer.Option("--sample", help="Review generated sample cells (labelled as such), no hub."),
    ] = False,
    lang: Annotated[
        list[str] | None,
        typer.Option(
            "--lang",
            help="Locale to write, pt-BR or pt_BR (repeatable; default: the federation's reporting "
            "languages and every member city's languages).",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="html (one page per language), json, csv, xlsx (one workbook per language) or pdf "
            "(one per language).",
        ),
    ] = "html",
    cities_dir: Annotated[
        Path | None, typer.Option("--cities", help="Folder of city files (default: cities/).")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The day the review is made, YYYY-MM-DD.")
    ] = None,
    fonts: Annotated[
        Path | None,
        typer.Option(
            "--fonts",
            help="Folder of the fonts the PDF is drawn with, and only those (default: "
            "$DATACITY_FONTS, else share/datacity-fonts in the Python environment: 'make fonts').",
        ),
    ] = None,
    strict_fonts: Annotated[
        bool,
        typer.Option(
            "--strict-fonts",
            help="Refuse to write a PDF whose text has a script no font covers (default: warn).",
        ),
    ] = False,
    strict_lang: StrictLang = False,
) -> None:
    """Build the annual cross-city review of YEAR and write it into --out."""
    from datacity_federation._config.loader import load_federation
    from datacity_federation._services.cities import find_cities_dir
    from datacity_federation._services.review import (
        ReviewFormat,
        federation_review,
        review_languages,
        write_review,
    )

    try:
        form = ReviewFormat(fmt)
    except ValueError:
        raise ReviewError(f"--format: expected html, json, csv, xlsx or pdf, got {fmt!r}") from None
    if sum((hub is not None, hub_db is not None, sample)) != 1:
        raise ReviewError("give exactly one source: --hub URL, --hub-db URL or --sample")
    if not 1900 <= year <= 2999:
        raise ReviewError(f"YEAR: expected a calendar year such as 2019, got {year}")
    day = parse_day(on, "--on", error=ReviewError) if on else date.today()
    federation = load_federation(find_cities_dir(cities_dir))
    languages = review_languages(federation=federation, requested=checked_tags(lang or ()))
    books = catalogs(cities_dir, strict_lang)
    warn_fallbacks(books.translators(languages))
    if sample:
        from datacity_federation._review.sample import sample_snapshot

        snapshot = sample_snapshot(
            cities=[(c.id, c.currency) for c in federation.cities],
            years=tuple(range(year - SAMPLE_YEARS + 1, year + 1)),
        )
    else:
        from datacity_federation._services.review_source import load_public_keys, snapshot_from_hub

        if hub is not None and keys is None:
            raise ReviewError("--hub needs --keys DIR: every bundle pulled is verified")
        snapshot = snapshot_from_hub(
            hub_url=hub,
            hub_db=hub_db,
            year=year,
            keys=load_public_keys(keys) if keys else None,
            network=federation.network,
        )
    result = federation_review(snapshot=snapshot, federation=federation, year=year, on=day)
    written = write_review(
        review=result, out=out, languages=languages, fmt=form, catalogs=books,
        profile=federation.settings.defaults.disclosure_profile, fonts=fonts,
        strict_fonts=strict_fonts, warn=lambda line: typer.echo(f"warning: {line}", err=True),
    )  # fmt: skip
    for path in written[1:]:
        typer.echo(f"wrote {path}")
    typer.echo(f"open {written[0]}")


def register(app: typer.Typer) -> None:
    app.command("review")(review)
