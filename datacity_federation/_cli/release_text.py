"""Words of the release summary (numbers stay in the core, words come from the catalogues).

Each suppression reason is one message (a metric's name is its declaration's ``label``); the summary is written in the city's
language (or ``--lang``), with numbers in that locale.
"""

from __future__ import annotations

from datacity_federation._i18n import Translator
from datacity_federation._privacy.tables import Release
from datacity_federation.domain.metrics import metric_spec
from datacity_federation.domain.vocab import N_, THEME_LABELS

__all__ = ["REASONS", "reason_values", "summary_lines", "where_text"]

# Why a cell is suppressed, per reason code of the rules (placeholders: the profile's thresholds).
REASONS: dict[str, str] = {
    "too_few": N_("fewer than %(n)s distinct contributors"),
    "too_few_contributors": N_("fewer than %(m)s contributors to the amount"),
    "dominance_one": N_("one contributor gives more than %(d1)s%% of the amount"),
    "dominance_two": N_("two contributors give more than %(d2)s%% of the amount"),
    "p_percent": N_("the others could estimate the largest contribution within %(p)s%%"),
    "kpi_too_few": N_("a mean needs at least %(k)s pilots"),
    "kpi_equal": N_("all values are equal (the mean would disclose each one)"),
    "homogeneity": N_("one outcome holds more than %(h)s%% of the pilots"),
    "secondary": N_("hidden too, so that %(other)s cannot be worked out by subtraction"),
    "chain": N_("hidden too, so that its change since an earlier release cannot be worked out"),
    "held": N_("kept at its previous value: the change alone would identify a few contributors"),
}


def where_text(key: tuple[str, str, str], tr: Translator) -> str:
    """A cell named in words: metric [theme / outcome or phase]."""
    metric, theme, dim = key
    # Translators: a release cell over every theme of the season.
    theme_text = tr.gettext("all themes") if theme == "all" else tr.label(THEME_LABELS, theme)
    spec = metric_spec(metric)
    dim_text = f" / {tr.label(spec.dims, dim)}" if dim else ""
    return f"{tr.gettext(spec.label)} [{theme_text}{dim_text}]"


def summary_lines(release: Release, *, city_name: str, tr: Translator) -> list[str]:
    """The summary a programme director reads: counts, then each suppression and why."""
    _, num = tr.gettext, tr.fmt.number
    p = release.profile
    hidden = [c for c in release.cells if c.status != "F"]
    lines = [
        _("Release of %(city)s, season %(season)s (rules: %(profile)s v%(version)s)")
        % {"city": city_name, "season": release.facts.season, "profile": p.name, "version": p.version},
        _("%(published)s cells published, %(suppressed)s suppressed")
        % {"published": num(len(release.cells) - len(hidden)), "suppressed": num(len(hidden))},
    ]  # fmt: skip
    if not release.suppressions:
        lines.append(_("Nothing suppressed."))
    values = reason_values(release, tr)
    for s in release.suppressions:
        other = where_text(s.protects, tr) if s.protects else ""
        why = _(REASONS[s.reason]) % {"other": other, **values}
        lines.append(f"  {s.status.value}  {where_text(s.key, tr)}: {why}")
    return lines


def reason_values(release: Release, tr: Translator) -> dict[str, str]:
    """The profile's thresholds, formatted for the reason sentences."""
    p, num = release.profile, tr.fmt.number
    return {
        "n": num(p.min_count),
        "m": num(p.min_money_contributors),
        "d1": num(p.dominance_one),
        "d2": num(p.dominance_two),
        "p": num(p.p_percent),
        "k": num(p.min_kpi_pilots),
        "h": num(p.homogeneity),
    }
