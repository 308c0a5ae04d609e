"""Commands of the federation hub: ``hub serve``, ``add-city``, ``rotate-key``, ``revoke-key``,
``rotate-token``, ``revoke-token``, ``audit``, ``feed`` (``status``: :mod:`.hub_status`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]

HUB_DB_ENV = "DATACITY_HUB_DB"

hub_app = typer.Typer(
    name="hub", help="The federation hub: serve, register cities, feed.", no_args_is_help=True
)
HubDbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Hub database file or URL (default: $DATACITY_HUB_DB, else ./hub.db).",
        show_default=False,
    ),
]


def _hub_db(db: str | None) -> str:
    return db or os.environ.get(HUB_DB_ENV) or "hub.db"


@hub_app.command("serve")
def hub_serve(
    db: HubDbOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8700,
    workers: Annotated[
        int, typer.Option("--workers", help="Worker processes (use PostgreSQL for more than one).")
    ] = 1,
    network: Annotated[
        str | None, typer.Option("--network", help="Network id (default: cities/federation.yaml).")
    ] = None,
    max_bytes: Annotated[int, typer.Option("--max-bytes", help="Largest accepted bundle.")] = 2
    * 1024
    * 1024,
    rate: Annotated[
        float,
        typer.Option(
            "--rate", help="Pushes per second a token earns back (per worker).", min=0.001
        ),
    ] = 5.0,
    burst: Annotated[
        int, typer.Option("--burst", help="Pushes a token may make at once (per worker).", min=1)
    ] = 30,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--proxy-headers/--no-proxy-headers",
            help="Trust X-Forwarded-For/-Proto from --forwarded-allow-ips (behind a reverse proxy).",
        ),
    ] = False,
    forwarded_allow_ips: Annotated[
        str,
        typer.Option(
            "--forwarded-allow-ips", help="Comma-separated proxy addresses to trust, or '*'."
        ),
    ] = "127.0.0.1",
    graceful_timeout: Annotated[
        int,
        typer.Option(
            "--graceful-timeout",
            help="Seconds a shutdown waits for requests in flight (pushes finish or are refused).",
        ),
    ] = 30,
    cities_dir: Annotated[
        Path | None,
        typer.Option(
            "--cities",
            help="Folder of city files the site reads members, names and due dates from "
            "(default: ./cities, else the shipped ones).",
        ),
    ] = None,
) -> None:
    """Serve the hub's HTTP API (OpenAPI at /docs and /openapi.json, metrics at /metrics) and,
    beside it, its read-only site in the visitor's language (/ then /<lang>/)."""
    import uvicorn

    from datacity_federation._cli.hub_asgi import CITIES_ENV
    from datacity_federation._config.loader import load_federation
    from datacity_federation._services.cities import find_cities_dir
    from datacity_federation._sync.hub import BURST_ENV, DB_ENV, MAX_ENV, RATE_ENV
    from datacity_federation._sync.hub_ingest import init_hub
    from datacity_federation._sync.hub_store import hub_engine

    folder = find_cities_dir(cities_dir)
    load_federation(folder)  # a bad city file stops here, with its line, not in each worker
    url = _hub_db(db)
    engine = hub_engine(url)
    served = init_hub(engine, network or _default_network())
    engine.dispose()
    os.environ[DB_ENV] = url
    os.environ[MAX_ENV] = str(max_bytes)
    os.environ[RATE_ENV] = str(rate)
    os.environ[BURST_ENV] = str(burst)
    os.environ[CITIES_ENV] = str(folder.resolve())
    if workers > 1:
        _metrics_dir()
    typer.echo(f"hub for {served} on http://{host}:{port} (database {url})")
    uvicorn.run(
        "datacity_federation._cli.hub_asgi:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        timeout_graceful_shutdown=graceful_timeout,
    )


def _metrics_dir() -> None:
    """Several workers share their metrics through files (prometheus-client's multiprocess
    mode): in $PROMETHEUS_MULTIPROC_DIR when set (emptied now: it holds one run's counts), else in
    a new temporary folder."""
    import tempfile

    from datacity_federation._sync.hub_ops import MULTIPROC_ENV

    folder = os.environ.get(MULTIPROC_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for old in Path(folder).glob("*.db"):
            old.unlink()
    else:
        os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="datacity-hub-metrics-")


def _default_network() -> str | None:
    from datacity_federation._config.loader import FEDERATION_FILE, load_federation_settings
    from datacity_federation._services.cities import find_cities_dir

    path = find_cities_dir(None) / FEDERATION_FILE
    return load_federation_settings(path).network if path.is_file() else None


def _hub(db: str | None, network: str | None = None) -> object:
    from datacity_federation._sync.hub_ingest import init_hub
    from datacity_federation._sync.hub_store import hub_engine

    engine = hub_engine(_hub_db(db))
    init_hub(engine, network or _default_network())
    return engine


