"""Benchmark: load_federation on 100 city files against plain yaml.load(CSafeLoader).

The city files are written by ``datacity new-city``; the floor is PyYAML's C loader reading the
same files (no checks at all), measured in the same run. Prints the ratio (target: at most 1.5x).

    .venv/bin/python bench/config_load.py
"""

from __future__ import annotations

import contextlib
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from datacity_federation import load_federation
from datacity_federation._cli import main as datacity

CITIES = 100
ROUNDS = 25
LANGS = ["fr,en", "ca,es", "en,ms,zh,ta", "kn,en", "ar,fr"]
ZONES = ["Europe/Paris", "Europe/Madrid", "Asia/Singapore", "Asia/Kolkata", "Africa/Casablanca"]
MONEY = ["EUR", "EUR", "SGD", "INR", "MAD"]
COUNTRY = ["FR", "ES", "SG", "IN", "MA"]


def generate(folder: Path) -> list[Path]:
    (folder / "federation.yaml").write_text(
        "network: bench\nname: {en: Benchmark network}\n", encoding="utf-8"
    )
    for i in range(CITIES):
        k = i % len(LANGS)
        code = datacity(
            [
                "new-city", f"city-{i:03d}", "--name", f"City {i}", "--country", COUNTRY[k],
                "--languages", LANGS[k], "--timezone", ZONES[k], "--currency", MONEY[k],
                "--portal", f"ckan=https://data{i}.example.org/api/3/action/",
                "--portal", f"opendatasoft=https://ods{i}.example.org/api/explore/v2.1",
                "--first-season", f"{2015 + i % 10}-0{1 + i % 9}-01", "--out", str(folder),
            ]
        )  # fmt: skip
        assert code == 0, f"new-city failed for city {i}"
    return sorted(folder.glob("*.yaml"))


def timed(rounds: int, work: Callable[[], object]) -> tuple[float, float]:
    """Best and median wall time of ``rounds`` runs."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with contextlib.redirect_stdout(io.StringIO()):
            files = generate(folder)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        def floor() -> None:
            for path in files:
                with path.open("rb") as stream:
                    yaml.load(stream, Loader=loader)

        def ours() -> None:
            federation = load_federation(folder)
            assert len(federation.cities) == CITIES

        # Warm caches once (Babel locale data, zoneinfo), as in any running process.
        ours()
        floor()
        # Interleaved rounds: a burst of load from elsewhere hits both sides alike.
        floor_times, ours_times = [], []
        for _ in range(ROUNDS):
            floor_times.append(timed(1, floor)[0])
            ours_times.append(timed(1, ours)[0])
        floor_best, floor_median = min(floor_times), statistics.median(floor_times)
        ours_best, ours_median = min(ours_times), statistics.median(ours_times)
    print(f"files: {len(files)} ({CITIES} cities + federation.yaml), best of {ROUNDS} rounds")
    print(
        f"floor yaml.load(CSafeLoader): {floor_best * 1e3:7.1f} ms (median {floor_median * 1e3:.1f})"
    )
    print(
        f"load_federation:              {ours_best * 1e3:7.1f} ms (median {ours_median * 1e3:.1f})"
    )
    print(f"ratio load_federation / yaml.load = {ours_best / floor_best:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
