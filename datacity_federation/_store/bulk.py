"""Fast bulk writes for imports: one compiled INSERT, DB-API ``executemany`` in batches.

Rule header: SQLAlchemy's per-row parameter processing dominates a 100,000-row import, so the
import path compiles its INSERT once (quoted by the dialect, in the driver's paramstyle) and
hands plain tuples to the driver through ``Connection.exec_driver_sql``. Column types that need a
conversion on this dialect (dates on SQLite, JSON everywhere) keep it: their bind processors are
looked up once and applied to those columns only. Still one transaction, the caller's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table

__all__ = ["BulkInsert", "existing_keys"]

_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _mark(conn: Connection) -> str:
    style = conn.dialect.paramstyle
    if style not in _MARKS:
        raise NotImplementedError(f"paramstyle {style!r}")
    return _MARKS[style]


class BulkInsert:
    """``BulkInsert(conn, table, columns)(rows)`` inserts tuples in ``columns`` order.

    With ``prepared=True`` the caller hands values already in the driver's form, converting the
    columns that need it with :meth:`converter` (cached: a date or a timestamp repeated over
    100,000 rows is converted once).
    """

    def __init__(
        self, conn: Connection, table: Table, columns: Sequence[str], *, prepared: bool = False
    ) -> None:
        prep = conn.dialect.identifier_preparer
        mark = _mark(conn)
        names = ", ".join(prep.quote(c) for c in columns)
        marks = ", ".join([mark] * len(columns))
        self.conn = conn
        self.sql = f"INSERT INTO {prep.format_table(table)} ({names}) VALUES ({marks})"
        self.table = table
        procs: list[tuple[int, Callable[[Any], Any]]] = []
        for i, name in enumerate(columns):
            proc = self._processor(name)
            if proc is not None:
                procs.append((i, proc))
        self.procs = [] if prepared else procs

    def _processor(self, column: str) -> Callable[[Any], Any] | None:
        dialect = self.conn.dialect
        proc: Callable[[Any], Any] | None = (
            self.table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
        )
        return proc

    def converter(self, column: str) -> Callable[[Any], Any]:
        """Value -> driver form for ``column`` (identity when the driver takes it as is)."""
        proc = self._processor(column)
        if proc is None:
            return _identity
        cache: dict[Any, Any] = {}

        def convert(value: Any) -> Any:
            if value is None:
                return None
            try:
                return cache[value]
            except KeyError:
                if len(cache) > 4096:
                    cache.clear()
                out = cache[value] = proc(value)
                return out

        return convert

    def _process(self, row: Sequence[Any]) -> tuple[Any, ...]:
        out = list(row)
        for i, proc in self.procs:
            value = out[i]
            if value is not None:
                out[i] = proc(value)
        return tuple(out)

    def __call__(self, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        params = [self._process(r) for r in rows] if self.procs else list(rows)
        self.conn.exec_driver_sql(self.sql, params)
        return len(rows)


def _identity(value: Any) -> Any:
    return value


def existing_keys(
    conn: Connection, table: Table, city: str, column: str, keys: Iterable[str], chunk: int = 500
) -> set[str]:
    """Which of ``keys`` are already in ``table.column`` for ``city`` (one query per chunk)."""
    prep = conn.dialect.identifier_preparer
    mark = _mark(conn)
    wanted = list(keys)
    found: set[str] = set()
    base = f"SELECT {prep.quote(column)} FROM {prep.format_table(table)} WHERE city_id = {mark} AND {prep.quote(column)} IN "
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        sql = base + "(" + ", ".join([mark] * len(part)) + ")"
        found.update(r[0] for r in conn.exec_driver_sql(sql, (city, *part)))
    return found
