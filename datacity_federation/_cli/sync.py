"""Commands of the city side of sync: ``keys``, ``release`` and ``sync`` (``hub`` is in .hub)."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from datacity_federation._cli.lang import StrictLang, catalogs, checked_tags, warn_fallbacks
from datacity_federation._cli.options import DbOption, city_store, parse_day
from datacity_federation.errors import DatacityError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from datacity_federation._privacy.rules import DisclosureProfile
    from datacity_federation.domain.city import City

__all__ = ["register"]

TOKEN_ENV = "DATACITY_HUB_TOKEN"
KEY_ENV = "DATACITY_SIGNING_KEY"
NETWORK_KEY_ENV = "DATACITY_NETWORK_KEY"

keys_app = typer.Typer(name="keys", help="Signing keys of a city.", no_args_is_help=True)
release_app = typer.Typer(
    name="release", help="Anonymised releases: build, verify, push.", no_args_is_help=True
)

CitiesOption = Annotated[
    Path | None, typer.Option("--cities", help="Folder of city files (default: cities/).")
]
HubUrl = Annotated[
    str, typer.Option("--hub", help="Base URL of the hub, e.g. http://127.0.0.1:8700.")
]
TokenFile = Annotated[
    Path | None,
    typer.Option(
        "--token-file", help=f"File holding the city's hub token (default: ${TOKEN_ENV})."
    ),
]
KeyFile = Annotated[
    Path | None,
    typer.Option("--key", help=f"Private key file (default: keys/CITY.key, or ${KEY_ENV})."),
]
AllowEmpty = Annotated[
    bool,
    typer.Option(
        "--allow-empty",
        help="Release a season with no records at all (refused by default: usually the wrong --db).",
    ),
]


def _token(token_file: Path | None) -> str:
    if token_file is not None:
        if not token_file.is_file():
            raise DatacityError(f"{token_file}: no such token file")
        return token_file.read_text(encoding="utf-8").strip()
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise DatacityError(f"no hub token: give --token-file FILE or set ${TOKEN_ENV}")
    return token


def _key(city: str, key: Path | None) -> Ed25519PrivateKey:
    from datacity_federation._sync.keys import load_private_key

    return load_private_key(path=key or Path("keys") / f"{city}.key", env=KEY_ENV)


def _city_setup(city: str, cities_dir: Path | None) -> tuple[City, str, DisclosureProfile]:
    from datacity_federation._config.loader import FEDERATION_FILE, load_federation_settings
    from datacity_federation._privacy.rules import resolve_profile
    from datacity_federation._services.cities import find_cities_dir, resolve_city

    found = resolve_city(city=city, cities_dir=cities_dir)
    folder = find_cities_dir(cities_dir)
    settings = load_federation_settings(folder / FEDERATION_FILE)
    profile = resolve_profile(settings.defaults.disclosure_profile, found.disclosure_profile)
    return found, settings.network, profile


def _day(text: str | None, city: City) -> date:
    if text is None:
        return datetime.now(ZoneInfo(city.timezone)).date()
    return parse_day(text, "--today")


@keys_app.command("generate")
def keys_generate(
    city: Annotated[str, typer.Argument(help="City id, e.g. paris.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for CITY.key and CITY.pub.")] = Path(
        "keys"
    ),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing key.")] = False,
) -> None:
    """Make the city's Ed25519 key pair: CITY.key (mode 0600, stays here) and CITY.pub (for the hub)."""
    from datacity_federation._sync.keys import generate_key_files

    private, public, fp = generate_key_files(city=city, out_dir=out, force=force)
    typer.echo(f"private key {private} (0600, keep it in {city})")
    typer.echo(
        f"public key  {public} (register it: datacity hub add-city {city} --public-key {public})"
    )
    typer.echo(f"fingerprint {fp}")


