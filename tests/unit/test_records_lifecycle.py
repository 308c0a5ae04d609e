"""The lifecycles as data: every move checked against the flow and the season's phases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacity_federation.domain.lifecycle import (
    APPLICATION_FLOW,
    APPLICATION_PHASES,
    PILOT_FLOW,
    create_application,
    create_pilot,
    replay,
    transition_application,
    transition_pilot,
)
from datacity_federation.domain.records import Application, AuditEvent, AuditKind, Pilot
from datacity_federation.domain.season import Season
from datacity_federation.domain.vocab import ApplicationStatus, Outcome, Phase, PilotStatus
from datacity_federation.errors import DomainError, TransitionError

pytestmark = pytest.mark.unit

SEASON = Season(id="s1", number=1, start=date(2015, 9, 1))
CALL = date(2016, 1, 10)
PARTNERING = date(2015, 10, 1)
EXPERIMENTATION = date(2016, 4, 1)
AT = datetime(2016, 1, 10, 9, tzinfo=UTC)


def app(status: ApplicationStatus = ApplicationStatus.SUBMITTED) -> Application:
    return Application(
        id="A1", city="paris", season="s1", challenge="waste", startup="craft-ai",
        status=status, language="fr",
    )  # fmt: skip


def test_application_flow_moves_and_records_event() -> None:
    moved, event = transition_application(
        app(), ApplicationStatus.SHORTLISTED, season=SEASON, on=CALL, at=AT, by="nora", why="good"
    )
    assert moved.status is ApplicationStatus.SHORTLISTED
    assert (event.kind, event.record, event.from_state, event.to_state, event.by, event.why) == (
        AuditKind.APPLICATION, "A1", "submitted", "shortlisted", "nora", "good",
    )  # fmt: skip
    assert event.override is False


def test_application_flow_refuses_skipping_a_state() -> None:
    with pytest.raises(TransitionError, match="cannot move from submitted to selected"):
        transition_application(
            app(), ApplicationStatus.SELECTED, season=SEASON, on=CALL, at=AT, by="nora"
        )


def test_application_final_state_refuses_every_move() -> None:
    with pytest.raises(TransitionError, match=r"nothing \(final state\)"):
        transition_application(
            app(ApplicationStatus.REJECTED), ApplicationStatus.WITHDRAWN,
            season=SEASON, on=CALL, at=AT, by="nora",
        )  # fmt: skip


def test_application_move_outside_call_refused_with_phase() -> None:
    with pytest.raises(TransitionError, match="not allowed in the experimentation phase"):
        transition_application(
            app(), ApplicationStatus.SHORTLISTED, season=SEASON, on=EXPERIMENTATION, at=AT, by="n"
        )


def test_application_override_lifts_phase_check_and_is_recorded() -> None:
    moved, event = transition_application(
        app(), ApplicationStatus.SHORTLISTED, season=SEASON, on=EXPERIMENTATION, at=AT, by="n",
        override="jury met late",
    )  # fmt: skip
    assert moved.status is ApplicationStatus.SHORTLISTED
    assert (event.override, event.why) == (True, "jury met late")


def test_application_override_never_lifts_the_flow() -> None:
    with pytest.raises(TransitionError):
        transition_application(
            app(), ApplicationStatus.SELECTED, season=SEASON, on=CALL, at=AT, by="n", override="x"
        )


def test_application_blank_override_refused() -> None:
    with pytest.raises(DomainError, match="needs a reason"):
        transition_application(
            app(),
            ApplicationStatus.SHORTLISTED,
            season=SEASON,
            on=CALL,
            at=AT,
            by="n",
            override=" ",
        )


def test_new_application_must_start_draft_or_submitted() -> None:
    with pytest.raises(TransitionError, match="draft or submitted"):
        create_application(app(ApplicationStatus.SELECTED), season=SEASON, on=CALL, at=AT, by="n")


def test_new_draft_allowed_in_partnering() -> None:
    _, event = create_application(
        app(ApplicationStatus.DRAFT), season=SEASON, on=PARTNERING, at=AT, by="n"
    )
    assert (event.from_state, event.to_state) == (None, "draft")


def test_pilot_needs_selected_application() -> None:
    pilot = Pilot(id="P1", city="paris", season="s1", application="A1")
    with pytest.raises(DomainError, match="only a selected application runs a pilot"):
        create_pilot(pilot, app(), season=SEASON, on=CALL, at=AT, by="n")


def test_pilot_runs_only_in_experimentation() -> None:
    pilot = Pilot(id="P1", city="paris", season="s1", application="A1")
    with pytest.raises(TransitionError, match="only during experimentation"):
        transition_pilot(pilot, PilotStatus.RUNNING, season=SEASON, on=CALL, at=AT, by="n")


def test_pilot_closes_with_outcome_and_dates() -> None:
    pilot = Pilot(id="P1", city="paris", season="s1", application="A1")
    running, _ = transition_pilot(
        pilot, PilotStatus.RUNNING, season=SEASON, on=EXPERIMENTATION, at=AT, by="n"
    )
    done, _ = transition_pilot(
        running, PilotStatus.COMPLETED, season=SEASON, on=date(2016, 5, 31), at=AT, by="n"
    )
    closed, event = transition_pilot(
        done, PilotStatus.CLOSED, season=SEASON, on=date(2016, 6, 20), at=AT, by="n",
        outcome=Outcome.JOINT_OFFER,
    )  # fmt: skip
    assert (closed.started_on, closed.completed_on, closed.closed_on) == (
        EXPERIMENTATION, date(2016, 5, 31), date(2016, 6, 20),
    )  # fmt: skip
    assert (closed.outcome, event.to_state) == (Outcome.JOINT_OFFER, "closed:joint_offer")


def test_pilot_closing_without_outcome_refused() -> None:
    pilot = Pilot(
        id="P1", city="paris", season="s1", application="A1", status=PilotStatus.COMPLETED
    )
    with pytest.raises(DomainError, match="closing needs an outcome"):
        transition_pilot(
            pilot, PilotStatus.CLOSED, season=SEASON, on=date(2016, 6, 2), at=AT, by="n"
        )


def test_flow_tables_cover_every_state() -> None:
    assert set(APPLICATION_FLOW) == set(ApplicationStatus)
    assert set(APPLICATION_PHASES) == set(ApplicationStatus)
    assert set(PILOT_FLOW) == set(PilotStatus)


def test_replay_refuses_a_log_that_skips_a_state() -> None:
    events = [
        AuditEvent(city="paris", kind=AuditKind.APPLICATION, record="A1", from_state=None,
                   to_state="submitted", at=AT, by="n"),
        AuditEvent(city="paris", kind=AuditKind.APPLICATION, record="A1", from_state="shortlisted",
                   to_state="selected", at=AT, by="n"),
    ]  # fmt: skip
    with pytest.raises(DomainError, match="was submitted"):
        replay(events)


@settings(max_examples=150, deadline=None)
@given(
    moves=st.lists(st.sampled_from(list(ApplicationStatus)), max_size=8),
    days=st.lists(st.dates(date(2015, 8, 1), date(2016, 9, 30)), min_size=8, max_size=8),
)
def test_random_application_moves_stay_in_flow_and_replay(
    moves: list[ApplicationStatus], days: list[date]
) -> None:
    current, first = create_application(
        app(ApplicationStatus.DRAFT), season=SEASON, on=CALL, at=AT, by="n"
    )
    events = [first]
    for to, day in zip(moves, days, strict=False):
        try:
            moved, event = transition_application(current, to, season=SEASON, on=day, at=AT, by="n")
        except TransitionError:
            allowed = (
                to in APPLICATION_FLOW[current.status]
                and SEASON.phase_on(day) in APPLICATION_PHASES[to]
            )
            assert not allowed
            continue
        assert to in APPLICATION_FLOW[current.status]
        assert SEASON.phase_on(day) in APPLICATION_PHASES[to]
        current = moved
        events.append(event)
    assert replay(events) == {(AuditKind.APPLICATION, "A1"): current.status.value}


def test_phase_on_is_call_for_call_day() -> None:
    assert SEASON.phase_on(CALL) is Phase.CALL
