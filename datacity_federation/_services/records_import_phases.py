"""The ``phases`` kind of CSV: when the season's phases actually started and ended.

Rule header: one row per phase (``phase``, ``started_on``, ``ended_on``; either date may be
empty, not both), recorded by a person: it overwrites a lifecycle mark. Each row is merged into
the phase's recorded dates through :func:`~datacity_federation._services.phase_dates.set_phase_dates`,
so a row that would make a phase end before it starts is reported at its row, and nothing of the
file is written.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

from datacity_federation._services.records_import_kinds import RowImporter
from datacity_federation.domain.phase_dates import DateSource
from datacity_federation.domain.vocab import Phase
from datacity_federation.errors import DomainError

__all__ = ["PhasesImporter"]

PHASES = {p.value: p for p in Phase}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class PhasesImporter(RowImporter):
    required = ("phase",)
    optional = ("started_on", "ended_on")

    def row(self, row: int, rec: dict[str, str]) -> None:
        from datacity_federation._services.phase_dates import set_phase_dates

        ctx = self.ctx
        phase = PHASES.get(rec["phase"])
        if phase is None:
            ctx.bad(row, "phase", f"unknown phase {rec['phase']!r} (one of: {', '.join(PHASES)})")
            return
        if ctx.season.span(phase) is None:
            ctx.bad(row, "phase", f"the season's plan has no {phase.value} phase")
            return
        started = self._day(row, rec, "started_on")
        ended = self._day(row, rec, "ended_on")
        if started is False or ended is False:
            return
        if started is None and ended is None:
            ctx.bad(row, "ended_on", "give started_on, ended_on or both")
            return
        if not self.once(row, "phase", phase, f"row for {phase.value}"):
            return
        try:
            set_phase_dates(
                ctx.conn, city=ctx.city, season=ctx.season, phase=phase, started_on=started,
                ended_on=ended, source=DateSource.PERSON, at=ctx.at, by=ctx.by,
                why=f"import {Path(ctx.path).name}:{row}",
            )  # fmt: skip
        except DomainError as exc:
            ctx.bad(row, "ended_on" if ended is not None else "started_on", str(exc))
            return
        ctx.count("season_phase_dates", 1)

    def _day(self, row: int, rec: dict[str, str], column: str) -> date | Literal[False] | None:
        """The column's day, ``None`` when empty, ``False`` after reporting a bad one."""
        text = rec.get(column, "")
        if not text:
            return None
        try:
            if not DAY.match(text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            self.ctx.bad(row, column, f"not a date (use YYYY-MM-DD) (got {text!r})")
            return False
