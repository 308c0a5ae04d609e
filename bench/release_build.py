"""Benchmark: building a release from a city store of 100,000 applications, against the floor
of the equivalent SQL ``GROUP BY`` measured in the same run.

The release build reads the season's facts from the store (a few SELECTs), computes every cell
with its distinct contributors, applies the disclosure rules, secondary suppression and the
exact linear audit. The floor is one aggregate query giving, per theme and state, the number of
applications and of distinct start-ups: the counting part of the release, done by the database.

    python bench/release_build.py [--applications 100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from datacity_federation.config.loader import load_federation
from datacity_federation.privacy.rules import PROFILES
from datacity_federation.privacy.tables import build_release
from datacity_federation.store.engine import open_store
from datacity_federation.sync.store_facts import season_facts
from datacity_federation.testing.records_seed import seed_season

ROOT = Path(__file__).resolve().parents[1]
GROUP_BY = text(
    """
    SELECT c.theme, a.status, count(*) AS applications, count(DISTINCT a.startup_id) AS startups
    FROM applications a
    JOIN challenges c ON c.city_id = a.city_id AND c.season_id = a.season_id AND c.id = a.challenge_id
    WHERE a.city_id = :city AND a.season_id = :season
    GROUP BY c.theme, a.status
    """
)


def best(fn: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--applications", type=int, default=100_000)
    args = ap.parse_args()
    paris = load_federation(ROOT / "cities").city("paris")
    assert paris is not None
    season = paris.seasons[0]
    engine = open_store(Path(tempfile.mkdtemp(prefix="bench-release-")) / "city.db")
    t = time.perf_counter()
    seed_season(engine, city=paris, season=season, applications=args.applications)
    print(f"seeded {args.applications} applications in {time.perf_counter() - t:.1f}s")

    def floor() -> None:
        with engine.connect() as conn:
            conn.execute(GROUP_BY, {"city": paris.id, "season": season.id}).all()

    facts_holder: list[object] = []

    def read() -> None:
        facts_holder[:] = [season_facts(engine, city=paris, season=season)]

    def whole() -> None:
        build_release(season_facts(engine, city=paris, season=season), PROFILES["default"])

    floor_s = best(floor)
    read_s = best(read)
    build_s = best(whole)
    release = build_release(season_facts(engine, city=paris, season=season), PROFILES["default"])
    hidden = sum(1 for c in release.cells if c.status != "F")
    print(f"SQL GROUP BY floor:           {floor_s * 1000:8.1f} ms")
    print(f"read facts from the store:    {read_s * 1000:8.1f} ms")
    print(
        f"release build (read + rules): {build_s * 1000:8.1f} ms  ({len(release.cells)} cells, {hidden} suppressed)"
    )
    print(f"ratio release build / GROUP BY floor: {build_s / floor_s:.2f}")


if __name__ == "__main__":
    main()
