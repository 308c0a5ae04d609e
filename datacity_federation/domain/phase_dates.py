"""When each phase of a season actually started and ended, against the plan.

Rule header: a person records a phase's actual start or end (``datacity season phase``, the
``phases`` CSV kind); the lifecycle marks an end where an event closes a phase (the first
application selected closes the call; the last pilot of the season completed ends the
experimentation). A person's date always wins over a lifecycle mark, and a lifecycle mark never
overwrites a person's. A phase without a recorded start starts the day after the previous phase's
actual end, or on its planned start when that is not known either; a phase without a recorded end
has no actual length yet (``phase_days`` is released only for phases with an end). Pure: the day
of an event is a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from datacity_federation.domain.season import PhaseSpan
from datacity_federation.domain.vocab import Phase

__all__ = [
    "ActualDates",
    "DateSource",
    "LIFECYCLE_MARKS",
    "actual_spans",
    "merged",
    "phase_date_problems",
    "phase_days",
]


class DateSource(StrEnum):
    """Who recorded an actual phase date."""

    PERSON = "person"
    """Recorded from the CLI or a CSV file: never overwritten by the lifecycle."""
    LIFECYCLE = "lifecycle"
    """Marked by a lifecycle event (a selection, a pilot completed)."""


LIFECYCLE_MARKS: Mapping[tuple[str, str], tuple[Phase, str]] = {
    ("application", "selected"): (Phase.CALL, "first"),
    ("pilot", "completed"): (Phase.EXPERIMENTATION, "last"),
}
"""Which transition ends which phase: ``(record kind, new state) -> (phase, rule)``. ``first``:
the first such event of the season ends the phase; ``last``: the phase ends with the event that
leaves no record of the season before that state (the last pilot completed)."""


@dataclass(frozen=True, slots=True)
class ActualDates:
    """The recorded actual dates of one phase (either may be unknown) and who recorded them."""

    phase: Phase
    started_on: date | None = None
    ended_on: date | None = None
    start_source: DateSource | None = None
    end_source: DateSource | None = None


def merged(
    old: ActualDates | None,
    *,
    phase: Phase,
    started_on: date | None = None,
    ended_on: date | None = None,
    source: DateSource,
) -> ActualDates:
    """``old`` with the dates given set, unless a lifecycle mark would overwrite a person's."""
    current = old or ActualDates(phase)

    def keep(prior: DateSource | None) -> bool:
        return source is DateSource.LIFECYCLE and prior is DateSource.PERSON

    start, start_src = current.started_on, current.start_source
    if started_on is not None and not keep(start_src):
        start, start_src = started_on, source
    end, end_src = current.ended_on, current.end_source
    if ended_on is not None and not keep(end_src):
        end, end_src = ended_on, source
    return ActualDates(phase, start, end, start_src, end_src)


def actual_spans(
    planned: Sequence[PhaseSpan], recorded: Mapping[Phase, ActualDates]
) -> dict[Phase, tuple[date, date | None]]:
    """Each planned phase's actual ``(start, end or None)``, filled as the rule header says."""
    out: dict[Phase, tuple[date, date | None]] = {}
    previous_end: date | None = None
    for span in planned:
        got = recorded.get(span.phase)
        start = got.started_on if got is not None else None
        if start is None:
            start = previous_end + timedelta(days=1) if previous_end is not None else span.start
        end = got.ended_on if got is not None else None
        out[span.phase] = (start, end)
        previous_end = end
    return out


def phase_date_problems(
    planned: Sequence[PhaseSpan], recorded: Mapping[Phase, ActualDates]
) -> list[str]:
    """What is inconsistent in the recorded dates (a phase ending before it starts, a phase
    not in the season's plan); empty when every phase's actual length can be counted."""
    phases = {s.phase for s in planned}
    problems = [
        f"the season's plan has no {phase.value} phase" for phase in recorded if phase not in phases
    ]
    for phase, (start, end) in actual_spans(planned, recorded).items():
        if end is not None and end < start:
            problems.append(
                f"{phase.value} would end on {end.isoformat()}, before it starts on "
                f"{start.isoformat()}"
            )
    return problems


def phase_days(
    planned: Sequence[PhaseSpan], recorded: Mapping[Phase, ActualDates]
) -> dict[Phase, int]:
    """Days actually spent in each phase that has an end, both days included."""
    return {
        phase: (end - start).days + 1
        for phase, (start, end) in actual_spans(planned, recorded).items()
        if end is not None and end >= start
    }
