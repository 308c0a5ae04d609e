"""``datacity demo``: the whole federation on this machine, from city records to the review.

Rule header: everything happens in a fresh temporary folder that is removed at the end (so the
demo runs twice in a row and leaves nothing behind); only the review files are written to
``out``. Per seed city: a SQLite city store migrated by the records services, filled with the
labelled sample records (``demo_data``), an Ed25519 key pair, and the releases of its closed
seasons built into its outbox by the sync services. A hub over SQLite is served by uvicorn on
127.0.0.1 on a free port; every city pushes its outbox over HTTP with its own token; the feed is
pulled and every bundle verified offline against the cities' public keys; the review is built
from the verified bundles and written in English and in every language of the cities, with its
figures as JSON and CSV and its tables as a workbook per language (when openpyxl is installed).
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from datacity_federation._i18n import Catalogs
from datacity_federation.domain.city import City
from datacity_federation.domain.federation import Federation
from datacity_federation.errors import DatacityError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from datacity_federation._services.review import ReviewFormat

__all__ = ["LATE_SAMPLE_CITY", "DemoReport", "released_seasons", "run_demo"]

BY = "demo"


@dataclass(frozen=True, slots=True)
class DemoReport:
    """What the demo did, and where the review is."""

    year: int
    cities: tuple[str, ...]
    records: int
    bundles: int
    verified: int
    files: tuple[Path, ...]
    seconds: float

    @property
    def index(self) -> Path:
        """The page to open first (it links the review in every language)."""
        return self.files[0]


def _fill_store(*, db: Engine, folder: Path, work: Path, city_id: str, seed: int) -> int:
    """Migrate the city store, load the city files into it, import its sample records."""
    from datacity_federation._config.loader import load_federation
    from datacity_federation._services.demo_data import sample_records
    from datacity_federation._services.records import sync_config, upgrade_database
    from datacity_federation._services.records_import import import_csv
    from datacity_federation._services.records_kinds import KINDS

    upgrade_database(db=db)
    sync_config(db=db, cities_dir=folder, by=BY)
    city = next(c for c in load_federation(folder).cities if c.id == city_id)
    count = 0
    for season in city.seasons:
        files = sample_records(
            city=city, season=season, folder=work / city.id / season.id, seed=seed
        )
        for kind in (k for k in KINDS if k in files):
            report = import_csv(
                db=db, kind=kind, path=files[kind], city=city.id, season=season.id, by=BY
            )
            count += sum(report.written.values())
    return count


LATE_SAMPLE_CITY = "bangalore"
"""The demo holds back this city's latest closed season, so the review and the hub's site show
a late city-season (sample data, like every figure of the demo)."""


def released_seasons(*, city: City, today: date) -> list[str]:
    """The closed seasons the demo releases: all of them, except the latest closed season of
    :data:`LATE_SAMPLE_CITY`, held back on purpose so that the reporting status shows it late."""
    closed = [s for s in city.seasons if s.is_closed(today)]
    if city.id == LATE_SAMPLE_CITY and closed:
        held = max(closed, key=lambda s: s.end)
        closed = [s for s in closed if s is not held]
    return [s.id for s in closed]


def review_year(*, federation: Federation, today: date) -> int:
    """The year most cities reported a closed season in (the latest such year)."""
    reporting: dict[int, set[str]] = {}
    for city in federation.cities:
        for season in city.seasons:
            if season.is_closed(today):
                reporting.setdefault(season.end.year, set()).add(city.id)
    if not reporting:
        raise DatacityError("no closed season to review in the city files")
    return max(reporting, key=lambda y: (len(reporting[y]), y))


def run_demo(
    *,
    out: Path,
    cities_dir: Path | None = None,
    seed: int = 2015,
    today: date | None = None,
    progress: Callable[[str], None] = lambda _: None,
    catalogs: Catalogs | None = None,
) -> DemoReport:
    """Run the federation end to end on sample data; write the review into ``out``.

    ``catalogs``: where the review's words come from (default: the federation's own folder, then
    the shipped catalogues); checked before any work, so a strict set refuses at once.
    """
    from datacity_federation._config.loader import load_federation
    from datacity_federation._config.resources import default_cities_dir
    from datacity_federation._privacy.rules import PROFILES
    from datacity_federation._services.demo_data import sample_federation_folder
    from datacity_federation._services.hub_server import serving
    from datacity_federation._services.hub_site import create_hub_app, site_settings
    from datacity_federation._services.i18n import federation_catalogs
    from datacity_federation._services.review import (
        federation_review,
        review_languages,
        write_review,
    )
    from datacity_federation._services.review_source import load_public_keys, snapshot_from_hub_url
    from datacity_federation._services.sync import build_due, pull_feed, push_outbox
    from datacity_federation._store.engine import make_engine, open_store
    from datacity_federation._sync.client import HubClient
    from datacity_federation._sync.hub_ingest import add_city, init_hub
    from datacity_federation._sync.hub_store import hub_engine
    from datacity_federation._sync.keys import (
        generate_key_files,
        load_private_key,
        load_public_key,
    )

    started = time.monotonic()
    day = today or datetime.now(UTC).date()
    with tempfile.TemporaryDirectory(prefix="datacity-demo-") as tmp:
        work = Path(tmp)
        folder = sample_federation_folder(
            source=cities_dir or default_cities_dir(), dest=work / "cities", seed=seed
        )
        federation = load_federation(folder)
        books = catalogs or federation_catalogs(cities_dir=cities_dir or default_cities_dir())
        books.translators(review_languages(federation=federation))  # refuses now, if strict
        network = federation.network
        profile = PROFILES[federation.settings.defaults.disclosure_profile]
        keys = work / "keys"
        hub = hub_engine(str(work / "hub.db"))
        init_hub(hub, network)
        tokens: dict[str, str] = {}
        records = 0
        for city in federation.cities:
            progress(f"{city.id}: city store with sample records")
            engine = make_engine(work / f"{city.id}.db")
            try:
                records += _fill_store(
                    db=engine, folder=folder, work=work / "csv", city_id=city.id, seed=seed
                )
                private, public, _ = generate_key_files(city=city.id, out_dir=keys)
                tokens[city.id] = add_city(hub, city=city.id, public_key=load_public_key(public))
                released = released_seasons(city=city, today=day)
                if released:
                    build_due(
                        engine=engine, city=city, network=network, profile=profile,
                        key=load_private_key(path=private), today=day, seasons=released,
                    )  # fmt: skip
            finally:
                engine.dispose()
        year = review_year(federation=federation, today=day)
        bundles = 0
        site = site_settings(federation, catalogs=books, sample_data=True)
        app = create_hub_app(hub, site=site)
        with serving(app) as url:
            progress(f"hub on {url}")
            for city in federation.cities:
                engine = open_store(work / f"{city.id}.db")
                try:
                    with HubClient(url, token=tokens[city.id]) as client:
                        report = push_outbox(
                            engine=engine, city=city.id, client=client,
                            key=load_private_key(path=keys / f"{city.id}.key"),
                        )  # fmt: skip
                finally:
                    engine.dispose()
                bundles += len(report.pushed)
                progress(f"{city.id}: {len(report.pushed)} bundle(s) pushed")
            with HubClient(url) as client:
                pulled = pull_feed(client=client, keys_dir=keys, out_dir=work / "pulled")
            if pulled.failed:
                raise DatacityError(f"{len(pulled.failed)} bundle(s) failed verification")
            progress(f"feed pulled: {len(pulled.verified)} bundle(s) verified")
            snapshot = snapshot_from_hub_url(
                url, year=year, keys=load_public_keys(keys), network=network
            )
        hub.dispose()
        snapshot = dataclasses.replace(snapshot, sample_data=True)
        review = federation_review(snapshot=snapshot, federation=federation, year=year, on=day)
        languages = review_languages(federation=federation)
        progress(f"review {year} in {', '.join(languages)}")
        files = write_review(review=review, out=out, languages=languages, catalogs=books)
        for fmt in _data_formats():
            files += write_review(
                review=review, out=out, languages=languages, fmt=fmt, catalogs=books,
                profile=federation.settings.defaults.disclosure_profile,
            )  # fmt: skip
    return DemoReport(
        year=year,
        cities=tuple(c.id for c in federation.cities),
        records=records,
        bundles=bundles,
        verified=len(pulled.verified),
        files=tuple(files),
        seconds=time.monotonic() - started,
    )


def _data_formats() -> tuple[ReviewFormat, ...]:
    """The review's data files written beside the pages: JSON, CSV and, when openpyxl (the
    ``xlsx`` extra) is installed, the workbook."""
    from importlib.util import find_spec

    from datacity_federation._services.review import ReviewFormat

    formats = (ReviewFormat.JSON, ReviewFormat.CSV)
    return (*formats, ReviewFormat.XLSX) if find_spec("openpyxl") else formats
