"""``datacity portals``: search, check and harvest the data sets on the cities' portals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from datacity_federation._cli.options import DbOption, city_store, existing_city_store
from datacity_federation.errors import DatacityError

__all__ = ["portals_app", "register"]

portals_app = typer.Typer(
    name="portals",
    help="Find, check and harvest the data sets on the cities' open-data portals.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

CitiesOption = Annotated[
    Path | None, typer.Option("--cities", help="Folder of city files (default: cities/).")
]
TimeoutOption = Annotated[
    float, typer.Option("--timeout", help="Seconds to wait for each answer.", min=0.1)
]


def _run(coro: object) -> object:
    import asyncio

    return asyncio.run(coro)  # type: ignore[arg-type]


@portals_app.command("search")
def search(
    words: Annotated[
        list[str],
        typer.Argument(help="CITY QUERY, or only QUERY with --kind and --url.", show_default=False),
    ],
    portal: Annotated[
        str | None, typer.Option("--portal", help="Portal id in the city file (default: first).")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Platform of --url: opendatasoft, ckan, ...")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="API base URL (no city file).")] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many data sets to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the normalised records.")] = False,
    timeout: TimeoutOption = 30.0,
    cities_dir: CitiesOption = None,
) -> None:
    """Search a city's portal (or any portal given by --kind and --url) for data sets."""
    from datacity_federation._services.cities import resolve_city
    from datacity_federation._services.portals import adhoc_portal, portal_of, search_portal

    if url is not None or kind is not None:
        if url is None or kind is None:
            raise DatacityError("give both --kind and --url, or a city instead")
        if len(words) != 1:
            raise DatacityError("with --kind and --url, give only the QUERY")
        if portal is not None:
            raise DatacityError("--portal needs a city file; drop it with --url")
        target = adhoc_portal(kind=kind, url=url)
        query = words[0]
    else:
        if len(words) != 2:
            raise DatacityError("give CITY and QUERY (or --kind, --url and QUERY)")
        target = portal_of(resolve_city(city=words[0], cities_dir=cities_dir), portal)
        query = words[1]
    result = _run(search_portal(portal=target, query=query, limit=limit, timeout=timeout))
    from datacity_federation._services.portals import SearchResult

    assert isinstance(result, SearchResult)
    for warning in result.warnings:
        typer.echo(f"datacity: warning: {warning}", err=True)
    if as_json:
        payload = {
            "portal": target.id,
            "total": result.page.total,
            "results": [r.to_json() for r in result.page.items],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    from datacity_federation._cli.render_portals import print_search

    print_search(result, query=query)


@portals_app.command("check")
def check(
    city: Annotated[str, typer.Argument(help="A city id from cities/ or the path of a city file.")],
    stale_after: Annotated[
        int,
        typer.Option("--stale-after", help="Days without modification before a data set is stale."),
    ] = 365,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    timeout: TimeoutOption = 30.0,
    db: DbOption = None,
    cities_dir: CitiesOption = None,
) -> None:
    """Resolve every data set pinned by a challenge; report missing, withdrawn, renamed,
    licence-changed and stale ones. Exits 1 when any is missing, withdrawn or unchecked."""
    from datacity_federation._services.cities import resolve_city
    from datacity_federation._services.portals import (
        CheckReport,
        check_city,
        previous_records,
        withdrawn_pins,
    )

    if stale_after < 1:
        raise DatacityError("--stale-after: must be at least 1 day")
    found = resolve_city(city=city, cities_dir=cities_dir)
    with existing_city_store(db) as engine:
        previous = previous_records(city=found, db=engine)
        withdrawn = withdrawn_pins(city=found, db=engine)
    report = _run(
        check_city(
            city=found,
            now=datetime.now(UTC),
            stale_after=timedelta(days=stale_after),
            previous=previous,
            withdrawn=withdrawn,
            timeout=timeout,
        )
    )
    assert isinstance(report, CheckReport)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "challenge": line.challenge,
                        "portal": line.portal,
                        "dataset": line.dataset,
                        "statuses": [str(s) for s in line.statuses],
                        "detail": line.detail,
                    }
                    for line in report.lines
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        from datacity_federation._cli.render_portals import print_check

        print_check(report)
    if report.failed:
        raise typer.Exit(1)


@portals_app.command("harvest")
def harvest(
    city: Annotated[str, typer.Argument(help="A city id from cities/ or the path of a city file.")],
    portal: Annotated[
        str | None, typer.Option("--portal", help="Only this portal (default: all the city's).")
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Walk the whole catalogue (not only the changes) and mark vanished data sets "
            "withdrawn.",
        ),
    ] = False,
    concurrency: Annotated[
        int, typer.Option("--concurrency", help="Requests in flight per portal.", min=1, max=64)
    ] = 8,
    timeout: TimeoutOption = 30.0,
    db: DbOption = None,
    cities_dir: CitiesOption = None,
) -> None:
    """Store the city's data sets in its store, incrementally (only what changed since the last
    harvest, by modified date; one small request when nothing changed). A failed or interrupted
    harvest stores nothing, says why, and resumes from the pages already fetched next time."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from datacity_federation._cli.render_portals import harvest_line
    from datacity_federation._services.cities import resolve_city
    from datacity_federation._services.harvest import harvest_city
    from datacity_federation.errors import PortalError

    found = resolve_city(city=city, cities_dir=cities_dir)
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
        disable=not console.is_terminal,
    ) as bar:

        def progress_for(target: object) -> object:
            task = bar.add_task(getattr(target, "id", "portal"), total=None)

            def update(done: int, total: int | None) -> None:
                bar.update(task, completed=done, total=total)

            return update

        try:
            with city_store(db) as engine:
                reports = harvest_city(
                    city=found,
                    clock=lambda: datetime.now(UTC),
                    db=engine,
                    portal_id=portal,
                    full=full,
                    progress_for=progress_for,  # type: ignore[arg-type]
                    concurrency=concurrency,
                    timeout=timeout,
                )
        except KeyboardInterrupt:
            typer.echo(
                "datacity: error: interrupted; the pages fetched so far are kept: run the same "
                "harvest again to resume",
                err=True,
            )
            raise typer.Exit(130) from None
    failures: list[PortalError] = []
    for report in reports:
        if report.error is not None:
            failures.append(report.error)
            continue
        typer.echo(harvest_line(report))
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise DatacityError("\n".join(f"{e} (nothing stored)" for e in failures))


def register(app: typer.Typer) -> None:
    app.add_typer(portals_app, name="portals")
