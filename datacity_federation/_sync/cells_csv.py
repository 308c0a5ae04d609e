"""``cells.csv``: write a release's cells and read them back against the hub's pinned schema.

Rule header: RFC 4180 (CRLF line ends, minimal quoting), UTF-8, a fixed header, rows sorted by
their key, values as exact decimal text with ``.`` and no exponent or trailing zero (so the same
numbers always give the same bytes). The reader trusts nothing the sender says about the file:
it checks the header, every code against the vocabularies, exact decimals (no NaN, no infinity),
no negative count or money, unique keys, and no text starting with ``= + - @`` (spreadsheet
formula injection; the only exception is a plain negative decimal where the metric allows one).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from datacity_federation.domain.release import (
    ALL_THEMES,
    MAX_FRACTION_DIGITS,
    MAX_VALUE_DIGITS,
    SIGNED_METRICS,
    Cell,
)
from datacity_federation.domain.vocab import Theme
from datacity_federation.errors import InvalidModelError, ReleaseError

__all__ = ["COLUMNS", "MAX_ROWS", "SIGNED_METRICS", "format_decimal", "read_cells", "write_cells"]

COLUMNS = ("city", "season", "metric", "theme", "dim", "value", "unit", "status")
"""Exactly the columns that may leave a city, in order."""

_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 20_000
"""Rows a ``cells.csv`` may hold."""
_MAX_TEXT = MAX_VALUE_DIGITS + 3  # sign, point and one spare: longer text is refused unparsed


def format_decimal(value: Decimal) -> str:
    """Canonical text of an exact decimal: ``12``, ``0.5``, ``1250000``; never ``1E+6`` or ``-0``."""
    if not value.is_finite():
        raise ReleaseError(f"not a finite number: {value}")
    if value == 0:
        return "0"
    # format(), unlike normalize(), never rounds to the context's 28 digits: the text keeps every
    # digit the value has.
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _sort_key(cell: Cell) -> tuple[str, ...]:
    return cell.key


def write_cells(cells: Iterable[Cell]) -> bytes:
    """The bytes of ``cells.csv`` for ``cells`` (sorted; the same cells give the same bytes)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    seen: set[tuple[str, ...]] = set()
    for c in sorted(cells, key=_sort_key):
        if c.key in seen:
            raise ReleaseError(f"duplicate cell {'/'.join(c.key)}")
        seen.add(c.key)
        value = "" if c.value is None else format_decimal(c.value)
        writer.writerow(
            [c.city, c.season, c.metric.value, c.theme, c.dim, value, c.unit.value, c.status.value]
        )
    return buf.getvalue().encode("utf-8")


def read_cells(data: bytes, *, extra_themes: Sequence[str] = ()) -> list[Cell]:
    """Parse and validate ``cells.csv`` against the pinned schema; raise :class:`ReleaseError`
    naming the first bad line and column."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReleaseError(f"cells.csv: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    if "\x00" in text:
        raise ReleaseError("cells.csv: NUL byte")
    themes = {t.value for t in Theme} | set(extra_themes) | {ALL_THEMES}
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    cells: list[Cell] = []
    seen: set[tuple[str, ...]] = set()
    try:
        # Row by row: the first bad row stops the work (no list of every row is built first).
        for line, row in enumerate(reader, start=1):
            if line == 1:
                if tuple(row) != COLUMNS:
                    raise ReleaseError(f"cells.csv: header must be exactly {','.join(COLUMNS)}")
                continue
            if line - 1 > MAX_ROWS:
                raise ReleaseError(f"cells.csv: more than {MAX_ROWS} rows")
            cells.append(_row(row, line, themes))
            key = cells[-1].key
            if key in seen:
                raise ReleaseError(f"cells.csv:{line}: duplicate key {'/'.join(key)}")
            seen.add(key)
    except csv.Error as exc:
        raise ReleaseError(f"cells.csv: malformed CSV ({exc})") from exc
    if reader.line_num == 0:
        raise ReleaseError(f"cells.csv: header must be exactly {','.join(COLUMNS)}")
    return cells


def _row(row: list[str], line: int, themes: set[str]) -> Cell:
    """One row, parsed by :class:`Cell` (the type is the check); the text-level rules here are the
    ones a value cannot express: formula injection, the exact decimal spelling, the theme list."""
    where = f"cells.csv:{line}"
    if len(row) != len(COLUMNS):
        raise ReleaseError(f"{where}: expected {len(COLUMNS)} fields, got {len(row)}")
    city, season, metric, theme, dim, value, unit, status = row
    for name, text in zip(COLUMNS, row, strict=True):
        if text.startswith(_FORMULA) and not (name == "value" and _NUMBER.match(text)):
            raise ReleaseError(f"{where}: {name}: starts with {text[:1]!r} (formula injection)")
    if value and (len(value) > _MAX_TEXT or not _NUMBER.match(value)):
        raise ReleaseError(
            f"{where}: value: not an exact decimal of at most {MAX_VALUE_DIGITS} digits "
            f"({MAX_FRACTION_DIGITS} after the point): {value[:40]!r}"
        )
    if theme not in themes:
        raise ReleaseError(f"{where}: theme: unknown theme {theme[:40]!r}")
    try:
        return Cell(
            city=city,
            season=season,
            metric=metric,
            theme=theme,
            dim=dim,
            value=Decimal(value) if value else None,
            unit=unit,
            status=status,
        )
    except InvalidModelError as exc:
        first = exc.problems[0]
        field = first.field or "row"
        msg = first.message
        if first.kind == "enum":
            msg = f"unknown {field} {str(first.value)[:40]!r}"
        raise ReleaseError(f"{where}: {field}: {msg}") from None
