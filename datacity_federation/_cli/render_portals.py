"""Terminal output of the portal commands."""

from __future__ import annotations

import typer

from datacity_federation._services.harvest import HarvestReport
from datacity_federation._services.portals import CheckReport, SearchResult, Status

__all__ = ["harvest_line", "print_check", "print_search"]


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def print_search(result: SearchResult, *, query: str) -> None:
    """One line per data set: id, modified day, title; then how many matched."""
    lang = result.portal.lang
    for record in result.page.items:
        day = record.modified.date().isoformat() if record.modified else "----------"
        typer.echo(f"{record.id:<40} {day}  {_short(record.title_in(lang), 70)}")
    total = result.page.total
    shown = len(result.page.items)
    of = f" of {total}" if total is not None else ""
    typer.echo(f"{shown}{of} data sets on {result.portal.id} match {query!r}")


def print_check(report: CheckReport) -> None:
    """One line per pinned data set, then a summary; problems first-class, ok lines short."""
    for line in report.lines:
        status = ",".join(str(s) for s in line.statuses)
        typer.echo(f"{status:<16} {line.challenge}: {line.portal}/{line.dataset}: {line.detail}")
    counts = ", ".join(
        f"{report.count(s)} {s}" for s in Status if report.count(s) or s is Status.OK
    )
    typer.echo(f"{report.city}: {len(report.lines)} pinned data sets: {counts}")


def harvest_line(report: HarvestReport) -> str:
    """One line for a portal's successful harvest."""
    took = f"{report.stored} stored ({report.seconds:.1f} s)"
    if report.catalogue_unchanged:
        asked = f"{report.requests} request{'s' if report.requests != 1 else ''}"
        return f"{report.portal}: catalogue unchanged since the last harvest ({asked}); {took}"
    since = f" since {report.since.isoformat()}" if report.since else ""
    withdrawn = f", {report.withdrawn} withdrawn" if report.withdrawn else ""
    resumed = (
        f"; resumed: {report.resumed} page{'s' if report.resumed != 1 else ''} kept from the "
        "interrupted harvest"
        if report.resumed
        else ""
    )
    return (
        f"{report.portal}: {report.fetched} fetched{since}: {report.new} new, "
        f"{report.changed} changed, {report.unchanged} unchanged{withdrawn}; {took}{resumed}"
    )