@hub_app.command("add-city")
def hub_add_city(
    city: Annotated[str, typer.Argument(help="City id.")],
    public_key: Annotated[
        Path, typer.Option("--public-key", help="The city's public key (CITY.pub).")
    ],
    db: HubDbOption = None,
) -> None:
    """Register a city and its key; print its bearer token once (the hub keeps only a hash)."""
    from sqlalchemy import Engine

    from datacity_federation._sync.hub_ingest import add_city
    from datacity_federation._sync.keys import fingerprint, load_public_key

    key = load_public_key(public_key)
    engine = _hub(db)
    assert isinstance(engine, Engine)
    token = add_city(engine, city=city, public_key=key)
    engine.dispose()
    typer.echo(f"registered {city}, key {fingerprint(key)}")
    typer.echo(f"token (shown once, give it to {city}): {token}")


@hub_app.command("rotate-key")
def hub_rotate_key(
    city: Annotated[str, typer.Argument(help="City id.")],
    public_key: Annotated[Path, typer.Option("--public-key", help="The city's new public key.")],
    db: HubDbOption = None,
) -> None:
    """Add a new key for a city; both keys are accepted until the old one is revoked."""
    from sqlalchemy import Engine

    from datacity_federation._sync.hub_ingest import rotate_key
    from datacity_federation._sync.keys import load_public_key

    engine = _hub(db)
    assert isinstance(engine, Engine)
    fp = rotate_key(engine, city=city, public_key=load_public_key(public_key))
    engine.dispose()
    typer.echo(f"added key {fp} for {city}; revoke the old one with `datacity hub revoke-key`")


@hub_app.command("revoke-key")
def hub_revoke_key(
    city: Annotated[str, typer.Argument(help="City id.")],
    fingerprint: Annotated[
        str, typer.Option("--fingerprint", help="sha256:... of the key to revoke.")
    ],
    db: HubDbOption = None,
) -> None:
    """Revoke a city's key: nothing signed by it is accepted any more."""
    from sqlalchemy import Engine

    from datacity_federation._sync.hub_ingest import revoke_key

    engine = _hub(db)
    assert isinstance(engine, Engine)
    revoke_key(engine, city=city, key_fingerprint=fingerprint)
    engine.dispose()
    typer.echo(f"revoked {fingerprint} of {city}")


@hub_app.command("rotate-token")
def hub_rotate_token(
    city: Annotated[str, typer.Argument(help="City id.")],
    db: HubDbOption = None,
) -> None:
    """Give a city a new bearer token, printed once; its old token stops working at once."""
    from sqlalchemy import Engine

    from datacity_federation._sync.hub_admin import rotate_token

    engine = _hub(db)
    assert isinstance(engine, Engine)
    token = rotate_token(engine, city=city)
    engine.dispose()
    typer.echo(f"new token of {city} (shown once; the old one no longer works): {token}")


@hub_app.command("revoke-token")
def hub_revoke_token(
    city: Annotated[str, typer.Argument(help="City id.")],
    db: HubDbOption = None,
) -> None:
    """Revoke a city's bearer token: nothing is accepted from it until `rotate-token`."""
    from sqlalchemy import Engine

    from datacity_federation._sync.hub_admin import revoke_token

    engine = _hub(db)
    assert isinstance(engine, Engine)
    revoke_token(engine, city=city)
    engine.dispose()
    typer.echo(f"revoked the token of {city}; give it a new one with `datacity hub rotate-token`")


@hub_app.command("audit")
def hub_audit(
    city: Annotated[str | None, typer.Argument(help="Only this city.")] = None,
    db: HubDbOption = None,
) -> None:
    """List every change of the cities' credentials (cities, keys, tokens), oldest first."""
    from sqlalchemy import Engine

    from datacity_federation._sync.hub_admin import audit_log

    engine = _hub(db)
    assert isinstance(engine, Engine)
    entries = audit_log(engine, city=city)
    engine.dispose()
    for e in entries:
        typer.echo(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.city:<12} {e.action:<14} {e.detail}".rstrip())
    if not entries:
        typer.echo("nothing audited yet")


@hub_app.command("feed")
def hub_feed(
    db: HubDbOption = None,
    after: Annotated[int, typer.Option("--after", help="Cursor to read after.")] = 0,
    limit: Annotated[int, typer.Option("--limit", help="Entries to show.")] = 50,
) -> None:
    """List what the hub received, oldest first (retractions included)."""
    from sqlalchemy import Engine

    from datacity_federation._sync.hub_store import feed_page

    engine = _hub(db)
    assert isinstance(engine, Engine)
    page = feed_page(engine, after=after, limit=limit)
    engine.dispose()
    for e in page.entries:
        typer.echo(
            f"{e.cursor:>6}  {e.at:%Y-%m-%d %H:%M:%S}  {e.city:<12} seq {e.seq:<4} {e.action:<8} {e.season:<10} {e.bundle_id}"
        )
    if not page.entries:
        typer.echo("feed is empty" if after == 0 else f"nothing after {after}")


def register(app: typer.Typer) -> None:
    from datacity_federation._cli import hub_backup, hub_status

    hub_backup.register(hub_app)
    hub_status.register(hub_app)
    app.add_typer(hub_app)
