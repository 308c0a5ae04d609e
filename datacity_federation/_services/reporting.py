"""Use case of ``datacity hub status``: the reporting status of every member city-season.

Keyword-only; reads the federation's city files (what is expected) and the hub's database
(what was released or retracted), and hands both to the pure
:func:`~datacity_federation._review.status.reporting_status` with the day given.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from datacity_federation._review.status import (
    GRACE_DAYS,
    SeasonStatus,
    expected_seasons,
    reporting_status,
    status_counts,
)
from datacity_federation.domain.federation import Federation
from datacity_federation.errors import DatacityError, ReviewError

__all__ = ["hub_reporting_status", "status_json"]


def hub_reporting_status(
    *, hub_db: str, federation: Federation, on: date, grace_days: int = GRACE_DAYS
) -> tuple[SeasonStatus, ...]:
    """The status on ``on`` of every season of every member city, from the hub at ``hub_db``."""
    from datacity_federation._sync.hub_read import release_events
    from datacity_federation._sync.hub_store import hub_engine

    path = hub_db.removeprefix("sqlite:///")
    if "://" not in path and not Path(path).is_file():
        raise ReviewError(f"hub database {hub_db}: no such file")
    if grace_days < 0:
        raise ReviewError(f"--grace {grace_days}: must be 0 or more days")
    try:
        engine = hub_engine(hub_db, create=False)
    except DatacityError as exc:
        raise ReviewError(str(exc)) from None
    try:
        events = release_events(engine)
    except Exception as exc:  # a database that is not a hub's: say so in one line
        raise ReviewError(f"hub database {hub_db}: cannot read it ({type(exc).__name__})") from None
    finally:
        engine.dispose()
    members = {c.id for c in federation.cities}
    mine = [e for e in events if e.city in members]
    return reporting_status(expected_seasons(federation.cities), mine, on=on, grace_days=grace_days)


def status_json(statuses: tuple[SeasonStatus, ...], *, on: date, grace_days: int) -> dict[str, Any]:
    """The statuses as a JSON document (dates ISO 8601, states as codes)."""

    def day(value: date | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "on": on.isoformat(),
        "grace_days": grace_days,
        "counts": {state.value: n for state, n in status_counts(statuses).items()},
        "seasons": [
            {
                "city": s.city,
                "season": s.season,
                "number": s.number,
                "end": day(s.end),
                "due": day(s.due),
                "state": s.state.value,
                "received_on": day(s.received_on),
                "days_late": s.days_late,
            }
            for s in statuses
        ],
    }