@release_app.command("build")
def release_build(
    city: Annotated[str, typer.Argument(help="City id or city file.")],
    season: Annotated[str, typer.Option("--season", help="Season id or number.")],
    db: DbOption = None,
    cities_dir: CitiesOption = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Locale of the summary, pt-BR or pt_BR (default: the city's)."),
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="The day, YYYY-MM-DD (default: today there).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Also sign the release and write its bundle here (for `release push`)."
        ),
    ] = None,
    key: KeyFile = None,
    allow_empty: AllowEmpty = False,
    strict_lang: StrictLang = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Also explain each suppression (primary: which rule; complementary: which cell "
            "it protects) and the interval an outsider could deduce for every suppressed cell.",
        ),
    ] = False,
) -> None:
    """Compute a closed season's release and say which cells are suppressed and why."""
    from datacity_federation._cli.release_explain import explain_lines
    from datacity_federation._cli.release_text import summary_lines
    from datacity_federation._services.sync import release_of, season_of

    found, network, profile = _city_setup(city, cities_dir)
    chosen = season_of(found, season)
    day = _day(today, found)
    if not chosen.is_closed(day):
        raise DatacityError(
            f"season {chosen.id} of {found.id} ends {chosen.end.isoformat()}: only closed seasons are released"
        )
    [tag] = checked_tags([lang or found.default_language])
    tr = catalogs(cities_dir, strict_lang).translator(tag)
    warn_fallbacks([tr])
    with city_store(db) as engine:
        release = release_of(
            engine=engine, city=found, season=chosen, profile=profile, allow_empty=allow_empty
        )
        if out is not None:
            from datacity_federation._services.sync import build_release_file

            built = build_release_file(
                engine=engine, city=found, season=chosen, network=network, profile=profile,
                key=_key(found.id, key), today=day, out=out, allow_empty=allow_empty,
            )  # fmt: skip
    name = tr.name(found.name, first=found.default_language)
    for line in summary_lines(release, city_name=name, tr=tr):
        typer.echo(line)
    if explain:
        for line in explain_lines(release, tr=tr):
            typer.echo(line)
    if out is not None:
        typer.echo(
            f"wrote {out}: {found.id} seq {built.seq} season {built.season} {built.bundle_id}"
        )
        typer.echo(
            f"  queued in the outbox: `datacity release push {out}` or `datacity sync` sends it"
        )


@release_app.command("verify")
def release_verify(
    bundle: Annotated[Path, typer.Argument(help="A bundle zip.")],
    public_key: Annotated[Path, typer.Option("--public-key", help="The city's public key file.")],
) -> None:
    """Check a bundle offline: safe zip, signature by that key, member hashes, cells."""
    from datacity_federation._sync.bundle import verify_bundle
    from datacity_federation._sync.keys import load_public_key

    if not bundle.is_file():
        raise DatacityError(f"{bundle}: no such file")
    manifest, bundle_id, signer, cells = verify_bundle(
        bundle.read_bytes(), [load_public_key(public_key)]
    )
    typer.echo(f"verified {bundle}")
    typer.echo(f"  bundle  {bundle_id}")
    typer.echo(f"  city    {manifest.city} (network {manifest.network}), seq {manifest.seq}")
    typer.echo(
        f"  season  {manifest.scope.season} ({manifest.scope.start} .. {manifest.scope.end}, {manifest.scope.currency})"
    )
    typer.echo(
        f"  action  {manifest.action.value}, rules {manifest.rules.profile} v{manifest.rules.version}"
    )
    typer.echo(f"  cells   {len(cells)} ({sum(1 for c in cells if c.status == 'F')} published)")
    typer.echo(f"  signer  {signer}")


@release_app.command("retract")
def release_retract(
    city: Annotated[str, typer.Argument(help="City id or city file.")],
    season: Annotated[str, typer.Option("--season", help="Season id or number.")],
    db: DbOption = None,
    cities_dir: CitiesOption = None,
    key: KeyFile = None,
) -> None:
    """Queue a retraction of a released season; the next `datacity sync` pushes it."""
    from datacity_federation._services.sync import queue_retraction, season_of

    found, network, profile = _city_setup(city, cities_dir)
    signing = _key(found.id, key)
    with city_store(db) as engine:
        built = queue_retraction(
            engine=engine,
            city=found,
            season=season_of(found, season),
            network=network,
            profile=profile,
            key=signing,
        )
    typer.echo(f"queued  {found.id} seq {built.seq} retract {built.season} {built.bundle_id}")


@release_app.command("pseudonyms")
def release_pseudonyms(
    city: Annotated[str, typer.Argument(help="City id or city file.")],
    out: Annotated[
        Path, typer.Option("--out", help="File to write (share it with member cities only).")
    ],
    db: DbOption = None,
    cities_dir: CitiesOption = None,
) -> None:
    """Write the keyed pseudonyms of the city's piloting start-ups, for the network linkage."""
    from datacity_federation._services.linkage import (
        network_key,
        piloting_pseudonyms,
        write_pseudonyms,
    )

    found, _network, _profile = _city_setup(city, cities_dir)
    key = network_key(os.environ.get(NETWORK_KEY_ENV, ""), env=NETWORK_KEY_ENV)
    with city_store(db) as engine:
        tokens = piloting_pseudonyms(engine, city=found.id, key=key)
    write_pseudonyms(out, tokens)
    typer.echo(f"wrote {len(tokens)} pseudonym(s) to {out} (for member cities, never for the hub)")


