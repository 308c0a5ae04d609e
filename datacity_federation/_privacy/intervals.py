"""The attacker's model and the interval audit: what a careful outsider deduces from a release.

Rule header (the rule book, "What a reader knows"). The reader holds the public release only,
and knows:

- every published cell's value (a KPI mean to within half its rounding step);
- what each status letter reveals: ``A`` on a count, 1 to ``min_count - 1`` contributing units
  (so a value of at least 1; at most ``min_count - 1`` where the value *is* the units, as for
  start-ups); ``D``, that the cell was publishable: 0 or at least ``min_count``; a suppressed
  money total is at least 0;
- that counts are integers and nothing is negative;
- the additive relations: every theme cell of applications, shortlisted, selected, pilots,
  pilot outcomes and contract values adds up to the ``all`` cell; start-ups likewise when no
  start-up applied under two themes (else the total lies between the largest theme and the sum);
  the outcome cells of a theme add up to its pilots (or stay below when an outcome is missing);
- the order between metrics: selected <= shortlisted <= applications, start-ups <= applications,
  pilots <= selected, start-ups piloting in several cities <= pilots;
- the KPI mean identity: mean x measured pilots adds up over themes (the reader is granted the
  measured pilots of every theme: a protection that holds then holds for a reader who guesses);
- the public facts (challenges, partners, data sets, phase days): published, and outside every
  relation above.

A relation that holds in some releases only (start-ups adding up, outcomes adding up, an order
between two metrics) is granted to the reader whenever it holds in this release: a reader may
guess it, and the audit must hold against the reader who guessed right.

:func:`knowledge` writes that down as a mixed-integer linear model; :func:`deduce` gives, for the
cells asked, the tightest interval the model allows (minimum and maximum of the cell), solved with
HiGHS through :func:`scipy.optimize.milp`. The model splits into independent components once the
published cells are fixed, and only the components holding an asked cell are solved.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from datacity_federation._privacy.cells import COUNT, KPI, MONEY, PUBLIC, RATE, Key, RawCell
from datacity_federation._privacy.rules import DisclosureProfile, round_kpi
from datacity_federation.domain.release import ALL_THEMES, CellStatus
from datacity_federation.domain.vocab import Outcome
from datacity_federation.errors import ReleaseError

__all__ = ["Interval", "Knowledge", "deduce", "knowledge", "outer"]

SUMMED = (
    "applications",
    "shortlisted",
    "selected",
    "pilots",
    "pilot_outcomes",
    "contract_value_total",
    "startups",
)
"""Metrics whose theme cells relate to their ``all`` cell."""
DISTINCT = frozenset({"startups", "network_startups_multi_city"})
"""Counts whose value is the number of units itself (so ``A`` also bounds it from above)."""
ORDER = (
    ("selected", "shortlisted"),
    ("shortlisted", "applications"),
    ("startups", "applications"),
    ("pilots", "selected"),
)
"""``(smaller, larger)`` pairs per theme."""


@dataclass(frozen=True, slots=True)
class Interval:
    """What a reader can deduce about a cell: it lies between ``low`` and ``high``."""

    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low

    def __sub__(self, other: Interval) -> Interval:
        """The interval of the difference of two cells deduced independently."""
        return Interval(self.low - other.high, self.high - other.low)


@dataclass(slots=True)
class _Var:
    low: float
    high: float
    integer: bool
    scale: float = 1.0
    """The cell is ``var / scale`` (a KPI mean is its sum over the measured pilots / their count)."""


@dataclass
class Knowledge:
    """The reader's knowledge: bounded variables and linear constraints ``low <= a.x <= high``."""

    vars: dict[str, _Var] = field(default_factory=dict)
    rows: list[tuple[dict[str, float], float, float]] = field(default_factory=list)

    def var(self, name: str, low: float, high: float, *, integer: bool, scale: float = 1) -> None:
        self.vars[name] = _Var(low, high, integer, scale)

    def row(self, coefs: Mapping[str, float], low: float, high: float) -> None:
        self.rows.append((dict(coefs), low, high))


def name(key: Key) -> str:
    return "/".join(key)


