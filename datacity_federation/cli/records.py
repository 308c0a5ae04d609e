"""Commands over the programme records: ``db``, ``records``, ``season status``, ``call``."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["register"]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite file or database URL (default: $DATACITY_DB, else ./datacity.db).",
        show_default=False,
    ),
]

db_app = typer.Typer(
    name="db", help="The records database: schema upgrades and city files.", no_args_is_help=True
)


@db_app.command("upgrade")
def db_upgrade(
    db: DbOption = None,
    revision: Annotated[
        str, typer.Option("--to", help="Target revision (default: the newest).")
    ] = "head",
) -> None:
    """Apply the schema migrations shipped with the library (creates a new database)."""
    from datacity_federation.services.records import upgrade_database

    before, after = upgrade_database(db=db, target=revision)
    if before == after:
        typer.echo(f"database already at {after}")
    else:
        typer.echo(f"database upgraded from {before or 'empty'} to {after}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app)