@release_app.command("push")
def release_push(
    bundle: Annotated[Path, typer.Argument(help="A bundle zip.")],
    hub: HubUrl,
    token_file: TokenFile = None,
) -> None:
    """Push one bundle to the hub (safe to repeat: a known bundle changes nothing)."""
    import base64
    import io
    import json
    import zipfile

    from datacity_federation._sync.client import HubClient
    from datacity_federation.errors import HubRejected

    if not bundle.is_file():
        raise DatacityError(f"{bundle}: no such file")
    data = bundle.read_bytes()
    try:
        env = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("envelope.json"))
        city = str(json.loads(base64.b64decode(env["payload"]))["city"])
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise DatacityError(f"{bundle}: not a release bundle ({exc})") from None
    with HubClient(hub, token=_token(token_file)) as client:
        out = client.push(city, data)
    if out.status == 409:
        raise HubRejected(
            409,
            "conflict",
            f"the hub's head for {city} is seq {out.head_seq} ({out.head_id}); run `datacity sync {city}` to rebuild on it",
        )
    typer.echo(f"{'stored' if out.status == 201 else 'already there'}: {out.bundle_id}")


def sync(
    city: Annotated[
        str, typer.Argument(help="City id, or `pull` to fetch and verify the hub's feed.")
    ],
    hub: HubUrl,
    db: DbOption = None,
    cities_dir: CitiesOption = None,
    key: KeyFile = None,
    token_file: TokenFile = None,
    today: Annotated[
        str | None, typer.Option("--today", help="The day, YYYY-MM-DD (default: today there).")
    ] = None,
    keys_dir: Annotated[
        Path, typer.Option("--keys", help="pull: folder of CITY.pub files.")
    ] = Path("keys"),
    season: Annotated[
        list[str] | None,
        typer.Option(
            "--season", help="Only these seasons (repeatable); re-releases a retracted one."
        ),
    ] = None,
    linkage: Annotated[
        Path | None,
        typer.Option(
            "--linkage",
            help=f"Folder of the other cities' pseudonym lists (CITY.txt); key in ${NETWORK_KEY_ENV}.",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="pull: folder for verified bundles.")] = Path(
        "pulled"
    ),
    allow_empty: AllowEmpty = False,
) -> None:
    """Build the releases that are due into the outbox and push it; `sync pull` fetches the feed."""
    from datacity_federation._sync.client import HubClient

    if city == "pull":
        from datacity_federation._services.sync import pull_feed

        with HubClient(hub) as client:
            pulled = pull_feed(client=client, keys_dir=keys_dir, out_dir=out)
        typer.echo(
            f"{len(pulled.verified)} bundle(s) verified into {out}, cursor {pulled.cursor or '0'}"
        )
        for bundle_id, why in pulled.failed:
            typer.echo(f"  NOT VERIFIED {bundle_id}: {why}", err=True)
        if pulled.failed:
            raise DatacityError(f"{len(pulled.failed)} bundle(s) failed verification")
        return
    from datacity_federation._services.sync import build_due, push_outbox, season_of

    found, network, profile = _city_setup(city, cities_dir)
    signing = _key(found.id, key)
    token = _token(token_file)
    with city_store(db) as engine:
        link = None
        if linkage is not None:
            from datacity_federation._services.linkage import network_key, other_cities_pseudonyms

            link = (
                network_key(os.environ.get(NETWORK_KEY_ENV, ""), env=NETWORK_KEY_ENV),
                other_cities_pseudonyms(linkage, city=found.id),
            )
        built = build_due(
            engine=engine,
            city=found,
            network=network,
            profile=profile,
            key=signing,
            today=_day(today, found),
            seasons=[season_of(found, x).id for x in season] if season else None,
            linkage=link,
            allow_empty=allow_empty,
        )
        for b in built:
            typer.echo(f"built   {found.id} seq {b.seq} season {b.season} {b.bundle_id}")
        with HubClient(hub, token=token) as client:
            report = push_outbox(engine=engine, city=found.id, client=client, key=signing)
    for seq, status in report.pushed:
        typer.echo(
            f"pushed  {found.id} seq {seq} ({'stored' if status == 201 else 'already there'})"
        )
    if report.rebuilt:
        typer.echo(f"rebuilt {report.rebuilt} bundle(s) on the hub's head")
    if not built and not report.pushed:
        typer.echo(f"{found.id}: nothing to send")


def register(app: typer.Typer) -> None:
    from datacity_federation._cli import hub

    app.add_typer(keys_app)
    app.add_typer(release_app)
    hub.register(app)
    app.command("sync")(sync)
