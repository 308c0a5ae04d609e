"""Bulk import of programme records from CSV: all or nothing, every bad row reported.

Rule header: the file is read as a stream (``csv`` module, UTF-8 with or without BOM) inside one
transaction. Each row is checked as it comes; good rows are written in batches with Core
``executemany`` (so memory stays flat however long the file), bad rows are collected as
``FILE:ROW: column: message`` (row 1 is the header). At the end, if any row was bad, the
transaction is rolled back and :class:`ImportRowsError` lists them all: nothing is written.
Duplicates are found within a batch directly and against the records (earlier batches included)
by one query per batch. Every imported record gets its audit event, in the same transaction.

Kinds: applications (fast path below), and reviews, pilots, measurements, sponsorships,
startups, reviewers (in :mod:`records_import_kinds`). Headers: docs/records.md and
``templates/csv/<kind>.csv``.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datacity_federation.domain.city import City
from datacity_federation.domain.lifecycle import APPLICATION_PHASES
from datacity_federation.domain.records import RECORD_ID_PATTERN, AuditKind
from datacity_federation.domain.season import Season
from datacity_federation.domain.vocab import ApplicationStatus, PartnerKind, Phase
from datacity_federation.errors import ImportRowsError, RowProblem, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = [
    "KINDS",
    "ImportContext",
    "ImportReport",
    "Importer",
    "import_csv",
    "parse_date",
]

# These mirror the domain's constrained types (domain.base / domain.records); a unit test keeps
# them equal, so the fast path accepts exactly what the domain models accept.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
RECORD_ID_RE = re.compile(RECORD_ID_PATTERN)
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STATUSES = {s.value: s for s in ApplicationStatus}


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` -> date; ``ValueError`` with a readable message otherwise."""
    if not DATE_RE.match(text):
        raise ValueError(f"not a date {text!r} (use YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date {text!r} (no such day)") from None


def person_id(city: str, email: str) -> str:
    """A stable person id derived from an e-mail address (when the form tool gives none)."""
    digest = hashlib.sha256(f"{city}\n{email.strip().lower()}".encode()).hexdigest()
    return f"p-{digest[:16]}"


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


class Importer:
    """One kind of CSV: its columns, how a row is checked, how a batch is written."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    """Column name prefixes of dynamic columns (``score_<criterion>``)."""

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.header: list[str] = []
        self.at: dict[str, int] = {}

    def bind(self, header: list[str]) -> None:
        """Learn the file's column order; a missing optional column reads as ``""``."""
        self.header = header
        self.at = {
            name: header.index(name) if name in header else len(header)
            for name in (*self.required, *self.optional)
        }

    def check(self, row: int, values: list[str]) -> Any:
        """The row's payload, or ``None`` after reporting its problems on ``ctx``.

        ``values`` has one more item than the header, an empty string, which the missing
        optional columns point at."""
        raise NotImplementedError

    def flush(self, batch: list[tuple[int, Any]]) -> None:
        """Write a batch of checked rows (dropping, and reporting, duplicates)."""
        raise NotImplementedError


