"""The smaller CSV kinds: reviews, pilots, measurements, startups, reviewers.

Rule header: these files have tens to thousands of rows, so each good row is validated through
its domain model and written at once (inside the import's single transaction); the keys seen in
the file are kept to name the row a duplicate repeats. Errors of the domain models are mapped
back to the CSV column they came from.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from datacity_federation._services.records_import import (
    RECORD_ID_RE,
    SLUG_RE,
    ImportContext,
    Importer,
    parse_date,
)
from datacity_federation.domain import lifecycle
from datacity_federation.domain.records import (
    Assessment,
    AuditKind,
    KpiMeasurement,
    Pilot,
)
from datacity_federation.domain.vocab import PilotStatus
from datacity_federation.errors import DomainError, StoreError, TransitionError

__all__ = [
    "MeasurementsImporter",
    "PilotsImporter",
    "ReviewersImporter",
    "ReviewsImporter",
    "RowImporter",
    "StartupsImporter",
]


class RowImporter(Importer):
    """Checks and writes each row at once; subclasses implement :meth:`row`."""

    def __init__(self, ctx: ImportContext) -> None:
        super().__init__(ctx)
        self.seen: dict[Any, int] = {}

    def check(self, row: int, values: list[str]) -> Any:
        self.row(row, {k: v.strip() for k, v in zip(self.header, values, strict=False)})
        return None

    def flush(self, batch: list[tuple[int, Any]]) -> None:
        return None

    def row(self, row: int, rec: dict[str, str]) -> None:
        raise NotImplementedError

    # helpers -----------------------------------------------------------------------------

    def once(self, row: int, column: str, key: Any, label: str) -> bool:
        """False (and a problem) when ``key`` was already seen earlier in the file."""
        if key in self.seen:
            self.ctx.bad(row, column, f"duplicate {label} (also row {self.seen[key]})")
            return False
        self.seen[key] = row
        return True

    def day(self, row: int, rec: dict[str, str], column: str, required: bool = False) -> Any:
        text = rec.get(column, "")
        if not text:
            if required:
                self.ctx.bad(row, column, "missing value")
                return False
            return None
        try:
            return parse_date(text)
        except ValueError as exc:
            self.ctx.bad(row, column, str(exc))
            return False

    def number(self, row: int, rec: dict[str, str], column: str, required: bool = True) -> Any:
        text = rec.get(column, "").replace(" ", "")
        if not text:
            if required:
                self.ctx.bad(row, column, "missing value")
                return False
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.ctx.bad(row, column, f"not a number {text!r} (use a dot for decimals: 1234.50)")
            return False
        if not value.is_finite():
            self.ctx.bad(row, column, f"not a finite number {text!r}")
            return False
        return value

    def invalid(
        self, row: int, exc: ValidationError, columns: dict[str, str], default: str
    ) -> None:
        for err in exc.errors():
            loc = err["loc"]
            name = str(loc[0]) if loc else default
            self.ctx.bad(row, columns.get(name, name), err["msg"].removeprefix("Value error, "))

    def insert(self, model: type[Any], values: dict[str, Any] | list[dict[str, Any]]) -> None:
        from sqlalchemy import insert

        from datacity_federation._store.mapping import table

        self.ctx.conn.execute(
            insert(table(model)), values if isinstance(values, list) else [values]
        )

    def event(self, kind: AuditKind, record: str, to: str, row: int) -> None:
        from datacity_federation._store import tables as t

        self.insert(t.AuditEventRow, self.ctx.event(kind, record, to, row))

    def exists(self, model: type[Any], **key: Any) -> bool:
        from sqlalchemy import select

        from datacity_federation._store.mapping import table

        tbl = table(model)
        where = [tbl.c.city_id == self.ctx.city.id, *(tbl.c[k] == v for k, v in key.items())]
        return self.ctx.conn.execute(select(tbl.c.city_id).where(*where)).first() is not None


class ReviewsImporter(RowImporter):
    required = ("application", "reviewer", "recommendation", "reviewed_on")
    optional = ("comment",)
    prefixes = ("score_",)

    def row(self, row: int, rec: dict[str, str]) -> None:
        from datacity_federation._services.assessments import check_assessment, save_assessment
        from datacity_federation._store import tables as t
        from datacity_federation._store.repository import get_application

        ctx = self.ctx
        scores: dict[str, Any] = {}
        for column, text in rec.items():
            if column.startswith("score_") and text:
                if not text.isdigit():
                    ctx.bad(row, column, f"not a whole number {text!r}")
                    return
                scores[column.removeprefix("score_")] = int(text)
        day = self.day(row, rec, "reviewed_on", required=True)
        if day is False:
            return
        try:
            review = Assessment(
                city=ctx.city.id,
                application=rec["application"],
                reviewer=rec["reviewer"],
                scores=scores,
                recommendation=rec["recommendation"],
                reviewed_on=day,
                comment=rec.get("comment") or None,
            )
        except ValidationError as exc:
            self.invalid(row, exc, {"scores": "score_*"}, "application")
            return
        app = get_application(ctx.conn, ctx.city.id, review.application)
        if app is not None and app.season != ctx.season.id:
            ctx.bad(row, "application", f"application {app.id} belongs to season {app.season}")
            return
        challenge, problems = check_assessment(
            ctx.conn, ctx.city, review, on=day, override=ctx.override
        )
        for column, message in problems:
            ctx.bad(row, "score_*" if column == "scores" else column, message)
        if problems or not self.once(
            row, "reviewer", (review.application, review.reviewer), "review"
        ):
            return
        if self.exists(
            t.AssessmentRow, application_id=review.application, reviewer_id=review.reviewer
        ):
            ctx.bad(row, "reviewer", f"{review.reviewer} already reviewed {review.application}")
            return
        save_assessment(ctx.conn, review, challenge)
        self.event(
            AuditKind.REVIEW,
            f"{review.application}/{review.reviewer}",
            review.recommendation.value,
            row,
        )
        ctx.count("reviews", 1)


class PilotsImporter(RowImporter):
    required = ("id", "application", "status")
    optional = ("outcome", "started_on", "completed_on", "closed_on")

    def row(self, row: int, rec: dict[str, str]) -> None:
        from datacity_federation._store import tables as t
        from datacity_federation._store.mapping import pilot_row
        from datacity_federation._store.repository import get_application

        ctx = self.ctx
        days = {c: self.day(row, rec, c) for c in ("started_on", "completed_on", "closed_on")}
        if any(v is False for v in days.values()):
            return
        try:
            pilot = Pilot(
                id=rec["id"],
                city=ctx.city.id,
                season=ctx.season.id,
                application=rec["application"],
                status=rec["status"],
                outcome=rec.get("outcome") or None,
                **days,
            )
        except ValidationError as exc:
            self.invalid(row, exc, {}, "status")
            return
        app = get_application(ctx.conn, ctx.city.id, pilot.application)
        if app is None:
            ctx.bad(row, "application", f"unknown application {pilot.application!r}")
            return
        try:
            lifecycle.create_pilot(
                pilot,
                app,
                season=ctx.season,
                on=ctx.on,
                at=ctx.at,
                by=ctx.by,
                override=ctx.override,
                historical=True,
            )
        except TransitionError as exc:
            ctx.bad(row, "status", str(exc))
            return
        except DomainError as exc:
            ctx.bad(row, "application", str(exc))
            return
        if not self.once(row, "id", pilot.id, f"pilot id {pilot.id!r}"):
            return
        if not self.once(
            row, "application", ("app", pilot.application), f"pilot of {pilot.application}"
        ):
            return
        if self.exists(t.PilotRow, id=pilot.id):
            ctx.bad(row, "id", f"duplicate pilot id {pilot.id!r} (already in the records)")
            return
        if self.exists(t.PilotRow, application_id=pilot.application):
            ctx.bad(row, "application", f"application {pilot.application} already has a pilot")
            return
        self.insert(t.PilotRow, pilot_row(pilot))
        self.event(AuditKind.PILOT, pilot.id, lifecycle.pilot_state(pilot), row)
        if pilot.completed_on is not None:
            self.completed = max(self.completed or pilot.completed_on, pilot.completed_on)

    completed: date | None = None
    """The last day a pilot of the file completed on."""

    def finish(self) -> None:
        """The lifecycle's mark: the experimentation ended when the season's last pilot did."""
        from datacity_federation._services.phase_dates import mark_phase_end

        ctx = self.ctx
        if self.completed is not None:
            mark_phase_end(
                ctx.conn, city=ctx.city, season=ctx.season, kind=AuditKind.PILOT,
                to="completed", on=self.completed, at=ctx.at, by=ctx.by,
            )  # fmt: skip
        ctx.count("pilots", 1)


class MeasurementsImporter(RowImporter):
    required = ("pilot", "indicator", "measured_on", "value")
    optional = ("baseline",)

    def row(self, row: int, rec: dict[str, str]) -> None:
        from datacity_federation._store import tables as t
        from datacity_federation._store.mapping import measurement_row
        from datacity_federation._store.repository import get_application, get_pilot

        ctx = self.ctx
        day = self.day(row, rec, "measured_on", required=True)
        value = self.number(row, rec, "value")
        baseline = self.number(row, rec, "baseline", required=False)
        if False in (day, value, baseline):
            return
        pilot = get_pilot(ctx.conn, ctx.city.id, rec["pilot"])
        if pilot is None or pilot.season != ctx.season.id:
            ctx.bad(row, "pilot", f"unknown pilot {rec['pilot']!r} in season {ctx.season.id}")
            return
        if pilot.status is PilotStatus.PLANNED:
            ctx.bad(row, "pilot", f"pilot {pilot.id} has not started: nothing to measure yet")
            return
        app = get_application(ctx.conn, ctx.city.id, pilot.application)
        challenge = next(
            c for c in ctx.season.challenges if app is not None and c.id == app.challenge
        )
        kpi = next((k for k in challenge.kpis if k.indicator == rec["indicator"]), None)
        if kpi is None:
            known = ", ".join(k.indicator for k in challenge.kpis) or "none"
            ctx.bad(
                row, "indicator", f"{rec['indicator']!r} is not a KPI of {challenge.id} ({known})"
            )
            return
        m = KpiMeasurement(
            city=ctx.city.id,
            pilot=pilot.id,
            indicator=kpi.indicator,
            measured_on=day,
            baseline=kpi.baseline if baseline is None else baseline,
            value=value,
        )
        key = (m.pilot, m.indicator, m.measured_on)
        if not self.once(row, "measured_on", key, "measurement"):
            return
        if self.exists(
            t.KpiMeasurementRow, pilot_id=m.pilot, indicator=m.indicator, measured_on=m.measured_on
        ):
            ctx.bad(row, "measured_on", "duplicate measurement (already in the records)")
            return
        self.insert(t.KpiMeasurementRow, measurement_row(m, challenge.id))
        self.event(AuditKind.MEASUREMENT, "/".join(map(str, key)), "recorded", row)
        ctx.count("kpi_measurements", 1)


class StartupsImporter(RowImporter):
    required = ("id", "name")
    optional = ("website",)

    def row(self, row: int, rec: dict[str, str]) -> None:
        from datacity_federation._services.records import register_startup_on

        ctx = self.ctx
        if not SLUG_RE.match(rec["id"]):
            ctx.bad(row, "id", f"not an id {rec['id']!r} (lower-case letters, digits, '-', '_')")
            return
        if not rec["name"]:
            ctx.bad(row, "name", "missing value")
            return
        if not self.once(row, "id", rec["id"], f"start-up {rec['id']!r}"):
            return
        try:
            register_startup_on(
                ctx.conn,
                ctx.city,
                rec["id"],
                rec["name"],
                rec.get("website") or None,
                ctx.at,
                ctx.by,
            )
        except ValidationError as exc:
            self.invalid(row, exc, {}, "id")
            return
        except StoreError as exc:
            ctx.bad(row, "id", str(exc).split(": ", 1)[-1])
            return
        ctx.count("startups", 1)


class ReviewersImporter(RowImporter):
    required = ("id",)
    optional = ("name", "email", "employer", "conflicts")

    def row(self, row: int, rec: dict[str, str]) -> None:
        from datacity_federation._services.assessments import register_assessor_on

        ctx = self.ctx
        if not RECORD_ID_RE.match(rec["id"]):
            ctx.bad(row, "id", f"not a record id {rec['id']!r}")
            return
        conflicts = [c for c in rec.get("conflicts", "").replace(",", ";").split(";") if c.strip()]
        for column, ids in (("employer", [rec.get("employer", "")]), ("conflicts", conflicts)):
            for pid in (i.strip() for i in ids if i.strip()):
                if ctx.city.partner(pid) is None:
                    ctx.bad(row, column, f"unknown partner {pid!r}")
                    return
        if not self.once(row, "id", rec["id"], f"reviewer {rec['id']!r}"):
            return
        try:
            register_assessor_on(
                ctx.conn,
                ctx.city,
                rec["id"],
                rec.get("name") or None,
                rec.get("email") or None,
                rec.get("employer") or None,
                [c.strip() for c in conflicts],
                ctx.at,
                ctx.by,
            )
        except ValidationError as exc:
            self.invalid(row, exc, {}, "id")
            return
        except StoreError as exc:
            ctx.bad(row, "id", str(exc).split(": ", 1)[-1])
            return
        ctx.count("reviewers", 1)
