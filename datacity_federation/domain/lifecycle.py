"""The lifecycles of applications and pilots, as data, and the one function that moves each.

Rule header: a flow is a table ``state -> states it may move to``; the phases in which a record
may *enter* a state are another table. A move is refused (:class:`TransitionError`) when the flow
does not allow it, or when the season's phase on the given day does not allow the target state
— unless the caller gives an override reason, which the :class:`AuditEvent` records. Every
function returns the new record and the event; nothing here reads a clock or a database.
Replaying the events of a record from the start rebuilds its state (:func:`replay`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import TypeVar

from datacity_federation.domain.records import Application, AuditEvent, AuditKind, Pilot
from datacity_federation.domain.season import Season
from datacity_federation.domain.vocab import ApplicationStatus, Outcome, Phase, PilotStatus
from datacity_federation.errors import DomainError, TransitionError

__all__ = [
    "APPLICATION_FLOW",
    "APPLICATION_PHASES",
    "APPLICATION_START",
    "PILOT_FLOW",
    "PILOT_PHASES",
    "create_application",
    "create_pilot",
    "note",
    "phase_problem",
    "pilot_state",
    "replay",
    "transition_application",
    "transition_pilot",
]

A = ApplicationStatus
P = PilotStatus
S = TypeVar("S", ApplicationStatus, PilotStatus)

APPLICATION_FLOW: Mapping[ApplicationStatus, frozenset[ApplicationStatus]] = MappingProxyType(
    {
        A.DRAFT: frozenset({A.SUBMITTED, A.WITHDRAWN}),
        A.SUBMITTED: frozenset({A.SHORTLISTED, A.REJECTED, A.WITHDRAWN}),
        A.SHORTLISTED: frozenset({A.SELECTED, A.REJECTED, A.WITHDRAWN}),
        A.SELECTED: frozenset(),
        A.REJECTED: frozenset(),
        A.WITHDRAWN: frozenset(),
    }
)
"""Where an application may go from each state: draft -> submitted -> shortlisted -> selected or
rejected; withdrawn from any open state (draft, submitted, shortlisted)."""

APPLICATION_START: frozenset[ApplicationStatus] = frozenset({A.DRAFT, A.SUBMITTED})
"""States a new application may be recorded in (an import may record later states, see below)."""

APPLICATION_PHASES: Mapping[ApplicationStatus, frozenset[Phase]] = MappingProxyType(
    {
        A.DRAFT: frozenset({Phase.PARTNERING, Phase.CALL}),
        A.SUBMITTED: frozenset({Phase.CALL}),
        A.SHORTLISTED: frozenset({Phase.CALL}),
        A.SELECTED: frozenset({Phase.CALL}),
        A.REJECTED: frozenset({Phase.CALL}),
        A.WITHDRAWN: frozenset({Phase.CALL, Phase.EXPERIMENTATION}),
    }
)
"""Phases of the season in which an application may enter each state."""

PILOT_FLOW: Mapping[PilotStatus, frozenset[PilotStatus]] = MappingProxyType(
    {
        P.PLANNED: frozenset({P.RUNNING}),
        P.RUNNING: frozenset({P.COMPLETED}),
        P.COMPLETED: frozenset({P.CLOSED}),
        P.CLOSED: frozenset(),
    }
)
"""Where a pilot may go: planned -> running -> completed -> closed with an outcome."""

PILOT_PHASES: Mapping[PilotStatus, frozenset[Phase]] = MappingProxyType(
    {
        P.PLANNED: frozenset({Phase.CALL, Phase.EXPERIMENTATION}),
        P.RUNNING: frozenset({Phase.EXPERIMENTATION}),
        P.COMPLETED: frozenset({Phase.EXPERIMENTATION, Phase.OUTCOME}),
        P.CLOSED: frozenset({Phase.EXPERIMENTATION, Phase.OUTCOME}),
    }
)
"""Phases of the season in which a pilot may enter each state."""

_FLOWS: Mapping[AuditKind, Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        AuditKind.APPLICATION: {
            k.value: frozenset(v.value for v in s) for k, s in APPLICATION_FLOW.items()
        },
        AuditKind.PILOT: {k.value: frozenset(v.value for v in s) for k, s in PILOT_FLOW.items()},
    }
)


def phase_problem(
    kind: str, state: str, allowed: frozenset[Phase], season: Season, on: date
) -> str | None:
    """Why ``state`` may not be entered on ``on`` in ``season`` (``None`` when it may)."""
    phase = season.phase_on(on)
    if phase in allowed:
        return None
    where = f"the {phase.value} phase" if phase else "no phase of the season"
    wanted = " or ".join(p.value for p in sorted(allowed, key=list(Phase).index))
    return (
        f"{kind} state {state!r} is not allowed in {where} ({on.isoformat()}); only during {wanted}"
    )


def _check(
    kind: AuditKind,
    record_id: str,
    current: S | None,
    to: S,
    flow: Mapping[S, frozenset[S]],
    phases: Mapping[S, frozenset[Phase]],
    *,
    season: Season,
    on: date,
    override: str | None,
) -> None:
    if current is not None and to not in flow[current]:
        allowed = ", ".join(sorted(s.value for s in flow[current])) or "nothing (final state)"
        raise TransitionError(
            kind.value, record_id, current.value, to.value, f"the flow allows {allowed}"
        )
    if override is not None:
        if not override.strip():
            raise DomainError(f"{kind.value} {record_id}: an override needs a reason")
        return
    problem = phase_problem(kind.value, to.value, phases[to], season, on)
    if problem is not None:
        raise TransitionError(
            kind.value, record_id, current.value if current else "new", to.value, problem
        )


def _event(
    kind: AuditKind,
    city: str,
    record: str,
    current: str | None,
    to: str,
    *,
    at: datetime,
    by: str,
    why: str,
    override: str | None,
) -> AuditEvent:
    reason = override.strip() if override is not None else why
    return AuditEvent(
        city=city,
        kind=kind,
        record=record,
        from_state=current,
        to_state=to,
        at=at,
        by=by,
        why=reason,
        override=override is not None,
    )


def create_application(
    app: Application,
    *,
    season: Season,
    on: date,
    at: datetime,
    by: str,
    why: str = "",
    override: str | None = None,
    historical: bool = False,
) -> tuple[Application, AuditEvent]:
    """Record a new application in its state (draft or submitted; any state when
    ``historical``, for imports of what already happened) and the event creating it."""
    if not historical and app.status not in APPLICATION_START:
        raise TransitionError(
            "application",
            app.id,
            "new",
            app.status.value,
            "a new application is draft or submitted",
        )
    day = app.submitted_on if historical and app.submitted_on else on
    _check(
        AuditKind.APPLICATION,
        app.id,
        None,
        app.status,
        APPLICATION_FLOW,
        APPLICATION_PHASES,
        season=season,
        on=day,
        override=override,
    )
    event = _event(
        AuditKind.APPLICATION,
        app.city,
        app.id,
        None,
        app.status.value,
        at=at,
        by=by,
        why=why,
        override=override,
    )
    return app, event


def transition_application(
    app: Application,
    to: ApplicationStatus,
    *,
    season: Season,
    on: date,
    at: datetime,
    by: str,
    why: str = "",
    override: str | None = None,
) -> tuple[Application, AuditEvent]:
    """Move an application along :data:`APPLICATION_FLOW`, checked against the season."""
    _check(
        AuditKind.APPLICATION,
        app.id,
        app.status,
        to,
        APPLICATION_FLOW,
        APPLICATION_PHASES,
        season=season,
        on=on,
        override=override,
    )
    update: dict[str, object] = {"status": to}
    if to is A.SUBMITTED and app.submitted_on is None:
        update["submitted_on"] = on
    event = _event(
        AuditKind.APPLICATION,
        app.city,
        app.id,
        app.status.value,
        to.value,
        at=at,
        by=by,
        why=why,
        override=override,
    )
    return app.model_copy(update=update), event


def create_pilot(
    pilot: Pilot,
    application: Application,
    *,
    season: Season,
    on: date,
    at: datetime,
    by: str,
    why: str = "",
    override: str | None = None,
    historical: bool = False,
) -> tuple[Pilot, AuditEvent]:
    """Record a new pilot of a selected application (planned; any state when ``historical``)."""
    if application.status is not A.SELECTED:
        raise DomainError(
            f"pilot {pilot.id}: application {application.id} is {application.status.value}, "
            "only a selected application runs a pilot"
        )
    if application.id != pilot.application or application.season != pilot.season:
        raise DomainError(f"pilot {pilot.id}: does not belong to application {application.id}")
    if not historical and pilot.status is not P.PLANNED:
        raise TransitionError(
            "pilot", pilot.id, "new", pilot.status.value, "a new pilot is planned"
        )
    day = on
    if historical:
        day = pilot.closed_on or pilot.completed_on or pilot.started_on or on
    _check(
        AuditKind.PILOT,
        pilot.id,
        None,
        pilot.status,
        PILOT_FLOW,
        PILOT_PHASES,
        season=season,
        on=day,
        override=override,
    )
    event = _event(
        AuditKind.PILOT,
        pilot.city,
        pilot.id,
        None,
        pilot_state(pilot),
        at=at,
        by=by,
        why=why,
        override=override,
    )
    return pilot, event


def pilot_state(pilot: Pilot) -> str:
    """The pilot's state as the audit log writes it: ``running``, ``closed:contract``..."""
    if pilot.outcome is not None:
        return f"{pilot.status.value}:{pilot.outcome.value}"
    return pilot.status.value


