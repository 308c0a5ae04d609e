"""Paths and helpers shared by the records tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from datacity_federation._services.records_kinds import KINDS

ROOT = Path(__file__).resolve().parents[3]
CITIES = ROOT / "cities"
TEMPLATES = ROOT / "templates" / "csv"
ORDER = KINDS


def counts(engine: Engine) -> dict[str, int]:
    """Rows per records table (to show that a refused change wrote nothing)."""
    from sqlalchemy import func, select

    from datacity_federation._store.tables import metadata

    with engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in metadata.sorted_tables
        }
