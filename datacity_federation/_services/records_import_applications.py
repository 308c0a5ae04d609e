"""The applications import: the big files, checked without a model object per row.

Rule header: each row is checked with the same patterns and rules as the domain models
(``Slug``, ``RecordId``, ``LanguageTag``, the application flow's phase table), against
dictionaries loaded once (challenges, partners); repeated values (dates and their phase,
languages) are checked once. Good rows are written in batches through :class:`BulkInsert`:
contact people, new start-ups, applications, one audit event per application.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from datacity_federation._services.records_import import (
    EMAIL_RE,
    LANGUAGE_RE,
    RECORD_ID_RE,
    SLUG_RE,
    STATUSES,
    ImportContext,
    Importer,
    email_key,
    new_person_id,
    parse_date,
)
from datacity_federation.domain.lifecycle import APPLICATION_PHASES
from datacity_federation.domain.records import AuditKind
from datacity_federation.domain.vocab import PartnerKind, Phase

__all__ = ["ApplicationsImporter"]


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
        from datacity_federation._store import tables as t
        from datacity_federation._store.bulk import BulkInsert
        from datacity_federation._store.mapping import table

        super().__init__(ctx)
        self.challenges = {c.id for c in ctx.season.challenges}
        self.partners = {p.id: p.kind for p in ctx.city.partners}
        self.new_startups: dict[str, tuple[int, str]] = {}
        self.phase = ctx.phase_of()
        self.allowed_pairs = {
            (s.value, p) for s, phases in APPLICATION_PHASES.items() for p in phases
        }
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
        self.languages: set[str] = set()
        self.by_email: dict[str, str] = {}
        self.days: dict[str, tuple[date, Phase | None]] = {}
        self.why = ctx.override or f"import {Path(ctx.path).name}:"

    def bind(self, header: list[str]) -> None:
        super().bind(header)
        self.idx = tuple(self.at[c] for c in (*self.required, *self.optional))

    def check(self, row: int, values: list[str]) -> Any:
        ctx, ok = self.ctx, True
        i_id, i_ch, i_su, i_st, i_la, i_sn, i_day, i_cid, i_name, i_mail, i_prop = self.idx
        app_id = values[i_id].strip()
        if not RECORD_ID_RE.match(app_id):
            ctx.bad(row, "id", f"not a record id {app_id!r} (letters, digits, '.', '_', '-')")
            ok = False
        challenge = values[i_ch].strip()
        if challenge not in self.challenges:
            known = ", ".join(sorted(self.challenges)) or "none"
            ctx.bad(
                row,
                "challenge",
                f"unknown challenge {challenge!r} in season {ctx.season.id} (known: {known})",
            )
            ok = False
        startup = values[i_su].strip()
        kind = self.partners.get(startup)
        if kind is self.startup_kind or startup in self.new_startups:
            pass
        elif not SLUG_RE.match(startup):
            ctx.bad(row, "startup", f"not an id {startup!r} (lower-case letters, digits, '-', '_')")
            ok = False
        elif kind is None:
            name = values[i_sn].strip()
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
        status = values[i_st].strip()
        known_status = status in STATUSES
        if not known_status:
            ctx.bad(row, "status", f"unknown status {status!r} ({', '.join(STATUSES)})")
            ok = False
        language = values[i_la].strip()
        if language in self.languages:
            pass
        elif LANGUAGE_RE.match(language):
            self.languages.add(language)
        else:
            ctx.bad(row, "language", f"not a language tag {language!r} (BCP 47, e.g. 'fr')")
            ok = False
        submitted: date | None = None
        phase: Phase | None = None
        text = values[i_day].strip()
        if text:
            known_day = self.days.get(text)
            if known_day is None:
                try:
                    submitted = parse_date(text)
                except ValueError as exc:
                    ctx.bad(row, "submitted_on", str(exc))
                    ok = False
                else:
                    phase = self.phase(submitted)
                    if len(self.days) > 4096:
                        self.days.clear()
                    self.days[text] = (submitted, phase)
            else:
                submitted, phase = known_day
        elif known_status and status != "draft":
            ctx.bad(row, "submitted_on", f"give the day a {status} application was submitted")
            ok = False
        if ok and ctx.override is None:
            day = submitted or ctx.on
            if submitted is None:
                phase = self.phase(day)
            if (status, phase) not in self.allowed_pairs:
                allowed = APPLICATION_PHASES[STATUSES[status]]
                where = f"the {phase.value} phase" if phase else "no phase of the season"
                only = " or ".join(p.value for p in Phase if p in allowed)
                ctx.bad(
                    row,
                    "status",
                    f"{status!r} is not allowed in {where} ({day.isoformat()}); only during {only}",
                )
                ok = False
        contact = values[i_cid].strip() or None
        email = values[i_mail].strip() or None
        person = values[i_name].strip() or None
        if email is not None and not EMAIL_RE.match(email):
            ctx.bad(row, "contact_email", f"not an e-mail address {email!r}")
            ok = False
        if contact is not None and not RECORD_ID_RE.match(contact):
            ctx.bad(row, "contact_id", f"not a record id {contact!r}")
            ok = False
        if contact is None and email is None and person is not None:
            ctx.bad(row, "contact_id", "give contact_id or contact_email with contact_name")
            ok = False
        if not ok:
            return None
        proposal = values[i_prop] or None
        return (
            app_id,
            challenge,
            startup,
            status,
            language,
            proposal,
            contact,
            submitted,
            person,
            email,
        )

    def flush(self, batch: list[tuple[int, Any]]) -> None:
        from datacity_federation._store.bulk import existing_keys

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
        keep = self._contacts_by_email(keep)
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

    def _contacts_by_email(self, keep: list[tuple[int, Any]]) -> list[tuple[int, Any]]:
        """Give a contact known only by e-mail the id of the person already recorded with that
        address (in this city, not erased), else a new random id, the same for the whole file."""
        from sqlalchemy import func, select

        people, city = self.people, self.ctx.city.id
        wanted = {email_key(p[9]) for _, p in keep if p[6] is None and p[9] is not None}
        wanted -= set(self.by_email)
        if wanted:
            query = select(func.lower(func.trim(people.c.email)), people.c.id).where(
                people.c.city_id == city,
                func.lower(func.trim(people.c.email)).in_(sorted(wanted)),
            )
            for address, pid in self.ctx.conn.execute(query.order_by(people.c.id)).all():
                self.by_email.setdefault(address, pid)
        out: list[tuple[int, Any]] = []
        for row, p in keep:
            if p[6] is None and p[9] is not None:
                pid = self.by_email.setdefault(email_key(p[9]), new_person_id())
                p = (*p[:6], pid, *p[7:])
            out.append((row, p))
        return out

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
