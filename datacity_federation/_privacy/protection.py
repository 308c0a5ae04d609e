"""Protection levels, and secondary suppression by cost iterated with the interval audit.

Rule header. Every primary suppression gets a protection level from the profile (the rule
book, "Protection levels"): a count (``A``), an interval at least ``count_protection`` units
wide; a money total (``A``, ``O``, ``T``), an interval reaching at least the protection level
below and above the true value, where the level is the largest of the p% rule's
``p/100 x largest - (total - largest - second)`` and the dominance rules'
``largest x 100/k1 - total`` and ``(largest + second) x 100/k2 - total`` (so the second largest
contributor, knowing its own share, cannot estimate the largest within p%); a KPI mean, an
interval at least ``kpi_protection`` points wide; an outcome breakdown hidden for homogeneity,
a lower bound for its dominant outcome no higher than the homogeneity share of the pilots.

:func:`protect` runs the audit; while a primary cell misses its level it looks at the published
cells that share a relation with it (directly or through other suppressed cells), and hides the
cheapest one that brings the cell to its level: cost 1 for a theme cell, 3 for an ``all`` total
(a headline figure), ties broken by the smaller value. When no single cell is enough it hides
the one that widens the interval most for its cost, and audits again. A cell no complement can
protect refuses the release.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from datacity_federation._privacy.cells import COUNT, KPI, MONEY, PUBLIC, Key, RawCell
from datacity_federation._privacy.intervals import (
    Cache,
    Interval,
    Knowledge,
    deduce,
    knowledge,
    name,
    outer,
)
from datacity_federation._privacy.rules import DisclosureProfile
from datacity_federation.domain.release import ALL_THEMES, CellStatus
from datacity_federation.errors import ReleaseError

__all__ = ["Audit", "Need", "cost", "least", "money_level", "needs", "protect"]

EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Need:
    """The protection level of one primary suppression."""

    rule: str
    """``width`` (the interval at least ``amount`` wide), ``sides`` (at least ``amount`` below
    and above ``centre``) or ``ceiling`` (the lower end at most ``amount``)."""
    amount: float
    centre: float = 0.0
    cap: bool = True
    """Whether the level gives way to what the letters alone allow: when hiding every related
    cell does not widen the interval, the cell is already as protected as a release can make
    it (two themes with one start-up each tell that the total is at least 2, whatever else is
    hidden). A level that does not give way refuses the release instead."""

    def met(self, iv: Interval) -> bool:
        if self.rule == "width":
            return iv.width >= self.amount - EPS
        if self.rule == "sides":
            return (
                iv.low <= self.centre - self.amount + EPS
                and iv.high >= self.centre + self.amount - EPS
            )
        return iv.low <= self.amount + EPS

    def margin(self, iv: Interval) -> float:
        """How far the interval is from failing (higher is better; >= 0 when met)."""
        if self.rule == "width":
            return min(iv.width, 1e12) - self.amount
        if self.rule == "sides":
            return min(self.centre - iv.low, iv.high - self.centre, 1e12) - self.amount
        return self.amount - iv.low

    def describe(self) -> str:
        if self.rule == "width":
            return f"an interval at least {self.amount:g} wide"
        if self.rule == "sides":
            return f"at least {self.amount:.2f} either side of the value"
        return f"a lower end at most {self.amount:g}"


def money_level(units: Mapping[str, Decimal | int], profile: DisclosureProfile) -> float:
    """The protection level of a money total with these contributions (0 when nothing to hide)."""
    amounts = sorted((float(a) for a in units.values() if a > 0), reverse=True)
    if not amounts:
        return 0.0
    total = sum(amounts)
    x1 = amounts[0]
    x2 = amounts[1] if len(amounts) > 1 else 0.0
    p, d1, d2 = (
        float(x) for x in (profile.p_percent, profile.dominance_one, profile.dominance_two)
    )
    return max(
        0.0, p / 100 * x1 - (total - x1 - x2), x1 * 100 / d1 - total, (x1 + x2) * 100 / d2 - total
    )


def needs(
    raw: Mapping[Key, RawCell], reasons: Mapping[Key, str], profile: DisclosureProfile
) -> dict[Key, tuple[Need, ...]]:
    """The protection level of every primary suppression (``reasons``: key -> rule broken)."""
    out: dict[Key, tuple[Need, ...]] = {}
    for key, why in reasons.items():
        cell = raw[key]
        if why == "homogeneity":
            continue
        if cell.kind == COUNT and why == "too_few":
            out[key] = (Need("width", profile.count_protection),)
        elif cell.kind == MONEY:
            level = money_level(cell.units, profile)
            if level > 0:
                out[key] = (Need("sides", level, float(cell.value)),)
        elif cell.kind == KPI and cell.units:
            out[key] = (Need("width", float(profile.kpi_protection)),)
    for key, why in reasons.items():
        if why == "homogeneity":
            out[key] = (least(raw[key], profile),)
    for (metric, theme, _dim), cell in raw.items():
        outcomes = [k for k, why in reasons.items() if why == "homogeneity" and k[1] == theme]
        if metric == "pilots" and outcomes:
            top = max(outcomes, key=lambda k: raw[k].value)
            share = float(profile.homogeneity) / 100 * float(cell.value)
            out[top] = (least(raw[top], profile), Need("ceiling", math.floor(share + EPS)))
    return out


def least(cell: RawCell, profile: DisclosureProfile) -> Need:
    """What every suppressed cell needs, complements included: not to be computable exactly
    (a hidden cell a reader can compute protects nothing and discloses itself)."""
    if cell.kind == KPI:
        return Need("width", float(profile.kpi_step))
    return Need("width", 1.0)


def cost(key: Key, raw: Mapping[Key, RawCell]) -> tuple[int, Decimal, Key]:
    """The stated cost of hiding a cell: a theme cell 1, a total 3; then the smaller value."""
    return (3 if key[1] == ALL_THEMES else 1, abs(raw[key].value), key)


def _candidates(
    raw: Mapping[Key, RawCell], status: Mapping[Key, CellStatus], target: Key, rows: list[set[str]]
) -> list[Key]:
    """Published cells sharing a relation with ``target`` or with a suppressed cell linked to it."""
    keys = {name(k): k for k in raw}
    hidden, seen, todo = set(), {name(target)}, [name(target)]
    while todo:
        var = todo.pop()
        hidden.add(var)
        for row in rows:
            if var in row:
                for other in row - seen:
                    seen.add(other)
                    if other in keys and status[keys[other]] is not CellStatus.FREE:
                        todo.append(other)
    found = [keys[v] for v in seen - hidden if v in keys]
    return [
        k
        for k in found
        if status[k] is CellStatus.FREE
        and raw[k].kind in (COUNT, MONEY, KPI)
        and raw[k].kind != PUBLIC
    ]


class Audit:
    """The audited release's model: the interval of any cell, solved when first asked."""

    def __init__(
        self,
        k: Knowledge,
        cache: Cache,
        known: Mapping[Key, Interval],
        capped: Mapping[Key, Interval],
    ) -> None:
        self._k, self._cache, self._known = k, cache, dict(known)
        self.capped = dict(capped)
        """Cells whose level gave way: already as wide as the letters alone allow."""

    def interval(self, key: Key) -> Interval:
        if key not in self._known:
            self._known.update(deduce(self._k, [key], self._cache))
        return self._known[key]


