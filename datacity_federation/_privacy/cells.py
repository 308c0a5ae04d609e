"""The cells of one city-season release with their true values and contributors (kept in the city).

Rule header: every cell is computed with its contributing units (distinct start-ups, partners,
pilots...), because the thresholds count units, not rows. Each cell has a *kind* that decides
which rules apply: ``count``, ``money`` and ``kpi`` cells come from programme records and go
through the disclosure rules; ``public`` cells (challenges, their corporate partners, data sets
used, phase days) are figures the city publishes itself and are released as they are; ``rate``
(partner retention) is the share of the previous season's partners who came back, ruled like a
count of those partners. KPI contributions are keyed by pilot identity, so two releases are
compared pilot by pilot.
The
kind is the metric's disclosure class in the registry (:mod:`datacity_federation.domain.metrics`);
a registered metric with a ``compute`` function adds its cells after the built-in pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from datacity_federation._privacy.facts import MoneyFact, PilotFact, SeasonFacts
from datacity_federation.domain.metrics import METRICS, Disclosure
from datacity_federation.domain.release import ALL_THEMES
from datacity_federation.domain.vocab import ApplicationStatus, Outcome

__all__ = ["COUNT", "KPI", "MONEY", "PUBLIC", "RATE", "Key", "RawCell", "empty_like", "raw_cells"]

Key = tuple[str, str, str]
"""``(metric, theme, dim)``: a cell's place in one city-season release."""

COUNT, MONEY, KPI, PUBLIC, RATE = (
    Disclosure.COUNT,
    Disclosure.MONEY,
    Disclosure.KPI,
    Disclosure.PUBLIC,
    Disclosure.RATE,
)
SHORTLISTED = {ApplicationStatus.SHORTLISTED, ApplicationStatus.SELECTED}


@dataclass(frozen=True, slots=True)
class RawCell:
    """A cell's true value and what it was computed from (kept in the city, never released)."""

    key: Key
    kind: str
    value: Decimal
    units: Mapping[str, Decimal | int] = field(default_factory=dict)
    """Contribution per unit: rows per start-up for counts, the amount per contributor for
    money, the value per pilot for KPIs."""


def empty_like(cell: RawCell) -> RawCell:
    """The same cell with no contributor (a theme that is not, or no longer, in the season)."""
    return RawCell(cell.key, cell.kind, Decimal(0), {})


def _count(key: Key, rows: Iterable[str]) -> RawCell:
    counts = Counter(rows)
    return RawCell(key, COUNT, Decimal(counts.total()), counts)


def _rows(key: Key, counts: Counter[str]) -> RawCell:
    return RawCell(key, COUNT, Decimal(counts.total()), counts)


def _distinct(key: Key, items: Iterable[str], kind: str = COUNT) -> RawCell:
    units = dict.fromkeys(items, 1)
    return RawCell(key, kind, Decimal(len(units)), units)


def _money(key: Key, facts: Iterable[MoneyFact]) -> RawCell:
    units: dict[str, Decimal] = {}
    for f in facts:
        units[f.contributor] = units.get(f.contributor, Decimal(0)) + f.amount
    return RawCell(key, MONEY, sum(units.values(), Decimal(0)), units)


