"""Hub commands for backups and copies: ``hub export``, ``hub rebuild``, ``hub mirror``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from datacity_federation.errors import DatacityError

__all__ = ["register"]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Hub database file or URL (default: $DATACITY_HUB_DB, else ./hub.db).",
        show_default=False,
    ),
]


def hub_export(
    folder: Annotated[Path, typer.Argument(help="Folder to write (an earlier export is updated).")],
    db: DbOption = None,
    token_hashes: Annotated[
        bool,
        typer.Option(
            "--with-token-hashes",
            help="Also write the cities' token hashes (keep such a backup as a secret).",
        ),
    ] = False,
) -> None:
    """Write every stored bundle (original bytes), the registry of cities and keys, and the feed
    order to a plain folder with a manifest."""
    from datacity_federation._cli.hub import _hub_db
    from datacity_federation._sync.hub_export import export_hub
    from datacity_federation._sync.hub_store import hub_engine

    url = _hub_db(db)
    if "://" not in url and not Path(url).is_file():
        raise DatacityError(f"hub database {url}: no such file")
    engine = hub_engine(url, create=False)
    try:
        report = export_hub(engine, folder, token_hashes=token_hashes)
    finally:
        engine.dispose()
    typer.echo(
        f"exported {report.bundles} bundle(s) of {report.cities} cities of {report.network} "
        f"to {folder} ({report.written} new file(s)"
        + (", with token hashes)" if report.token_hashes else "; no token hash)")
    )


def hub_rebuild(
    folder: Annotated[Path, typer.Argument(help="A folder written by `datacity hub export`.")],
    db: DbOption = None,
    tokens_out: Annotated[
        Path | None,
        typer.Option(
            "--tokens-out",
            help="New file (0600) for the cities' new tokens, when the export holds no hashes.",
        ),
    ] = None,
) -> None:
    """Re-verify every bundle of an export and replay the chain into an empty hub database."""
    from datacity_federation._cli.hub import _hub_db
    from datacity_federation._sync.hub_export import read_export, rebuild_hub, write_tokens
    from datacity_federation._sync.hub_store import hub_engine

    export = read_export(folder)
    if not export.token_hashes and tokens_out is None:
        raise DatacityError(
            f"{folder} holds no token hashes: the rebuilt hub gives every city a new token; "
            "give --tokens-out FILE to receive them"
        )
    if tokens_out is not None and tokens_out.exists():
        raise DatacityError(f"{tokens_out} already exists: tokens are never overwritten")
    engine = hub_engine(_hub_db(db))
    try:
        report = rebuild_hub(engine, folder)
    finally:
        engine.dispose()
    typer.echo(
        f"replayed {report.bundles} bundle(s) of {report.cities} cities of {report.network}: "
        f"{report.cells} cells, every signature and chain verified"
    )
    if report.new_tokens and tokens_out is not None:
        write_tokens(tokens_out, report.new_tokens)
        typer.echo(
            f"new tokens of {len(report.new_tokens)} cities in {tokens_out} (give each city its own)"
        )


def hub_mirror(
    source: Annotated[str, typer.Option("--from", help="Base URL of the hub to follow.")],
    db: DbOption = None,
    pin: Annotated[
        list[str] | None,
        typer.Option(
            "--pin", help="CITY=sha256:... a city key to fetch from the source once (repeatable)."
        ),
    ] = None,
    keys_dir: Annotated[
        Path | None, typer.Option("--keys", help="Folder of CITY.pub files to trust.")
    ] = None,
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep following the feed until stopped.")
    ] = False,
    interval: Annotated[
        float, typer.Option("--interval", help="Seconds between polls with --follow.")
    ] = 5.0,
) -> None:
    """Copy another hub's bundles into this one, each verified against the cities' pinned keys;
    refuse a source serving a bundle whose signature or chain does not verify."""
    import signal
    import threading

    from datacity_federation._cli.hub import _hub_db
    from datacity_federation._services.review_source import load_public_keys
    from datacity_federation._sync.hub_mirror import mirror_hub, parse_pins
    from datacity_federation._sync.hub_store import hub_engine

    pins = parse_pins(pin or [])
    files = load_public_keys(keys_dir) if keys_dir is not None else {}
    if not pins and not files:
        raise DatacityError("a mirror trusts the cities' keys only: give --pin or --keys")
    stop = threading.Event()
    previous = {}
    if follow:
        for signum in (signal.SIGTERM, signal.SIGINT):  # finish the bundle in hand, then stop
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    engine = hub_engine(_hub_db(db))
    try:
        report = mirror_hub(
            engine, source, pins=pins, key_files=files, follow=follow, interval=interval, stop=stop
        )
    finally:
        engine.dispose()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    typer.echo(
        f"mirrored {source} ({report.network}): {report.stored} new bundle(s), "
        f"{report.known} already here, cursor {report.cursor or '0'}"
    )


def register(hub_app: typer.Typer) -> None:
    hub_app.command("export")(hub_export)
    hub_app.command("rebuild")(hub_rebuild)
    hub_app.command("mirror")(hub_mirror)
