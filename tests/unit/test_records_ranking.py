"""Ranking: weighted scores, per-reviewer z-scores, ties reported."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacity_federation.domain.challenge import Challenge, Criterion
from datacity_federation.domain.ranking import assessment_problems, rank_assessments, weighted_score
from datacity_federation.domain.records import Assessment, Assessor, Recommendation

pytestmark = pytest.mark.unit

CHALLENGE = Challenge(
    id="waste", theme="waste", title={"en": "W"}, summary={"en": "S"}, owners=("city", "suez"),
    rubric=(Criterion(code="impact", weight=Decimal(60)), Criterion(code="data", weight=Decimal(40), max_score=10)),
)  # fmt: skip


def review(app: str, reviewer: str, impact: int, data: int) -> Assessment:
    return Assessment(
        city="paris", application=app, reviewer=reviewer, scores={"impact": impact, "data": data},
        recommendation=Recommendation.SHORTLIST, reviewed_on=date(2016, 1, 10),
    )  # fmt: skip


def test_weighted_score_normalises_weights_and_maxima() -> None:
    assert weighted_score(review("A", "r", 5, 10), CHALLENGE) == pytest.approx(1.0)
    assert weighted_score(review("A", "r", 0, 5), CHALLENGE) == pytest.approx(0.2)


def test_severe_reviewer_does_not_sink_their_applications() -> None:
    reviews = [
        review("A", "lenient", 5, 10), review("B", "lenient", 4, 8),
        review("C", "severe", 2, 4), review("D", "severe", 1, 2),
    ]  # fmt: skip
    ranking = rank_assessments(CHALLENGE, reviews)
    assert [(line.application, line.rank) for line in ranking.lines] == [
        ("A", 1), ("C", 1), ("B", 3), ("D", 3),
    ]  # fmt: skip
    assert ranking.ties == (("A", "C"), ("B", "D"))


def test_single_review_contributes_zero_and_ties_reported() -> None:
    ranking = rank_assessments(CHALLENGE, [review("A", "r1", 5, 10), review("B", "r2", 1, 1)])
    assert [line.normalised for line in ranking.lines] == [0.0, 0.0]
    assert [line.application for line in ranking.lines] == ["A", "B"]
    assert ranking.ties == (("A", "B"),)
    assert all(line.tied for line in ranking.lines)


def test_review_problems_name_missing_unknown_and_too_high() -> None:
    bad = Assessment(
        city="paris", application="A", reviewer="r", scores={"impact": 9, "style": 1},
        recommendation=Recommendation.REJECT, reviewed_on=date(2016, 1, 10),
    )  # fmt: skip
    assert assessment_problems(bad, CHALLENGE) == [
        ("scores", "missing score(s) for data"),
        ("score_impact", "9 is above the maximum 5"),
        ("score_style", "'style' is not a criterion of waste (impact, data)"),
    ]


def test_reviewer_conflicted_with_declared_startup_and_employer() -> None:
    reviewer = Assessor(id="r", city="paris", employer="suez", conflicts=("craft-ai",))
    assert (reviewer.conflicted_with("craft-ai"), reviewer.conflicted_with("suez")) == (True, True)
    assert reviewer.conflicted_with("qucit") is False


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("ABCDE"), st.sampled_from(["r1", "r2", "r3"]),
            st.integers(0, 5), st.integers(0, 10),
        ),
        min_size=1, max_size=20, unique_by=lambda t: (t[0], t[1]),
    )
)  # fmt: skip
def test_ranking_ranks_every_reviewed_application_once(
    rows: list[tuple[str, str, int, int]],
) -> None:
    ranking = rank_assessments(CHALLENGE, [review(*row) for row in rows])
    apps = [line.application for line in ranking.lines]
    assert sorted(apps) == sorted({row[0] for row in rows})
    scores = [line.normalised for line in ranking.lines]
    assert scores == sorted(scores, reverse=True)
    for line in ranking.lines:
        assert line.tied == any(line.application in group for group in ranking.ties)
