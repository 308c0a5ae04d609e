"""Release tables: one closed season's facts -> long-format cells with their SDMX status.

Rule header: every cell is computed with its contributing units (distinct start-ups, partners,
challenges...). Primary suppression applies the profile's tests to each cell; homogeneity hides
an outcome breakdown that one outcome dominates; secondary suppression then makes sure no
additive group (a total and its parts, whenever they add up) has exactly one suppressed member,
and the linear audit (:mod:`.audit`) adds complementary suppressions until no suppressed cell is
derivable. A release that still fails the audit is refused. A correction of a season released
before passes the differencing check: a changed value whose change (new minus old, with its
contributors) fails the rules keeps its old value, and the reason is recorded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from datacity_federation.domain.release import (
    ALL_THEMES,
    METRIC_UNITS,
    Cell,
    CellStatus,
    Metric,
)
from datacity_federation.domain.vocab import ApplicationStatus, Outcome
from datacity_federation.errors import ReleaseError
from datacity_federation.privacy.audit import derivable_cells
from datacity_federation.privacy.facts import ApplicationFact, MoneyFact, SeasonFacts
from datacity_federation.privacy.rules import (
    DisclosureProfile,
    count_status,
    kpi_status,
    money_status,
    published_problems,
    round_kpi,
)

__all__ = ["Key", "RawCell", "Release", "Suppression", "apply_correction", "build_release"]

Key = tuple[str, str, str]
"""``(metric, theme, dim)``: a cell's place in one city-season release."""

COUNT, MONEY, KPI, PUBLIC, RATE = "count", "money", "kpi", "public", "rate"
SHORTLISTED = {ApplicationStatus.SHORTLISTED, ApplicationStatus.SELECTED}


