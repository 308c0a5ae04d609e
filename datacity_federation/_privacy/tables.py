"""Release tables: one closed season's facts -> long-format cells with their SDMX status.

Rule header: the cells and their contributors come from :mod:`.cells`. Primary suppression
applies the profile's tests to each cell from programme records (public facts are published as
they are); homogeneity hides an outcome breakdown that one outcome dominates (``D``: those cells
were publishable on their own). Secondary suppression (:mod:`.protection`) then hides
complements by cost, iterated with the interval audit (:mod:`.intervals`), until every primary
suppression meets its protection level; a release nothing can protect is refused.

A correction of a season released before is built against the whole chain of earlier releases
(:mod:`.chain`): a change a reader could see through the difference of two releases keeps its
previous value (``held``), and holding spreads to whatever relation the held value would break,
so the release stays internally consistent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from datacity_federation._privacy.cells import COUNT, KPI, MONEY, RATE, Key, RawCell, raw_cells
from datacity_federation._privacy.facts import SeasonFacts
from datacity_federation._privacy.intervals import Interval
from datacity_federation._privacy.protection import Audit, Need, needs, protect
from datacity_federation._privacy.rules import (
    DisclosureProfile,
    count_status,
    kpi_status,
    money_status,
    published_problems,
    round_kpi,
)
from datacity_federation.domain.metrics import Metric, metric_code, metric_spec
from datacity_federation.domain.release import ALL_THEMES, Cell, CellStatus
from datacity_federation.domain.vocab import Outcome
from datacity_federation.errors import ReleaseError

__all__ = ["Key", "RawCell", "Release", "Suppression", "apply_correction", "build_release"]


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a cell is not published (or, for ``held``, why it kept its previous value)."""

    key: Key
    status: CellStatus
    reason: str
    """too_few, too_few_contributors, dominance_one, dominance_two, p_percent, kpi_too_few,
    kpi_equal, homogeneity, secondary, chain (hidden so that its change since an earlier release
    cannot be worked out), held."""
    protects: Key | None = None
    """For ``secondary``: the primary suppression this complement protects."""


@dataclass(frozen=True, slots=True)
class Release:
    """The cells of one city-season, the reasons behind every suppression, and what a reader
    could deduce about each suppressed cell."""

    facts: SeasonFacts
    profile: DisclosureProfile
    cells: tuple[Cell, ...]
    suppressions: tuple[Suppression, ...]
    raw: Mapping[Key, RawCell]
    """The values released (held cells at their previous value), with their contributors."""
    audit: Audit
    """The reader's model of this release, solved for a cell when its interval is asked."""
    chain: tuple[Release, ...] = ()
    """The earlier releases of the same season, oldest first."""

    @property
    def intervals(self) -> dict[Key, Interval]:
        """The tightest interval a reader deduces for every suppressed cell of this release."""
        hidden = [(c.metric.value, c.theme, c.dim) for c in self.cells if c.status != "F"]
        return {key: self.audit.interval(key) for key in hidden}

    def cell(self, metric: Metric | str, theme: str = ALL_THEMES, dim: str = "") -> Cell | None:
        key = (str(metric), theme, dim)
        return next((c for c in self.cells if (c.metric, c.theme, c.dim) == key), None)

    def interval(self, key: Key) -> Interval:
        """What a reader knows of ``key`` from this release (a published value: itself)."""
        cell = self.cell(*key)
        if cell is None:
            return Interval(0.0, 0.0)  # not in this release: nothing of it existed yet
        if cell.value is None:
            return self.audit.interval(key)
        v = float(cell.value)
        half = float(self.profile.kpi_step) / 2 if key[0] == "kpi_improvement_mean" else 0.0
        return Interval(v - half, v + half)


def primary(raw: RawCell, profile: DisclosureProfile) -> tuple[CellStatus, str]:
    """The status of a cell on its own, and the reason when suppressed."""
    if raw.kind in (COUNT, RATE):
        return count_status(len(raw.units), profile), "too_few"
    if raw.kind == MONEY:
        st = money_status([Decimal(v) for v in raw.units.values()], profile)
        reason = {
            CellStatus.TOO_FEW: "too_few_contributors",
            CellStatus.DOMINATED_ONE: "dominance_one",
            CellStatus.DOMINATED_TWO: "dominance_two",
        }.get(st, "")
        if st is CellStatus.DOMINATED_ONE and _largest_share(raw) * 100 <= profile.dominance_one:
            reason = "p_percent"
        return st, reason
    if raw.kind == KPI:
        values = [Decimal(v) for v in raw.units.values()]
        if len(values) >= profile.min_kpi_pilots and len(set(values)) <= 1:
            return CellStatus.TOO_FEW, "kpi_equal"
        return kpi_status(values, profile), "kpi_too_few"
    return CellStatus.FREE, ""


