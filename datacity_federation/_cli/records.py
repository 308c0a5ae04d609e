"""Commands over the programme records: ``db``, ``records``, ``season status``, ``call``.

Thin: parse, call one service, print. Heavy libraries load inside the commands.
"""

from __future__ import annotations

import getpass
import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from datacity_federation._cli.lang import StrictLang, catalogs, checked_tags, warn_fallbacks
from datacity_federation._cli.options import DbOption, city_store, parse_day
from datacity_federation._services.records_kinds import KINDS

__all__ = ["register"]

ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Who makes the change, for the audit log (default: $DATACITY_USER or the login name).",
        show_default=False,
    ),
]

db_app = typer.Typer(
    name="db", help="The records database: schema upgrades and city files.", no_args_is_help=True
)
records_app = typer.Typer(
    name="records",
    help="Programme records: CSV imports, backups, GDPR erasure, rankings.",
    no_args_is_help=True,
)
season_app = typer.Typer(
    name="season",
    help="Views over a season's records, and its actual phase dates.",
    no_args_is_help=True,
)


def _by(by: str | None) -> str:
    if by:
        return by
    try:
        return os.environ.get("DATACITY_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _day(value: str | None, option: str) -> date | None:
    return None if value is None else parse_day(value, option)


@db_app.command("upgrade")
def db_upgrade(
    db: DbOption = None,
    revision: Annotated[
        str, typer.Option("--to", help="Target revision (default: the newest).")
    ] = "head",
) -> None:
    """Apply the schema migrations shipped with the library (creates a new database)."""
    from datacity_federation._services.records import upgrade_database

    with city_store(db, migrate=True) as engine:
        before, after = upgrade_database(db=engine, target=revision)
    if before == after:
        typer.echo(f"database already at {after}")
    else:
        typer.echo(f"database upgraded from {before or 'empty'} to {after}")


@db_app.command("sync-config")
def db_sync_config(
    cities: Annotated[
        Path | None,
        typer.Argument(help="Folder of city files (default: cities/).", show_default=False),
    ] = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Upsert cities, partners, seasons and challenges from the city files (idempotent)."""
    from datacity_federation._services.cities import find_cities_dir
    from datacity_federation._services.records import sync_config

    with city_store(db) as engine:
        reports = sync_config(db=engine, cities_dir=find_cities_dir(cities), by=_by(by))
    for city, report in reports.items():
        typer.echo(f"{city}: {report.summary()}")


@records_app.command("import")
def records_import(
    kind: Annotated[
        str,
        typer.Argument(help=f"One of: {', '.join(KINDS)} (the order a season imports them in)."),
    ],
    file: Annotated[Path, typer.Argument(help="The CSV file (UTF-8, header row first).")],
    city: Annotated[str, typer.Option("--city", help="City id.")],
    season: Annotated[str, typer.Option("--season", help="Season id or number.")],
    db: DbOption = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="Day of the import, YYYY-MM-DD (default: today in the city)."),
    ] = None,
    override: Annotated[
        str | None,
        typer.Option("--override", help="Lift the season's phase checks; the reason is audited."),
    ] = None,
    by: ByOption = None,
) -> None:
    """Import a CSV file: all rows or none; every bad row is printed as FILE:ROW: column: message."""
    import sys

    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    from datacity_federation._services.records_import import import_csv

    # A bar on a terminal only (stderr), gone when done; never in pipes, logs or tests.
    with city_store(db) as engine, Progress(
        TextColumn("importing"), BarColumn(), DownloadColumn(),
        transient=True, disable=not sys.stderr.isatty(),
    ) as bar:  # fmt: skip
        task = bar.add_task("import", total=None)
        report = import_csv(
            db=engine, kind=kind, path=file, city=city, season=season, by=_by(by),
            on=_day(on, "--on"), override=override,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip

    written = ", ".join(f"{n} {table}" for table, n in report.written.items()) or "nothing"
    typer.echo(f"{file}: {report.rows} rows imported ({written})")


@records_app.command("export")
def records_export(
    city: Annotated[str, typer.Argument(help="City id.")],
    out: Annotated[Path, typer.Option("--out", help="The JSON file to write.")],
    db: DbOption = None,
) -> None:
    """Write every record of a city to one JSON file (a backup: it holds personal data)."""
    from datacity_federation._services.records_io import export_city

    with city_store(db) as engine:
        counts = export_city(db=engine, city=city, out=out)
    typer.echo(f"wrote {out} ({sum(counts.values())} rows)")


@records_app.command("import-json")
def records_import_json(
    file: Annotated[Path, typer.Argument(help="A JSON file written by `datacity records export`.")],
    db: DbOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace the city's records if it is already there.")
    ] = False,
) -> None:
    """Restore a city's records from an export (exact round trip)."""
    from datacity_federation._services.records_io import import_city

    with city_store(db) as engine:
        counts = import_city(db=engine, path=file, replace=replace)
    typer.echo(f"restored {file} ({sum(counts.values())} rows)")


@records_app.command("erase-person")
def records_erase_person(
    person: Annotated[str, typer.Argument(help="The person's id (contact or reviewer).")],
    city: Annotated[
        str | None, typer.Option("--city", help="Only in this city (default: every city).")
    ] = None,
    why: Annotated[
        str, typer.Option("--why", help="Reason, for the audit log.")
    ] = "erasure requested by the person",
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Erase a person's personal data (GDPR); records and counts stay, the erasure is audited."""
    from datacity_federation._services.records import erase_person

    with city_store(db) as engine:
        counts = erase_person(db=engine, person=person, city=city, by=_by(by), why=why)
    typer.echo(
        f"erased {person}: {counts['people']} person record(s), {counts['proposals']} proposal(s), "
        f"{counts['comments']} review comment(s)"
    )


@records_app.command("add-startup")
def records_add_startup(
    city: Annotated[str, typer.Argument(help="City id.")],
    startup: Annotated[str, typer.Argument(help="New start-up id: lower-case, digits, '-'.")],
    name: Annotated[str, typer.Option("--name", help="The start-up's name.")],
    website: Annotated[str | None, typer.Option("--website", help="Its web site.")] = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Register a start-up (a partner of kind startup) without editing the city file."""
    from datacity_federation._services.records import register_startup

    with city_store(db) as engine:
        register_startup(
            db=engine, city=city, startup=startup, name=name, website=website, by=_by(by)
        )
    typer.echo(f"{city}: registered start-up {startup}")


@records_app.command("rank")
def records_rank(
    city: Annotated[str, typer.Argument(help="City id.")],
    challenge: Annotated[str, typer.Argument(help="Challenge id.")],
    db: DbOption = None,
) -> None:
    """Rank a challenge's applications by weighted score, normalised per reviewer; report ties."""
    from datacity_federation._services.assessments import rank_challenge

    with city_store(db) as engine:
        ranking = rank_challenge(db=engine, city=city, challenge=challenge)
    if not ranking.lines:
        typer.echo(f"{challenge}: no reviews yet")
        return
    for line in ranking.lines:
        tie = "  (tie)" if line.tied else ""
        typer.echo(
            f"{line.rank:>3}. {line.application}  z={line.normalised:+.3f}  "
            f"score={line.weighted:.3f}  reviews={line.reviews}{tie}"
        )
    for group in ranking.ties:
        typer.echo(f"tie: {', '.join(group)}")


@season_app.command("status")
def season_status(
    city: Annotated[str, typer.Argument(help="City id.")],
    season: Annotated[str, typer.Argument(help="Season id or number.")],
    on: Annotated[
        str | None, typer.Option("--on", help="The day, YYYY-MM-DD (default: today in the city).")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Locale, pt-BR or pt_BR (default: the city's first language)."),
    ] = None,
    db: DbOption = None,
    cities_dir: Annotated[
        Path | None, typer.Option("--cities", help="Folder of city files (default: cities/).")
    ] = None,
    strict_lang: StrictLang = False,
) -> None:
    """Phase on the day, the funnel (applications to contracts) and the sponsorship total."""
    from datacity_federation._cli.records_render import print_status
    from datacity_federation._services.records_views import season_status as status

    with city_store(db) as engine:
        found = status(db=engine, city=city, season=season, on=_day(on, "--on"))
    [tag] = checked_tags([lang or found.city.default_language])
    tr = catalogs(cities_dir, strict_lang).translator(tag)
    warn_fallbacks([tr])
    print_status(found, tr)


@season_app.command("phase")
def season_phase(
    city: Annotated[str, typer.Argument(help="City id.")],
    season: Annotated[str, typer.Argument(help="Season id or number.")],
    phase: Annotated[str, typer.Argument(help="partnering, call, experimentation or outcome.")],
    started: Annotated[
        str | None,
        typer.Option("--started", help="The day the phase actually started, YYYY-MM-DD."),
    ] = None,
    ended: Annotated[
        str | None,
        typer.Option("--ended", help="The day the phase actually ended (included), YYYY-MM-DD."),
    ] = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Record when a phase actually started or ended (released as the days spent in it)."""
    from datacity_federation._services.phase_dates import record_phase_dates
    from datacity_federation.domain.vocab import Phase
    from datacity_federation.errors import DomainError

    known = {p.value: p for p in Phase}
    if phase not in known:
        raise DomainError(f"unknown phase {phase!r} (one of: {', '.join(known)})")
    with city_store(db) as engine:
        got = record_phase_dates(
            db=engine, city=city, season=season, phase=known[phase],
            started_on=_day(started, "--started"), ended_on=_day(ended, "--ended"), by=_by(by),
        )  # fmt: skip
    a = got.actual
    start = a.started_on.isoformat() if a.started_on else "not recorded"
    end = a.ended_on.isoformat() if a.ended_on else "not recorded"
    typer.echo(
        f"{got.city}/{got.season} {phase}: started {start}, ended {end} "
        f"(planned {got.planned_start.isoformat()} to {got.planned_end.isoformat()})"
    )


def call(
    city: Annotated[str, typer.Argument(help="A city id from cities/ or the path of a city file.")],
    season: Annotated[str, typer.Argument(help="Season id or number.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the pages in.")],
    cities_dir: Annotated[
        Path | None, typer.Option("--cities", help="Folder of city files (default: cities/).")
    ] = None,
    strict_lang: StrictLang = False,
) -> None:
    """Render the call for applications: one HTML page per challenge and per city language."""
    from datacity_federation._services.cities import resolve_city
    from datacity_federation._services.records_views import render_call

    found = resolve_city(city=city, cities_dir=cities_dir)
    books = catalogs(cities_dir, strict_lang)
    warn_fallbacks(books.translators(found.languages))
    paths = render_call(city=found, season=season, out_dir=out, catalogs=books)
    typer.echo(f"wrote {len(paths)} pages in {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app)
    app.add_typer(records_app)
    app.add_typer(season_app)
    app.command("call")(call)
