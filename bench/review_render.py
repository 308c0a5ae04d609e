"""Benchmark: build and render the annual review for 100 cities x 10 years of cells.

Floor: the same aggregation (per year, city, metric, theme and dimension: the sum of the
published values and the count of suppressed cells, for the review year and the year before)
as ONE SQL query over the hub's SQLite database, measured in the same run. Since the review has a
trends section it reads every year on record, so a second floor runs the same query over every
year (what the review needs now); both ratios are printed. Printed: the best of several runs of
each, and their ratios to the floor:

- build + render from every year's cells in memory (target <= 3x);
- read the hub's database + build + render, what ``datacity review --hub-db`` does (target <= 5x);
- the hub site's review page over HTTP (in process), uncached (its cache emptied before each
  request: read + build + render + the site's frame) and cached (a page the feed has not moved
  since).

    python bench/review_render.py
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine

from datacity_federation._review import build_review
from datacity_federation._review.render import render_html
from datacity_federation._review.sample import sample_snapshot
from datacity_federation._services.review_source import snapshot_from_hub_db
from datacity_federation._sync.hub_store import (
    HubBundle,
    HubCell,
    HubCity,
    HubSeason,
    hub_engine,
)

CITIES = 100
YEARS = tuple(range(2010, 2020))
YEAR = YEARS[-1]
RUNS = 15
CURRENCIES = ("EUR", "SGD", "INR", "USD", "MAD")

FLOOR_SQL = text(
    """
    SELECT s.end_year, c.city, c.metric, c.theme, c.dim,
           SUM(CASE WHEN c.status = 'F' THEN CAST(c.value AS NUMERIC) END) AS published,
           SUM(CASE WHEN c.status != 'F' THEN 1 ELSE 0 END) AS suppressed
    FROM hub_cell AS c
    JOIN hub_season AS s ON s.city = c.city AND s.season = c.season
    WHERE s.end_year IN (:year - 1, :year) AND NOT s.retracted
    GROUP BY s.end_year, c.city, c.metric, c.theme, c.dim
    """
)
FLOOR_ALL_YEARS_SQL = text(
    str(FLOOR_SQL).replace("s.end_year IN (:year - 1, :year)", "s.end_year <= :year")
)


def best(*fns: Callable[[], object], runs: int = RUNS) -> list[float]:
    """The best time of each function over RUNS rounds, run in turn so that a busy machine
    slows both sides alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, got in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            got.append(time.perf_counter() - start)
    return [min(t) for t in times]


