"""``datacity hub status``: which member city-seasons are due, received, late or retracted."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def hub_status(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Hub database file or URL (default: $DATACITY_HUB_DB, else ./hub.db).",
            show_default=False,
        ),
    ] = None,
    cities_dir: Annotated[
        Path | None,
        typer.Option("--cities", help="Folder of city files (default: ./cities, else shipped)."),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", help="The day to report on, YYYY-MM-DD (default: today, UTC)."),
    ] = None,
    grace: Annotated[
        int,
        typer.Option("--grace", help="Days after a season's outcome period its release is due."),
    ] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Reporting status per member city and season: not yet due, due, received (on time or late),
    late (and by how many days) or retracted, from the city files and the hub's releases."""
    from datacity_federation._cli.hub import _hub_db
    from datacity_federation._cli.options import parse_day
    from datacity_federation._config.loader import load_federation
    from datacity_federation._services.cities import find_cities_dir
    from datacity_federation._services.reporting import hub_reporting_status, status_json

    day = parse_day(on, "--on") if on else datetime.now(UTC).date()
    federation = load_federation(find_cities_dir(cities_dir))
    statuses = hub_reporting_status(
        hub_db=_hub_db(db), federation=federation, on=day, grace_days=grace
    )
    if as_json:
        typer.echo(json.dumps(status_json(statuses, on=day, grace_days=grace), indent=2))
        return
    typer.echo(f"reporting status on {day.isoformat()} (due {grace} days after a season ends)")
    typer.echo(f"{'city':<14}{'season':<10}{'ends':<12}{'due':<12}{'state':<11}detail")
    for s in statuses:
        if s.state.value == "late":
            detail = f"{s.days_late} days late"
        elif s.received_on is not None:
            detail = f"on {s.received_on.isoformat()}"
        else:
            detail = ""
        ends = s.end.isoformat() if s.end else "-"
        due = s.due.isoformat() if s.due else "-"
        typer.echo(f"{s.city:<14}{s.season:<10}{ends:<12}{due:<12}{s.state.value:<11}{detail}")
    if not statuses:
        typer.echo("no season in the city files and nothing at the hub")


def register(app: typer.Typer) -> None:
    app.command("status")(hub_status)
