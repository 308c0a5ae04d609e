"""Fill a city store with clearly labelled sample records (for tests, demos and benchmarks).

Everything is generated from a seed; start-ups, partners and people are invented. ``canaries``
are strings planted in every free-text and identity column (names, e-mails, proposals, partner
names), so a test can prove none of them reaches a release bundle.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select

from datacity_federation._store.tables import (
    ApplicationRow,
    ChallengeKpiRow,
    ChallengeOwnerRow,
    ChallengeRow,
    CityRow,
    ContractValueRow,
    KpiMeasurementRow,
    PartnerRow,
    PersonRow,
    PilotRow,
    SeasonRow,
    SponsorshipRow,
)
from datacity_federation.domain.city import City
from datacity_federation.domain.season import Season
from datacity_federation.domain.vocab import ApplicationStatus, Outcome, Theme

__all__ = ["seed_season"]


def _table(model: Any) -> Any:
    return model.__table__


def seed_season(
    engine: Engine,
    *,
    city: City,
    season: Season,
    applications: int = 120,
    seed: int = 0,
    canaries: list[str] | None = None,
    corporates: int = 6,
    id_prefix: str = "",
    themes: int = 4,
) -> None:
    """Insert one season of sample records for ``city`` (the city row and partners once);
    ``id_prefix`` starts every generated partner id (a canary can hide in ids too); the
    challenges cover the first ``themes`` themes (at least 8 challenges, one per theme else)."""
    rng = random.Random(f"{city.id}/{season.id}/{seed}")
    marks = canaries or ["sample"]

    def mark(i: int) -> str:
        return marks[i % len(marks)]

    cid, sid = city.id, season.id
    with engine.begin() as conn:
        if conn.execute(select(CityRow.id).where(CityRow.id == cid)).first() is None:  # type: ignore[call-overload]
            conn.execute(
                insert(_table(CityRow)),
                [
                    {
                        "id": cid,
                        "name": dict(city.name),
                        "country": city.country,
                        "timezone": city.timezone,
                        "currency": city.currency,
                        "languages": list(city.languages),
                    }
                ],
            )
        existing = set(
            conn.execute(select(PartnerRow.id).where(PartnerRow.city_id == cid)).scalars()  # type: ignore[call-overload]
        )
        n_startups = max(5, applications // 3)
        partners = [
            {
                "city_id": cid,
                "id": f"{id_prefix}corp-{i}",
                "kind": "corporate",
                "name": {"en": f"{mark(i)} Corp {i}"},
                "website": None,
                "contacts": [{"name": mark(i), "email": f"{mark(i)}@example.org"}],
                "source": "records",
            }
            for i in range(corporates)
        ] + [
            {
                "city_id": cid,
                "id": f"{id_prefix}su-{i}",
                "kind": "startup",
                "name": {"en": f"{mark(i)} Labs {i}"},
                "website": None,
                "contacts": [],
                "source": "records",
            }
            for i in range(n_startups)
        ]
        new = [p for p in partners if p["id"] not in existing]
        if new:
            conn.execute(insert(_table(PartnerRow)), new)
        conn.execute(
            insert(_table(SeasonRow)),
            [
                {
                    "city_id": cid,
                    "id": sid,
                    "number": season.number,
                    "start": season.start,
                    "plan": {},
                }
            ],
        )
        codes = [t.value for t in Theme][:themes]
        challenges = [
            {
                "city_id": cid,
                "id": f"{sid}-ch{i}",
                "season_id": sid,
                "theme": codes[i % len(codes)],
                "title": {"en": f"{mark(i)} challenge"},
                "summary": {"en": f"{mark(i)} summary"},
                "position": i,
            }
            for i in range(max(8, len(codes)))
        ]
        conn.execute(insert(_table(ChallengeRow)), challenges)
        conn.execute(
            insert(_table(ChallengeOwnerRow)),
            [
                {
                    "city_id": cid,
                    "challenge_id": c["id"],
                    "partner_id": f"{id_prefix}corp-{i % corporates}",
                    "position": 0,
                }
                for i, c in enumerate(challenges)
            ],
        )
        conn.execute(
            insert(_table(ChallengeKpiRow)),
            [
                {
                    "city_id": cid,
                    "challenge_id": c["id"],
                    "indicator": "kpi",
                    "unit": "%",
                    "baseline": "10",
                    "target": "20",
                    "label": None,
                    "position": 0,
                }
                for c in challenges
            ],
        )
        people = [
            {
                "city_id": cid,
                "id": f"{sid}-p{i}",
                "name": f"{mark(i)} Person {i}",
                "email": f"{mark(i)}.{i}@example.org",
                "erased_on": None,
            }
            for i in range(min(applications, 500))
        ]
        if people:
            conn.execute(insert(_table(PersonRow)), people)
        states = [s.value for s in ApplicationStatus if s is not ApplicationStatus.DRAFT]
        apps = []
        for i in range(applications):
            ch = challenges[rng.randrange(len(challenges))]
            apps.append(
                {
                    "city_id": cid,
                    "id": f"{sid}-a{i}",
                    "season_id": sid,
                    "challenge_id": ch["id"],
                    "startup_id": f"{id_prefix}su-{rng.randrange(n_startups)}",
                    "status": rng.choice(states),
                    "language": city.default_language,
                    "proposal": f"{mark(i)} proposes something {i}",
                    "contact_id": people[i % len(people)]["id"] if people else None,
                    "submitted_on": season.start + timedelta(days=100),
                }
            )
        for start in range(0, len(apps), 5000):
            conn.execute(insert(_table(ApplicationRow)), apps[start : start + 5000])
        chosen = [a for a in apps if a["status"] == ApplicationStatus.SELECTED.value][
            : max(10, applications // 20)
        ]
        outcomes = [o.value for o in Outcome]
        pilots = [
            {
                "city_id": cid,
                "id": f"{sid}-pl{i}",
                "season_id": sid,
                "application_id": a["id"],
                "status": "closed",
                "outcome": rng.choice(outcomes),
                "started_on": None,
                "completed_on": None,
                "closed_on": None,
            }
            for i, a in enumerate(chosen)
        ]
        if pilots:
            conn.execute(insert(_table(PilotRow)), pilots)
            conn.execute(
                insert(_table(KpiMeasurementRow)),
                [
                    {
                        "city_id": cid,
                        "pilot_id": p["id"],
                        "indicator": "kpi",
                        "measured_on": season.start + timedelta(days=250),
                        "challenge_id": a["challenge_id"],
                        "baseline": "10",
                        "value": str(10 + rng.randint(-2, 12)),
                    }
                    for p, a in zip(pilots, chosen, strict=True)
                ],
            )
        conn.execute(
            insert(_table(SponsorshipRow)),
            [
                {
                    "city_id": cid,
                    "season_id": sid,
                    "partner_id": f"{id_prefix}corp-{i}",
                    "amount_e4": rng.randint(10, 90) * 10_000_000,
                    "currency": city.currency,
                    "signed_on": date(season.start.year, season.start.month, 1),
                }
                for i in range(corporates)
            ],
        )
        contracts = [
            {
                "city_id": cid,
                "pilot_id": p["id"],
                "partner_id": f"{id_prefix}corp-{rng.randrange(corporates)}",
                "amount_e4": rng.randint(5, 200) * 10_000_000 + 5000,
                "currency": city.currency,
                "signed_on": None,
            }
            for p in pilots
            if p["outcome"] == "contract"
        ]
        if contracts:
            conn.execute(insert(_table(ContractValueRow)), contracts)
