"""The applications import: the big files, validated a batch at a time by the domain's types.

Rule header: a row is an :class:`ApplicationLine`, whose fields are typed with the domain's own
types (``RecordId``, ``Slug``, ``LanguageTag``, ``ApplicationStatus``, ``Email``: the very types of
:class:`~datacity_federation.domain.records.Application` and ``Person``, a unit test keeps them
equal); a batch of rows is validated in one ``TypeAdapter`` call. The cross-checks follow, against
dictionaries loaded once (challenges, partners) and the application flow's phase table; the phase
of a day is computed once per day. Good rows are written in batches through :class:`BulkInsert`:
contact people, new start-ups, applications, one audit event per application.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from typing_extensions import TypedDict

from datacity_federation._services.records_import import (
    ImportContext,
    Importer,
    email_key,
    new_person_id,
)
from datacity_federation.domain.base import Email, LanguageTag, NonEmptyText, Slug
from datacity_federation.domain.lifecycle import APPLICATION_PHASES
from datacity_federation.domain.records import AuditKind, RecordId
from datacity_federation.domain.vocab import ApplicationStatus, PartnerKind, Phase

__all__ = ["ApplicationLine", "ApplicationsImporter"]


class ApplicationLine(TypedDict):
    """One row of ``applications.csv``, typed by the domain (``Application`` and ``Person``); a
    blank optional cell is ``None``. (A ``TypedDict``: pydantic builds it without a Python call
    per row, which a 100,000-row file feels.)"""

    id: RecordId
    challenge: Slug
    startup: Slug
    status: ApplicationStatus
    language: LanguageTag
    startup_name: NonEmptyText | None
    submitted_on: date | None
    contact_id: RecordId | None
    contact_name: str | None
    contact_email: Email | None
    proposal: str | None


class ApplicationsImporter(Importer):
    """Applications, the big files: validated and written in batches."""

    line = ApplicationLine
    whole_row = "id"

    def __init__(self, ctx: ImportContext) -> None:
        from datacity_federation._store import tables as t
        from datacity_federation._store.bulk import BulkInsert
        from datacity_federation._store.mapping import table

        super().__init__(ctx)
        self.challenges = {c.id for c in ctx.season.challenges}
        self.partners = {p.id: p.kind for p in ctx.city.partners}
        self.new_startups: dict[str, tuple[int, str]] = {}
        self.phase = ctx.phase_of()
        self.allowed_pairs = {(s, p) for s, phases in APPLICATION_PHASES.items() for p in phases}
        self.startup_kind = PartnerKind.STARTUP
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
        self.by_email: dict[str, str] = {}
        self.status_text = {s: s.value for s in ApplicationStatus}
        self.days: dict[date, Phase | None] = {}
        self.why = ctx.override or f"import {Path(ctx.path).name}:"

    def bind(self, header: list[str]) -> None:
        super().bind(header)
        self.names = tuple(name for name, _ in self.fields)
        self.indexes = tuple(i for _, i in self.fields)

    def check(self, row: int, values: list[str]) -> dict[str, Any] | None:
        """Every column, a blank cell as ``None``."""
        return dict(zip(self.names, [values[i].strip() or None for i in self.indexes], strict=True))

    def cross_check(self, row: int, line: ApplicationLine) -> bool:
        """The rules a value alone cannot tell: known challenge, start-up, the phase table."""
        ctx, ok = self.ctx, True
        if line["challenge"] not in self.challenges:
            known = ", ".join(sorted(self.challenges)) or "none"
            ctx.bad(
                row,
                "challenge",
                f"unknown challenge {line['challenge']!r} in season {ctx.season.id} (known: {known})",
            )
            ok = False
        startup = line["startup"]
        kind = self.partners.get(startup)
        if kind is self.startup_kind or startup in self.new_startups:
            pass
        elif kind is None:
            if line["startup_name"]:
                self.new_startups[startup] = (row, line["startup_name"])
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
        status = line["status"]
        submitted = line["submitted_on"]
        if submitted is None and status is not ApplicationStatus.DRAFT:
            ctx.bad(row, "submitted_on", f"give the day a {status} application was submitted")
            ok = False
        if ok and ctx.override is None:
            day = submitted or ctx.on
            if day in self.days:
                phase = self.days[day]
            else:
                if len(self.days) > 4096:
                    self.days.clear()
                phase = self.days[day] = self.phase(day)
            if (status, phase) not in self.allowed_pairs:
                allowed = APPLICATION_PHASES[status]
                where = f"the {phase.value} phase" if phase else "no phase of the season"
                only = " or ".join(p.value for p in Phase if p in allowed)
                ctx.bad(
                    row,
                    "status",
                    f"{status.value!r} is not allowed in {where} ({day.isoformat()}); "
                    f"only during {only}",
                )
                ok = False
        if line["contact_id"] is None and line["contact_email"] is None and line["contact_name"]:
            ctx.bad(row, "contact_id", "give contact_id or contact_email with contact_name")
            ok = False
        return ok

    def flush(self, batch: list[tuple[int, Any]]) -> None:
        from datacity_federation._store.bulk import existing_keys

        ctx, city = self.ctx, self.ctx.city.id
        seen: dict[str, int] = {}
        keep: list[tuple[int, ApplicationLine]] = []
        for row, line in batch:
            if not self.cross_check(row, line):
                continue
            if line["id"] in seen:
                ctx.bad(row, "id", f"duplicate id {line['id']!r} (also row {seen[line['id']]})")
            else:
                seen[line["id"]] = row
                keep.append((row, line))
        stored = existing_keys(ctx.conn, self.apps, city, "id", seen)
        if stored:
            for row, line in keep:
                if line["id"] in stored:
                    ctx.bad(
                        row,
                        "id",
                        f"duplicate id {line['id']!r} (already in the records, or an earlier row)",
                    )
            keep = [(row, line) for row, line in keep if line["id"] not in stored]
        self._write_startups()
        keep = self._contacts_by_email(keep)
        self._write_people(keep)
        if not keep:
            return
        season, out, texts = ctx.season.id, self.day_out, self.status_text
        kind, why, at, by, flag = (
            AuditKind.APPLICATION.value,
            self.why,
            self.at_out,
            ctx.by,
            self.override_out,
        )
        overridden = ctx.override is not None
        apps: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        for row, a in keep:
            status = texts[a["status"]]
            apps.append((city, a["id"], season, a["challenge"], a["startup"], status, a["language"],
                         a["proposal"], a["contact_id"], out(a["submitted_on"])))  # fmt: skip
            reason = why if overridden else f"{why}{row}"
            events.append((city, kind, a["id"], None, status, at, by, reason, flag))
        self.insert_apps(apps)
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

    def _contacts_by_email(
        self, keep: list[tuple[int, ApplicationLine]]
    ) -> list[tuple[int, ApplicationLine]]:
        """Give a contact known only by e-mail the id of the person already recorded with that
        address (in this city, not erased), else a new random id, the same for the whole file."""
        from sqlalchemy import func, select

        people, city = self.people, self.ctx.city.id
        wanted = {
            email_key(a["contact_email"])
            for _, a in keep
            if a["contact_id"] is None and a["contact_email"] is not None
        }
        wanted -= set(self.by_email)
        if wanted:
            query = select(func.lower(func.trim(people.c.email)), people.c.id).where(
                people.c.city_id == city,
                func.lower(func.trim(people.c.email)).in_(sorted(wanted)),
            )
            for address, pid in self.ctx.conn.execute(query.order_by(people.c.id)).all():
                self.by_email.setdefault(address, pid)
        out: list[tuple[int, ApplicationLine]] = []
        for row, a in keep:
            if a["contact_id"] is None and a["contact_email"] is not None:
                pid = self.by_email.setdefault(email_key(a["contact_email"]), new_person_id())
                a = {**a, "contact_id": pid}
            out.append((row, a))
        return out

    def _write_people(self, keep: list[tuple[int, ApplicationLine]]) -> None:
        from sqlalchemy import select, update

        ctx, city = self.ctx, self.ctx.city.id
        wanted: dict[str, tuple[str | None, str | None]] = {}
        for _, a in keep:
            pid = a["contact_id"]
            if pid is not None:
                have = wanted.get(pid)
                name, email = a["contact_name"], a["contact_email"]
                wanted[pid] = (name, email) if have is None else (name or have[0], email or have[1])
        if not wanted:
            return
        from datacity_federation._store.bulk import existing_keys

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
