"""Terminal output of the city commands, in one locale (words from the catalogues)."""

from __future__ import annotations

import typer

from datacity_federation._services.cities import TimelineView

__all__ = ["print_timeline"]


def print_timeline(view: TimelineView) -> None:
    """Print the phases, one a line, marking the current one with ``▶`` and its days left."""
    tr = view.translator
    _, fmt = tr.gettext, tr.fmt
    city_name = tr.name(view.city.name, first=view.city.default_language)
    # Translators: the heading of `datacity timeline`: city, season number and season id.
    heading = _("%(city)s — season %(number)s (%(id)s)") % {
        "city": city_name,
        "number": fmt.number(view.season.number),
        "id": view.season.id,
    }
    typer.echo(heading)
    width = max(len(line.label) for line in view.lines)
    for line in view.lines:
        start, end = fmt.date(line.start), fmt.date(line.end)
        mark = "▶" if line.current else " "
        text = f"{mark} {line.label.ljust(width)}  {start} – {end}"
        if line.current and line.days_left is not None:
            left = tr.ngettext("%(n)s day left", "%(n)s days left", line.days_left) % {
                "n": fmt.number(line.days_left)
            }
            text += f"  ({left})"
        typer.echo(text)
    if not any(line.current for line in view.lines):
        day = fmt.date(view.on)
        typer.echo("  " + _("no phase running on %(day)s") % {"day": day})
