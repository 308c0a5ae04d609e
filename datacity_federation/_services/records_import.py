"""Bulk import of programme records from CSV: all or nothing, every bad row reported.

Rule header: the file is read as a stream (``csv`` module, UTF-8 with or without BOM) inside one
transaction. Rows are validated a batch at a time by their kind's row type, made of the domain's
own field types (so a CSV cell is refused exactly where a city file or a model built in code
would be), then cross-checked (references, duplicates, the season's phases); good rows are written
in batches with Core ``executemany`` (so memory stays flat however long the file), bad rows are
collected as
``FILE:ROW: column: message`` (row 1 is the header). At the end, if any row was bad, the
transaction is rolled back and :class:`ImportRowsError` lists them all: nothing is written.
Duplicates are found within a batch directly and against the records (earlier batches included)
by one query per batch. Every imported record gets its audit event, in the same transaction.

Kinds: one list, :data:`records_kinds.KINDS`: applications (the fast path,
:mod:`records_import_applications`); startups, reviewers, reviews, pilots, measurements
(:mod:`records_import_kinds`); sponsorships and contracts (:mod:`records_import_money`). Headers:
docs/records.md and ``templates/csv/<kind>.csv``.
"""

from __future__ import annotations

import csv
import functools
import io
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, get_args, get_origin, get_type_hints

from pydantic import TypeAdapter, ValidationError

from datacity_federation.domain.base import field_problems
from datacity_federation.domain.city import City
from datacity_federation.domain.records import AuditKind
from datacity_federation.domain.season import Season
from datacity_federation.domain.vocab import Phase
from datacity_federation.errors import ImportRowsError, RowProblem, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = [
    "ImportContext",
    "ImportReport",
    "Importer",
    "import_csv",
]


def new_person_id() -> str:
    """A fresh person id (when the form tool gives none): random, so nothing in it can confirm
    a guessed name or e-mail address, before or after an erasure (ENISA: a plain hash of an
    identifier falls to a dictionary attack; a key kept beside the data would too)."""
    return f"p-{secrets.token_hex(16)}"


def email_key(email: str) -> str:
    """How two spellings of one e-mail address are recognised as the same person."""
    return email.strip().lower()


@dataclass
class ImportReport:
    """What an import wrote."""

    kind: str
    path: str
    rows: int
    written: dict[str, int] = field(default_factory=dict)


@dataclass
class ImportContext:
    """What every importer needs: the city, the season, when, who, and the problem list."""

    conn: Connection
    city: City
    season: Season
    path: str
    on: date
    at: datetime
    by: str
    override: str | None
    problems: list[RowProblem] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=dict)

    def bad(self, row: int, column: str, message: str) -> None:
        self.problems.append(RowProblem(self.path, row, column, message))

    def count(self, table: str, n: int) -> None:
        self.written[table] = self.written.get(table, 0) + n

    def phase_of(self) -> Callable[[date], Phase | None]:
        """A fast ``season.phase_on`` (the timeline computed once)."""
        spans = [(s.start, s.end, s.phase) for s in self.season.timeline()]

        def phase(day: date) -> Phase | None:
            for start, end, p in spans:
                if start <= day <= end:
                    return p
            return None

        return phase

    def event(
        self, kind: AuditKind, record: str, to: str, row: int, before: str | None = None
    ) -> dict[str, Any]:
        """The audit event row of an imported record (``why`` names the file and row)."""
        return {
            "city_id": self.city.id,
            "kind": kind.value,
            "record": record,
            "from_state": before,
            "to_state": to,
            "at": self.at,
            "by": self.by,
            "why": self.override or f"import {Path(self.path).name}:{row}",
            "override": self.override is not None,
        }


def _admits_none(hint: Any) -> bool:
    while get_origin(hint) is Annotated:
        hint = get_args(hint)[0]
    return hint is type(None) or type(None) in get_args(hint)


@functools.lru_cache(maxsize=32)
def batch_adapter(line: Any) -> TypeAdapter[list[Any]]:
    """The validator of a batch of ``line`` values (built once per row type)."""
    return TypeAdapter(list[line])


