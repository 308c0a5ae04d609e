"""An outsider who reads the public cells and searches every integer table they allow.

Independent of the library's audit on purpose: no import from ``datacity_federation._privacy``.
It knows what the rule book says a reader knows about the count cells of the application chain
(applications, start-ups, shortlisted, selected, pilots): published values, what ``A`` and ``D``
reveal, integrality, non-negativity, theme cells adding up to the ``all`` cell (start-ups: when
they do in truth, else between the largest theme and the sum), and the order between metrics
(when it holds in truth, as the rule book grants). For each hidden cell it tries its values from
either end and keeps the first for which a depth-first enumeration finds a complete integer table
consistent with all of it (values no rule allows are dropped before each branch).
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
        sum_rule = Rule((*tuple((p, 1) for p in parts), (total, -1)), True)
        if metric in ADDS_UP or sum(truth[p] for p in parts) == truth[total]:
            out.append(sum_rule)
        else:  # the total lies between the largest theme and the sum
            out.append(Rule((*tuple((p, -1) for p in parts), (total, 1)), False))
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
    """Depth-first enumeration of integer tables, pruning with each rule's bounds."""

    def __init__(self, domains: dict[Cell, list[int]], rules: list[Rule]) -> None:
        self.domains = domains
        self.rules = rules

    def _narrow(self, domains: dict[Cell, list[int]]) -> dict[Cell, list[int]] | None:
        """Drop the values no completion of some rule allows; ``None`` when one runs out."""
        domains = dict(domains)
        changed = True
        while changed:
            changed = False
            for rule in self.rules:
                ends = {c: (coef * domains[c][0], coef * domains[c][-1]) for c, coef in rule.coefs}
                low = sum(min(e) for e in ends.values())
                high = sum(max(e) for e in ends.values())
                for cell, coef in rule.coefs:
                    rest_low = low - min(ends[cell])
                    rest_high = high - max(ends[cell])
                    # coef * v + rest <= 0 (and >= 0 for an equality) for some rest in range
                    keep = [
                        v
                        for v in domains[cell]
                        if coef * v + rest_low <= 0
                        and (not rule.equal or coef * v + rest_high >= 0)
                    ]
                    if not keep:
                        return None
                    if len(keep) < len(domains[cell]):
                        domains[cell] = keep
                        changed = True
                        ends[cell] = (coef * keep[0], coef * keep[-1])
                        low = sum(min(e) for e in ends.values())
                        high = sum(max(e) for e in ends.values())
        return domains

    def feasible(self, fixed: dict[Cell, int]) -> bool:
        """Whether some complete integer table agrees with ``fixed``."""
        start = {c: [fixed[c]] if c in fixed else d for c, d in self.domains.items()}
        if any(c in fixed and fixed[c] not in d for c, d in self.domains.items()):
            return False

        def go(domains: dict[Cell, list[int]] | None) -> bool:
            if domains is None:
                return False
            open_cells = [c for c, d in domains.items() if len(d) > 1]
            if not open_cells:
                return all(self._holds(rule, domains) for rule in self.rules)
            cell = min(open_cells, key=lambda c: (len(domains[c]), c))
            return any(go(self._narrow({**domains, cell: [v]})) for v in domains[cell])

        return go(self._narrow(start))

    @staticmethod
    def _holds(rule: Rule, domains: dict[Cell, list[int]]) -> bool:
        total = sum(coef * domains[c][0] for c, coef in rule.coefs)
        return total == 0 if rule.equal else total <= 0

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
