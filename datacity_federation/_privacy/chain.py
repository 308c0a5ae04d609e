"""Differencing across the release chain of one season: corrections a reader cannot subtract.

Rule header. A reader keeps every release of a season. For each cell, the difference between
this release and an earlier one has its own contributors: the units whose contribution changed,
compared by identity (a start-up, a contributor, a pilot: never a position in a list). A
difference with too few changed units (counts: 1 to ``min_count - 1``; KPI means: fewer than
``min_kpi_pilots`` pilots; money: a change that fails the money rules) is *sensitive*: the
interval a reader deduces for it, from the two releases' own intervals (a published cell is
known exactly, a suppressed one to within its audited interval), must meet the cell's protection
level, against every earlier release of the chain, the suppressed cells of those included.

A sensitive difference that does not is *held*: the cell keeps its previous value. A held value
must not leave a published total disagreeing with its published parts, so holding spreads to
every relation the held value would break (a theme sum, the outcomes of a theme, an order between
metrics, the KPI mean identity) until the release is consistent again. Holding everything gives
back the previous release, which passed, so this always ends.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from datacity_federation._privacy.cells import (
    COUNT,
    KPI,
    MONEY,
    Key,
    RawCell,
    empty_like,
    raw_cells,
)
from datacity_federation._privacy.facts import SeasonFacts
from datacity_federation._privacy.intervals import ORDER, SUMMED
from datacity_federation._privacy.protection import Need, money_level
from datacity_federation._privacy.rules import DisclosureProfile, money_status
from datacity_federation._privacy.tables import Release, release_of_raw
from datacity_federation.domain.release import ALL_THEMES, CellStatus
from datacity_federation.domain.vocab import Outcome
from datacity_federation.errors import ReleaseError

__all__ = ["change", "correct", "sensitive_change"]

Values = Mapping[Key, RawCell]


def change(old: RawCell | None, new: RawCell) -> dict[str, Decimal]:
    """Per unit (by identity), how much its contribution moved between two versions of a cell."""
    before = old.units if old is not None else {}
    out: dict[str, Decimal] = {}
    for u in set(before) | set(new.units):
        d = Decimal(new.units.get(u, 0)) - Decimal(before.get(u, 0))
        if d != 0:
            out[u] = d
    return out


def sensitive_change(old: RawCell | None, new: RawCell, profile: DisclosureProfile) -> Need | None:
    """The protection level the difference of two versions of a cell needs (``None``: none)."""
    moved = change(old, new)
    if not moved:
        return None
    if new.kind == COUNT and len(moved) < profile.min_count:
        return Need("width", profile.count_protection)
    if new.kind == KPI and len(moved) < profile.min_kpi_pilots:
        return Need("width", float(profile.kpi_protection))
    if new.kind == MONEY:
        amounts = [abs(d) for d in moved.values()]
        if money_status(amounts, profile) is not CellStatus.FREE:
            level = money_level({str(i): a for i, a in enumerate(amounts)}, profile)
            d = float(new.value - (old.value if old is not None else 0))
            return Need("sides", level, d) if level > 0 else None
    return None


def correct(facts: SeasonFacts, profile: DisclosureProfile, previous: Release) -> Release:
    """The release of ``facts`` after ``previous`` and the chain before it."""
    chain = (*previous.chain, previous)
    new = raw_cells(facts)
    for key, cell in previous.raw.items():
        new.setdefault(key, empty_like(cell))
    old = {key: previous.raw.get(key, empty_like(cell)) for key, cell in new.items()}
    held: set[Key] = set()
    forced: dict[Key, Need] = {}
    for _ in range(2 * len(new) + 2):
        held = _consistent(old, new, held)
        effective = {**new, **{k: old[k] for k in held}}
        release = release_of_raw(
            facts, profile, effective, held=frozenset(held), chain=chain, forced=forced
        )
        exposed = _exposed(release, chain, profile)
        if not exposed:
            return release
        if exposed.keys() - held:
            held |= exposed.keys()
            continue
        # Held at the previous value, yet its difference with an older release shows: hide it.
        fresh = {k: need for k, need in exposed.items() if k not in forced}
        if not fresh:
            where = ", ".join("/".join(x for x in k if x) for k in sorted(exposed))
            raise ReleaseError(
                f"{facts.city}/{facts.season}: the correction cannot be released: its difference "
                f"with an earlier release of the season shows {where}"
            )
        forced.update(fresh)
    raise ReleaseError("the differencing check did not settle")  # pragma: no cover


def _exposed(
    release: Release, chain: tuple[Release, ...], profile: DisclosureProfile
) -> dict[Key, Need]:
    """Cells whose difference with an earlier release is sensitive and not protected, with the
    level the cell needs in this release for that difference to be protected."""
    out: dict[Key, Need] = {}
    for key, cell in release.raw.items():
        for earlier in chain:
            need = sensitive_change(earlier.raw.get(key), cell, profile)
            if need is None:
                continue
            before = earlier.interval(key)
            if need.met(release.interval(key) - before):
                continue
            if need.rule == "width":
                mine = Need("width", need.amount - before.width, cap=False)
            else:
                mine = Need("sides", need.amount, float(cell.value), cap=False)
            have = out.get(key)
            if have is None or mine.amount > have.amount:
                out[key] = mine
    return out


Group = tuple[str, Key, tuple[Key, ...]]
"""A relation every true table satisfies: its rule, its first cell and the others."""


def _groups(keys: set[Key]) -> Iterator[Group]:
    themes = sorted({k[1] for k in keys if k[1] != ALL_THEMES})
    dims = sorted({k[2] for k in keys if k[0] == "pilot_outcomes"})
    for metric in SUMMED:
        for dim in dims if metric == "pilot_outcomes" else [""]:
            total = (metric, ALL_THEMES, dim)
            parts = tuple((metric, t, dim) for t in themes if (metric, t, dim) in keys)
            if total in keys:
                rule = {"startups": "spans", "contract_value_total": "covers"}.get(metric, "sums")
                yield rule, total, parts
    for t in [*themes, ALL_THEMES]:
        outcomes = tuple(("pilot_outcomes", t, o.value) for o in Outcome)
        pilots = ("pilots", t, "")
        if pilots in keys and all(o in keys for o in outcomes):
            yield "covers", pilots, outcomes
        for small, large in ORDER:
            a, b = (large, t, ""), (small, t, "")
            if a in keys and b in keys:
                yield "covers", a, (b,)
    kpis = tuple(sorted(k for k in keys if k[0] == "kpi_improvement_mean"))
    if kpis:
        yield "kpi", kpis[0], kpis[1:]


def _holds(group: Group, v: Values) -> bool:
    rule, first, others = group
    top = v[first].value
    below = sum((v[k].value for k in others), Decimal(0))
    if rule == "sums":
        return top == below
    if rule == "covers":
        return top >= below
    if rule == "spans":
        return all(v[k].value <= top for k in others) and top <= below
    return _kpi_adds_up(v)


def _kpi_adds_up(v: Values) -> bool:
    """Every measured pilot of the ``all`` mean is in exactly one theme's mean, same value."""
    total = v.get(("kpi_improvement_mean", ALL_THEMES, ""))
    merged: dict[str, Decimal | int] = {}
    for (metric, theme, _dim), cell in v.items():
        if metric == "kpi_improvement_mean" and theme != ALL_THEMES:
            merged.update(cell.units)
    return total is None or dict(total.units) == merged


def _consistent(old: Values, new: Values, held: set[Key]) -> set[Key]:
    """``held``, grown until no relation true in both versions is broken by the mix of them."""
    held = set(held)
    groups = [g for g in _groups(set(new)) if _holds(g, new) and _holds(g, old)]
    while True:
        effective = {**new, **{k: old[k] for k in held}}
        grown = False
        for group in groups:
            if not _holds(group, effective):
                members = (group[1], *group[2])
                extra = {k for k in members if k not in held and change(old[k], new[k])}
                held |= extra
                grown |= bool(extra)
        if not grown:
            return held
