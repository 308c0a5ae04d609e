"""``datacity release build --explain``: why each cell is hidden, and what a reader can deduce.

Every sentence is an English message passed to a gettext-style callable (``_``), so that it is
extracted into the catalogues and read in the city's language; numbers are formatted by the
caller's ``number`` function (one locale-aware formatter for the whole output).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from datacity_federation.privacy.cells import Key
from datacity_federation.privacy.intervals import Interval
from datacity_federation.privacy.tables import Release, Suppression

__all__ = ["explain_lines", "reason_text"]

Translate = Callable[[str], str]


def _identity(message: str) -> str:
    return message


def reason_text(s: Suppression, release: Release, where: Callable[[Key], str], _: Translate) -> str:
    """The rule behind one suppression, as a sentence."""
    p = release.profile
    values = {
        "n": p.min_count,
        "m": p.min_money_contributors,
        "d1": p.dominance_one,
        "d2": p.dominance_two,
        "p": p.p_percent,
        "k": p.min_kpi_pilots,
        "h": p.homogeneity,
        "other": where(s.protects) if s.protects else "",
    }
    texts = {
        "too_few": _("primary: fewer than {n} distinct contributors"),
        "too_few_contributors": _("primary: fewer than {m} contributors to the amount"),
        "dominance_one": _("primary: one contributor gives more than {d1}% of the amount"),
        "dominance_two": _("primary: two contributors give more than {d2}% of the amount"),
        "p_percent": _("primary: the others could estimate the largest contribution within {p}%"),
        "kpi_too_few": _("primary: a mean needs at least {k} pilots"),
        "kpi_equal": _("primary: all values are equal (the mean would disclose each one)"),
        "homogeneity": _("primary: one outcome holds more than {h}% of the pilots"),
        "secondary": _("complementary: hidden to protect {other}"),
        "chain": _(
            "complementary: hidden so that its change since an earlier release cannot be worked out"
        ),
        "held": _("kept at its previous value: the change alone would show a few contributors"),
    }
    return texts[s.reason].format(**values)


def interval_text(iv: Interval, number: Callable[[float], str], _: Translate) -> str:
    """What a reader can deduce about a hidden cell, as a sentence."""
    low, high = iv.low, iv.high
    if math.isinf(low) and math.isinf(high):
        return _("a reader can deduce no bound either way")
    if math.isinf(high):
        return _("a reader can deduce: at least {low}").format(low=number(low))
    if math.isinf(low):
        return _("a reader can deduce: at most {high}").format(high=number(high))
    return _("a reader can deduce: between {low} and {high}").format(
        low=number(low), high=number(high)
    )


def _plain(x: float) -> str:
    return f"{x:.0f}" if x == int(x) else f"{x:.2f}"


def explain_lines(
    release: Release,
    *,
    where: Callable[[Key], str],
    _: Translate = _identity,
    number: Callable[[float], str] = _plain,
) -> list[str]:
    """One line per suppressed (or held) cell: its letter, where it is, why, and the interval a
    reader deduces from this release and the chain before it."""
    lines = [_("Why each cell is hidden, and what an outsider can deduce:")]
    for s in release.suppressions:
        parts = [reason_text(s, release, where, _)]
        cell = release.cell(*s.key)
        if cell is not None and cell.value is None:
            parts.append(interval_text(release.interval(s.key), number, _))
            if s.key in release.audit.capped:
                parts.append(_("as wide as the published letters allow"))
        lines.append(f"  {s.status.value}  {where(s.key)}: " + "; ".join(parts))
    return lines
