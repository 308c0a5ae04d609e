"""The ``phases`` kind of CSV: when the season's phases actually started and ended.

Rule header: one row per phase (``phase``, ``started_on``, ``ended_on``; either date may be
empty, not both), recorded by a person: it overwrites a lifecycle mark. The values are checked by
the domain's types (:class:`PhaseLine`); each row is then merged into the phase's recorded dates
through :func:`~datacity_federation._services.phase_dates.set_phase_dates`, so a row that would
make a phase end before it starts is reported at its row, and nothing of the file is written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

from datacity_federation._services.records_import_kinds import RowImporter
from datacity_federation.domain.phase_dates import DateSource
from datacity_federation.domain.vocab import Phase
from datacity_federation.errors import DomainError

__all__ = ["PhaseLine", "PhasesImporter"]


class PhaseLine(NamedTuple):
    """One row of a ``phases`` file."""

    phase: Phase
    started_on: date | None = None
    ended_on: date | None = None


class PhasesImporter(RowImporter):
    line = PhaseLine

    def row(self, row: int, item: PhaseLine) -> None:
        from datacity_federation._services.phase_dates import set_phase_dates

        ctx = self.ctx
        phase = item.phase
        if ctx.season.span(phase) is None:
            ctx.bad(row, "phase", f"the season's plan has no {phase.value} phase")
            return
        if item.started_on is None and item.ended_on is None:
            ctx.bad(row, "ended_on", "give started_on, ended_on or both")
            return
        if not self.once(row, "phase", phase, f"row for {phase.value}"):
            return
        try:
            set_phase_dates(
                ctx.conn, city=ctx.city, season=ctx.season, phase=phase,
                started_on=item.started_on, ended_on=item.ended_on, source=DateSource.PERSON,
                at=ctx.at, by=ctx.by, why=f"import {Path(ctx.path).name}:{row}",
            )  # fmt: skip
        except DomainError as exc:
            ctx.bad(row, "ended_on" if item.ended_on is not None else "started_on", str(exc))
            return
        ctx.count("season_phase_dates", 1)
