"""``datacity release build --explain``: why each cell is hidden, and what a reader can deduce.

One line per suppressed (or held) cell: its letter (``A``, ``O``, ``T``: a primary suppression
and the rule it breaks; ``D``: a complement and the cell it protects, or an outcome breakdown
hidden for homogeneity), where it is, and the interval an outsider deduces from this release and
the chain before it. Words come from the catalogues, numbers from the locale's formatter.
"""

from __future__ import annotations

import math

from datacity_federation._cli.release_text import REASONS, reason_values, where_text
from datacity_federation._i18n import Translator
from datacity_federation._privacy.intervals import Interval
from datacity_federation._privacy.tables import Release

__all__ = ["explain_lines", "interval_text"]


def interval_text(iv: Interval, tr: Translator) -> str:
    """What a reader can deduce about a hidden cell, as a sentence."""
    _, num = tr.gettext, tr.fmt.number
    if math.isinf(iv.high) and math.isinf(iv.low):
        return _("a reader can deduce no bound either way")
    if math.isinf(iv.high):
        return _("a reader can deduce: at least %(low)s") % {"low": num(_round(iv.low))}
    return _("a reader can deduce: between %(low)s and %(high)s") % {
        "low": num(_round(iv.low)),
        "high": num(_round(iv.high)),
    }


def _round(x: float) -> float:
    return float(round(x, 2))


def explain_lines(release: Release, *, tr: Translator) -> list[str]:
    """The explanation a programme director reads after the summary."""
    _ = tr.gettext
    values = reason_values(release, tr)
    lines = [_("Why each cell is hidden, and what an outsider can deduce:")]
    for s in release.suppressions:
        other = where_text(s.protects, tr) if s.protects else ""
        parts = [_(REASONS[s.reason]) % {"other": other, **values}]
        cell = release.cell(*s.key)
        if cell is not None and cell.value is None:
            parts.append(interval_text(release.interval(s.key), tr))
            if s.key in release.audit.capped:
                parts.append(_("as wide as the published letters allow"))
        lines.append(f"  {s.status.value}  {where_text(s.key, tr)}: " + "; ".join(parts))
    return lines