def knowledge(
    raw: Mapping[Key, RawCell], status: Mapping[Key, CellStatus], profile: DisclosureProfile
) -> Knowledge:
    """The reader's model of one release (``raw`` decides only which relations hold)."""
    k = Knowledge()
    n = profile.min_count
    counts = [float(c.value) for c in raw.values() if c.kind == COUNT]
    big = 2 * max(counts, default=0) + 10 * n + 100
    money = [float(c.value) for c in raw.values() if c.kind == MONEY]
    big_money = 2 * sum(money) + 1
    half = float(profile.kpi_step) / 2
    for key, cell in raw.items():
        st, v, var = status[key], float(cell.value), name(key)
        if cell.kind == PUBLIC:
            continue
        if st is CellStatus.FREE and cell.kind != KPI:
            k.var(var, v, v, integer=cell.kind == COUNT)
        elif cell.kind == COUNT and st is CellStatus.SECONDARY:
            # publishable: 0 or at least min_count (a binary switch between the two)
            k.var(var, 0, big, integer=True)
            k.var("?" + var, 0, 1, integer=True)
            k.row({var: 1, "?" + var: -n}, 0, math.inf)
            k.row({var: 1, "?" + var: -big}, -math.inf, 0)
        elif cell.kind == COUNT:
            k.var(var, 1, n - 1 if key[0] in DISTINCT else big, integer=True)
        elif cell.kind == RATE:
            k.var(var, 0, 100, integer=False)
        elif cell.kind == MONEY:
            k.var(var, 0, big_money, integer=False)
        else:  # KPI: the variable is the sum over the measured pilots, known to the reader
            m = len(cell.units)
            if m == 0:
                k.var(var, 0, 0, integer=False, scale=1)
            elif st is CellStatus.FREE:
                shown = float(round_kpi(cell.value, profile))
                k.var(var, m * (shown - half), m * (shown + half), integer=False, scale=m)
            else:
                k.var(var, -math.inf, math.inf, integer=False, scale=m)
    _relations(k, raw)
    return k


def _holds(raw: Mapping[Key, RawCell], coefs: Mapping[Key, int]) -> Decimal:
    return sum((raw[c].value * w for c, w in coefs.items()), Decimal(0))


def _relation(k: Knowledge, raw: Mapping[Key, RawCell], total: Key, parts: list[Key]) -> None:
    """``total`` against the sum of ``parts``: equal when it is, else the side that holds."""
    if total not in raw or not parts or raw[total].kind == PUBLIC:
        return
    coefs = {total: -1, **dict.fromkeys(parts, 1)}
    gap = _holds(raw, coefs)
    terms = {name(c): float(w) for c, w in coefs.items()}
    if gap == 0:
        k.row(terms, 0, 0)
    elif gap > 0:
        k.row(terms, 0, math.inf)
    else:
        k.row(terms, -math.inf, 0)


def _relations(k: Knowledge, raw: Mapping[Key, RawCell]) -> None:
    groups: dict[tuple[str, str], list[Key]] = {}
    for key in raw:
        if key[1] != ALL_THEMES and key[0] in SUMMED:
            groups.setdefault((key[0], key[2]), []).append(key)
    for (metric, dim), parts in sorted(groups.items()):
        total = (metric, ALL_THEMES, dim)
        _relation(k, raw, total, sorted(parts))
        if metric == "startups" and total in raw:
            for part in parts:  # the total is at least each theme's
                _relation(k, raw, total, [part])
    themes = sorted({key[1] for key in raw})
    for t in themes:
        outcomes = [("pilot_outcomes", t, o.value) for o in Outcome]
        if all(o in raw for o in outcomes):
            _relation(k, raw, ("pilots", t, ""), outcomes)
        for small, large in ORDER:
            _order(k, raw, (small, t, ""), (large, t, ""))
    _order(k, raw, ("network_startups_multi_city", ALL_THEMES, ""), ("pilots", ALL_THEMES, ""))
    sums = [key for key in raw if key[0] == "kpi_improvement_mean" and key[1] != ALL_THEMES]
    kpi_all = ("kpi_improvement_mean", ALL_THEMES, "")
    if kpi_all in raw and sums:
        k.row({name(kpi_all): -1, **{name(s): 1 for s in sums}}, 0, 0)


def _order(k: Knowledge, raw: Mapping[Key, RawCell], small: Key, large: Key) -> None:
    if small in raw and large in raw and raw[small].value <= raw[large].value:
        k.row({name(small): 1, name(large): -1}, -math.inf, 0)


def outer(k: Knowledge, keys: Iterable[Key], passes: int = 25) -> dict[Key, Interval]:
    """Bounds propagated row by row: an interval that holds *at least* the deducible one.

    Cheap and solver-free: when even this interval misses a protection level, the exact one
    (narrower) misses it too, so the audit only calls the solver on cells that may pass.
    """
    low = {v: x.low for v, x in k.vars.items()}
    high = {v: x.high for v, x in k.vars.items()}
    for _ in range(passes):
        moved = False
        for coefs, rlo, rhi in k.rows:
            terms = [
                (v, a, a * low[v] if a > 0 else a * high[v], a * high[v] if a > 0 else a * low[v])
                for v, a in coefs.items()
            ]
            lo_inf = sum(1 for t in terms if t[2] == -math.inf)
            hi_inf = sum(1 for t in terms if t[3] == math.inf)
            lo_sum = sum(t[2] for t in terms if t[2] != -math.inf)
            hi_sum = sum(t[3] for t in terms if t[3] != math.inf)
            for v, a, tmin, tmax in terms:
                rest_min = (
                    -math.inf
                    if lo_inf - (tmin == -math.inf)
                    else lo_sum - (tmin if tmin != -math.inf else 0)
                )
                rest_max = (
                    math.inf
                    if hi_inf - (tmax == math.inf)
                    else hi_sum - (tmax if tmax != math.inf else 0)
                )
                ax_lo, ax_hi = rlo - rest_max, rhi - rest_min
                new_lo, new_hi = (ax_lo / a, ax_hi / a) if a > 0 else (ax_hi / a, ax_lo / a)
                if k.vars[v].integer:
                    new_lo = math.ceil(new_lo - 1e-9) if math.isfinite(new_lo) else new_lo
                    new_hi = math.floor(new_hi + 1e-9) if math.isfinite(new_hi) else new_hi
                if new_lo > low[v] + 1e-7 * (1 + abs(new_lo)):
                    low[v], moved = new_lo, True
                if new_hi < high[v] - 1e-7 * (1 + abs(new_hi)):
                    high[v], moved = new_hi, True
        if not moved:
            break
    out = {}
    for key in keys:
        var = name(key)
        if var in k.vars:
            scale = k.vars[var].scale
            out[key] = Interval(low[var] / scale, high[var] / scale)
    return out


