"""The smaller CSV kinds: reviews, pilots, measurements, startups, reviewers.

Rule header: these files have tens to thousands of rows. Each kind's row type is a domain model
(``Assessment``, ``Pilot``) or a ``NamedTuple`` of the domain's field types, validated a batch at a
time like every kind; then each row is cross-checked (references, lifecycle, duplicates, keys seen
earlier in the file) and written at once, inside the import's single transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, NamedTuple

from pydantic import BeforeValidator

from datacity_federation._services.records_import import ImportContext, Importer
from datacity_federation.domain import lifecycle
from datacity_federation.domain.base import Code, Email, NonEmptyText, Slug
from datacity_federation.domain.city import Website
from datacity_federation.domain.records import (
    Assessment,
    AuditKind,
    KpiMeasurement,
    Measure,
    Pilot,
    RecordId,
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
    """Cross-checks and writes each validated row at once; subclasses implement :meth:`row`."""

    def __init__(self, ctx: ImportContext) -> None:
        super().__init__(ctx)
        self.seen: dict[Any, int] = {}
        known = {"city": ctx.city.id, "season": ctx.season.id, "currency": ctx.city.currency}
        self.context = {name: known[name] for name in (*self.context_fields, *self.defaulted)}

    def flush(self, batch: list[tuple[int, Any]]) -> None:
        for row, line in batch:
            self.row(row, line)

    def row(self, row: int, line: Any) -> None:
        raise NotImplementedError

    # helpers -----------------------------------------------------------------------------

    def once(self, row: int, column: str, key: Any, label: str) -> bool:
        """False (and a problem) when ``key`` was already seen earlier in the file."""
        if key in self.seen:
            self.ctx.bad(row, column, f"duplicate {label} (also row {self.seen[key]})")
            return False
        self.seen[key] = row
        return True

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
    """Reviews: one :class:`Assessment` per row, its scores in ``score_<criterion>`` columns."""

    line = Assessment
    context_fields = ("city",)
    prefixes = ("score_",)
    columns: ClassVar[dict[str, str]] = {"scores": "score_*"}
    whole_row = "application"

    def check(self, row: int, values: list[str]) -> dict[str, Any] | None:
        out = super().check(row, values)
        assert out is not None
        out["scores"] = {
            column.removeprefix("score_"): text
            for column, value in zip(self.header, values, strict=False)
            if column.startswith("score_") and (text := value.strip())
        }
        return out

    def column(self, loc: list[str | int]) -> str:
        if len(loc) > 1 and loc[0] == "scores":
            return f"score_{loc[1]}"
        return super().column(loc)

    def row(self, row: int, review: Assessment) -> None:
        from datacity_federation._services.assessments import check_assessment, save_assessment
        from datacity_federation._store import tables as t
        from datacity_federation._store.repository import get_application

        ctx = self.ctx
        app = get_application(ctx.conn, ctx.city.id, review.application)
        if app is not None and app.season != ctx.season.id:
            ctx.bad(row, "application", f"application {app.id} belongs to season {app.season}")
            return
        challenge, problems = check_assessment(
            ctx.conn, ctx.city, review, on=review.reviewed_on, override=ctx.override
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
    """Pilots: one :class:`Pilot` per row."""

    line = Pilot
    context_fields = ("city", "season")
    whole_row = "status"

    def row(self, row: int, pilot: Pilot) -> None:
        from datacity_federation._store import tables as t
        from datacity_federation._store.mapping import pilot_row
        from datacity_federation._store.repository import get_application

        ctx = self.ctx
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


class MeasurementLine(NamedTuple):
    """One row of ``measurements.csv``, typed like :class:`KpiMeasurement` (the baseline, when
    not given, is the KPI's)."""

    pilot: RecordId
    indicator: Code
    measured_on: date
    value: Measure
    baseline: Measure | None = None


class MeasurementsImporter(RowImporter):
    """KPI measurements of running or completed pilots."""

    line = MeasurementLine

    def row(self, row: int, rec: MeasurementLine) -> None:
        from datacity_federation._store import tables as t
        from datacity_federation._store.mapping import measurement_row
        from datacity_federation._store.repository import get_application, get_pilot

        ctx = self.ctx
        pilot = get_pilot(ctx.conn, ctx.city.id, rec.pilot)
        if pilot is None or pilot.season != ctx.season.id:
            ctx.bad(row, "pilot", f"unknown pilot {rec.pilot!r} in season {ctx.season.id}")
            return
        if pilot.status is PilotStatus.PLANNED:
            ctx.bad(row, "pilot", f"pilot {pilot.id} has not started: nothing to measure yet")
            return
        app = get_application(ctx.conn, ctx.city.id, pilot.application)
        challenge = next(
            c for c in ctx.season.challenges if app is not None and c.id == app.challenge
        )
        kpi = next((k for k in challenge.kpis if k.indicator == rec.indicator), None)
        if kpi is None:
            known = ", ".join(k.indicator for k in challenge.kpis) or "none"
            ctx.bad(row, "indicator", f"{rec.indicator!r} is not a KPI of {challenge.id} ({known})")
            return
        m = KpiMeasurement(
            city=ctx.city.id,
            pilot=pilot.id,
            indicator=kpi.indicator,
            measured_on=rec.measured_on,
            baseline=kpi.baseline if rec.baseline is None else rec.baseline,
            value=rec.value,
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


def _id_list(value: Any) -> Any:
    """``"a; b,c"`` -> ``["a", "b", "c"]`` (a list of partner ids in one cell)."""
    if isinstance(value, str):
        return [i.strip() for i in value.replace(",", ";").split(";") if i.strip()]
    return value


class StartupLine(NamedTuple):
    """One row of ``startups.csv``, typed like a start-up :class:`Partner`."""

    id: Slug
    name: NonEmptyText
    website: Website | None = None


class StartupsImporter(RowImporter):
    """Start-ups registered as partners of the city (kind ``startup``)."""

    line = StartupLine

    def row(self, row: int, rec: StartupLine) -> None:
        from datacity_federation._services.records import register_startup_on

        ctx = self.ctx
        if not self.once(row, "id", rec.id, f"start-up {rec.id!r}"):
            return
        try:
            register_startup_on(ctx.conn, ctx.city, rec.id, rec.name, rec.website, ctx.at, ctx.by)
        except StoreError as exc:
            ctx.bad(row, "id", str(exc).split(": ", 1)[-1])
            return
        ctx.count("startups", 1)


class ReviewerLine(NamedTuple):
    """One row of ``reviewers.csv``, typed like :class:`Assessor` and its :class:`Person`."""

    id: RecordId
    name: str | None = None
    email: Email | None = None
    employer: Slug | None = None
    conflicts: Annotated[tuple[Slug, ...], BeforeValidator(_id_list)] = ()


class ReviewersImporter(RowImporter):
    """Reviewers and the partners they declared a conflict of interest with."""

    line = ReviewerLine

    def row(self, row: int, rec: ReviewerLine) -> None:
        from datacity_federation._services.assessments import register_assessor_on

        ctx = self.ctx
        for column, ids in (("employer", [rec.employer]), ("conflicts", rec.conflicts)):
            for pid in ids:
                if pid is not None and ctx.city.partner(pid) is None:
                    ctx.bad(row, column, f"unknown partner {pid!r}")
                    return
        if not self.once(row, "id", rec.id, f"reviewer {rec.id!r}"):
            return
        try:
            register_assessor_on(
                ctx.conn,
                ctx.city,
                rec.id,
                rec.name,
                rec.email,
                rec.employer,
                list(rec.conflicts),
                ctx.at,
                ctx.by,
            )
        except StoreError as exc:
            ctx.bad(row, "id", str(exc).split(": ", 1)[-1])
            return
        ctx.count("reviewers", 1)