def transition_pilot(
    pilot: Pilot,
    to: PilotStatus,
    *,
    season: Season,
    on: date,
    at: datetime,
    by: str,
    outcome: Outcome | None = None,
    why: str = "",
    override: str | None = None,
) -> tuple[Pilot, AuditEvent]:
    """Move a pilot along :data:`PILOT_FLOW`; closing it needs an ``outcome``."""
    if (to is P.CLOSED) != (outcome is not None):
        raise DomainError(
            f"pilot {pilot.id}: "
            + ("closing needs an outcome" if to is P.CLOSED else "only closing takes an outcome")
        )
    _check(
        AuditKind.PILOT,
        pilot.id,
        pilot.status,
        to,
        PILOT_FLOW,
        PILOT_PHASES,
        season=season,
        on=on,
        override=override,
    )
    update: dict[str, object] = {"status": to}
    if to is P.RUNNING:
        update["started_on"] = on
    elif to is P.COMPLETED:
        update["completed_on"] = on
    else:
        update.update(closed_on=on, outcome=outcome)
    moved = Pilot.model_validate({**pilot.model_dump(), **update})
    event = _event(
        AuditKind.PILOT,
        pilot.city,
        pilot.id,
        pilot.status.value,
        pilot_state(moved),
        at=at,
        by=by,
        why=why,
        override=override,
    )
    return moved, event