def main() -> None:
    cities = [(f"city-{i:03d}", CURRENCIES[i % len(CURRENCIES)]) for i in range(CITIES)]
    snapshot = sample_snapshot(cities=cities, years=YEARS, seed=1)
    now = datetime(2020, 1, 15, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        engine = hub_engine(str(Path(tmp) / "hub.db"))
        with engine.begin() as conn:
            conn.execute(insert(HubCity), [
                {"city": c, "token_hash": f"h{c}", "created_at": now} for c, _ in cities
            ])  # fmt: skip
            conn.execute(insert(HubBundle), [
                {"bundle_id": b.bundle_id, "city": c, "seq": b.seq, "prev": None, "season": "s10",
                 "action": "upsert", "signed_by": "none", "received_at": now, "size": 0,
                 "body_sha256": hashlib.sha256(b"").hexdigest(), "data": b""}
                for c, b in snapshot.bundles.items()
            ])  # fmt: skip
            conn.execute(insert(HubSeason), [
                {"city": s.city, "season": s.season, "season_number": s.number, "start": s.start,
                 "end": s.end, "end_year": s.end.year, "currency": s.currency, "bundle_id": "b",
                 "seq": s.number, "retracted": False, "updated_at": now}
                for s in snapshot.seasons
            ])  # fmt: skip
            conn.execute(insert(HubCell), [
                {"city": c.city, "season": c.season, "metric": c.metric.value, "theme": c.theme,
                 "dim": c.dim, "value": None if c.value is None else str(c.value),
                 "unit": c.unit.value, "status": c.status.value, "bundle_id": "b"}
                for c in snapshot.cells
            ])  # fmt: skip

        def floor() -> object:
            with engine.connect() as conn:
                return conn.execute(FLOOR_SQL, {"year": YEAR}).all()

        def floor_all_years() -> object:
            with engine.connect() as conn:
                return conn.execute(FLOOR_ALL_YEARS_SQL, {"year": YEAR}).all()

        # What the hub's read API hands the review: the cells of the review year and of every
        # year before it (the trends), as ``snapshot_from_hub_db`` returns them.
        wanted = {(s.city, s.season) for s in snapshot.seasons if s.end.year <= YEAR}
        on_record = dataclasses.replace(
            snapshot, cells=[c for c in snapshot.cells if (c.city, c.season) in wanted]
        )

        def build_and_render() -> object:
            review = build_review(on_record, year=YEAR, on=date(2020, 1, 15))
            return render_html(review, lang="en")

        def from_database() -> object:
            hub = snapshot_from_hub_db(f"sqlite:///{Path(tmp) / 'hub.db'}", year=YEAR)
            review = build_review(hub, year=YEAR, on=date(2020, 1, 15))
            return render_html(review, lang="en")

        build_and_render()  # warm the template cache and Babel's locale data
        # The sample data and the libraries are set-up, not work: keep the garbage collector
        # from walking them again and again while either side is measured.
        gc.collect()
        gc.freeze()
        t_floor, t_floor_all, t_review = best(floor, floor_all_years, build_and_render)
        (t_db,) = best(from_database, runs=5)
        t_uncached, t_cached = site_pages(engine)
        engine.dispose()
    rows = len(snapshot.cells)
    print(f"cells: {rows} ({CITIES} cities x {len(YEARS)} years); review year {YEAR}")
    print(f"floor, one SQL aggregation over the hub database: {t_floor * 1000:8.1f} ms")
    print(
        f"build the review from its {len(on_record.cells)} cells + render it (en): {t_review * 1000:8.1f} ms"
    )
    print(f"read the hub database + build + render (en):     {t_db * 1000:8.1f} ms")
    print(f"hub site review page (en), uncached:             {t_uncached * 1000:8.1f} ms")
    print(f"hub site review page (en), cached:               {t_cached * 1000:8.1f} ms")
    print(f"ratio build+render / floor: {t_review / t_floor:.2f}x (target <= 3x)")
    print(f"ratio read+build+render / floor: {t_db / t_floor:.2f}x (target <= 5x)")
    print(f"ratio site page uncached / floor: {t_uncached / t_floor:.2f}x")
    print(f"ratio site page cached / floor: {t_cached / t_floor:.3f}x")
    print(f"floor over every year on record (what the trends read): {t_floor_all * 1000:8.1f} ms")
    print(f"ratio read+build+render / every-year floor: {t_db / t_floor_all:.2f}x")


def site_pages(engine: Engine) -> tuple[float, float]:
    """Best times of the site's review page, uncached then cached, through its ASGI app."""
    from fastapi.testclient import TestClient

    from datacity_federation._services.hub_site import install_site
    from datacity_federation._sync.hub import create_app

    app = create_app(engine, network="bench")
    cache = install_site(app, engine)
    path = f"/en/review/{YEAR}"
    with TestClient(app) as client:
        assert client.get(path).status_code == 200  # warm the templates

        def uncached() -> object:
            cache.pages.clear()
            got = client.get(path)
            assert got.headers["x-datacity-cache"] == "miss"
            return got

        def cached() -> object:
            got = client.get(path)
            assert got.headers["x-datacity-cache"] == "hit"
            return got

        (t_uncached,) = best(uncached, runs=5)
        client.get(path)
        (t_cached,) = best(cached)
    return t_uncached, t_cached


if __name__ == "__main__":
    main()
