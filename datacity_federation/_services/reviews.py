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
from datacity_federation.domain.ranking import Ranking, rank_reviews, review_problems
from datacity_federation.domain.records import AuditKind, Recommendation, Review
from datacity_federation.domain.vocab import ApplicationStatus, Phase
from datacity_federation.errors import DomainError, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = [
    "REVIEWABLE",
    "check_review",
    "load_reviews",
    "rank_challenge",
    "record_review",
    "register_reviewer",
    "save_review",
]


def register_reviewer(
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
        register_reviewer_on(conn, found, reviewer, name, email, employer, conflicts, moment, by)


def register_reviewer_on(
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
    from datacity_federation._store.repository import add_events, get_reviewer

    for partner in [employer, *conflicts]:
        if partner is not None and city.partner(partner) is None:
            raise StoreError(f"{city.id}: unknown partner {partner!r}")
    if get_reviewer(conn, city.id, reviewer) is not None:
        raise StoreError(f"{city.id}: reviewer {reviewer!r} already exists")
    upsert_person(conn, city.id, reviewer, name, email)
    conn.execute(
        insert(table(t.ReviewerRow)).values(city_id=city.id, id=reviewer, employer_id=employer)
    )
    if conflicts:
        conn.execute(
            insert(table(t.ReviewerConflictRow)),
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


REVIEWABLE = frozenset(
    {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.SHORTLISTED,
        ApplicationStatus.SELECTED,
        ApplicationStatus.REJECTED,
    }
)


def check_review(
    conn: Connection, city: City, review: Review, *, on: date, override: str | None
) -> tuple[str, list[tuple[str, str]]]:
    """The review's challenge id and every ``(field, message)`` it breaks (conflict, rubric, phase)."""
    from datacity_federation._store.repository import get_application, get_reviewer, season_of

    app = get_application(conn, city.id, review.application)
    if app is None:
        return "", [("application", f"no application {review.application!r}")]
    reviewer = get_reviewer(conn, city.id, review.reviewer)
    if reviewer is None:
        return app.challenge, [
            ("reviewer", f"unknown reviewer {review.reviewer!r} (register it first)")
        ]
    found: list[tuple[str, str]] = []
    if reviewer.conflicted_with(app.startup):
        found.append(
            (
                "reviewer",
                f"reviewer {reviewer.id} declared a conflict with start-up {app.startup!r}",
            )
        )
    if app.status not in REVIEWABLE:
        found.append(("application", f"application {app.id} is {app.status.value}, not reviewable"))
    season = season_of(city, app.season)
    challenge = next(c for c in season.challenges if c.id == app.challenge)
    found += review_problems(review, challenge)
    if override is None:
        problem = lifecycle.phase_problem(
            "review", "recorded", frozenset({Phase.CALL}), season, review.reviewed_on
        )
        if problem:
            found.append(("reviewed_on", problem))
    return app.challenge, found


def save_review(conn: Connection, review: Review, challenge: str) -> None:
    from sqlalchemy import insert

    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import table

    conn.execute(
        insert(table(t.ReviewRow)).values(
            city_id=review.city,
            application_id=review.application,
            reviewer_id=review.reviewer,
            challenge_id=challenge,
            recommendation=review.recommendation.value,
            reviewed_on=review.reviewed_on,
            comment=review.comment,
        )
    )
    conn.execute(
        insert(table(t.ReviewScoreRow)),
        [
            {
                "city_id": review.city,
                "application_id": review.application,
                "reviewer_id": review.reviewer,
                "criterion": code,
                "challenge_id": challenge,
                "score": score,
            }
            for code, score in sorted(review.scores.items())
        ],
    )


def record_review(
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
) -> Review:
    """Record a reviewer's rubric scores; a declared conflict of interest is refused."""
    from datacity_federation._store.engine import transaction
    from datacity_federation._store.repository import add_events

    with transaction(db) as conn:
        found = city_of(conn, city)
        moment, day = when(found, at, reviewed_on)
        review = Review(
            city=city,
            application=application,
            reviewer=reviewer,
            scores=dict(scores),
            recommendation=recommendation,
            reviewed_on=day,
            comment=comment,
        )
        challenge, problems = check_review(conn, found, review, on=day, override=override)
        if problems:
            raise DomainError(
                f"review of {application} by {reviewer}: " + "; ".join(m for _, m in problems)
            )
        if _exists_review(conn, city, application, reviewer):
            raise StoreError(f"{city}: {reviewer} already reviewed {application}")
        save_review(conn, review, challenge)
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
    return review


def _exists_review(conn: Connection, city: str, application: str, reviewer: str) -> bool:
    from sqlalchemy import select

    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import table

    reviews = table(t.ReviewRow)
    query = select(reviews.c.city_id).where(
        reviews.c.city_id == city,
        reviews.c.application_id == application,
        reviews.c.reviewer_id == reviewer,
    )
    return conn.execute(query).first() is not None


def load_reviews(conn: Connection, city: str, challenge: str) -> list[Review]:
    """Every review of the applications of ``challenge``."""
    from collections import defaultdict

    from sqlalchemy import select

    from datacity_federation._store import tables as t
    from datacity_federation._store.mapping import table

    reviews, scores = table(t.ReviewRow), table(t.ReviewScoreRow)
    by_key: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for r in conn.execute(
        select(scores).where(scores.c.city_id == city, scores.c.challenge_id == challenge)
    ).mappings():
        by_key[(r["application_id"], r["reviewer_id"])][r["criterion"]] = r["score"]
    query = select(reviews).where(reviews.c.city_id == city, reviews.c.challenge_id == challenge)
    return [
        Review(
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
        return rank_reviews(match[0], load_reviews(conn, city, challenge))
