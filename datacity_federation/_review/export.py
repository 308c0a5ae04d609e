"""The review's figures as JSON and as CSV: the same numbers the HTML shows, no words.

Rule header: values are exact decimal strings (never floats), an absent value is ``null`` in JSON
and an empty field in CSV, and every figure carries its state (published, partial, suppressed,
missing) with the counts of cities left out, so a reader of the data sees what the page says.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from datacity_federation._review.model import Figure, Funnel, PhaseLine, Review

__all__ = ["CSV_COLUMNS", "review_csv", "review_json", "review_rows", "to_plain"]

CSV_COLUMNS = (
    "scope",
    "figure",
    "theme",
    "dim",
    "currency",
    "value",
    "state",
    "suppressed_cities",
    "of_cities",
    "statuses",
)


def to_plain(obj: Any) -> Any:
    """Dataclasses, decimals, dates and enums as JSON-ready values (decimals as strings)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, dict) or hasattr(obj, "items"):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_plain(v) for v in obj]
    return obj


def review_json(review: Review) -> str:
    """The whole review model as JSON (stable key order, UTF-8 text)."""
    return json.dumps(to_plain(review), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _row(
    scope: str, name: str, f: Figure, *, theme: str = "", dim: str = "", currency: str = ""
) -> dict[str, str]:
    return {
        "scope": scope,
        "figure": name,
        "theme": theme,
        "dim": dim,
        "currency": currency,
        "value": "" if f.value is None else str(f.value),
        "state": f.state.value,
        "suppressed_cities": str(f.suppressed_cities),
        "of_cities": str(f.of_cities),
        "statuses": " ".join(f.statuses),
    }


def _funnel_rows(scope: str, prefix: str, funnel: Funnel) -> Iterator[dict[str, str]]:
    for code, fig in funnel.stages():
        yield _row(scope, f"{prefix}{code}", fig)
    yield _row(scope, f"{prefix}shortlist_rate", funnel.shortlist_rate)
    yield _row(scope, f"{prefix}pilot_rate", funnel.pilot_rate)
    yield _row(scope, f"{prefix}deal_rate", funnel.deal_rate)


def _phase_rows(scope: str, phases: tuple[PhaseLine, ...]) -> Iterator[dict[str, str]]:
    for line in phases:
        yield _row(scope, "phase_days", line.actual, dim=line.phase)
        yield _row(scope, "phase_days_planned", line.planned, dim=line.phase)


def review_rows(review: Review) -> Iterator[dict[str, str]]:
    """Every figure of the review as a flat row (network first, then each city)."""
    net = review.network
    yield from _funnel_rows("network", "", net.funnel)
    yield from _funnel_rows("network", "previous_year.", net.previous_funnel)
    yield from _funnel_rows("network", "same_cities.", net.comparable_funnel)
    for name, fig in net.figures.items():
        yield _row("network", name, fig)
    for money in net.money:
        suffix = ".converted" if money.converted else ""
        yield _row(
            "network", f"sponsorship_total{suffix}", money.sponsorship, currency=money.currency
        )
        yield _row(
            "network", f"contract_value_total{suffix}", money.contracts, currency=money.currency
        )
    yield from _phase_rows("network", net.phases)
    for row in net.themes:
        yield _row("network", "challenges", row.challenges, theme=row.theme)
        yield _row("network", "pilots", row.pilots, theme=row.theme)
    for city in review.cities:
        yield from _funnel_rows(city.city, "", city.funnel)
        yield from _funnel_rows(city.city, "previous_year.", city.previous_funnel)
        for name, fig in city.figures.items():
            yield _row(city.city, name, fig)
        if city.money is not None:
            cur = city.money.currency
            yield _row(city.city, "sponsorship_total", city.money.sponsorship, currency=cur)
            yield _row(city.city, "contract_value_total", city.money.contracts, currency=cur)
        yield from _phase_rows(city.city, city.phases)
    for trend in review.trends:
        series = [("network", trend.network), *trend.cities]
        for scope, figures in series:
            for year, fig in zip(review.years, figures, strict=True):
                yield _row(scope, f"trend.{trend.metric}.{year}", fig)


def review_csv(review: Review) -> str:
    """The review's figures as CSV (RFC 4180, header row, ``.`` decimals)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(review_rows(review))
    return buffer.getvalue()