def protect(
    raw: Mapping[Key, RawCell],
    status: dict[Key, CellStatus],
    levels: Mapping[Key, tuple[Need, ...]],
    profile: DisclosureProfile,
    *,
    on_hide: Callable[[Key, Key], None],
    where: str,
) -> Audit:
    """Hide complements (status ``D``, reported through ``on_hide(cell, protected)``) until every
    primary cell meets its levels; the audit, which gives any suppressed cell's interval."""
    cache: Cache = {}
    levels = dict(levels)
    capped: dict[Key, Interval] = {}

    def unmet(key: Key, iv: Interval) -> Need | None:
        return next((n for n in levels[key] if not n.met(iv)), None)

    def exact(k: Knowledge, keys: list[Key]) -> dict[Key, Interval]:
        """Solver-free where the propagated bounds already miss a level; else solved."""
        rough = outer(k, keys)
        hopeful = [key for key in keys if unmet(key, rough[key]) is None]
        return {**rough, **deduce(k, hopeful, cache)}

    for _ in range(len(raw) + 1):
        k = knowledge(raw, status, profile)
        found = outer(k, levels)
        target = next((key for key in sorted(levels) if unmet(key, found[key])), None)
        if target is None:  # every level may hold: solve them, up to the first that does not
            for key in sorted(levels):
                found.update(deduce(k, [key], cache))
                if unmet(key, found[key]) is not None:
                    target = key
                    break
        if target is None:
            return Audit(k, cache, found, capped)
        need = unmet(target, found[target])
        assert need is not None
        rows = [set(coefs) for coefs, _l, _h in k.rows]
        best: tuple[float, Key] | None = None
        for cand in sorted(_candidates(raw, status, target, rows), key=lambda c: cost(c, raw)):
            trial = {**status, cand: CellStatus.SECONDARY}
            iv = exact(knowledge(raw, trial, profile), [target])[target]
            if unmet(target, iv) is None:
                best = (math.inf, cand)
                break
            gain = (need.margin(iv) - need.margin(found[target])) / cost(cand, raw)[0]
            if gain > EPS and (best is None or gain > best[0]):
                best = (gain, cand)
        if best is None:
            everything = _candidates(raw, status, target, rows)
            trial = {**status, **dict.fromkeys(everything, CellStatus.SECONDARY)}
            widest = deduce(knowledge(raw, trial, profile), [target], cache)[target]
            if need.margin(widest) > need.margin(found[target]) + EPS:
                for cand in sorted(everything, key=lambda c: cost(c, raw)):
                    status[cand] = CellStatus.SECONDARY
                    levels[cand] = (least(raw[cand], profile),)
                    on_hide(cand, target)
                continue
            if not need.cap:
                iv = found[target]
                raise ReleaseError(
                    f"{where}: cannot protect {'/'.join(x for x in target if x)}: a reader can "
                    f"narrow it to [{iv.low:g}, {iv.high:g}], and the protection level asks for "
                    f"{need.describe()}; hiding more cells does not widen it"
                )
            capped[target] = found[target]
            levels[target] = tuple(n for n in levels[target] if n is not need)
            continue
        status[best[1]] = CellStatus.SECONDARY
        levels[best[1]] = (least(raw[best[1]], profile),)
        on_hide(best[1], target)
    raise ReleaseError(f"{where}: secondary suppression did not settle")  # pragma: no cover
