"""``datacity demo``: the main job, end to end, on the embedded default (what ``make demo`` runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from datacity_federation._cli.lang import StrictLang, catalogs, warn_fallbacks
from datacity_federation._cli.options import parse_day

__all__ = ["register"]


def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the review in.")] = Path(
        "out"
    ),
    cities_dir: Annotated[
        Path | None,
        typer.Option("--cities", help="Folder of city files (default: the shipped ones)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sample records.")] = 2015,
    today: Annotated[
        str | None, typer.Option("--today", help="The day to run on, YYYY-MM-DD (default: today).")
    ] = None,
    strict_lang: StrictLang = False,
) -> None:
    """Run the federation on sample data: city stores, keys, releases, a hub on 127.0.0.1, the
    pushes, the verified feed, then the annual review in every member city's language."""
    from datacity_federation._services.demo import run_demo

    day = parse_day(today, "--today") if today else None
    from datacity_federation._config.loader import load_federation
    from datacity_federation._config.resources import default_cities_dir
    from datacity_federation._services.review import review_languages

    folder = cities_dir or default_cities_dir()
    books = catalogs(folder, strict_lang)
    federation = load_federation(folder)
    warn_fallbacks(books.translators(review_languages(federation=federation)))
    report = run_demo(
        out=out, cities_dir=cities_dir, seed=seed, today=day, progress=typer.echo, catalogs=books
    )
    typer.echo(
        f"{len(report.cities)} cities, {report.records} sample records, {report.bundles} bundles "
        f"pushed, {report.verified} verified, in {report.seconds:.1f} s"
    )
    typer.echo(f"open {report.index}")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
