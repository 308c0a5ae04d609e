"""Ranking the applications of a challenge from its reviews.

Rule header: a review's weighted score is ``sum(weight_c * score_c / max_c)`` over the
challenge's rubric (weights normalised to 1), so it lies in [0, 1]. Reviewers are lenient or
severe, so each reviewer's weighted scores are turned into z-scores over that reviewer's own
reviews of the challenge (a reviewer with one assessment, or with all-equal scores, contributes 0).
An application's normalised score is the mean of its reviewers' z-scores; applications are
ranked by it, highest first, then by their mean weighted score. Equal normalised scores (to nine
decimals) share a rank and are reported as a tie. Pure: no I/O.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from datacity_federation.domain.challenge import Challenge
from datacity_federation.domain.records import Assessment
from datacity_federation.errors import DomainError

__all__ = [
    "RankedApplication",
    "Ranking",
    "assessment_problems",
    "rank_assessments",
    "weighted_score",
]


def assessment_problems(assessment: Assessment, challenge: Challenge) -> list[tuple[str, str]]:
    """``(field, message)`` for every way ``assessment`` does not fit the challenge's rubric."""
    found: list[tuple[str, str]] = []
    rubric = {c.code: c for c in challenge.rubric}
    missing = [code for code in rubric if code not in assessment.scores]
    if missing:
        found.append(("scores", "missing score(s) for " + ", ".join(missing)))
    for code, score in assessment.scores.items():
        criterion = rubric.get(code)
        if criterion is None:
            known = ", ".join(rubric)
            found.append(
                (f"score_{code}", f"{code!r} is not a criterion of {challenge.id} ({known})")
            )
        elif score > criterion.max_score:
            found.append((f"score_{code}", f"{score} is above the maximum {criterion.max_score}"))
    return found


def weighted_score(assessment: Assessment, challenge: Challenge) -> float:
    """The review's weighted score in [0, 1]."""
    weights = challenge.weights()
    total = Decimal(0)
    for criterion in challenge.rubric:
        score = assessment.scores.get(criterion.code)
        if score is None:
            raise DomainError(f"review of {assessment.application}: no score for {criterion.code}")
        total += weights[criterion.code] * Decimal(score) / Decimal(criterion.max_score)
    return float(total)


@dataclass(frozen=True, slots=True)
class RankedApplication:
    """One line of a ranking."""

    rank: int
    application: str
    normalised: float
    """Mean z-score over the application's reviewers."""
    weighted: float
    """Mean weighted score in [0, 1]."""
    reviews: int
    tied: bool


@dataclass(frozen=True, slots=True)
class Ranking:
    """The ranking of one challenge, and the groups of applications that tie."""

    challenge: str
    lines: tuple[RankedApplication, ...]
    ties: tuple[tuple[str, ...], ...]


def _zscores(scores: Mapping[str, float]) -> dict[str, float]:
    if len(scores) < 2:
        return dict.fromkeys(scores, 0.0)
    mean = sum(scores.values()) / len(scores)
    var = sum((v - mean) ** 2 for v in scores.values()) / len(scores)
    std = math.sqrt(var)
    if std < 1e-12:
        return dict.fromkeys(scores, 0.0)
    return {k: (v - mean) / std for k, v in scores.items()}


def rank_assessments(challenge: Challenge, assessments: Iterable[Assessment]) -> Ranking:
    """Rank the reviewed applications of ``challenge`` (see the module's rule header)."""
    by_reviewer: dict[str, dict[str, float]] = defaultdict(dict)
    for assessment in assessments:
        by_reviewer[assessment.reviewer][assessment.application] = weighted_score(
            assessment, challenge
        )
    z_of: dict[str, list[float]] = defaultdict(list)
    raw_of: dict[str, list[float]] = defaultdict(list)
    for scores in by_reviewer.values():
        for app, z in _zscores(scores).items():
            z_of[app].append(z)
            raw_of[app].append(scores[app])
    rows = [
        (app, round(sum(z) / len(z), 9), sum(raw_of[app]) / len(raw_of[app]), len(z))
        for app, z in z_of.items()
    ]
    rows.sort(key=lambda r: (-r[1], -r[2], r[0]))
    groups: dict[float, list[str]] = defaultdict(list)
    for app, norm, _, _ in rows:
        groups[norm].append(app)
    ties = tuple(tuple(apps) for apps in groups.values() if len(apps) > 1)
    lines: list[RankedApplication] = []
    rank = 0
    previous: float | None = None
    for position, (app, norm, raw, count) in enumerate(rows, start=1):
        if norm != previous:
            rank = position
            previous = norm
        lines.append(
            RankedApplication(rank, app, norm, round(raw, 9), count, len(groups[norm]) > 1)
        )
    return Ranking(challenge.id, tuple(lines), ties)