def _kpis(pilots: Iterable[PilotFact]) -> dict[str, Decimal]:
    """KPI value per pilot identity: the record id, else the start-up and its n-th pilot."""
    out: dict[str, Decimal] = {}
    nth: Counter[str] = Counter()
    for p in pilots:
        nth[p.startup] += 1
        if p.kpi_improvement is not None:
            out[p.id or f"{p.startup}#{nth[p.startup]}"] = p.kpi_improvement
    return out


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

    # one pass over the applications: rows per start-up, per theme, for each stage
    stages: dict[str, tuple[Counter[str], Counter[str], Counter[str]]] = {}
    for a in f.applications:
        if a.state == ApplicationStatus.DRAFT:
            continue
        rows = stages.get(a.theme)
        if rows is None:
            rows = stages[a.theme] = (Counter(), Counter(), Counter())
        rows[0][a.startup] += 1
        if a.state in SHORTLISTED:
            rows[1][a.startup] += 1
            if a.state == ApplicationStatus.SELECTED:
                rows[2][a.startup] += 1
    every: tuple[Counter[str], Counter[str], Counter[str]] = (Counter(), Counter(), Counter())
    for rows in stages.values():
        for total, part in zip(every, rows, strict=True):
            total.update(part)
    empty: tuple[Counter[str], Counter[str], Counter[str]] = (Counter(), Counter(), Counter())
    for t in [*themes, ALL_THEMES]:

        def mine(theme: str, t: str = t) -> bool:
            return t == ALL_THEMES or theme == t

        challenges = [c for c in f.challenges if mine(c.theme)]
        applied, shortlisted, selected = every if t == ALL_THEMES else stages.get(t, empty)
        pilots = [p for p in f.pilots if mine(p.theme)]
        put(_distinct(("challenges", t, ""), (c.id for c in challenges), PUBLIC))
        partners = {p for c in challenges for p in c.partners}
        if t == ALL_THEMES:
            partners |= f.partners
        put(_distinct(("corporate_partners", t, ""), partners, PUBLIC))
        datasets = (d for c in challenges for d in c.datasets)
        put(_distinct(("datasets_used", t, ""), datasets, PUBLIC))
        put(_rows(("applications", t, ""), applied))
        put(RawCell(("startups", t, ""), COUNT, Decimal(len(applied)), dict.fromkeys(applied, 1)))
        put(_rows(("shortlisted", t, ""), shortlisted))
        put(_rows(("selected", t, ""), selected))
        put(_count(("pilots", t, ""), (p.startup for p in pilots)))
        for o in Outcome:
            put(
                _count(
                    ("pilot_outcomes", t, o.value), (p.startup for p in pilots if p.outcome == o)
                )
            )
        put(_money(("contract_value_total", t, ""), (m for m in f.contracts if mine(m.theme))))
        kpis = _kpis(pilots)
        mean = sum(kpis.values(), Decimal(0)) / len(kpis) if kpis else Decimal(0)
        put(RawCell(("kpi_improvement_mean", t, ""), KPI, mean, kpis))
    put(_money(("sponsorship_total", ALL_THEMES, ""), f.sponsorships))
    for ph in f.phases:
        planned = Decimal((ph.planned_end - ph.planned_start).days + 1)
        put(RawCell(("phase_days_planned", ALL_THEMES, ph.phase.value), PUBLIC, planned))
        if ph.actual_start is not None and ph.actual_end is not None:
            actual = Decimal((ph.actual_end - ph.actual_start).days + 1)
            put(RawCell(("phase_days", ALL_THEMES, ph.phase.value), PUBLIC, actual))
    if f.partners_before:  # a first season, or one after a season without partners: no share
        back = len(f.partners_before & f.partners)
        share = (Decimal(100 * back) / len(f.partners_before)).quantize(Decimal("0.1"))
        put(RawCell(("partner_retention", ALL_THEMES, ""), RATE, share, _ones(f.partners_before)))
    if f.network_multi_city is not None:
        n = Decimal(f.network_multi_city)
        put(
            RawCell(("network_startups_multi_city", ALL_THEMES, ""), COUNT, n, _ones(range(int(n))))
        )
    for spec in METRICS.values():
        if spec.compute is not None:  # a metric registered beside the built-in ones
            for v in spec.compute(f):
                key = (spec.code, v.theme, v.dim)
                put(RawCell(key, spec.disclosure, v.value, dict(v.units)))
    return out


def _ones(items: Iterable[object]) -> dict[str, Decimal]:
    return {str(i): Decimal(1) for i in items}