class Importer:
    """One kind of CSV: its row type, the cross-checks of a row, how a batch is written.

    Rule: ``line`` is the type of one row, a ``NamedTuple`` of the domain's field types or a
    domain model; its fields are the columns (those without a default are required). Each batch
    of rows is validated by that type at once (one ``TypeAdapter`` call); a refused value is
    reported at its row and column, worded as everywhere else, and its row goes no further.
    """

    line: ClassVar[Any] = None
    """The type of one row (its fields are the file's columns, plus ``context`` values)."""
    context_fields: ClassVar[tuple[str, ...]] = ()
    """Fields of ``line`` filled from the import's context, not from a column."""
    defaulted: ClassVar[tuple[str, ...]] = ()
    """Fields filled from the import's context when their (optional) column is blank."""
    prefixes: ClassVar[tuple[str, ...]] = ()
    """Column name prefixes of dynamic columns (``score_<criterion>``)."""
    columns: ClassVar[dict[str, str]] = {}
    """The column to name when a field of ``line`` is refused, when it is not the field's name."""
    whole_row: ClassVar[str] = ""
    """The column named when a rule over the whole row is broken."""
    required: ClassVar[tuple[str, ...]] = ()
    optional: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.line is None:
            return
        fields = getattr(cls.line, "model_fields", None)
        if fields is not None:  # a domain model: a field with a default is optional
            names = [n for n in fields if n not in cls.context_fields]
            needed = {n for n in names if fields[n].is_required()}
        elif hasattr(cls.line, "_fields"):  # a NamedTuple: likewise
            names = [n for n in cls.line._fields if n not in cls.context_fields]
            needed = {n for n in names if n not in cls.line._field_defaults}
        else:  # a TypedDict: a field that may be None is optional (a blank cell reads as None)
            hints = get_type_hints(cls.line, include_extras=True)
            names = [n for n in hints if n not in cls.context_fields]
            needed = {n for n in names if not _admits_none(hints[n])}
        needed -= set(cls.defaulted)
        columns = [cls.columns.get(n, n) for n in names]
        cls.required = tuple(
            c for n, c in zip(names, columns, strict=True) if n in needed and "*" not in c
        )
        cls.optional = tuple(
            c for n, c in zip(names, columns, strict=True) if n not in needed and "*" not in c
        )

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.header: list[str] = []
        self.at: dict[str, int] = {}
        self.fields: list[tuple[str, int]] = []
        self.context: dict[str, Any] = {}
        self.adapter = batch_adapter(self.line)

    def bind(self, header: list[str]) -> None:
        """Learn the file's column order; a missing optional column reads as ``""``."""
        self.header = header
        self.at = {
            name: header.index(name) if name in header else len(header)
            for name in (*self.required, *self.optional)
        }
        self.fields = list(self.at.items())

    def check(self, row: int, values: list[str]) -> dict[str, Any] | None:
        """The row as input of ``line``: the context, then every non-blank cell (a blank
        optional cell takes its field's default). ``values`` has one more item than the header,
        an empty string, which the missing optional columns point at."""
        out = dict(self.context)
        for name, i in self.fields:
            text = values[i].strip()
            if text:
                out[name] = text
        return out

    def validate(self, batch: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
        """The batch's rows that ``line`` accepts, as ``line`` values; the others reported."""
        try:
            lines = self.adapter.validate_python([raw for _, raw in batch])
        except ValidationError as exc:
            refused = set()
            for problem in field_problems(exc):
                index, *loc = problem.loc
                assert isinstance(index, int)
                refused.add(index)
                blank = problem.kind == "missing" or problem.value is None
                message = "missing value" if blank else problem.message
                self.ctx.bad(batch[index][0], self.column(loc), message)
            kept = [item for i, item in enumerate(batch) if i not in refused]
            return self.validate(kept) if kept else []
        return [(row, line) for (row, _), line in zip(batch, lines, strict=True)]

    def column(self, loc: list[str | int]) -> str:
        """The column a refused field came from."""
        name = str(loc[0]) if loc else self.whole_row
        return self.columns.get(name, name)

    def flush(self, batch: list[tuple[int, Any]]) -> None:
        """Write a batch of validated rows (dropping, and reporting, what the cross-checks
        refuse: unknown references, duplicates, the phase rules)."""
        raise NotImplementedError

    def finish(self) -> None:
        """After the last batch of a file without bad rows: what follows from the whole file."""


def _rows(ctx: ImportContext, reader: Any, header: list[str]) -> Iterator[tuple[int, list[str]]]:
    width = len(header)
    while True:
        try:
            for values in reader:
                if len(values) == width:
                    values.append("")
                    yield reader.line_num, values
                elif values and any(values):
                    ctx.bad(
                        reader.line_num,
                        "",
                        f"expected {width} fields like the header, got {len(values)}",
                    )
            return
        except csv.Error as exc:
            ctx.bad(reader.line_num, "", f"unreadable CSV: {exc}")


def import_csv(
    *,
    db: Engine,
    kind: str,
    path: str | Path,
    city: str,
    season: str,
    by: str,
    at: datetime | None = None,
    on: date | None = None,
    override: str | None = None,
    batch_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import one CSV file of ``kind`` into ``city``/``season``: all rows, or none.

    ``on`` is the day of the import in the city (default: today there); rows that carry their
    own day (``submitted_on``, ``started_on``...) are checked against the season's phase on that
    day, the others on ``on``. ``override`` (a reason) lifts the phase checks and is recorded in
    every audit event. ``progress(bytes_read, file_size)`` is called after every batch.
    """
    from zoneinfo import ZoneInfo

    from datacity_federation._services.records_kinds import KINDS, importer_of
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import load_city, season_of

    if kind not in KINDS:
        raise StoreError(f"unknown kind {kind!r} (one of: {', '.join(KINDS)})")
    if override is not None and not override.strip():
        raise StoreError("--override needs a reason")
    source = Path(path)
    if not source.is_file():
        raise StoreError(f"{source}: no such file")
    moment = at or datetime.now(UTC)
    with transaction(db) as conn:
        found = load_city(conn, city)
        found_season = season_of(found, season)
        day = on or moment.astimezone(ZoneInfo(found.timezone)).date()
        ctx = ImportContext(conn, found, found_season, str(path), day, moment, by, override)
        importer = importer_of(kind)(ctx)
        rows = _run(ctx, importer, source, batch_size, progress)
        if ctx.problems:
            ctx.problems.sort(key=lambda p: p.row)
            raise ImportRowsError(ctx.problems)
    return ImportReport(kind, str(path), rows, dict(ctx.written))


def _run(
    ctx: ImportContext,
    importer: Importer,
    source: Path,
    batch_size: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    count = 0
    size = source.stat().st_size
    try:
        with (
            source.open("rb") as raw,
            io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as fh,
        ):
            reader = csv.reader(fh)
            header = [h.strip() for h in next(reader, [])]
            if not header or header == [""]:
                raise ImportRowsError(
                    [RowProblem(ctx.path, 1, "", "empty file: expected a header row")]
                )
            known = set(importer.required) | set(importer.optional)
            problems = [
                RowProblem(ctx.path, 1, c, "missing column")
                for c in importer.required
                if c not in header
            ]
            problems += [
                RowProblem(
                    ctx.path,
                    1,
                    c,
                    f"unknown column (expected: {', '.join(importer.required + importer.optional)})",
                )
                for c in header
                if c not in known and not c.startswith(importer.prefixes or ("\0",))
            ]
            dupes = {c for c in header if header.count(c) > 1}
            problems += [RowProblem(ctx.path, 1, c, "column given twice") for c in sorted(dupes)]
            if problems:
                raise ImportRowsError(problems)
            importer.bind(header)
            batch: list[tuple[int, Any]] = []
            check = importer.check
            for row, values in _rows(ctx, reader, header):
                count += 1
                payload = check(row, values)
                if payload is not None:
                    batch.append((row, payload))
                    if len(batch) >= batch_size:
                        importer.flush(importer.validate(batch))
                        batch = []
                        if progress is not None:
                            progress(raw.tell(), size)
            if batch:
                importer.flush(importer.validate(batch))
            if not ctx.problems:
                importer.finish()
            if progress is not None:
                progress(size, size)
    except UnicodeDecodeError:
        raise StoreError(f"{ctx.path}: not UTF-8 text (save it as CSV UTF-8)") from None
    return count
