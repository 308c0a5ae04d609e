"""Backup and restore of one city's records as JSON: an exact round trip.

Rule header: an export holds every row of every records table for one city (the city's
configuration as synced, the start-ups registered in the records, people, applications,
reviewers, reviews and scores, pilots, measurements, money and the audit trail, in order), sorted
by primary key, dates and times as ISO 8601 text, nothing else (no export time), so exporting a
restored store gives the same bytes. It contains personal data: it is a backup that stays in the
city. The restore checks the format version, writes everything in one transaction and reads the
records back through the domain models before committing.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datacity_federation.errors import InvalidModelError, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Column, Connection, Engine, Table

__all__ = ["FORMAT", "export_city", "import_city", "records_tables"]

FORMAT = "datacity-records/1"
"""Name and major version of the export format; another major version is refused."""


def records_tables() -> list[Table]:
    """The records tables of one city, parents first."""
    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import table

    ours = {table(getattr(t, name)).name for name in t.__all__ if name.endswith("Row")}
    return [tbl for tbl in t.metadata.sorted_tables if tbl.name in ours]


def _city_column(tbl: Table) -> Column[Any]:
    return tbl.c.id if tbl.name == "cities" else tbl.c.city_id


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        from datacity_federation._store.mapping import utc

        return utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _decoder(column: Column[Any]) -> Any:
    from sqlalchemy import Date, DateTime

    if isinstance(column.type, DateTime):
        return datetime.fromisoformat
    if isinstance(column.type, Date):
        return date.fromisoformat
    return None


def export_data(conn: Connection, city: str) -> dict[str, Any]:
    """The export document of ``city`` (see the module's rule header)."""
    from sqlalchemy import select

    from datacity_federation._store.repository import load_city

    load_city(conn, city)  # a clear error when the city is not in the store
    out: dict[str, list[dict[str, Any]]] = {}
    for tbl in records_tables():
        skip = {"seq"} if tbl.name == "audit_events" else set()
        keys = [tbl.c.seq] if tbl.name == "audit_events" else list(tbl.primary_key.columns)
        query = select(tbl).where(_city_column(tbl) == city).order_by(*keys)
        out[tbl.name] = [
            {k: _encode(v) for k, v in row.items() if k not in skip}
            for row in conn.execute(query).mappings()
        ]
    return {"format": FORMAT, "city": city, "tables": out}


def export_city(*, db: Engine, city: str, out: str | Path) -> dict[str, int]:
    """Write every record of ``city`` to ``out`` (JSON); return the row count per table."""
    from datacity_federation._store.engine import transaction

    with transaction(db) as conn:
        document = export_data(conn, city)
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    target = Path(out)
    if not target.parent.is_dir():
        raise StoreError(f"{target}: no such folder {str(target.parent)!r}")
    target.write_text(text, encoding="utf-8")
    return {name: len(rows) for name, rows in document["tables"].items()}


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise StoreError(f"{path}: no such file")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{path}: not a records export ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("format"), str):
        raise StoreError(f"{path}: not a records export (no 'format')")
    name, _, major = document["format"].partition("/")
    if name != "datacity-records":
        raise StoreError(f"{path}: not a records export (format {document['format']!r})")
    if major != FORMAT.split("/")[1]:
        raise StoreError(
            f"{path}: format {document['format']!r} is not supported (this version reads {FORMAT})"
        )
    if not isinstance(document.get("city"), str) or not isinstance(document.get("tables"), dict):
        raise StoreError(f"{path}: 'city' and 'tables' are required")
    return document


def import_city(*, db: Engine, path: str | Path, replace: bool = False) -> dict[str, int]:
    """Restore an export into the store (one transaction); return the row count per table.

    A city already in the store is refused unless ``replace``, which deletes its records first.
    """
    from sqlalchemy import delete, insert, select

    from datacity_federation._store.engine import transaction

    source = Path(path)
    document = _read(source)
    city: str = document["city"]
    tables: dict[str, Any] = document["tables"]
    known = {tbl.name: tbl for tbl in records_tables()}
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise StoreError(f"{source}: unknown table(s) {', '.join(unknown)}")
    counts: dict[str, int] = {}
    with transaction(db) as conn:
        cities = known["cities"]
        if conn.execute(select(cities.c.id).where(cities.c.id == city)).first() is not None:
            if not replace:
                raise StoreError(
                    f"city {city!r} is already in the database; use --replace to overwrite it"
                )
            for tbl in reversed(list(known.values())):
                conn.execute(delete(tbl).where(_city_column(tbl) == city))
        for name, tbl in known.items():
            rows = tables.get(name, [])
            decoded = [_decode_row(source, tbl, city, i, row) for i, row in enumerate(rows)]
            if decoded:
                conn.execute(insert(tbl), decoded)
            counts[name] = len(decoded)
        _check_readable(conn, city)
    return counts


def _decode_row(source: Path, tbl: Table, city: str, index: int, row: Any) -> dict[str, Any]:
    where = f"{source}: {tbl.name}[{index}]"
    if not isinstance(row, dict):
        raise StoreError(f"{where}: expected an object")
    columns = {c.name: c for c in tbl.columns if c.name != "seq"}
    extra = sorted(set(row) - set(columns))
    if extra:
        raise StoreError(f"{where}: unknown column(s) {', '.join(extra)}")
    missing = sorted(
        c for c, col in columns.items() if c not in row and not col.nullable and col.default is None
    )
    if missing:
        raise StoreError(f"{where}: missing column(s) {', '.join(missing)}")
    out: dict[str, Any] = {}
    for name, value in row.items():
        decode = _decoder(columns[name])
        try:
            out[name] = decode(value) if decode is not None and value is not None else value
        except (TypeError, ValueError):
            raise StoreError(f"{where}: {name}: not a date or time {value!r}") from None
    owner = out.get("id" if tbl.name == "cities" else "city_id")
    if owner != city:
        raise StoreError(f"{where}: belongs to {owner!r}, not to {city!r}")
    return out


def _check_readable(conn: Connection, city: str) -> None:
    """Read everything back through the domain models (validation on the way in)."""
    from sqlalchemy import select

    from datacity_federation._store import mapping as m
    from datacity_federation._store import tables as t
    from datacity_federation._store.repository import list_events, load_city

    try:
        load_city(conn, city)
        for model, read in (
            (t.ApplicationRow, m.application_from),
            (t.PilotRow, m.pilot_from),
            (t.PersonRow, m.person_from),
            (t.KpiMeasurementRow, m.measurement_from),
            (t.SponsorshipRow, m.sponsorship_from),
            (t.ContractValueRow, m.contract_from),
        ):
            tbl = m.table(model)
            for row in conn.execute(select(tbl).where(tbl.c.city_id == city)).mappings():
                read(row)
        list_events(conn, city)
    except InvalidModelError as exc:
        raise StoreError(f"the export holds an invalid record: {exc}") from None
