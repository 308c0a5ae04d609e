"""An outsider who reads the public cells and searches every integer table they allow.

Independent of the library's audit on purpose: no import from ``datacity_federation.privacy``.
It knows what the rule book says a reader knows about the count cells of the application chain
(applications, start-ups, shortlisted, selected, pilots): published values, what ``A`` and ``D``
reveal, integrality, non-negativity, theme cells adding up to the ``all`` cell (start-ups: when
they do in truth, else between the largest theme and the sum), and the order between metrics
(when it holds in truth, as the rule book grants). For each hidden cell it searches, by plain
depth-first enumeration with forward checking, the smallest and the largest value that some
complete integer table consistent with all of it gives the cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

METRICS = ("applications", "startups", "shortlisted", "selected", "pilots")
ADDS_UP = ("applications", "shortlisted", "selected", "pilots")
ORDERS = (
    ("selected", "shortlisted"),
    ("shortlisted", "applications"),
    ("startups", "applications"),
    ("pilots", "selected"),
)

Cell = tuple[str, str]  # (metric, theme)


@dataclass(frozen=True)
class Published:
    """One cell of the public release: its status letter and value (``None`` when hidden)."""

    status: str
    value: int | None


@dataclass(frozen=True)
class Rule:
    """``sum(coef * cell) (== | <=) 0``."""

    coefs: tuple[tuple[Cell, int], ...]
    equal: bool


def rules(cells: Iterable[Cell], truth: Mapping[Cell, int]) -> list[Rule]:
    """The relations a reader may rely on (order and start-up sums only where true)."""
    cells = set(cells)
    themes = sorted({t for _m, t in cells if t != "all"})
    out: list[Rule] = []
    for metric in METRICS:
        parts = [(metric, t) for t in themes if (metric, t) in cells]
        total = (metric, "all")
        if total not in cells or not parts:
            continue
        sum_rule = Rule(tuple((p, 1) for p in parts) + ((total, -1),), True)
        if metric in ADDS_UP or sum(truth[p] for p in parts) == truth[total]:
            out.append(sum_rule)
        else:  # the total lies between the largest theme and the sum
            out.append(Rule(tuple((p, -1) for p in parts) + ((total, 1),), False))
            out.extend(Rule(((p, 1), (total, -1)), False) for p in parts)
    for t in [*themes, "all"]:
        for small, large in ORDERS:
            a, b = (small, t), (large, t)
            if a in cells and b in cells and truth[a] <= truth[b]:
                out.append(Rule(((a, 1), (b, -1)), False))
    return out


def domain(metric: str, p: Published, threshold: int, cap: int) -> list[int]:
    if p.value is not None:
        return [p.value]
    if p.status == "A":
        top = threshold - 1 if metric == "startups" else cap
        return list(range(1, top + 1))
    return [0, *range(threshold, cap + 1)]  # D: publishable, so 0 or at least the threshold


class Search:
    def __init__(self, domains: dict[Cell, list[int]], rules: list[Rule]) -> None:
        self.domains = domains
        self.rules = rules
        self.order = sorted(domains, key=lambda c: (len(domains[c]), c))

    def _possible(self, assigned: dict[Cell, int]) -> bool:
        for rule in self.rules:
            low = high = 0
            for cell, coef in rule.coefs:
                if cell in assigned:
                    low += coef * assigned[cell]
                    high += coef * assigned[cell]
                else:
                    d = self.domains[cell]
                    ends = (coef * d[0], coef * d[-1])
                    low += min(ends)
                    high += max(ends)
            if low > 0 or (rule.equal and high < 0):
                return False
        return True

    def feasible(self, fixed: dict[Cell, int]) -> bool:
        """Whether some complete table agrees with ``fixed`` (depth first)."""
        assigned = dict(fixed)
        todo = [c for c in self.order if c not in assigned]

        def go(i: int) -> bool:
            if not self._possible(assigned):
                return False
            if i == len(todo):
                return True
            cell = todo[i]
            for v in self.domains[cell]:
                assigned[cell] = v
                if go(i + 1):
                    return True
            del assigned[cell]
            return False

        return go(0)

    def interval(self, cell: Cell) -> tuple[int, int]:
        values = self.domains[cell]
        low = next(v for v in values if self.feasible({cell: v}))
        high = next(v for v in reversed(values) if self.feasible({cell: v}))
        return low, high


def attack(
    public: Mapping[Cell, Published], truth: Mapping[Cell, int], threshold: int, cap: int
) -> dict[Cell, tuple[int, int]]:
    """The interval of every hidden cell of the application chain."""
    cells = {c: p for c, p in public.items() if c[0] in METRICS}
    domains = {c: domain(c[0], p, threshold, cap) for c, p in cells.items()}
    search = Search(domains, rules(cells, truth))
    return {c: search.interval(c) for c, p in cells.items() if p.value is None}
