"""Where a review's cells come from: a hub's database, or a hub's feed pulled over HTTP.

Rule header: a review reads the year asked for and every year before it on record (the
year-over-year change and the trends). From a database it trusts the hub's own checks (the hub verified every bundle on
arrival and records whether every signature checked out). Over HTTP it trusts nothing: every
bundle named by the feed is downloaded and verified offline against the city's public key (a
city without a key, a bad signature, a bundle whose id differs from the feed's or a bundle of
another city is refused), and the latest bundle of each city-season wins (a retraction removes
the season).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datacity_federation._review.model import BundleInfo, HubSnapshot, SeasonScope
from datacity_federation._review.status import ReleaseEvent
from datacity_federation.domain.release import Cell
from datacity_federation.errors import DatacityError, ReviewError

if TYPE_CHECKING:
    import httpx
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from sqlalchemy.engine import Engine

__all__ = [
    "load_public_keys",
    "snapshot_from_engine",
    "snapshot_from_hub",
    "snapshot_from_hub_db",
    "snapshot_from_hub_url",
]

FEED_PAGE = 1000


def snapshot_from_hub(
    *,
    hub_url: str | None,
    hub_db: str | None,
    year: int,
    keys: Mapping[str, Sequence[Ed25519PublicKey]] | None = None,
    network: str | None = None,
) -> HubSnapshot:
    """The cells of ``year`` and the years before from a hub URL (verified with ``keys``) or
    database."""
    if hub_db is not None:
        return snapshot_from_hub_db(hub_db, year=year)
    if hub_url is None:
        raise ReviewError("give a hub URL or a hub database URL")
    return snapshot_from_hub_url(hub_url, year=year, keys=keys or {}, network=network)


def snapshot_from_hub_db(url: str, *, year: int) -> HubSnapshot:
    """Read the hub's database directly (SQLite path or URL, PostgreSQL URL)."""
    from datacity_federation._sync.hub_store import hub_engine

    path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
    if "://" not in path and not Path(path).is_file():
        raise ReviewError(f"hub database {url}: no such file")
    try:
        engine = hub_engine(url, create=False)
    except DatacityError as exc:
        raise ReviewError(str(exc)) from None
    try:
        return snapshot_from_engine(engine, year=year)
    except DatacityError:
        raise
    except Exception as exc:  # a database that is not a hub's: say so in one line
        raise ReviewError(f"hub database {url}: cannot read it ({type(exc).__name__})") from None
    finally:
        engine.dispose()


def snapshot_from_engine(engine: Engine, *, year: int) -> HubSnapshot:
    """The cells of ``year`` and of every year on record before it (the trends), and every
    release event, from an open hub engine."""
    from datacity_federation._sync.hub_read import cells_for_years, release_events

    years = cells_for_years(engine, tuple(range(_first_year(engine, year), year + 1)))
    events = release_events(engine)
    cells: list[Cell] = []
    scopes: list[SeasonScope] = []
    bundles: dict[str, BundleInfo] = {}
    for got in years:
        cells += got.cells
        scopes += [
            SeasonScope(
                s.city, s.scope.season, s.scope.season_number, s.scope.start, s.scope.end,
                s.scope.currency,
            )
            for s in got.seasons
            if not s.retracted
        ]  # fmt: skip
        for city, cov in got.coverage.items():
            if cov.last_bundle_id and cov.last_seq and cov.last_received_at:
                bundles[city] = BundleInfo(
                    city, cov.last_bundle_id, cov.last_seq, cov.last_received_at,
                    cov.signature_verified,
                )  # fmt: skip
    members = tuple(sorted({*bundles, *(s.city for s in scopes)}))
    return HubSnapshot(members=members, cells=cells, seasons=scopes, bundles=bundles, events=events)


def _first_year(engine: Engine, year: int) -> int:
    """The first year a season the hub holds ended in (at most ``year - 1``)."""
    from sqlmodel import func, select

    from datacity_federation._sync.hub_store import HubSeason, hub_session

    with hub_session(engine) as s:
        first = s.exec(select(func.min(HubSeason.end_year))).one()
    return min(year - 1, first if first is not None else year)


