"""Benchmark: import 100,000 applications from CSV into a fresh SQLite store.

The import and two floors, measured in the same run, each the best of three:

* flat floor: Python's plain ``sqlite3`` reading the same CSV with ``csv`` and inserting its rows
  with one ``executemany`` into one table of the same columns, in one transaction;
* schema floor: plain ``sqlite3`` ``executemany`` of exactly the rows the import writes (people,
  applications, one audit event per application) into the same migrated schema, with the same
  connection settings (foreign keys on, page cache), without any checking.

The import validates every row through the domain's types (a batch of ``ApplicationLine`` rows
per ``TypeAdapter`` call) and normalises it into three rows (contact person, application, audit
event) with foreign keys checked by SQLite, so the flat floor does about a third of the database
work; the schema floor isolates what the import's own code costs. Prints both ratios (targets: at
most 3x the flat floor, at most 1.5x the schema floor), then the peak Python memory of the import
(tracemalloc) for 20,000 and 100,000 rows, which must not grow with the file.

    python bench/records_import.py [--rows 100000] [--cpu]
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datacity_federation._services.records import sync_config  # noqa: E402
from datacity_federation._services.records_import import import_csv  # noqa: E402

HEADER = [
    "id", "challenge", "startup", "startup_name", "status", "language", "submitted_on",
    "contact_id", "contact_name", "contact_email", "proposal",
]  # fmt: skip
CLOCK = time.perf_counter
"""The clock every timing reads: wall time, or with ``--cpu`` this process's CPU time (SQLite
runs in the process), steadier on a machine shared with other work."""
STATUSES = ["submitted", "shortlisted", "selected", "rejected", "withdrawn", "draft"]
CALL_START = date(2015, 12, 1)


def write_csv(path: Path, rows: int) -> None:
    challenges = ["waste-collection", "pedestrian-flows"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER)
        for i in range(rows):
            startup = f"startup-{i % 2000:04d}"
            status = STATUSES[i % len(STATUSES)]
            day = (CALL_START + timedelta(days=i % 90)).isoformat()
            out.writerow([
                f"APP-{i:07d}", challenges[i % 2], startup, f"Start-up {i % 2000}", status, "fr",
                day, f"P-{i:07d}", f"Person {i}", f"person{i}@example.org",
                f"Proposal {i}: sensors, data and a pilot plan for the challenge.",
            ])  # fmt: skip


def fresh_store(folder: Path, name: str) -> Path:
    db = folder / name
    sync_config(db=db, cities_dir=ROOT / "cities", by="bench")
    return db


def run_import(db: Path, csv_path: Path) -> int:
    report = import_csv(
        db=db, kind="applications", path=csv_path, city="paris", season="s1", by="bench",
        at=datetime(2016, 2, 1, tzinfo=UTC), on=date(2016, 2, 1),
    )  # fmt: skip
    return report.rows


def flat_floor(folder: Path, csv_path: Path, run: int) -> float:
    db = folder / f"floor-{run}.db"
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE applications ("
        + ", ".join(f"{c} TEXT" for c in HEADER)
        + ", PRIMARY KEY (id))"
    )
    start = CLOCK()
    with csv_path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        with conn:
            conn.executemany(
                f"INSERT INTO applications VALUES ({', '.join('?' * len(HEADER))})", reader
            )
    elapsed = CLOCK() - start
    conn.close()
    return elapsed


def schema_floor(folder: Path, csv_path: Path, run: int) -> float:
    from datacity_federation._store.engine import open_store

    db = fresh_store(folder, f"schema-floor-{run}.db")
    open_store(db).dispose()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA cache_size=-65536")
    for i in range(2000):
        conn.execute(
            "INSERT INTO partners VALUES ('paris', ?, 'startup', '{}', NULL, '[]', 'records')",
            (f"startup-{i:04d}",),
        )
    conn.commit()
    at = "2016-02-01 00:00:00.000000"
    start = CLOCK()
    with csv_path.open(newline="", encoding="utf-8") as fh, conn:
        reader = csv.reader(fh)
        next(reader)
        batch: list[list[str]] = []
        for values in reader:
            batch.append(values)
            if len(batch) == 2000:
                _floor_batch(conn, batch, at)
                batch = []
        _floor_batch(conn, batch, at)
    elapsed = CLOCK() - start
    conn.close()
    return elapsed


def _floor_batch(conn: sqlite3.Connection, batch: list[list[str]], at: str) -> None:
    conn.executemany(
        "INSERT INTO people (city_id, id, name, email) VALUES ('paris', ?, ?, ?)",
        [(v[7], v[8], v[9]) for v in batch],
    )
    conn.executemany(
        "INSERT INTO applications VALUES ('paris', ?, 's1', ?, ?, ?, ?, ?, ?, ?)",
        [(v[0], v[1], v[2], v[4], v[5], v[10], v[7], v[6]) for v in batch],
    )
    conn.executemany(
        'INSERT INTO audit_events (city_id, kind, record, from_state, to_state, at, "by", why, '
        "override) VALUES ('paris', 'application', ?, NULL, ?, ?, 'bench', ?, 0)",
        [(v[0], v[4], at, f"import applications.csv:{i}") for i, v in enumerate(batch)],
    )


def peak_memory(folder: Path, rows: int) -> float:
    csv_path = folder / f"mem-{rows}.csv"
    write_csv(csv_path, rows)
    db = fresh_store(folder, f"mem-{rows}.db")
    tracemalloc.start()
    run_import(db, csv_path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cpu", action="store_true", help="time CPU, not wall clock")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.cpu else time.perf_counter
    with tempfile.TemporaryDirectory(prefix="datacity-bench-") as tmp:
        folder = Path(tmp)
        csv_path = folder / "applications.csv"
        write_csv(csv_path, args.rows)
        size = csv_path.stat().st_size / 1e6
        timings = []
        for run in range(3):
            db = fresh_store(folder, f"records-{run}.db")
            start = CLOCK()
            imported = run_import(db, csv_path)
            timings.append(CLOCK() - start)
        ours = min(timings)
        flat = min(flat_floor(folder, csv_path, run) for run in range(3))
        schema = min(schema_floor(folder, csv_path, run) for run in range(3))
        print(f"rows: {imported} ({size:.1f} MB CSV), clock: {'CPU' if args.cpu else 'wall'}")
        print(f"datacity records import: {ours:.2f} s ({imported / ours:,.0f} rows/s)")
        print(f"flat floor (sqlite3 executemany, one table): {flat:.2f} s")
        print(f"schema floor (sqlite3 executemany, same rows and schema): {schema:.2f} s")
        print(f"ratio vs flat floor: {ours / flat:.2f}x (target <= 3x)")
        print(f"ratio vs schema floor: {ours / schema:.2f}x (target <= 1.5x)")
        ratio = ours / schema
        small, large = peak_memory(folder, args.rows // 5), peak_memory(folder, args.rows)
        print(
            f"peak memory (tracemalloc): {small:.1f} MB for {args.rows // 5} rows, {large:.1f} MB for {args.rows} rows"
        )
        steady = large <= small * 1.5 + 1
        print(f"memory flat with file size: {'yes' if steady else 'NO'}")
        return 0 if ratio <= 1.5 and ours / flat <= 3 and steady else 1


if __name__ == "__main__":
    raise SystemExit(main())