def note(
    kind: AuditKind,
    *,
    city: str,
    record: str,
    to: str,
    at: datetime,
    by: str,
    why: str = "",
    before: str | None = None,
) -> AuditEvent:
    """The event of a record without a lifecycle (``recorded``, ``updated``, ``erased``...)."""
    return AuditEvent(
        city=city, kind=kind, record=record, from_state=before, to_state=to, at=at, by=by, why=why
    )


def replay(events: Iterable[AuditEvent]) -> dict[tuple[AuditKind, str], str]:
    """The state of every application and pilot after ``events`` (in order).

    Pilot states are rebuilt with their outcome (``closed:contract``). Raises
    :class:`DomainError` when an event does not start from the state the log has reached, or
    makes a move the flow does not allow: the log is then not a true history.
    """
    states: dict[tuple[AuditKind, str], str] = {}
    for event in events:
        flow = _FLOWS.get(event.kind)
        if flow is None:
            continue
        key = (event.kind, event.record)
        before = states.get(key)
        to = event.to_state.split(":", 1)[0]
        if before != event.from_state:
            raise DomainError(
                f"audit log: {event.kind.value} {event.record} moves from {event.from_state} "
                f"but was {before}"
            )
        if before is not None and to not in flow[before.split(":", 1)[0]]:
            raise DomainError(f"audit log: {event.kind.value} {event.record}: {before} -> {to}")
        states[key] = event.to_state
    return states
