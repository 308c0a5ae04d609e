"""Terminal output of ``datacity season status``, in one locale (words from the catalogues)."""

from __future__ import annotations

import typer

from datacity_federation._i18n import Translator
from datacity_federation._services.records_views import SeasonStatus
from datacity_federation.domain.vocab import PHASE_LABELS

__all__ = ["print_status"]


def _funnel(tr: Translator, counts: dict[str, int]) -> list[str]:
    """The funnel's steps as "word count", in :data:`FUNNEL` order."""
    _, n = tr.gettext, tr.fmt.number
    # Translators: the steps of a season's funnel in `datacity season status`.
    words = {
        "applications": _("applications %(n)s"),
        "shortlisted": _("shortlisted %(n)s"),
        "selected": _("selected %(n)s"),
        "pilots": _("pilots %(n)s"),
        "contracts": _("contracts %(n)s"),
        "joint_offers": _("joint offers %(n)s"),
    }
    return [text % {"n": n(counts[key])} for key, text in words.items()]


def print_status(status: SeasonStatus, tr: Translator) -> None:
    """Print the season's phase, its funnel and its sponsorship total in ``tr``'s locale."""
    _, fmt = tr.gettext, tr.fmt
    name = tr.name(status.city.name, first=status.city.default_language)
    typer.echo(
        _("%(city)s — season %(number)s (%(id)s), %(day)s")
        % {
            "city": name,
            "number": fmt.number(status.number),
            "id": status.season,
            "day": fmt.date(status.on),
        }
    )
    if status.phase is None:
        typer.echo(_("phase: no phase running"))
    else:
        left = tr.ngettext("%(n)s day left", "%(n)s days left", status.days_left or 0) % {
            "n": fmt.number(status.days_left or 0)
        }
        phase = tr.label(PHASE_LABELS, status.phase.value)
        typer.echo(_("phase: %(phase)s (%(left)s)") % {"phase": phase, "left": left})
    steps = _funnel(tr, dict(status.funnel))
    typer.echo(" → ".join(steps[:5]) + " / " + steps[5])
    money = fmt.money(status.sponsorship_total, status.currency)
    typer.echo(_("sponsorship: %(amount)s") % {"amount": money})