def load_public_keys(folder: Path) -> dict[str, list[Ed25519PublicKey]]:
    """Every ``<city>.pub`` in ``folder``, by city id."""
    from datacity_federation._sync.keys import load_public_key

    if not folder.is_dir():
        raise ReviewError(f"--keys {folder}: no such folder")
    keys: dict[str, list[Ed25519PublicKey]] = {}
    for path in sorted(folder.glob("*.pub")):
        try:
            keys.setdefault(path.stem, []).append(load_public_key(path))
        except DatacityError as exc:
            raise ReviewError(str(exc)) from None
    return keys


def _get(client: httpx.Client, path: str, **params: Any) -> httpx.Response:
    import httpx

    try:
        answer = client.get(path, params=params or None)
    except httpx.HTTPError as exc:
        raise ReviewError(f"hub {client.base_url}: {type(exc).__name__}: {exc}") from None
    if answer.status_code != 200:
        raise ReviewError(
            f"hub {client.base_url}: GET {path} answered HTTP {answer.status_code}: "
            f"{answer.text[:200]}"
        )
    return answer


def _feed(client: httpx.Client) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    after = ""
    while True:
        page = _get(client, "/api/v1/feed", after=after, limit=FEED_PAGE).json()
        got = page.get("items", [])
        items += got
        if not got or page.get("next") in (None, after):
            return items
        after = page["next"]


def snapshot_from_hub_url(
    url: str,
    *,
    year: int,
    keys: Mapping[str, Sequence[Ed25519PublicKey]],
    network: str | None = None,
    client: httpx.Client | None = None,
) -> HubSnapshot:
    """Pull the hub's feed, download and verify every current bundle, keep the years to ``year``."""
    from datacity_federation._http import make_sync_client

    own = client is None
    http = client or make_sync_client(base_url=url, timeout=30.0)
    try:
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        items = _feed(http)
        for item in items:
            latest[(item["city"], item["season"])] = item
        last: dict[str, dict[str, Any]] = {}
        for item in latest.values():
            if item["city"] not in last or item["seq"] > last[item["city"]]["seq"]:
                last[item["city"]] = item
        cells: list[Cell] = []
        scopes: list[SeasonScope] = []
        for (city, _season), item in sorted(latest.items()):
            if item["action"] != "upsert":
                continue
            scope, got = _verified(http, item, keys.get(city, ()), network)
            if scope.end.year <= year:
                scopes.append(scope)
                cells += got
    finally:
        if own:
            http.close()
    bundles = {
        city: BundleInfo(city, i["bundle_id"], i["seq"], datetime.fromisoformat(i["at"]), True)
        for city, i in last.items()
    }
    events = [
        ReleaseEvent(i["city"], i["season"], i["seq"], i["action"], datetime.fromisoformat(i["at"]))
        for i in items
    ]
    return HubSnapshot(
        members=tuple(sorted(bundles)), cells=cells, seasons=scopes, bundles=bundles, events=events
    )


def _verified(
    http: httpx.Client,
    item: Mapping[str, Any],
    keys: Sequence[Ed25519PublicKey],
    network: str | None,
) -> tuple[SeasonScope, list[Cell]]:
    from datacity_federation._sync.bundle import verify_bundle

    city, bundle_id = item["city"], item["bundle_id"]
    if not keys:
        raise ReviewError(f"no public key for city {city}: cannot verify its bundle {bundle_id}")
    data = _get(http, f"/api/v1/bundles/{bundle_id}").content
    try:
        manifest, got_id, _signer, cells = verify_bundle(data, keys)
    except DatacityError as exc:
        raise ReviewError(f"bundle {bundle_id} of {city} does not verify: {exc}") from None
    if got_id != bundle_id or manifest.city != city:
        raise ReviewError(f"bundle {bundle_id} of {city}: the hub served another bundle")
    if network is not None and manifest.network != network:
        raise ReviewError(f"bundle {bundle_id} of {city} is of network {manifest.network}")
    s = manifest.scope
    return SeasonScope(city, s.season, s.season_number, s.start, s.end, s.currency), cells