class ApplicationsImporter(Importer):
    """Applications, the big files: checked without pydantic per row, written in batches."""

    required = ("id", "challenge", "startup", "status", "language")
    optional = (
        "startup_name",
        "submitted_on",
        "contact_id",
        "contact_name",
        "contact_email",
        "proposal",
    )

    def __init__(self, ctx: ImportContext) -> None:
        from datacity_federation.store import tables as t
        from datacity_federation.store.bulk import BulkInsert
        from datacity_federation.store.mapping import table

        super().__init__(ctx)
        self.challenges = {c.id for c in ctx.season.challenges}
        self.partners = {p.id: p.kind for p in ctx.city.partners}
        self.new_startups: dict[str, tuple[int, str]] = {}
        self.phase = ctx.phase_of()
        self.allowed = {s: APPLICATION_PHASES[s] for s in ApplicationStatus}
        self.apps, self.people = table(t.ApplicationRow), table(t.PersonRow)
        conn = ctx.conn
        self.insert_apps = BulkInsert(conn, self.apps, [
            "city_id", "id", "season_id", "challenge_id", "startup_id", "status", "language", "proposal",
            "contact_id", "submitted_on",
        ], prepared=True)  # fmt: skip
        self.day_out = self.insert_apps.converter("submitted_on")
        self.insert_people = BulkInsert(conn, self.people, ["city_id", "id", "name", "email"])
        self.insert_partners = BulkInsert(conn, table(t.PartnerRow), [
            "city_id", "id", "kind", "name", "website", "contacts", "source",
        ])  # fmt: skip
        self.insert_events = BulkInsert(conn, table(t.AuditEventRow), [
            "city_id", "kind", "record", "from_state", "to_state", "at", "by", "why", "override",
        ], prepared=True)  # fmt: skip
        self.at_out = self.insert_events.converter("at")(ctx.at)
        self.override_out = self.insert_events.converter("override")(ctx.override is not None)
        self.languages: set[str] = set()
        self.days: dict[str, date] = {}
        self.why = ctx.override or f"import {Path(ctx.path).name}:"

    def check(self, row: int, values: list[str]) -> Any:
        ctx, at, ok = self.ctx, self.at, True
        app_id = values[at["id"]].strip()
        if not RECORD_ID_RE.match(app_id):
            ctx.bad(row, "id", f"not a record id {app_id!r} (letters, digits, '.', '_', '-')")
            ok = False
        challenge = values[at["challenge"]].strip()
        if challenge not in self.challenges:
            known = ", ".join(sorted(self.challenges)) or "none"
            ctx.bad(
                row,
                "challenge",
                f"unknown challenge {challenge!r} in season {ctx.season.id} (known: {known})",
            )
            ok = False
        startup = values[at["startup"]].strip()
        kind = self.partners.get(startup)
        if kind is PartnerKind.STARTUP or startup in self.new_startups:
            pass
        elif not SLUG_RE.match(startup):
            ctx.bad(row, "startup", f"not an id {startup!r} (lower-case letters, digits, '-', '_')")
            ok = False
        elif kind is None:
            name = values[at["startup_name"]].strip()
            if name:
                self.new_startups[startup] = (row, name)
            else:
                ctx.bad(
                    row,
                    "startup",
                    f"unknown start-up {startup!r} (give startup_name to register it)",
                )
                ok = False
        else:
            ctx.bad(row, "startup", f"{startup!r} is a {kind.value} partner, not a start-up")
            ok = False
        text = values[at["status"]].strip()
        status = STATUSES.get(text)
        if status is None:
            ctx.bad(row, "status", f"unknown status {text!r} ({', '.join(STATUSES)})")
            ok = False
        language = values[at["language"]].strip()
        if language in self.languages:
            pass
        elif LANGUAGE_RE.match(language):
            self.languages.add(language)
        else:
            ctx.bad(row, "language", f"not a language tag {language!r} (BCP 47, e.g. 'fr')")
            ok = False
        submitted: date | None = None
        text = values[at["submitted_on"]].strip()
        if text:
            submitted = self.days.get(text)
            if submitted is None:
                try:
                    submitted = parse_date(text)
                except ValueError as exc:
                    ctx.bad(row, "submitted_on", str(exc))
                    ok = False
                else:
                    if len(self.days) > 4096:
                        self.days.clear()
                    self.days[text] = submitted
        elif status is not None and status is not ApplicationStatus.DRAFT:
            ctx.bad(row, "submitted_on", f"give the day a {status.value} application was submitted")
            ok = False
        if ok and status is not None and ctx.override is None:
            day = submitted or ctx.on
            phase = self.phase(day)
            allowed = self.allowed[status]
            if phase not in allowed:
                where = f"the {phase.value} phase" if phase else "no phase of the season"
                only = " or ".join(p.value for p in Phase if p in allowed)
                ctx.bad(
                    row,
                    "status",
                    f"{status.value!r} is not allowed in {where} ({day.isoformat()}); only during {only}",
                )
                ok = False
        contact = values[at["contact_id"]].strip() or None
        email = values[at["contact_email"]].strip() or None
        person = values[at["contact_name"]].strip() or None
        if email is not None and not EMAIL_RE.match(email):
            ctx.bad(row, "contact_email", f"not an e-mail address {email!r}")
            ok = False
        if contact is not None and not RECORD_ID_RE.match(contact):
            ctx.bad(row, "contact_id", f"not a record id {contact!r}")
            ok = False
        if contact is None and email is not None:
            contact = person_id(ctx.city.id, email)
        if contact is None and person is not None:
            ctx.bad(row, "contact_id", "give contact_id or contact_email with contact_name")
            ok = False
        if not ok or status is None:
            return None
        proposal = values[at["proposal"]] or None
        return (
            app_id,
            challenge,
            startup,
            status.value,
            language,
            proposal,
            contact,
            submitted,
            person,
            email,
        )

    def flush(self, batch: list[tuple[int, Any]]) -> None:
        from datacity_federation.store.bulk import existing_keys

        ctx, city = self.ctx, self.ctx.city.id
        seen: dict[str, int] = {}
        keep: list[tuple[int, Any]] = []
        for row, p in batch:
            if p[0] in seen:
                ctx.bad(row, "id", f"duplicate id {p[0]!r} (also row {seen[p[0]]})")
            else:
                seen[p[0]] = row
                keep.append((row, p))
        stored = existing_keys(ctx.conn, self.apps, city, "id", seen)
        if stored:
            for row, p in keep:
                if p[0] in stored:
                    ctx.bad(
                        row,
                        "id",
                        f"duplicate id {p[0]!r} (already in the records, or an earlier row)",
                    )
            keep = [(row, p) for row, p in keep if p[0] not in stored]
        self._write_startups()
        self._write_people(keep)
        if not keep:
            return
        season = ctx.season.id
        out = self.day_out
        self.insert_apps(
            [(city, p[0], season, p[1], p[2], p[3], p[4], p[5], p[6], out(p[7])) for _, p in keep]
        )
        kind, why, at, by, flag = (
            AuditKind.APPLICATION.value,
            self.why,
            self.at_out,
            ctx.by,
            self.override_out,
        )
        if ctx.override is not None:
            events = [(city, kind, p[0], None, p[3], at, by, why, flag) for _, p in keep]
        else:
            events = [
                (city, kind, p[0], None, p[3], at, by, f"{why}{row}", flag) for row, p in keep
            ]
        self.insert_events(events)
        ctx.count("applications", len(keep))

    def _write_startups(self) -> None:
        ctx = self.ctx
        if not self.new_startups:
            return
        city, lang = ctx.city.id, ctx.city.default_language
        rows: list[tuple[Any, ...]] = [
            (city, sid, PartnerKind.STARTUP.value, {lang: name}, None, [], "records")
            for sid, (_, name) in self.new_startups.items()
        ]
        self.insert_partners(rows)
        self.insert_events([
            (city, AuditKind.STARTUP.value, sid, None, "registered", self.at_out, ctx.by, ctx.override or f"{self.why}{row}", self.override_out)
            for sid, (row, _) in self.new_startups.items()
        ])  # fmt: skip
        for sid in self.new_startups:
            self.partners[sid] = PartnerKind.STARTUP
        ctx.count("startups", len(rows))
        self.new_startups = {}

    def _write_people(self, keep: list[tuple[int, Any]]) -> None:
        from sqlalchemy import select, update

        ctx, city = self.ctx, self.ctx.city.id
        wanted: dict[str, tuple[str | None, str | None]] = {}
        for _, p in keep:
            pid = p[6]
            if pid is not None:
                have = wanted.get(pid)
                wanted[pid] = (p[8], p[9]) if have is None else (p[8] or have[0], p[9] or have[1])
        if not wanted:
            return
        from datacity_federation.store.bulk import existing_keys

        known = existing_keys(ctx.conn, self.people, city, "id", wanted)
        new = [(city, pid, n, e) for pid, (n, e) in wanted.items() if pid not in known]
        ctx.count("people", self.insert_people(new))
        if not known:
            return
        people = self.people
        query = select(people.c.id, people.c.name, people.c.email).where(
            people.c.city_id == city, people.c.id.in_(list(known))
        )
        for pid, name, email in ctx.conn.execute(query).all():
            n, e = wanted[pid]
            if (n or e) and (name, email) != (n, e):
                where = (people.c.city_id == city) & (people.c.id == pid)
                ctx.conn.execute(
                    update(people).where(where).values(name=n, email=e, erased_on=None)
                )


