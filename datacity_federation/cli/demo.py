"""``datacity demo``: the main job on the embedded default."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def demo(
    cities_dir: Annotated[
        Path | None, typer.Option("--cities", help="Folder of city files (default: cities/).")
    ] = None,
    on: Annotated[str | None, typer.Option("--on", help="The day to show, YYYY-MM-DD.")] = None,
) -> None:
    """Validate the federation and print every city's current season timeline."""
    from datacity_federation.cli.render import print_timeline
    from datacity_federation.config.loader import load_federation
    from datacity_federation.services.cities import find_cities_dir, timeline_view

    folder = find_cities_dir(cities_dir)
    federation = load_federation(folder)
    typer.echo(f"federation {federation.network}: {len(federation.cities)} cities valid ({folder})")
    day = date.fromisoformat(on) if on else date.today()
    for city in federation.cities:
        typer.echo("")
        print_timeline(timeline_view(city=city, on=day))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
