"""Random sequences of lifecycle actions against a real store (hypothesis stateful testing).

Invariants: no record ever reaches a state outside its flow; a refused action leaves the store
exactly as it was; replaying the audit log rebuilds every current state.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from records_helpers import CITIES
from sqlalchemy import Engine, select

from datacity_federation._services import records
from datacity_federation._store import tables as t
from datacity_federation._store.engine import open_store
from datacity_federation._store.mapping import table
from datacity_federation.domain.lifecycle import APPLICATION_FLOW, PILOT_FLOW, replay
from datacity_federation.domain.records import AuditKind
from datacity_federation.domain.vocab import ApplicationStatus, Outcome, PilotStatus
from datacity_federation.errors import DatacityError

pytestmark = pytest.mark.integration

SEASON_START = date(2015, 9, 1)
DAYS = st.integers(min_value=-20, max_value=380).map(lambda n: SEASON_START + timedelta(days=n))
APPS = st.sampled_from([f"A{i}" for i in range(4)])
PILOTS = st.sampled_from([f"P{i}" for i in range(3)])
AT = datetime(2016, 1, 1, tzinfo=UTC)

_template: dict[str, Path] = {}


def template_db() -> Path:
    """A store with the seed cities synced and two start-ups, built once per session."""
    if "db" not in _template:
        path = Path(tempfile.mkdtemp(prefix="datacity-stateful-")) / "template.db"
        engine = open_store(path)
        records.sync_config(db=engine, cities_dir=CITIES, by="setup")
        engine.dispose()
        _template["db"] = path
    return _template["db"]


def snapshot(db: Engine) -> dict[str, list[Any]]:
    from datacity_federation._store.engine import transaction

    out: dict[str, list[Any]] = {}
    with transaction(db) as conn:
        for model in (t.ApplicationRow, t.PilotRow, t.AuditEventRow, t.PartnerRow, t.PersonRow):
            tbl = table(model)
            out[tbl.name] = [
                tuple(r) for r in conn.execute(select(tbl).order_by(*tbl.primary_key.columns))
            ]
    return out


class Lifecycles(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="datacity-machine-"))
        path = self.dir / "records.db"
        shutil.copyfile(template_db(), path)
        self.db = open_store(path)
        self.apps: dict[str, ApplicationStatus] = {}
        self.pilots: dict[str, tuple[PilotStatus, Outcome | None]] = {}
        records.register_startup(
            db=self.db, city="paris", startup="urbanly", name="Urbanly", by="setup", at=AT
        )

    def teardown(self) -> None:
        self.db.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    def attempt(self, action: Any) -> Any:
        """Run ``action``; on refusal, the store must be unchanged."""
        before = snapshot(self.db)
        try:
            return action()
        except DatacityError:
            assert snapshot(self.db) == before
            return None

    @rule(app=APPS, status=st.sampled_from([ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED]), day=DAYS,
          challenge=st.sampled_from(["waste-collection", "pedestrian-flows"]))  # fmt: skip
    def apply(self, app: str, status: ApplicationStatus, day: date, challenge: str) -> None:
        created = self.attempt(
            lambda: records.record_application(
                db=self.db,
                city="paris",
                application=app,
                challenge=challenge,
                startup="urbanly",
                language="fr",
                status=status,
                by="t",
                at=AT,
                on=day,
            )
        )
        if created is not None:
            assert app not in self.apps
            self.apps[app] = created.status

    @rule(app=APPS, to=st.sampled_from(list(ApplicationStatus)), day=DAYS, override=st.booleans())
    def move_application(self, app: str, to: ApplicationStatus, day: date, override: bool) -> None:
        moved = self.attempt(
            lambda: records.move_application(
                db=self.db,
                city="paris",
                application=app,
                to=to,
                by="t",
                at=AT,
                on=day,
                override="agreed by the board" if override else None,
            )
        )
        if moved is not None:
            assert to in APPLICATION_FLOW[self.apps[app]]
            self.apps[app] = moved.status

    @rule(pilot=PILOTS, app=APPS, day=DAYS)
    def plan_pilot(self, pilot: str, app: str, day: date) -> None:
        planned = self.attempt(
            lambda: records.record_pilot(
                db=self.db, city="paris", pilot=pilot, application=app, by="t", at=AT, on=day
            )
        )
        if planned is not None:
            assert self.apps[app] is ApplicationStatus.SELECTED
            self.pilots[pilot] = (planned.status, None)

    @rule(
        pilot=PILOTS,
        to=st.sampled_from(list(PilotStatus)),
        outcome=st.none() | st.sampled_from(list(Outcome)),
        day=DAYS,
    )
    def move_pilot(self, pilot: str, to: PilotStatus, outcome: Outcome | None, day: date) -> None:
        moved = self.attempt(
            lambda: records.move_pilot(
                db=self.db, city="paris", pilot=pilot, to=to, outcome=outcome, by="t", at=AT, on=day
            )
        )
        if moved is not None:
            assert to in PILOT_FLOW[self.pilots[pilot][0]]
            self.pilots[pilot] = (moved.status, moved.outcome)

    @invariant()
    def store_matches_model_and_replay(self) -> None:
        from datacity_federation._store.engine import transaction
        from datacity_federation._store.repository import list_events

        apps_t, pilots_t = table(t.ApplicationRow), table(t.PilotRow)
        with transaction(self.db) as conn:
            apps = dict(conn.execute(select(apps_t.c.id, apps_t.c.status)).all())
            pilots = {
                r[0]: (r[1], r[2])
                for r in conn.execute(select(pilots_t.c.id, pilots_t.c.status, pilots_t.c.outcome))
            }
            events = list_events(conn, "paris")
        assert apps == {k: v.value for k, v in self.apps.items()}
        assert set(apps.values()) <= {s.value for s in ApplicationStatus}
        assert pilots == {k: (s.value, o.value if o else None) for k, (s, o) in self.pilots.items()}
        states = replay(events)
        assert {k[1]: v for k, v in states.items() if k[0] is AuditKind.APPLICATION} == apps
        assert {k[1]: v for k, v in states.items() if k[0] is AuditKind.PILOT} == {
            k: f"{s}:{o}" if o else s for k, (s, o) in pilots.items()
        }


Lifecycles.TestCase.settings = settings(
    max_examples=25, stateful_step_count=12, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)  # fmt: skip
TestLifecycles = Lifecycles.TestCase