@dataclass(frozen=True, slots=True)
class RawCell:
    """A cell's true value and what it was computed from (kept in the city, never released)."""

    key: Key
    kind: str
    value: Decimal
    units: Mapping[str, Decimal | int] = field(default_factory=dict)
    """Contribution per unit: 1 per row for counts, the amount for money, the value for KPIs."""


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a cell is not published (or, for ``held``, why it kept its previous value)."""

    key: Key
    status: CellStatus
    reason: str
    """too_few, too_few_contributors, dominance_one, dominance_two, p_percent, kpi_too_few,
    kpi_equal, homogeneity, secondary, held."""
    protects: Key | None = None


@dataclass(frozen=True, slots=True)
class Release:
    """The cells of one city-season and the reasons behind every suppression."""

    facts: SeasonFacts
    profile: DisclosureProfile
    cells: tuple[Cell, ...]
    suppressions: tuple[Suppression, ...]
    raw: Mapping[Key, RawCell]

    def cell(self, metric: Metric | str, theme: str = ALL_THEMES, dim: str = "") -> Cell | None:
        key = (str(metric), theme, dim)
        return next((c for c in self.cells if (c.metric, c.theme, c.dim) == key), None)


def _count(key: Key, rows: Iterable[str]) -> RawCell:
    counts = Counter(rows)
    return RawCell(key, COUNT, Decimal(counts.total()), counts)


def _distinct(key: Key, items: Iterable[str]) -> RawCell:
    units = dict.fromkeys(items, 1)
    return RawCell(key, COUNT, Decimal(len(units)), units)


def _money(key: Key, facts: Iterable[MoneyFact]) -> RawCell:
    units: dict[str, Decimal] = {}
    for f in facts:
        units[f.contributor] = units.get(f.contributor, Decimal(0)) + f.amount
    return RawCell(key, MONEY, sum(units.values(), Decimal(0)), units)


def raw_cells(f: SeasonFacts) -> dict[Key, RawCell]:
    """Every cell of the release with its true value and contributors."""
    themes = sorted(
        {c.theme for c in f.challenges}
        | {a.theme for a in f.applications}
        | {p.theme for p in f.pilots}
        | {m.theme for m in f.contracts if m.theme != ALL_THEMES}
    )
    out: dict[Key, RawCell] = {}

    def put(cell: RawCell) -> None:
        out[cell.key] = cell

    by_theme: dict[str, list[ApplicationFact]] = {}
    for a in f.applications:
        if a.state != ApplicationStatus.DRAFT:
            by_theme.setdefault(a.theme, []).append(a)
    every = [a for t in sorted(by_theme) for a in by_theme[t]]
    for t in [*themes, ALL_THEMES]:

        def mine(theme: str, t: str = t) -> bool:
            return t == ALL_THEMES or theme == t

        challenges = [c for c in f.challenges if mine(c.theme)]
        apps = every if t == ALL_THEMES else by_theme.get(t, [])
        pilots = [p for p in f.pilots if mine(p.theme)]
        put(_distinct(("challenges", t, ""), (c.id for c in challenges)))
        partners = {p for c in challenges for p in c.partners}
        if t == ALL_THEMES:
            partners |= f.partners
        put(_distinct(("corporate_partners", t, ""), partners))
        put(_distinct(("datasets_used", t, ""), (d for c in challenges for d in c.datasets)))
        put(_count(("applications", t, ""), (a.startup for a in apps)))
        put(_distinct(("startups", t, ""), (a.startup for a in apps)))
        put(_count(("shortlisted", t, ""), (a.startup for a in apps if a.state in SHORTLISTED)))
        put(
            _count(
                ("selected", t, ""),
                (a.startup for a in apps if a.state == ApplicationStatus.SELECTED),
            )
        )
        put(_count(("pilots", t, ""), (p.startup for p in pilots)))
        for o in Outcome:
            put(
                _count(
                    ("pilot_outcomes", t, o.value), (p.startup for p in pilots if p.outcome == o)
                )
            )
        put(_money(("contract_value_total", t, ""), (m for m in f.contracts if mine(m.theme))))
        kpis = [(p.startup, p.kpi_improvement) for p in pilots if p.kpi_improvement is not None]
        mean = sum((v for _, v in kpis), Decimal(0)) / len(kpis) if kpis else Decimal(0)
        put(RawCell(("kpi_improvement_mean", t, ""), KPI, mean, _indexed(kpis)))
    put(_money(("sponsorship_total", ALL_THEMES, ""), f.sponsorships))
    for ph in f.phases:
        planned = Decimal((ph.planned_end - ph.planned_start).days + 1)
        put(RawCell(("phase_days_planned", ALL_THEMES, ph.phase.value), PUBLIC, planned))
        if ph.actual_start is not None and ph.actual_end is not None:
            actual = Decimal((ph.actual_end - ph.actual_start).days + 1)
            put(RawCell(("phase_days", ALL_THEMES, ph.phase.value), PUBLIC, actual))
    if f.partners_next is not None and f.partners:
        back = len(f.partners & f.partners_next)
        share = (Decimal(100 * back) / len(f.partners)).quantize(Decimal("0.1"))
        put(RawCell(("partner_retention", ALL_THEMES, ""), RATE, share, _ones(f.partners)))
    if f.network_multi_city is not None:
        n = Decimal(f.network_multi_city)
        put(
            RawCell(("network_startups_multi_city", ALL_THEMES, ""), COUNT, n, _ones(range(int(n))))
        )
    return out


def _indexed(values: list[tuple[str, Decimal]]) -> dict[str, Decimal]:
    return {f"{unit}#{i}": v for i, (unit, v) in enumerate(values)}


def _ones(items: Iterable[object]) -> dict[str, Decimal]:
    return {str(i): Decimal(1) for i in items}


def primary(raw: RawCell, profile: DisclosureProfile) -> tuple[CellStatus, str]:
    """The status of a cell on its own, and the reason when suppressed."""
    if raw.kind == COUNT:
        st = count_status(len(raw.units), profile)
        return st, "too_few"
    if raw.kind == RATE:
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


def relations(raw: Mapping[Key, RawCell]) -> list[dict[Key, int]]:
    """The additive relations a reader can rely on: a total minus its parts equals zero.

    Always-additive groups are always included; other groups (distinct counts, outcome
    breakdowns of pilots) only when they add up exactly in this release, which is when a reader
    could use them.
    """
    groups: dict[tuple[str, str], list[Key]] = {}
    for key in raw:
        metric, theme, dim = key
        if theme != ALL_THEMES and raw[key].kind in (COUNT, MONEY):
            groups.setdefault((metric, dim), []).append(key)
    rels: list[dict[Key, int]] = []
    for (metric, dim), parts in sorted(groups.items()):
        total = (metric, ALL_THEMES, dim)
        if total in raw:
            rels.append(_rel(raw, total, parts))
    themes = {k[1] for k in raw}
    for t in sorted(themes):
        total = ("pilots", t, "")
        parts = [("pilot_outcomes", t, o.value) for o in Outcome]
        if total in raw and all(p in raw for p in parts):
            rels.append(_rel(raw, total, parts))
    return [r for r in rels if sum(raw[k].value * c for k, c in r.items()) == 0]


def _rel(raw: Mapping[Key, RawCell], total: Key, parts: list[Key]) -> dict[Key, int]:
    rel = dict.fromkeys(sorted(parts), 1)
    rel[total] = -1
    return rel


def build_release(
    facts: SeasonFacts,
    profile: DisclosureProfile,
    *,
    previous: Release | None = None,
) -> Release:
    """The release of one closed season; ``previous`` applies the differencing check."""
    raw = raw_cells(facts)
    held: dict[Key, RawCell] = {}
    if previous is not None:
        held = _held(previous, raw, profile)
        raw = {**raw, **held}
    status: dict[Key, CellStatus] = {}
    reasons: dict[Key, Suppression] = {}
    for key, cell in raw.items():
        st, why = primary(cell, profile)
        status[key] = st
        if st is not CellStatus.FREE:
            reasons[key] = Suppression(key, st, why)
    _homogeneity(raw, profile, status, reasons)
    rels = relations(raw)
    _secondary(raw, rels, status, reasons)
    hidden = {k for k, s in status.items() if s is not CellStatus.FREE}
    if derivable_cells(rels, hidden):  # pragma: no cover - _secondary loops until it is empty
        raise ReleaseError(f"{facts.city}/{facts.season}: the release fails the linear audit")
    cells = tuple(
        Cell(
            city=facts.city,
            season=facts.season,
            metric=Metric(key[0]),
            theme=key[1],
            dim=key[2],
            value=_public_value(raw[key], profile) if status[key] is CellStatus.FREE else None,
            unit=METRIC_UNITS[Metric(key[0])],
            status=status[key],
        )
        for key in sorted(raw)
    )
    problems = published_problems(cells, profile)
    if problems:  # pragma: no cover - the rules above make it impossible; refuse if not
        raise ReleaseError(f"{facts.city}/{facts.season}: " + "; ".join(problems))
    notes = [Suppression(k, CellStatus.FREE, "held") for k in sorted(held)]
    return Release(
        facts=facts,
        profile=profile,
        cells=cells,
        suppressions=tuple(sorted(reasons.values(), key=lambda s: s.key)) + tuple(notes),
        raw=raw,
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
                    status[k] = CellStatus.TOO_FEW
                    reasons[k] = Suppression(k, CellStatus.TOO_FEW, "homogeneity")


def _secondary(
    raw: Mapping[Key, RawCell],
    rels: list[dict[Key, int]],
    status: dict[Key, CellStatus],
    reasons: dict[Key, Suppression],
) -> None:
    def hide(rel: Mapping[Key, int], protects: Key) -> bool:
        options = [k for k in rel if status[k] is CellStatus.FREE]
        if not options:
            return False
        best = min(options, key=lambda k: (k[1] == ALL_THEMES, raw[k].value == 0, raw[k].value, k))
        status[best] = CellStatus.SECONDARY
        reasons[best] = Suppression(best, CellStatus.SECONDARY, "secondary", protects)
        return True

    for _ in range(10 * len(raw) + 10):
        changed = False
        for rel in rels:
            hidden = [k for k in rel if status[k] is not CellStatus.FREE]
            if len(hidden) == 1:
                changed |= hide(rel, hidden[0])
        if changed:
            continue
        derivable = derivable_cells(
            rels, {k for k, s in status.items() if s is not CellStatus.FREE}
        )
        if not derivable:
            return
        for d in sorted(derivable):
            if any(hide(rel, d) for rel in rels if d in rel):
                changed = True
                break
        if not changed:
            raise ReleaseError(f"cannot protect {'/'.join(min(derivable))}: the audit fails")
    raise ReleaseError("secondary suppression did not settle")  # pragma: no cover


def _held(
    previous: Release, raw: Mapping[Key, RawCell], profile: DisclosureProfile
) -> dict[Key, RawCell]:
    """Cells whose change since ``previous`` fails the rules: they keep the previous version."""
    published = {(c.metric.value, c.theme, c.dim): c for c in previous.cells}
    held: dict[Key, RawCell] = {}
    for key, new in raw.items():
        old_cell = published.get(key)
        old = previous.raw.get(key)
        if old is None or old_cell is None or old_cell.status is not CellStatus.FREE:
            continue
        if _public_value(new, profile) == old_cell.value or new.kind == PUBLIC:
            continue
        change = {
            u: new.units.get(u, Decimal(0)) - old.units.get(u, Decimal(0))
            for u in set(new.units) | set(old.units)
        }
        change = {u: d for u, d in change.items() if d != 0}
        delta = RawCell(key, new.kind, new.value - old.value, _abs(change))
        if new.kind == KPI:
            ok = len(change) >= profile.min_kpi_pilots
        else:
            ok = primary(delta, profile)[0] is CellStatus.FREE and bool(change)
        if not ok:
            held[key] = old
    return held


def _abs(change: Mapping[str, Decimal | int]) -> dict[str, Decimal | int]:
    return {u: d if d >= 0 else -d for u, d in change.items()}


def apply_correction(previous: Release, facts: SeasonFacts, profile: DisclosureProfile) -> Release:
    """The corrected release of a season released before (the differencing check applied)."""
    return build_release(facts, profile, previous=previous)
