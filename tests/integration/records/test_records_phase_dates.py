"""Actual phase dates through the store (SQLite and PostgreSQL): recorded by a person, from CSV,
marked by the lifecycle, audited, and released as ``phase_days``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from records_helpers import CITIES, counts
from sqlalchemy import Engine

from datacity_federation._services import records
from datacity_federation._services.phase_dates import record_phase_dates
from datacity_federation._services.records_import import import_csv
from datacity_federation._store.phase_dates import load_phase_dates
from datacity_federation.domain.phase_dates import ActualDates, DateSource
from datacity_federation.domain.records import AuditKind
from datacity_federation.domain.vocab import ApplicationStatus, Outcome, Phase, PilotStatus
from datacity_federation.errors import DomainError, ImportRowsError

pytestmark = pytest.mark.integration

AT = datetime(2016, 3, 10, 9, tzinfo=UTC)
PERSON, LIFECYCLE = DateSource.PERSON, DateSource.LIFECYCLE


def dates(engine: Engine, season: str = "s1") -> dict[Phase, ActualDates]:
    with engine.connect() as conn:
        return load_phase_dates(conn, "paris", season)


def test_recorded_end_is_stored_and_audited(synced: Engine) -> None:
    got = record_phase_dates(
        db=synced, city="paris", season="s1", phase=Phase.CALL, ended_on=date(2016, 3, 4),
        by="director", at=AT,
    )  # fmt: skip
    assert (got.planned_start, got.planned_end) == (date(2015, 12, 1), date(2016, 2, 29))
    assert dates(synced) == {
        Phase.CALL: ActualDates(Phase.CALL, None, date(2016, 3, 4), None, PERSON)
    }
    event = records.audit_log(db=synced, city="paris")[-1]
    assert (event.kind, event.record, event.from_state, event.to_state, event.by) == (
        AuditKind.PHASE, "s1/call", None, "ended 2016-03-04", "director",
    )  # fmt: skip


def test_phase_ending_before_it_starts_is_refused_and_nothing_written(synced: Engine) -> None:
    record_phase_dates(db=synced, city="paris", season="s1", phase=Phase.PARTNERING,
                       ended_on=date(2015, 11, 20), by="d", at=AT)  # fmt: skip
    before = counts(synced)
    with pytest.raises(
        DomainError, match=r"call would end on 2015-11-01, before it starts on 2015-11-21"
    ):
        record_phase_dates(db=synced, city="paris", season="s1", phase=Phase.CALL,
                           ended_on=date(2015, 11, 1), by="d", at=AT)  # fmt: skip
    assert counts(synced) == before


def test_recording_without_any_date_is_refused(synced: Engine) -> None:
    with pytest.raises(DomainError, match="give --started, --ended or both"):
        record_phase_dates(db=synced, city="paris", season="s1", phase=Phase.CALL, by="d", at=AT)


def test_lifecycle_marks_the_call_end_at_the_first_selection_only(synced: Engine) -> None:
    records.register_startup(
        db=synced, city="paris", startup="urbanly", name="Urbanly", by="d", at=AT
    )
    for n, day in ((1, date(2016, 2, 10)), (2, date(2016, 2, 20))):
        records.record_application(
            db=synced, city="paris", application=f"A-{n}", challenge="waste-collection",
            startup="urbanly" if n == 1 else "craft-ai", language="fr",
            status=ApplicationStatus.SUBMITTED, by="d", at=AT, on=date(2016, 1, 5),
        )  # fmt: skip
        for to in (ApplicationStatus.SHORTLISTED, ApplicationStatus.SELECTED):
            records.move_application(db=synced, city="paris", application=f"A-{n}", to=to,
                                     by="jury", at=AT, on=day)  # fmt: skip
    assert dates(synced)[Phase.CALL] == ActualDates(
        Phase.CALL, None, date(2016, 2, 10), None, LIFECYCLE
    )


def test_lifecycle_never_overwrites_a_persons_date(synced: Engine) -> None:
    record_phase_dates(db=synced, city="paris", season="s1", phase=Phase.EXPERIMENTATION,
                       ended_on=date(2016, 6, 3), by="director", at=AT)  # fmt: skip
    records.record_application(
        db=synced, city="paris", application="A-1", challenge="waste-collection",
        startup="craft-ai", language="fr", status=ApplicationStatus.SUBMITTED, by="d", at=AT,
        on=date(2016, 1, 5),
    )  # fmt: skip
    for to in (ApplicationStatus.SHORTLISTED, ApplicationStatus.SELECTED):
        records.move_application(db=synced, city="paris", application="A-1", to=to, by="j",
                                 at=AT, on=date(2016, 2, 1))  # fmt: skip
    records.record_pilot(db=synced, city="paris", pilot="P-1", application="A-1", by="d", at=AT,
                         on=date(2016, 3, 2))  # fmt: skip
    for to, day in (
        (PilotStatus.RUNNING, date(2016, 3, 2)),
        (PilotStatus.COMPLETED, date(2016, 5, 20)),
    ):
        records.move_pilot(db=synced, city="paris", pilot="P-1", to=to, by="d", at=AT, on=day)
    found = dates(synced)
    assert found[Phase.EXPERIMENTATION].ended_on == date(2016, 6, 3)  # the person's date stands
    assert found[Phase.CALL].end_source is LIFECYCLE


def test_last_pilot_completed_ends_the_experimentation(synced: Engine) -> None:
    for n, su in ((1, "craft-ai"), (2, "qucit")):
        records.record_application(
            db=synced, city="paris", application=f"A-{n}", challenge="waste-collection",
            startup=su, language="fr", status=ApplicationStatus.SUBMITTED, by="d", at=AT,
            on=date(2016, 1, 5),
        )  # fmt: skip
        for to in (ApplicationStatus.SHORTLISTED, ApplicationStatus.SELECTED):
            records.move_application(db=synced, city="paris", application=f"A-{n}", to=to,
                                     by="j", at=AT, on=date(2016, 2, 1))  # fmt: skip
        records.record_pilot(db=synced, city="paris", pilot=f"P-{n}", application=f"A-{n}",
                             by="d", at=AT, on=date(2016, 3, 2))  # fmt: skip
        records.move_pilot(db=synced, city="paris", pilot=f"P-{n}", to=PilotStatus.RUNNING,
                           by="d", at=AT, on=date(2016, 3, 2))  # fmt: skip
    records.move_pilot(db=synced, city="paris", pilot="P-1", to=PilotStatus.COMPLETED, by="d",
                       at=AT, on=date(2016, 5, 10))  # fmt: skip
    assert Phase.EXPERIMENTATION not in dates(synced)  # P-2 still runs
    records.move_pilot(db=synced, city="paris", pilot="P-2", to=PilotStatus.COMPLETED, by="d",
                       at=AT, on=date(2016, 5, 25))  # fmt: skip
    records.move_pilot(db=synced, city="paris", pilot="P-2", to=PilotStatus.CLOSED,
                       outcome=Outcome.EXTENDED, by="d", at=AT, on=date(2016, 6, 10))  # fmt: skip
    assert dates(synced)[Phase.EXPERIMENTATION] == ActualDates(
        Phase.EXPERIMENTATION, None, date(2016, 5, 25), None, LIFECYCLE
    )


def test_sample_files_record_phases_and_release_phase_days(season_1: Engine) -> None:
    """templates/csv: the phases file records partnering, the call and the experimentation; the
    release of the season carries the days spent beside the days planned."""
    from datacity_federation._config.loader import load_federation
    from datacity_federation._privacy import PROFILES, build_release
    from datacity_federation._store.facts import season_facts

    found = dates(season_1)
    assert found[Phase.CALL] == ActualDates(Phase.CALL, None, date(2016, 3, 4), None, PERSON)
    assert found[Phase.EXPERIMENTATION].started_on == date(2016, 3, 14)
    paris = next(c for c in load_federation(CITIES).cities if c.id == "paris")
    season = next(s for s in paris.seasons if s.id == "s1")
    release = build_release(season_facts(season_1, city=paris, season=season), PROFILES["default"])
    spent = {c.dim: c.value for c in release.cells if c.metric == "phase_days"}
    assert {k: int(v or 0) for k, v in spent.items()} == {
        "partnering": 81, "call": 105, "experimentation": 96,
    }  # fmt: skip


def test_phases_csv_reports_every_bad_row_and_writes_nothing(
    synced: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "phases.csv"
    path.write_text(
        "phase,started_on,ended_on\n"
        "partnering,2015-09-01,2015-11-20\n"
        "lunch,,2016-01-01\n"
        "call,,\n"
        "experimentation,2016-03-01,2016-02-01\n"
        "partnering,,2015-11-21\n"
        "outcome,,2016-13-01\n",
        encoding="utf-8",
    )
    before = counts(synced)
    with pytest.raises(ImportRowsError) as caught:
        import_csv(db=synced, kind="phases", path=path, city="paris", season="s1", by="d")
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (3, "phase"), (4, "ended_on"), (5, "ended_on"), (6, "phase"), (7, "ended_on"),
    ]  # fmt: skip
    assert "before it starts" in caught.value.problems[2].message
    assert counts(synced) == before