def _importers() -> dict[str, type[Importer]]:
    from datacity_federation.services import records_import_kinds as k

    return {
        "applications": ApplicationsImporter,
        "reviews": k.ReviewsImporter,
        "pilots": k.PilotsImporter,
        "measurements": k.MeasurementsImporter,
        "sponsorships": k.SponsorshipsImporter,
        "startups": k.StartupsImporter,
        "reviewers": k.ReviewersImporter,
    }


KINDS = (
    "applications",
    "reviews",
    "pilots",
    "measurements",
    "sponsorships",
    "startups",
    "reviewers",
)
"""The kinds of CSV files ``datacity records import`` reads."""


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
    db: str | Path | Engine | None = None,
    kind: str,
    path: str | Path,
    city: str,
    season: str,
    by: str,
    at: datetime | None = None,
    on: date | None = None,
    override: str | None = None,
    batch_size: int = 2000,
) -> ImportReport:
    """Import one CSV file of ``kind`` into ``city``/``season``: all rows, or none.

    ``on`` is the day of the import in the city (default: today there); rows that carry their
    own day (``submitted_on``, ``started_on``...) are checked against the season's phase on that
    day, the others on ``on``. ``override`` (a reason) lifts the phase checks and is recorded in
    every audit event.
    """
    from zoneinfo import ZoneInfo

    from datacity_federation.store.engine import transaction
    from datacity_federation.store.repository import load_city, season_of

    importers = _importers()
    if kind not in importers:
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
        importer = importers[kind](ctx)
        rows = _run(ctx, importer, source, batch_size)
        if ctx.problems:
            ctx.problems.sort(key=lambda p: p.row)
            raise ImportRowsError(ctx.problems)
    return ImportReport(kind, str(path), rows, dict(ctx.written))


def _run(ctx: ImportContext, importer: Importer, source: Path, batch_size: int) -> int:
    count = 0
    try:
        with source.open(newline="", encoding="utf-8-sig") as fh:
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
                        importer.flush(batch)
                        batch = []
            if batch:
                importer.flush(batch)
    except UnicodeDecodeError:
        raise StoreError(f"{ctx.path}: not UTF-8 text (save it as CSV UTF-8)") from None
    return count
