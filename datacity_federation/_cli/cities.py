"""Commands over city files: validate, new-city, timeline, schema."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from datacity_federation._cli.lang import StrictLang, catalogs, checked_tags, warn_fallbacks
from datacity_federation._cli.options import parse_day
from datacity_federation.errors import DatacityError

__all__ = ["register"]


def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="City files or folders (default: cities/).", show_default=False),
    ] = None,
) -> None:
    """Check city and federation files; print every problem as PATH:LINE:COL: field: message."""
    from datacity_federation._services.cities import check_paths, find_cities_dir

    report = check_paths(paths=paths or [find_cities_dir()])
    for path in report.outsiders:
        typer.echo(
            f"warning: {path}: not a member of the federation, so not checked nor used "
            f"(add {path.stem!r} to members in federation.yaml)",
            err=True,
        )
    typer.echo(
        f"ok: {len(report.cities)} cities, {report.seasons} seasons, "
        f"{report.challenges} challenges in {report.files} files"
    )


def new_city(
    slug: Annotated[str, typer.Argument(help="Id of the city, also its file name: casablanca.")],
    name: Annotated[
        list[str],
        typer.Option(
            "--name",
            help="Name of the city, or LANG=NAME per language (repeatable): "
            "--name en=Sao Paulo --name pt-BR='São Paulo'.",
        ),
    ],
    country: Annotated[str, typer.Option("--country", help="ISO 3166-1 alpha-2 code: MA.")],
    languages: Annotated[
        str, typer.Option("--languages", help="BCP 47 tags, first is default: ar,fr.")
    ],
    timezone: Annotated[str, typer.Option("--timezone", help="IANA time zone: Africa/Casablanca.")],
    currency: Annotated[str, typer.Option("--currency", help="ISO 4217 code: MAD.")],
    portal: Annotated[
        list[str] | None,
        typer.Option("--portal", help="KIND=URL of an open-data portal API (repeatable)."),
    ] = None,
    first_season: Annotated[
        str | None, typer.Option("--first-season", help="Start of season 1, YYYY-MM-DD.")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the file in.")] = Path(
        "cities"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    no_join: Annotated[
        bool,
        typer.Option(
            "--no-join", help="Do not add the city to members in federation.yaml (a draft)."
        ),
    ] = False,
) -> None:
    """Scaffold cities/SLUG.yaml from templates/city.yaml.j2 (it validates as written) and add
    the city to the federation's members."""
    from datacity_federation._services.cities import city_names, new_city_file

    portals: list[tuple[str, str]] = []
    for item in portal or []:
        kind, sep, url = item.partition("=")
        if not sep or not url:
            raise DatacityError(f"--portal: expected KIND=URL, got {item!r}")
        portals.append((kind.strip(), url.strip()))
    start = parse_day(first_season, "--first-season") if first_season else date.today()
    langs = [lang.strip() for lang in languages.split(",") if lang.strip()]
    names = city_names(name, checked_tags(langs, "--languages"))
    path = new_city_file(
        slug=slug,
        name=names,
        country=country,
        languages=langs,
        timezone=timezone,
        currency=currency,
        portals=portals,
        first_season=start,
        out_dir=out,
        force=force,
        join=not no_join,
    )
    typer.echo(f"wrote {path}")
    if not no_join and (out / "federation.yaml").is_file():
        typer.echo(f"{slug} is a member of the federation ({out / 'federation.yaml'})")


def timeline(
    city: Annotated[str, typer.Argument(help="A city id from cities/ or the path of a city file.")],
    season: Annotated[
        str | None, typer.Option("--season", help="Season id or number (default: current).")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The day to show, YYYY-MM-DD (default: today there).")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Locale, pt-BR or pt_BR (default: the city's first language)."),
    ] = None,
    cities_dir: Annotated[
        Path | None, typer.Option("--cities", help="Folder of city files (default: cities/).")
    ] = None,
    strict_lang: StrictLang = False,
) -> None:
    """Print a season's phases with their dates and mark the phase running on the day."""
    from datacity_federation._cli.render import print_timeline
    from datacity_federation._services.cities import resolve_city, timeline_view

    found = resolve_city(city=city, cities_dir=cities_dir)
    day = parse_day(on, "--on") if on else datetime.now(ZoneInfo(found.timezone)).date()
    view = timeline_view(
        city=found,
        on=day,
        season_id=season,
        lang=checked_tags([lang])[0] if lang else None,
        catalogs=catalogs(cities_dir, strict_lang),
    )
    warn_fallbacks([view.translator])
    print_timeline(view)


def schema(
    federation: Annotated[
        bool, typer.Option("--federation", help="The schema of federation.yaml instead.")
    ] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
) -> None:
    """Print the JSON Schema of a city file (field docstrings as descriptions)."""
    from datacity_federation._config.schema import city_schema_text, federation_schema_text

    text = federation_schema_text() if federation else city_schema_text()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("new-city")(new_city)
    app.command("timeline")(timeline)
    app.command("schema")(schema)
