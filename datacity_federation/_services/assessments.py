"""Use cases over reviews: reviewers and their declared conflicts, rubric scores, rankings.

Keyword-only, one transaction per call, like :mod:`datacity_federation._services.records`.
A reviewer is a person (personal data in ``people``) who may work for a partner and declares
the partners they have a conflict of interest with; reviewing an application of such a start-up
(or of their own employer) is refused. Reviews happen during the call unless overridden.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from datacity_federation._services.records import city_of, upsert_person, when
from datacity_federation.domain import lifecycle
from datacity_federation.domain.city import City
from datacity_federation.domain.ranking import Ranking, assessment_problems, rank_assessments
from datacity_federation.domain.records import Assessment, AuditKind, Recommendation
from datacity_federation.domain.vocab import ApplicationStatus, Phase
from datacity_federation.errors import DomainError, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = [
    "ASSESSABLE",
    "check_assessment",
    "load_assessments",
    "rank_challenge",
    "record_assessment",
    "register_assessor",
    "save_assessment",
]


def register_assessor(
    *,
    db: Engine,
    city: str,
    reviewer: str,
    name: str | None = None,
    email: str | None = None,
    employer: str | None = None,
    conflicts: Sequence[str] = (),
    by: str,
    at: datetime | None = None,
) -> None:
    """Register a reviewer, the partner they work for and the partners they declare a conflict with."""
    from datacity_federation._store.engine import transaction

    with transaction(db) as conn:
        found = city_of(conn, city)
        moment, _ = when(found, at, None)
        register_assessor_on(conn, found, reviewer, name, email, employer, conflicts, moment, by)


def register_assessor_on(
    conn: Connection,
    city: City,
    reviewer: str,
    name: str | None,
    email: str | None,
    employer: str | None,
    conflicts: Sequence[str],
    at: datetime,
    by: str,
) -> None:
    from sqlalchemy import insert

    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import table
    from datacity_federation._store.repository import add_events, get_assessor

    for partner in [employer, *conflicts]:
        if partner is not None and city.partner(partner) is None:
            raise StoreError(f"{city.id}: unknown partner {partner!r}")
    if get_assessor(conn, city.id, reviewer) is not None:
        raise StoreError(f"{city.id}: reviewer {reviewer!r} already exists")
    upsert_person(conn, city.id, reviewer, name, email)
    conn.execute(
        insert(table(t.AssessorRow)).values(city_id=city.id, id=reviewer, employer_id=employer)
    )
    if conflicts:
        conn.execute(
            insert(table(t.AssessorConflictRow)),
            [
                {"city_id": city.id, "reviewer_id": reviewer, "partner_id": p}
                for p in sorted(set(conflicts))
            ],
        )
    add_events(
        conn,
        [
            lifecycle.note(
                AuditKind.REVIEWER, city=city.id, record=reviewer, to="registered", at=at, by=by
            )
        ],
    )


ASSESSABLE = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.SELECTED,
        ApplicationStatus.REJECTED,
    }
)


def check_assessment(
    conn: Connection, city: City, assessment: Assessment, *, on: date, override: str | None
) -> tuple[str, list[tuple[str, str]]]:
    """The review's challenge id and every ``(field, message)`` it breaks (conflict, rubric, phase)."""
    from datacity_federation._store.repository import get_application, get_assessor, season_of

    app = get_application(conn, city.id, assessment.application)
    if app is None:
        return "", [("application", f"no application {assessment.application!r}")]
    reviewer = get_assessor(conn, city.id, assessment.reviewer)
    if reviewer is None:
        return app.challenge, [
            ("reviewer", f"unknown reviewer {assessment.reviewer!r} (register it first)")
        ]
    found: list[tuple[str, str]] = []
    if reviewer.conflicted_with(app.startup):
        found.append(
            (
                "reviewer",
                f"reviewer {reviewer.id} declared a conflict with start-up {app.startup!r}",
            )
        )
    if app.status not in ASSESSABLE:
        found.append(("application", f"application {app.id} is {app.status.value}, not reviewable"))
    season = season_of(city, app.season)
    challenge = next(c for c in season.challenges if c.id == app.challenge)
    found += assessment_problems(assessment, challenge)
    if override is None:
        problem = lifecycle.phase_problem(
            "review", "recorded", frozenset({Phase.CALL}), season, assessment.reviewed_on
        )
        if problem:
            found.append(("reviewed_on", problem))
    return app.challenge, found


