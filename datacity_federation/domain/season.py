"""Seasons and their timeline.

Rule header: a season's phases are derived from its start and its plan, never stored as a flag.
The Data City template is three months of partnering, three of call, three of experimentation,
then an outcome period. A plan is either month durations (computed from the season start, so
months never drift) or explicit phase dates. Phases are in canonical order, contiguous unless a
gap is declared, and never overlap. Every day in ``[start, end]`` belongs to exactly one phase,
except the days of a declared gap. Time is always a parameter.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Annotated

from pydantic import Field

from datacity_federation.domain.base import (
    CrossChecked,
    DomainModel,
    Problem,
    Slug,
)
from datacity_federation.domain.challenge import Challenge
from datacity_federation.domain.vocab import Phase

__all__ = ["DATA_CITY_TEMPLATE", "PhaseDurations", "PhaseSpan", "Season", "add_months"]

PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)
Months = Annotated[int, Field(ge=1, le=36)]


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months; the day of month is clamped (31 Jan + 1 = 28/29 Feb)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class PhaseDurations(DomainModel):
    """Phase lengths in calendar months."""

    partnering: Months = 3
    """Months to find corporate partners and define the challenges."""
    call: Months = 3
    """Months of the call for start-ups: proposals, study, selection."""
    experimentation: Months = 3
    """Months of field pilots."""
    outcome: Annotated[int, Field(ge=0, le=36)] = 3
    """Months after the pilots in which outcomes (contracts, joint offers) are recorded; 0 for none."""

    def months(self) -> tuple[tuple[Phase, int], ...]:
        """Each phase with its length, in order, leaving out a zero-length outcome period."""
        plan = (
            (Phase.PARTNERING, self.partnering),
            (Phase.CALL, self.call),
            (Phase.EXPERIMENTATION, self.experimentation),
            (Phase.OUTCOME, self.outcome),
        )
        return tuple((phase, n) for phase, n in plan if n > 0)

    @property
    def total(self) -> int:
        """Months from the season start to the end of its last phase."""
        return self.partnering + self.call + self.experimentation + self.outcome


DATA_CITY_TEMPLATE = PhaseDurations()
"""The Data City season: 3 + 3 + 3 months, then a 3-month outcome period."""


class PhaseSpan(DomainModel):
    """One phase with explicit dates (both days included)."""

    phase: Phase
    """The phase: partnering, call, experimentation or outcome."""
    start: date
    """First day of the phase."""
    end: date
    """Last day of the phase (included)."""
    gap_before: bool = False
    """Declares that this phase may start later than the day after the previous one ends."""

    @property
    def days(self) -> int:
        """Length in days, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls within the phase."""
        return self.start <= day <= self.end


class Season(CrossChecked):
    """One nine-month season of a city, its timeline and its challenges."""

    id: Slug
    """Stable identifier of the season within its city, e.g. ``s3`` or ``2017``."""
    number: Annotated[int, Field(ge=1)]
    """The season's number in the city's history: 1, 2, 3..."""
    start: date
    """First day of the partnering phase."""
    durations: PhaseDurations = DATA_CITY_TEMPLATE
    """Month lengths of the phases; inherited from the city or federation template when omitted."""
    phases: tuple[PhaseSpan, ...] | None = None
    """Explicit phase dates, in order, instead of durations; the first must start on ``start``."""
    overlaps_previous: bool = False
    """Declares that this season may start before the previous season of the city has ended."""
    challenges: tuple[Challenge, ...] = ()
    """The challenges the city and its partners set for this season."""

    def problems(self) -> list[Problem]:
        """Timeline problems located inside the season (empty when the timeline is sound)."""
        if self.phases is None:
            return []
        found: list[Problem] = []
        if not self.phases:
            return [(("phases",), "give at least the partnering phase, or leave phases out")]
        if self.phases[0].start != self.start:
            found.append(
                (
                    ("phases", 0, "start"),
                    f"the first phase must start on the season start {self.start.isoformat()}",
                )
            )
        seen: set[Phase] = set()
        previous: PhaseSpan | None = None
        for i, span in enumerate(self.phases):
            if span.end < span.start:
                found.append((("phases", i, "end"), "ends before it starts"))
            if span.phase in seen:
                found.append((("phases", i, "phase"), f"phase {span.phase} is listed twice"))
            seen.add(span.phase)
            if previous is not None:
                if PHASE_ORDER.index(span.phase) < PHASE_ORDER.index(previous.phase):
                    found.append(
                        (("phases", i, "phase"), f"{span.phase} cannot come after {previous.phase}")
                    )
                if span.start <= previous.end:
                    found.append(
                        (
                            ("phases", i, "start"),
                            f"{span.phase} overlaps {previous.phase}, which ends "
                            f"{previous.end.isoformat()}",
                        )
                    )
                elif span.start != previous.end + timedelta(days=1) and not span.gap_before:
                    found.append(
                        (
                            ("phases", i, "start"),
                            f"gap after {previous.phase} (ends {previous.end.isoformat()}); start "
                            f"on {(previous.end + timedelta(days=1)).isoformat()} or declare "
                            "gap_before: true",
                        )
                    )
            previous = span
        missing = [p for p in PHASE_ORDER[:3] if p not in seen]
        if missing:
            found.append((("phases",), "missing phase(s): " + ", ".join(missing)))
        return found

    def timeline(self) -> tuple[PhaseSpan, ...]:
        """The phases with their dates, in order (derived, never stored)."""
        if self.phases is not None:
            return self.phases
        spans: list[PhaseSpan] = []
        elapsed = 0
        for phase, months in self.durations.months():
            first = add_months(self.start, elapsed)
            elapsed += months
            last = add_months(self.start, elapsed) - timedelta(days=1)
            spans.append(PhaseSpan(phase=phase, start=first, end=last))
        return tuple(spans)

    @property
    def end(self) -> date:
        """Last day of the season, outcome period included."""
        return self.timeline()[-1].end

    @property
    def experimentation_end(self) -> date:
        """Last day of the nine-month programme proper (before the outcome period)."""
        spans = [s for s in self.timeline() if s.phase is not Phase.OUTCOME]
        return spans[-1].end

    def span(self, phase: Phase) -> PhaseSpan | None:
        """The dates of ``phase`` in this season, or ``None`` when the plan has no such phase."""
        return next((s for s in self.timeline() if s.phase is phase), None)

    def phase_on(self, day: date) -> Phase | None:
        """The phase running on ``day``; ``None`` before the start, after the end or in a gap."""
        for span in self.timeline():
            if span.contains(day):
                return span.phase
        return None

    def days_left(self, day: date) -> int | None:
        """Days left in the phase running on ``day``, today included; ``None`` outside any phase."""
        for span in self.timeline():
            if span.contains(day):
                return (span.end - day).days + 1
        return None

    def is_closed(self, day: date) -> bool:
        """True once the whole season, outcome period included, is over on ``day``."""
        return day > self.end

    def next_season(
        self,
        *,
        shift: int | timedelta | None = None,
        id: str | None = None,
    ) -> Season:
        """A new season with the same plan, moved by ``shift``.

        ``shift`` is whole months (an ``int``) or a ``timedelta``; by default the season's whole
        length, so the next season starts the day after this one ends. A month plan keeps its month
        durations; explicit dates move as one block and keep their lengths in days. Challenges are
        not carried over: each season sets its own.
        """
        if shift is None:
            shift = (
                self.durations.total
                if self.phases is None
                else timedelta(days=(self.end - self.start).days + 1)
            )

        if self.phases is not None and isinstance(shift, int):
            # Explicit dates move as one block, so each phase keeps its length in days.
            shift = add_months(self.start, shift) - self.start
        step = shift

        def move(day: date) -> date:
            return add_months(day, step) if isinstance(step, int) else day + step

        phases = None
        if self.phases is not None:
            phases = tuple(
                span.model_copy(update={"start": move(span.start), "end": move(span.end)})
                for span in self.phases
            )
        return Season(
            id=id or f"s{self.number + 1}",
            number=self.number + 1,
            start=move(self.start),
            durations=self.durations,
            phases=phases,
            overlaps_previous=self.overlaps_previous,
        )
