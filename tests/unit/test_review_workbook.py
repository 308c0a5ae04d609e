"""The review's workbook, opened with openpyxl, holds exactly the review's JSON, cell by cell."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from datacity_federation._i18n import Catalogs
from datacity_federation._review import build_review
from datacity_federation._review.export import review_json
from datacity_federation._review.model import Figure, FigureState, Review
from datacity_federation._review.sample import sample_snapshot
from datacity_federation._review.workbook import money_format, review_workbook

openpyxl = pytest.importorskip("openpyxl")

pytestmark = pytest.mark.unit

CITIES = (("paris", "EUR"), ("barcelona", "EUR"), ("singapore", "SGD"), ("bangalore", "INR"))
KEYS = ("city", "season", "year", "theme", "phase", "currency", "converted")
FIGURE = {"value", "state", "suppressed_cities", "of_cities", "statuses"}
WORDS = {"city_names", "network_name", "theme_labels"}
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DECIMAL = re.compile(r"^-?\d+\.\d+$")


RATES = {"SGD": Decimal("0.68"), "INR": Decimal("0.011")}


def _review(*, rates: bool = False) -> Review:
    snap = sample_snapshot(cities=CITIES, years=(2018, 2019), seed=7)
    if rates:
        return build_review(
            snap, year=2019, on=date(2020, 1, 10), currency_rates=RATES, review_currency="EUR"
        )
    return build_review(snap, year=2019, on=date(2020, 1, 10))


def _is_records(node: Any) -> bool:
    return isinstance(node, list) and bool(node) and all(isinstance(v, dict) for v in node)


def _expected(node: Any, code: str, keys: dict[str, Any], cur: str | None) -> Iterator[tuple]:
    """Rows read off the JSON alone: (keys, code, figure-or-value, money currency)."""
    if isinstance(node, dict) and set(node) == FIGURE:
        yield keys, code, node, cur
    elif isinstance(node, dict):
        own = {k: node[k] for k in KEYS if isinstance(node.get(k), str | int)}
        money = node["currency"] if {"currency", "converted"} <= set(node) else None
        for name, value in node.items():
            if name not in own:
                yield from _expected(value, f"{code}.{name}" if code else name, keys | own, money)
    elif _is_records(node):
        for item in node:
            yield from _expected(item, code, keys, cur)
    elif isinstance(node, list) and node and all(isinstance(v, list) for v in node):
        for name, value in node:
            yield from _expected(value, f"{code}.{name}", keys, cur)
    elif isinstance(node, list):
        yield keys, code, " ".join(node), cur
    else:
        yield keys, code, node, cur


def _sections(data: dict[str, Any]) -> dict[str, list[tuple]]:
    found: dict[str, list[tuple]] = {}
    for name, node in data.items():
        if name == "trends":  # series keyed by position: one figure per year of "years"
            found.update(_trend_rows(node, data["years"]))
            continue
        if name in WORDS or not (isinstance(node, dict) or _is_records(node)):
            continue
        if _is_records(node):
            found[name] = list(_expected(node, "", {}, None))
            continue
        plain = []
        for sub, child in node.items():
            if _is_records(child):
                found[f"{name}.{sub}"] = list(_expected(child, "", {}, None))
            else:
                plain += _expected(child, sub, {}, None)
        if plain:
            found[name] = plain
    return found


def _trend_rows(trends: list[dict[str, Any]], years: list[int]) -> dict[str, list[tuple]]:
    network = [
        ({"year": year}, t["metric"], fig, None)
        for t in trends
        for year, fig in zip(years, t["network"], strict=True)
    ]
    cities = [
        ({"city": city, "year": year}, t["metric"], fig, None)
        for t in trends
        for city, series in t["cities"]
        for year, fig in zip(years, series, strict=True)
    ]
    return {path: rows for path, rows in (("trends", network), ("trends.cities", cities)) if rows}


def _model_order(paths: set[str], model: type[Review]) -> list[str]:
    """The sections in the model's field order (the workbook's sheet order)."""
    order = [f.name for f in dataclasses.fields(model)]
    return sorted(paths, key=lambda p: (order.index(p.split(".")[0]), "." in p, p))


def _typed(text: Any) -> Any:
    if isinstance(text, str) and MOMENT.match(text):
        return datetime.fromisoformat(text).replace(tzinfo=None)
    if isinstance(text, str) and DAY.match(text):
        return datetime.fromisoformat(text)
    if isinstance(text, str) and DECIMAL.match(text):
        return Decimal(text)  # a decimal outside a figure (a conversion rate)
    return text


def _sheet_rows(ws: Any) -> tuple[list[str], list[dict[str, Any]]]:
    rows = list(ws.iter_rows())
    heads = [str(c.value) for c in rows[0]]
    return heads, [dict(zip(heads, row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize(
    ("lang", "rates"), [("en", False), ("fr", True), ("ar", True), ("ja", False)]
)
def test_workbook_holds_every_figure_of_the_json_cell_by_cell(lang: str, rates: bool) -> None:
    review = _review(rates=rates)
    expected = _check_against_json(review, lang)
    assert ("conversion" in expected) is rates


def _check_against_json(review: Review, lang: str) -> dict[str, list[tuple]]:
    data = json.loads(review_json(review))
    tr = Catalogs().translator(lang)
    _ = tr.gettext
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(review, lang=lang)))
    expected = _sections(data)
    assert len(book.sheetnames) == 1 + len(expected)
    checked = 0
    order = _model_order(set(expected), type(review))
    for path, ws in zip(order, book.worksheets[1:], strict=True):
        heads, rows = _sheet_rows(ws)
        want = expected[path]
        assert len(rows) == len(want), path
        key_heads = [_(k.capitalize()) for k in KEYS if any(k in w[0] for w in want)]
        assert heads[: len(key_heads)] == key_heads
        assert heads[len(key_heads) : len(key_heads) + 4] == [
            _("Figure"), _("Value"), _("State"), _("Status letters"),
        ]  # fmt: skip
        by_key = {
            (tuple(row[h].value for h in key_heads), row[_("Figure")].value): row for row in rows
        }
        assert len(by_key) == len(rows), path  # one row per record and figure
        for keys, code, node, cur in want:
            named = tuple(keys.get(k) for k in KEYS if _(k.capitalize()) in key_heads)
            row = by_key[named, code]
            cell = row[_("Value")]
            if isinstance(node, dict):
                assert row[_("State")].value == node["state"]
                assert row[_("Status letters")].value == (" ".join(node["statuses"]) or None)
                if node["value"] is not None:
                    assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
                    assert Decimal(str(cell.value)) == Decimal(node["value"]), (path, code)
                    if cur:
                        assert cell.number_format == money_format(cur, tr)
                elif node["state"] == "suppressed":
                    assert cell.value == " ".join(node["statuses"])
                    assert cell.data_type == "s"
                else:
                    assert cell.value is None
                if _("Cities reporting") in row and node["of_cities"]:
                    assert row[_("Cities reporting")].value == node["of_cities"]
                    assert row[_("Cities suppressed")].value == node["suppressed_cities"]
            else:
                value = _typed(node)
                if isinstance(value, Decimal):
                    assert Decimal(str(cell.value)) == value, (path, code)
                else:
                    assert cell.value == (value if value != "" else None), (path, code)
                if isinstance(value, datetime):
                    assert cell.is_date
            checked += 1
    assert checked > 150
    return expected


@dataclass(frozen=True, slots=True)
class _Point:
    city: str
    year: int
    applications: Figure


@dataclass(frozen=True, slots=True)
class _GrownReview(Review):
    """The review as another part of the project may grow it: a section and a plain field."""

    growth: tuple[_Point, ...] = ()
    late_days: int = 0


def test_workbook_gives_a_new_section_of_the_model_its_own_sheet() -> None:
    base = _review()
    points = (
        _Point("paris", 2018, Figure(Decimal(88), FigureState.PUBLISHED)),
        _Point("paris", 2019, Figure(None, FigureState.SUPPRESSED, statuses=("A",))),
    )
    grown = _GrownReview(
        **{f.name: getattr(base, f.name) for f in dataclasses.fields(Review)},
        growth=points,
        late_days=12,
    )
    expected = _check_against_json(grown, "de")
    assert [(keys, code) for keys, code, _, _ in expected["growth"]] == [
        ({"city": "paris", "year": 2018}, "applications"),
        ({"city": "paris", "year": 2019}, "applications"),
    ]
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(grown, lang="de")))
    assert book.sheetnames[-1] == "growth"  # no name of its own yet: its code
    notes = {row[0].value: row[1].value for row in book.worksheets[0].iter_rows()}
    assert notes["late_days"] == 12


def test_workbook_marks_suppressed_cells_with_their_letters_never_a_number() -> None:
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(_review(), lang="en")))
    letters = [
        row["Value"].value
        for ws in book.worksheets[1:]
        for row in _sheet_rows(ws)[1]
        if row["State"].value == "suppressed"
    ]
    assert letters
    assert all(isinstance(v, str) and re.fullmatch(r"[A-Z]( [A-Z])*", v) for v in letters)


def test_workbook_money_follows_the_currency_and_the_locale() -> None:
    fr, en = Catalogs().translator("fr"), Catalogs().translator("en")
    assert money_format("EUR", fr) == "#,##0 [$€]"
    assert money_format("EUR", en) == "[$€]#,##0"
    assert money_format("INR", en) == "[$₹]#,##0"
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(_review(), lang="fr")))
    formats = {
        c.number_format
        for ws in book.worksheets[1:]
        for row in ws.iter_rows(min_row=2)
        for c in row
        if "[$" in c.number_format
    }
    assert formats == {"#,##0 [$€]", "#,##0 [$$SG]", "#,##0 [$₹]"}


def test_workbook_notes_sheet_states_year_language_sample_and_profile() -> None:
    review = _review()
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(review, lang="fr", profile="strict")))
    tr = Catalogs().translator("fr")
    notes = {row[0].value: row[1] for row in book.worksheets[0].iter_rows()}
    assert book.sheetnames[0] == tr.gettext("Notes")
    assert notes[tr.gettext("Year")].value == 2019
    assert notes[tr.gettext("Language")].value == "fr"
    assert notes[tr.gettext("Made on")].is_date
    assert notes[tr.gettext("Disclosure profile")].value == "strict"
    assert notes[tr.gettext("Sample data")].value == tr.gettext(
        "Sample data: these figures were generated for a demonstration and describe no real "
        "programme."
    )


def test_workbook_in_arabic_reads_right_to_left() -> None:
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(_review(), lang="ar")))
    assert all(ws.sheet_view.rightToLeft for ws in book.worksheets)
    assert all(len(name) <= 31 for name in book.sheetnames)


def test_workbook_reporting_status_sheet_matches_the_json() -> None:
    from datacity_federation._review.status import ReportState, SeasonStatus

    statuses = (
        SeasonStatus("paris", "s2", 2, date(2019, 6, 30), date(2019, 9, 28), ReportState.RECEIVED,
                     received_on=date(2019, 7, 2)),
        SeasonStatus("bangalore", "s1", 1, date(2019, 3, 31), date(2019, 6, 29), ReportState.LATE,
                     days_late=195),
    )  # fmt: skip
    review = dataclasses.replace(_review(), report_status=statuses)
    expected = _check_against_json(review, "fr")
    assert [(k["city"], k["season"]) for k, code, _, _ in expected["report_status"]][:1] == [
        ("paris", "s2")
    ]
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(review, lang="fr")))
    assert "Suivi des transmissions" in book.sheetnames
    # the trends follow, keyed by year (network) and by city and year
    assert book.sheetnames[-2:] == ["Tendances depuis 2018", "Tendances depuis 2018 - Villes"]