def save_assessment(conn: Connection, assessment: Assessment, challenge: str) -> None:
    from sqlalchemy import insert

    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import table

    conn.execute(
        insert(table(t.AssessmentRow)).values(
            city_id=assessment.city,
            application_id=assessment.application,
            reviewer_id=assessment.reviewer,
            challenge_id=challenge,
            recommendation=assessment.recommendation.value,
            reviewed_on=assessment.reviewed_on,
            comment=assessment.comment,
        )
    )
    conn.execute(
        insert(table(t.AssessmentScoreRow)),
        [
            {
                "city_id": assessment.city,
                "application_id": assessment.application,
                "reviewer_id": assessment.reviewer,
                "criterion": code,
                "challenge_id": challenge,
                "score": score,
            }
            for code, score in sorted(assessment.scores.items())
        ],
    )


def record_assessment(
    *,
    db: Engine,
    city: str,
    application: str,
    reviewer: str,
    scores: Mapping[str, int],
    recommendation: Recommendation,
    reviewed_on: date | None = None,
    comment: str | None = None,
    by: str,
    at: datetime | None = None,
    override: str | None = None,
) -> Assessment:
    """Record a reviewer's rubric scores; a declared conflict of interest is refused."""
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import add_events

    with transaction(db) as conn:
        found = city_of(conn, city)
        moment, day = when(found, at, reviewed_on)
        assessment = Assessment(
            city=city,
            application=application,
            reviewer=reviewer,
            scores=dict(scores),
            recommendation=recommendation,
            reviewed_on=day,
            comment=comment,
        )
        challenge, problems = check_assessment(conn, found, assessment, on=day, override=override)
        if problems:
            raise DomainError(
                f"review of {application} by {reviewer}: " + "; ".join(m for _, m in problems)
            )
        if _exists_assessment(conn, city, application, reviewer):
            raise StoreError(f"{city}: {reviewer} already reviewed {application}")
        save_assessment(conn, assessment, challenge)
        event = lifecycle.note(
            AuditKind.REVIEW,
            city=city,
            record=f"{application}/{reviewer}",
            to=recommendation.value,
            at=moment,
            by=by,
            why=override or "",
        )
        add_events(conn, [event.model_copy(update={"override": override is not None})])
    return assessment


def _exists_assessment(conn: Connection, city: str, application: str, reviewer: str) -> bool:
    from sqlalchemy import select

    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import table

    reviews = table(t.AssessmentRow)
    query = select(reviews.c.city_id).where(
        reviews.c.city_id == city,
        reviews.c.application_id == application,
        reviews.c.reviewer_id == reviewer,
    )
    return conn.execute(query).first() is not None


def load_assessments(conn: Connection, city: str, challenge: str) -> list[Assessment]:
    """Every review of the applications of ``challenge``."""
    from collections import defaultdict

    from sqlalchemy import select

    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import table

    reviews, scores = table(t.AssessmentRow), table(t.AssessmentScoreRow)
    by_key: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for r in conn.execute(
        select(scores).where(scores.c.city_id == city, scores.c.challenge_id == challenge)
    ).mappings():
        by_key[(r["application_id"], r["reviewer_id"])][r["criterion"]] = r["score"]
    query = select(reviews).where(reviews.c.city_id == city, reviews.c.challenge_id == challenge)
    return [
        Assessment(
            city=city,
            application=r["application_id"],
            reviewer=r["reviewer_id"],
            scores=by_key[(r["application_id"], r["reviewer_id"])],
            recommendation=r["recommendation"],
            reviewed_on=r["reviewed_on"],
            comment=r["comment"],
        )
        for r in conn.execute(
            query.order_by(reviews.c.application_id, reviews.c.reviewer_id)
        ).mappings()
    ]


def rank_challenge(*, db: Engine, city: str, challenge: str) -> Ranking:
    """Rank the reviewed applications of a challenge (per-reviewer z-scores; ties reported)."""
    from datacity_federation._store.engine import transaction

    with transaction(db) as conn:
        found = city_of(conn, city)
        match = [c for s in found.seasons for c in s.challenges if c.id == challenge]
        if not match:
            raise StoreError(f"{city}: unknown challenge {challenge!r}")
        return rank_assessments(match[0], load_assessments(conn, city, challenge))