Cache = dict[tuple[object, str], tuple[float, float]]
"""Solved bounds per (component, cell): a component the audit meets again is not solved again."""


def deduce(k: Knowledge, keys: Iterable[Key], cache: Cache | None = None) -> dict[Key, Interval]:
    """The tightest interval the reader's model allows for each of ``keys`` (``cache``: the
    bounds solved before, by component, shared across the rounds of one release build)."""
    cache = {} if cache is None else cache
    wanted = {name(key): key for key in keys if name(key) in k.vars}
    fixed = {v: x.low for v, x in k.vars.items() if x.low == x.high}
    parent = {v: v for v in k.vars if v not in fixed}

    def find(v: str) -> str:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    rows: list[tuple[dict[str, float], float, float]] = []
    for coefs, low, high in k.rows:
        free = {v: c for v, c in coefs.items() if v not in fixed}
        if not free:
            continue
        shift = sum(c * fixed[v] for v, c in coefs.items() if v in fixed)
        rows.append((free, low - shift, high - shift))
        first, *rest = free
        for v in rest:
            parent[find(v)] = find(first)
    out: dict[Key, Interval] = {}
    for var, key in wanted.items():
        if var in fixed:
            scale = k.vars[var].scale
            out[key] = Interval(fixed[var] / scale, fixed[var] / scale)
    components: dict[str, list[str]] = {}
    for v in parent:
        components.setdefault(find(v), []).append(v)
    asked: dict[str, list[str]] = {}
    for var in wanted:
        if var not in fixed:
            asked.setdefault(find(var), []).append(var)
    by_root: dict[str, list[tuple[dict[str, float], float, float]]] = {}
    for r in rows:
        by_root.setdefault(find(next(iter(r[0]))), []).append(r)
    for root, targets in asked.items():
        members = sorted(components[root])
        mine = by_root.get(root, [])
        if not mine:  # nothing relates it to anything: what its letter says
            solved = {v: (k.vars[v].low, k.vars[v].high) for v in targets}
        else:
            sig = _signature(k, members, mine)
            todo = [v for v in targets if (sig, v) not in cache]
            if todo:
                for v, bounds in _solve(k, members, mine, todo).items():
                    cache[(sig, v)] = bounds
            solved = {v: cache[(sig, v)] for v in targets}
        for var, (low, high) in solved.items():
            scale = k.vars[var].scale
            out[wanted[var]] = Interval(low / scale, high / scale)
    return out


def _signature(
    k: Knowledge, members: list[str], rows: list[tuple[dict[str, float], float, float]]
) -> object:
    return (
        tuple((v, k.vars[v].low, k.vars[v].high, k.vars[v].integer) for v in members),
        tuple((tuple(sorted(c.items())), lo, hi) for c, lo, hi in rows),
    )


def _solve(
    k: Knowledge,
    members: list[str],
    rows: list[tuple[dict[str, float], float, float]],
    targets: list[str],
) -> dict[str, tuple[float, float]]:
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    index = {v: i for i, v in enumerate(members)}
    lows = np.array([k.vars[v].low for v in members])
    highs = np.array([k.vars[v].high for v in members])
    integral = np.array([1 if k.vars[v].integer else 0 for v in members])
    constraints = []
    if rows:
        a = np.zeros((len(rows), len(members)))
        for i, (coefs, _low, _high) in enumerate(rows):
            for v, w in coefs.items():
                a[i, index[v]] = w
        constraints = [LinearConstraint(a, [r[1] for r in rows], [r[2] for r in rows])]
    out: dict[str, tuple[float, float]] = {}
    for var in sorted(targets):
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(members))
            c[index[var]] = sign
            res = milp(
                c,
                constraints=constraints,
                integrality=integral,
                bounds=Bounds(lows, highs),
                options={"mip_rel_gap": 0.0},
            )
            if res.status == 3:  # unbounded in that direction
                ends.append(-sign * math.inf)
            elif res.status != 0 or res.x is None:
                raise ReleaseError(f"the interval audit could not bound {var}: {res.message}")
            else:
                ends.append(float(res.x[index[var]]))
        low, high = ends
        if k.vars[var].integer:
            low, high = math.ceil(low - 1e-6), math.floor(high + 1e-6)
        out[var] = (low, high)
    return out