def _largest_share(raw: RawCell) -> Decimal:
    positive = [Decimal(a) for a in raw.units.values() if a > 0]
    total = sum(positive, Decimal(0))
    return max(positive) / total if total else Decimal(0)


def build_release(
    facts: SeasonFacts,
    profile: DisclosureProfile,
    *,
    previous: Release | None = None,
) -> Release:
    """The release of one closed season; ``previous`` (the last release of the same season,
    which carries the chain before it) makes it a correction, audited against the chain."""
    if previous is None:
        return release_of_raw(facts, profile, raw_cells(facts))
    from datacity_federation._privacy.chain import correct

    return correct(facts, profile, previous)


def release_of_raw(
    facts: SeasonFacts,
    profile: DisclosureProfile,
    raw: Mapping[Key, RawCell],
    *,
    held: frozenset[Key] = frozenset(),
    chain: tuple[Release, ...] = (),
    forced: Mapping[Key, Need] | None = None,
) -> Release:
    """Rules, secondary suppression and the interval audit over the cells ``raw``; ``forced``
    cells are hidden (``chain``) with the level their difference with an earlier release needs."""
    where = f"{facts.city}/{facts.season}"
    status: dict[Key, CellStatus] = {}
    reasons: dict[Key, Suppression] = {}
    for key, cell in raw.items():
        st, why = primary(cell, profile)
        status[key] = st
        if st is not CellStatus.FREE:
            reasons[key] = Suppression(key, st, why)
    _homogeneity(raw, profile, status, reasons)
    for key in forced or {}:
        if status[key] is CellStatus.FREE:
            status[key] = CellStatus.SECONDARY
            reasons[key] = Suppression(key, CellStatus.SECONDARY, "chain")

    def hide(key: Key, protects: Key) -> None:
        reasons[key] = Suppression(key, CellStatus.SECONDARY, "secondary", protects)

    levels = needs(raw, {k: s.reason for k, s in reasons.items()}, profile)
    for key, need in (forced or {}).items():
        levels[key] = (*levels.get(key, ()), need)
    audit = protect(raw, status, levels, profile, on_hide=hide, where=where)
    cells = tuple(
        Cell(
            city=facts.city,
            season=facts.season,
            metric=metric_code(key[0]),
            theme=key[1],
            dim=key[2],
            value=_public_value(raw[key], profile) if status[key] is CellStatus.FREE else None,
            unit=metric_spec(key[0]).unit,
            status=status[key],
        )
        for key in sorted(raw)
    )
    problems = published_problems(cells, profile)
    if problems:  # pragma: no cover - the rules above make it impossible; refuse if not
        raise ReleaseError(f"{where}: " + "; ".join(problems))
    notes = [Suppression(k, status[k], "held") for k in sorted(held)]
    return Release(
        facts=facts,
        profile=profile,
        cells=cells,
        suppressions=tuple(sorted(reasons.values(), key=lambda s: s.key)) + tuple(notes),
        raw=dict(raw),
        audit=audit,
        chain=chain,
    )


def _public_value(raw: RawCell, profile: DisclosureProfile) -> Decimal:
    return round_kpi(raw.value, profile) if raw.kind == KPI else raw.value


def _homogeneity(
    raw: Mapping[Key, RawCell],
    profile: DisclosureProfile,
    status: dict[Key, CellStatus],
    reasons: dict[Key, Suppression],
) -> None:
    for (metric, theme, _dim), cell in raw.items():
        if metric != "pilots" or cell.value == 0:
            continue
        outcomes = [("pilot_outcomes", theme, o.value) for o in Outcome]
        top = max(raw[k].value for k in outcomes if k in raw)
        if top * 100 > profile.homogeneity * cell.value:
            for k in outcomes:
                if k in raw and status[k] is CellStatus.FREE:
                    # publishable on its own, so its letter is D: 0 or at least min_count
                    status[k] = CellStatus.SECONDARY
                    reasons[k] = Suppression(k, CellStatus.SECONDARY, "homogeneity")


def apply_correction(previous: Release, facts: SeasonFacts, profile: DisclosureProfile) -> Release:
    """The corrected release of a season released before (audited against the chain)."""
    return build_release(facts, profile, previous=previous)
