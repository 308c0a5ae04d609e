"""The records services on SQLite and PostgreSQL: config sync, lifecycles, money, GDPR, backup."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from records_helpers import CITIES, counts
from sqlalchemy import Engine

from datacity_federation._services import assessments, outcomes, records, records_io, records_views
from datacity_federation._store.engine import open_store
from datacity_federation.domain.lifecycle import pilot_state, replay
from datacity_federation.domain.records import AuditKind, Recommendation
from datacity_federation.domain.vocab import ApplicationStatus, Outcome, PilotStatus
from datacity_federation.errors import DomainError, StoreError, TransitionError

pytestmark = pytest.mark.integration

CALL = date(2016, 1, 12)
AT = datetime(2016, 1, 12, 10, tzinfo=UTC)


def test_sync_config_twice_changes_nothing(synced: Engine) -> None:
    again = records.sync_config(db=synced, cities_dir=CITIES, by="test")
    assert {city: r.changes for city, r in again.items()} == dict.fromkeys(
        ["paris", "barcelona", "singapore", "bangalore"], 0
    )


def _copy_cities(tmp_path: Path) -> Path:
    folder = tmp_path / "cities"
    folder.mkdir()
    for path in CITIES.glob("*.yaml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_sync_config_changed_file_updates(synced: Engine, tmp_path: Path) -> None:
    folder = _copy_cities(tmp_path)
    paris = folder / "paris.yaml"
    paris.write_text(
        paris.read_text(encoding="utf-8").replace(
            "Understanding pedestrian flows", "Pedestrian flows"
        ),
        encoding="utf-8",
    )
    report = records.sync_config(db=synced, cities_dir=folder, by="test")["paris"]
    assert report.updated == {"challenges": 1}
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import load_city

    with transaction(synced) as conn:
        challenge = load_city(conn, "paris").seasons[0].challenges[1]
    assert challenge.title["en"] == "Pedestrian flows"


def _without_pedestrian_flows(folder: Path) -> None:
    paris = folder / "paris.yaml"
    text = paris.read_text(encoding="utf-8")
    start = text.index("      - id: pedestrian-flows")
    end = text.index("  - id: s2")
    paris.write_text(text[:start] + text[end:], encoding="utf-8")


def test_sync_config_removes_unused_challenge(synced: Engine, tmp_path: Path) -> None:
    folder = _copy_cities(tmp_path)
    _without_pedestrian_flows(folder)
    report = records.sync_config(db=synced, cities_dir=folder, by="test")["paris"]
    assert report.deleted["challenges"] == 1


def test_sync_config_refuses_removing_challenge_with_applications(
    season_1: Engine, tmp_path: Path
) -> None:
    folder = _copy_cities(tmp_path)
    _without_pedestrian_flows(folder)
    before = counts(season_1)
    with pytest.raises(StoreError, match="challenge 'pedestrian-flows' has 2 application"):
        records.sync_config(db=season_1, cities_dir=folder, by="test")
    assert counts(season_1) == before


def test_sync_config_keeps_startups_registered_in_records(season_1: Engine) -> None:
    records.sync_config(db=season_1, cities_dir=CITIES, by="test")
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import load_city

    with transaction(season_1) as conn:
        assert load_city(conn, "paris").partner("binlytics") is not None


def test_record_application_then_move_along_flow(synced: Engine) -> None:
    records.register_startup(
        db=synced, city="paris", startup="urbanly", name="Urbanly", by="dir", at=AT
    )
    app = records.record_application(
        db=synced, city="paris", application="A-1", challenge="waste-collection", startup="urbanly",
        language="fr", status=ApplicationStatus.SUBMITTED, proposal="Texte", contact="p-1",
        contact_name="Ana", contact_email="ana@example.org", by="dir", at=AT, on=CALL,
    )  # fmt: skip
    assert (app.season, app.submitted_on) == ("s1", CALL)
    moved = records.move_application(
        db=synced, city="paris", application="A-1", to=ApplicationStatus.SHORTLISTED, by="jury",
        at=AT, on=CALL,
    )  # fmt: skip
    assert moved.status is ApplicationStatus.SHORTLISTED
    events = records.audit_log(db=synced, city="paris")
    assert [(e.kind, e.from_state, e.to_state, e.by) for e in events[-2:]] == [
        (AuditKind.APPLICATION, None, "submitted", "dir"),
        (AuditKind.APPLICATION, "submitted", "shortlisted", "jury"),
    ]


def test_refused_transition_leaves_store_unchanged(season_1: Engine) -> None:
    before = counts(season_1)
    with pytest.raises(TransitionError, match="cannot move from rejected to selected"):
        records.move_application(
            db=season_1,
            city="paris",
            application="APP-002",
            to=ApplicationStatus.SELECTED,
            by="x",
            on=CALL,
        )
    assert counts(season_1) == before


def test_application_outside_call_refused_unless_override(synced: Engine) -> None:
    records.register_startup(db=synced, city="paris", startup="late", name="Late", by="dir", at=AT)

    def submit(override: str | None = None) -> None:
        records.record_application(
            db=synced, city="paris", application="A-9", challenge="waste-collection", startup="late",
            language="fr", status=ApplicationStatus.SUBMITTED, by="dir", on=date(2016, 4, 2),
            override=override,
        )  # fmt: skip

    with pytest.raises(TransitionError, match="experimentation phase"):
        submit()
    submit("late by agreement")
    last = records.audit_log(db=synced, city="paris")[-1]
    assert (last.override, last.why) == (True, "late by agreement")


def test_pilot_lifecycle_with_outcome_and_contract_value(season_1: Engine) -> None:
    records.move_pilot(
        db=season_1,
        city="paris",
        pilot="PIL-002",
        to=PilotStatus.COMPLETED,
        by="d",
        on=date(2016, 5, 30),
    )
    closed = records.move_pilot(
        db=season_1, city="paris", pilot="PIL-002", to=PilotStatus.CLOSED, outcome=Outcome.CONTRACT,
        by="d", on=date(2016, 6, 10),
    )  # fmt: skip
    assert pilot_state(closed) == "closed:contract"
    value = outcomes.record_contract_value(
        db=season_1,
        city="paris",
        pilot="PIL-002",
        partner="ville-de-paris",
        amount=Decimal("48000.50"),
        by="d",
    )
    assert value.currency == "EUR"
    status = records_views.season_status(
        db=season_1, city="paris", season="s1", on=date(2016, 6, 11)
    )
    assert status.funnel == {
        "applications": 5, "shortlisted": 3, "selected": 2, "pilots": 2, "contracts": 1, "joint_offers": 1,
    }  # fmt: skip
    assert status.sponsorship_total == Decimal("270000.00")


def test_contract_value_needs_contract_or_joint_offer(season_1: Engine) -> None:
    with pytest.raises(DomainError, match="PIL-002 is running"):
        outcomes.record_contract_value(
            db=season_1, city="paris", pilot="PIL-002", partner="suez", amount=Decimal(1), by="d"
        )


def test_measurement_of_unknown_kpi_refused(season_1: Engine) -> None:
    with pytest.raises(DomainError, match="not a KPI of challenge pedestrian-flows"):
        outcomes.record_measurement(
            db=season_1, city="paris", pilot="PIL-002", indicator="bin_hours_on_street",
            value=Decimal(3), measured_on=date(2016, 4, 1), by="d",
        )  # fmt: skip


def test_sponsorship_replaced_and_negative_refused(season_1: Engine) -> None:
    item = outcomes.record_sponsorship(
        db=season_1, city="paris", season="s1", partner="suez", amount=Decimal("1000.25"), by="d"
    )
    assert item.amount == Decimal("1000.25")
    with pytest.raises(ValueError, match="must not be negative"):
        outcomes.record_sponsorship(
            db=season_1, city="paris", season="s1", partner="suez", amount=Decimal(-5), by="d"
        )


def test_review_by_conflicted_reviewer_refused(season_1: Engine) -> None:
    before = counts(season_1)
    with pytest.raises(DomainError, match="declared a conflict with start-up 'craft-ai'"):
        assessments.record_assessment(
            db=season_1, city="paris", application="APP-001", reviewer="R-suez-1",
            scores={"impact": 3, "feasibility": 3, "data_use": 3}, recommendation=Recommendation.SELECT,
            reviewed_on=CALL, by="d",
        )  # fmt: skip
    assert counts(season_1) == before


def test_rank_challenge_reports_order(season_1: Engine) -> None:
    ranking = assessments.rank_challenge(db=season_1, city="paris", challenge="waste-collection")
    assert [line.application for line in ranking.lines] == ["APP-001", "APP-002"]


def test_erase_person_blanks_personal_data_and_keeps_counts(season_1: Engine) -> None:
    from sqlalchemy import select

    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import table

    before = counts(season_1)
    people = table(t.PersonRow)
    with season_1.connect() as conn:
        person = conn.execute(
            select(people.c.id).where(people.c.email == "camille.martin@example.org")
        ).scalar_one()
    erased = records.erase_person(db=season_1, person=person, by="dpo", at=AT)
    assert erased == {"people": 1, "proposals": 1, "comments": 0}
    after = counts(season_1)
    assert after["audit_events"] == before["audit_events"] + 1
    assert {k: v for k, v in after.items() if k != "audit_events"} == {
        k: v for k, v in before.items() if k != "audit_events"
    }
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import get_application, get_person

    with transaction(season_1) as conn:
        who = get_person(conn, "paris", person)
        app = get_application(conn, "paris", "APP-001")
    assert who is not None and (who.name, who.email, who.erased_on) == (
        None,
        None,
        date(2016, 1, 12),
    )
    assert app is not None and app.proposal is None
    assert records.audit_log(db=season_1, city="paris")[-1].to_state == "erased"


def test_erase_unknown_person_refused(season_1: Engine) -> None:
    with pytest.raises(StoreError, match="no person 'nobody'"):
        records.erase_person(db=season_1, person="nobody", by="dpo")


def test_export_import_round_trip_exact(season_1: Engine, tmp_path: Path) -> None:
    first = tmp_path / "paris.json"
    records_io.export_city(db=season_1, city="paris", out=first)
    target = open_store(tmp_path / "restored.db")
    records_io.import_city(db=target, path=first)
    second = tmp_path / "again.json"
    records_io.export_city(db=target, city="paris", out=second)
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_import_json_refuses_existing_city_without_replace(
    season_1: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "paris.json"
    records_io.export_city(db=season_1, city="paris", out=out)
    with pytest.raises(StoreError, match="already in the database; use --replace"):
        records_io.import_city(db=season_1, path=out)
    records_io.import_city(db=season_1, path=out, replace=True)


def test_season_records_read_model(season_1: Engine) -> None:
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import season_records

    with transaction(season_1) as conn:
        view = season_records(conn, "paris", "1")
    assert [(a.id, a.theme, a.startup, a.status.value) for a in view.applications][:2] == [
        ("APP-001", "waste", "craft-ai", "selected"), ("APP-002", "waste", "binlytics", "rejected"),
    ]  # fmt: skip
    assert [(p.id, p.outcome, len(p.measurements)) for p in view.pilots] == [
        ("PIL-001", Outcome.JOINT_OFFER, 2), ("PIL-002", None, 1),
    ]  # fmt: skip
    assert sorted((s.partner, s.amount) for s in view.sponsorships) == [
        ("cisco", Decimal("120000")),
        ("suez", Decimal("150000")),
    ]
    assert [s.phase.value for s in view.phases] == [
        "partnering",
        "call",
        "experimentation",
        "outcome",
    ]


def test_audit_log_replays_to_current_states(season_1: Engine) -> None:
    records.move_pilot(
        db=season_1,
        city="paris",
        pilot="PIL-002",
        to=PilotStatus.COMPLETED,
        by="d",
        on=date(2016, 5, 30),
    )
    states = replay(records.audit_log(db=season_1, city="paris"))
    assert states[(AuditKind.PILOT, "PIL-002")] == "completed"
    assert states[(AuditKind.APPLICATION, "APP-004")] == "shortlisted"
