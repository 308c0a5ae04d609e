"""The review's tables as a spreadsheet workbook (``.xlsx``, openpyxl), in one language.

Rule header: the sheets follow the review model, not a list kept here. Every field of the
:class:`~datacity_federation._review.model.Review` that holds records (a dataclass, a mapping or
a sequence of them) is a section and gets a sheet; so does a sequence of records one level below
(the network's money lines, phases, themes). A new section of the model appears as a sheet with
no change here (named by its code until ``_titles`` gives it words), and a new plain field as a
line of the notes sheet. Each sheet is a long table: the record's key columns (``KEY_FIELDS``),
then the figure's code (the same dotted code as the JSON path), its value, its state, the status
letters of suppressed cells and, for network figures, the counts of cities.

Cells are typed: numbers are numbers, dates are dates, money carries the number format of its
currency in the workbook's locale. A suppressed figure is never a number: its value cell holds
its SDMX status letters (``A``, ``O``...) as text; a missing one is empty. Words (sheet names,
headers, notes) come from the review's catalogues; codes stay codes, as in the CSV.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from datacity_federation._i18n import Catalogs, Translator
from datacity_federation._review.model import Figure, FigureState, MoneyLine, Review
from datacity_federation.errors import ReviewError

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["KEY_FIELDS", "Line", "Section", "money_format", "review_sections", "review_workbook"]

KEY_FIELDS = ("city", "season", "year", "theme", "phase", "currency", "converted")
"""Fields of a record that name it (a key column) rather than hold one of its figures: a
city's season, a year of a trend, a money line's currency and whether the federation's rates
converted it."""

_WORDS_FIELDS = frozenset({"city_names", "network_name", "theme_labels"})
"""Fields of the review that hold names in every language: left out, the workbook keeps codes."""

_DATE_FORMAT = "yyyy-mm-dd"
_MOMENT_FORMAT = "yyyy-mm-dd hh:mm:ss"
_NUMBER_PART = re.compile(r"[#0,.]+")
_MAX_TITLE = 31  # Excel's limit on a sheet name.
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")

Scalar = Decimal | int | bool | str | date | datetime | None


@dataclass(frozen=True, slots=True)
class Line:
    """One row of a section: a figure (or a plain value) of one record."""

    keys: tuple[tuple[str, str | int], ...]
    code: str
    value: Scalar
    state: str = ""
    statuses: tuple[str, ...] = ()
    suppressed_cities: int | None = None
    of_cities: int | None = None
    currency: str | None = None
    """The currency of a money figure (its cell's number format)."""


@dataclass(frozen=True, slots=True)
class Section:
    """One sheet: the path of the model's field and its rows."""

    path: str
    lines: tuple[Line, ...]

    @property
    def key_columns(self) -> tuple[str, ...]:
        seen = {name for line in self.lines for name, _ in line.keys}
        return tuple(name for name in KEY_FIELDS if name in seen)

    @property
    def network_counts(self) -> bool:
        return any(line.of_cities is not None for line in self.lines)


def _is_record(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _is_records(value: Any) -> bool:
    return isinstance(value, tuple | list) and bool(value) and all(map(_is_record, value))


def _holds_records(value: Any) -> bool:
    """True for a record, or a mapping or sequence with a record somewhere inside."""
    if _is_record(value):
        return True
    if isinstance(value, Mapping):
        return any(map(_holds_records, value.values()))
    if isinstance(value, tuple | list):
        return any(map(_holds_records, value))
    return False


def _items(value: Any) -> list[tuple[str, Any]]:
    """The named parts of a record (its fields) or of a mapping (its keys)."""
    if _is_record(value):
        return [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)]
    return [(str(k), v) for k, v in value.items()]


def _walk(
    obj: Any, code: str, keys: tuple[tuple[str, str | int], ...], currency: str | None
) -> Iterator[Line]:
    if isinstance(obj, Figure):
        suppressed = obj.value is None and obj.state is not FigureState.MISSING
        yield Line(
            keys=keys,
            code=code,
            value=" ".join(obj.statuses) if suppressed else obj.value,
            state=obj.state.value,
            statuses=obj.statuses,
            suppressed_cities=obj.suppressed_cities if obj.of_cities else None,
            of_cities=obj.of_cities or None,
            currency=currency,
        )
        return
    if _is_record(obj):
        fields = [(f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj)]
        own = tuple((n, v) for n, v in fields if n in KEY_FIELDS and isinstance(v, str | int))
        keys = keys + own
        money = obj.currency if isinstance(obj, MoneyLine) else None
        for name, value in fields:
            if (name, value) in own:
                continue
            yield from _walk(value, f"{code}.{name}" if code else name, keys, money)
        return
    if isinstance(obj, tuple | list):
        if _is_records(obj):
            for item in obj:
                yield from _walk(item, code, keys, currency)
        elif obj and all(isinstance(v, tuple) and len(v) == 2 for v in obj):
            for name, value in obj:  # (code, value) pairs, e.g. conversion rates
                yield from _walk(value, f"{code}.{name}" if code else str(name), keys, currency)
        else:
            yield Line(keys=keys, code=code, value=" ".join(str(v) for v in obj))
        return
    if isinstance(obj, Mapping):
        for name, value in obj.items():
            yield from _walk(value, f"{code}.{name}" if code else str(name), keys, currency)
        return
    yield Line(keys=keys, code=code, value=obj)


_NOT_YET = frozenset({"trends"})
"""Fields whose records are keyed by position, not by their own fields: the trends' series hold
one figure per year of ``Review.years``; :func:`_trend_sections` keys them by year and city."""


def _trend_sections(review: Review) -> list[Section]:
    """The trends as two long tables: the network's figure per metric and year, and each city's
    figure per metric, city and year (a gap stays a gap: missing or suppressed, never zero)."""
    network: list[Line] = []
    cities: list[Line] = []
    for trend in review.trends:
        for year, fig in zip(review.years, trend.network, strict=True):
            network.extend(_walk(fig, trend.metric, (("year", year),), None))
        for city, series in trend.cities:
            for year, fig in zip(review.years, series, strict=True):
                cities.extend(_walk(fig, trend.metric, (("city", city), ("year", year)), None))
    return [
        Section(path, tuple(lines))
        for path, lines in (("trends", network), ("trends.cities", cities))
        if lines
    ]


def review_sections(review: Review) -> tuple[Section, ...]:
    """The review's sections in model order: each field holding records (a record, a mapping
    or a sequence of them), and each sequence of records one level below it, on its own."""
    sections: list[Section] = []
    for field in dataclasses.fields(review):
        value = getattr(review, field.name)
        if field.name in _NOT_YET:
            sections += _trend_sections(review)
            continue
        if field.name in _WORDS_FIELDS or not _holds_records(value):
            continue
        if not (_is_record(value) or isinstance(value, Mapping)):
            sections.append(Section(field.name, tuple(_walk(value, "", (), None))))
            continue
        plain: list[Line] = []
        children: list[Section] = []
        for name, child in _items(value):
            if _is_records(child):
                lines = tuple(_walk(child, "", (), None))
                children.append(Section(f"{field.name}.{name}", lines))
            else:
                plain.extend(_walk(child, name, (), None))
        if plain:
            sections.append(Section(field.name, tuple(plain)))
        sections += children
    return tuple(sections)


def _other_fields(review: Review) -> list[tuple[str, Scalar]]:
    """Fields of the review that are neither a section, names, nor on the notes sheet already:
    listed under their code, so that nothing the model adds is left out of the workbook."""
    shown = {"year", "generated_on", "sample_data", "members", "reporting", "missing", "compared"}
    rows: list[tuple[str, Scalar]] = []
    for field in dataclasses.fields(review):
        value = getattr(review, field.name)
        if field.name in shown | _WORDS_FIELDS | _NOT_YET or _holds_records(value):
            continue
        rows += [(line.code, line.value) for line in _walk(value, field.name, (), None)]
    return rows


def money_format(currency: str, tr: Translator) -> str:
    """An Excel number format for whole amounts of ``currency`` in the translator's locale:
    the locale's symbol on the locale's side (``#,##0 [$€]`` in French, ``[$₹]#,##0`` for
    rupees in English); the spreadsheet application supplies the separators."""
    from babel.numbers import get_currency_symbol

    from datacity_federation._i18n.formatter import whole_currency_pattern

    pattern = whole_currency_pattern(tr.locale).split(";")[0]
    symbol = get_currency_symbol(currency, locale=tr.locale).replace('"', "")
    at = pattern.find("¤")
    number = _NUMBER_PART.search(pattern)
    if at < 0 or number is None:
        return f'#,##0 "{currency}"'
    between = (
        pattern[at + 1 : number.start()] if at < number.start() else pattern[number.end() : at]
    )
    gap = " " if between and not between.strip() else ""
    if at < number.start():
        return f"[${symbol}]{gap}#,##0"
    return f"#,##0{gap}[${symbol}]"


def _titles(tr: Translator, review_years: tuple[int, ...] = ()) -> dict[str, str]:
    """Sheet names (31 characters at most in a workbook); a section without one keeps its code."""
    _ = tr.gettext
    titles = {
        # Translators: a sheet of the review's workbook (31 characters at most): network totals.
        "network": _("Network"),
        # Translators: a sheet of the review's workbook (31 characters at most): money totals.
        "network.money": _("Money"),
        # Translators: a sheet of the review's workbook (31 characters at most): days per phase.
        "network.phases": _("Phases"),
        # Translators: a sheet of the review's workbook (31 characters at most): challenge themes.
        "network.themes": _("Themes"),
        "cities": _("Cities"),
        # Translators: a sheet of the review's workbook: the exchange rates it used.
        "conversion": _("Conversion rates"),
        "report_status": _("Reporting status"),
    }
    if review_years:
        trends = _("Trends since %(year)s") % {"year": review_years[0]}
        titles["trends"] = trends
        titles["trends.cities"] = f"{trends} - {_('Cities')}"
    return titles


def _headers(tr: Translator) -> dict[str, str]:
    _ = tr.gettext
    return {
        "city": _("City"),
        # Translators: a column of the review's workbook: a city's season (s1, s2...).
        "season": _("Season"),
        "year": _("Year"),
        "theme": _("Theme"),
        "phase": _("Phase"),
        "currency": _("Currency"),
        # Translators: a column of the review's workbook: true on the money line converted
        # into one currency with the federation's rates.
        "converted": _("Converted"),
        # Translators: a column of the review's workbook: the code of a figure (funnel.pilots).
        "code": _("Figure"),
        # Translators: a column of the review's workbook: the figure's number.
        "value": _("Value"),
        # Translators: a column of the review's workbook: published, partial, suppressed, missing.
        "state": _("State"),
        # Translators: a column of the review's workbook: SDMX confidentiality letters (A, O).
        "statuses": _("Status letters"),
        # Translators: a column of the review's workbook: cities whose cell was suppressed.
        "suppressed_cities": _("Cities suppressed"),
        "of_cities": _("Cities reporting"),
    }


def _title(text: str, taken: set[str]) -> str:
    """``text`` as a sheet name: no characters Excel refuses, 31 at most (cut at a word where
    there is one), unique."""
    text = _BAD_TITLE.sub(" ", text).strip()
    if len(text) > _MAX_TITLE:
        cut = text[: _MAX_TITLE + 1].rsplit(" ", 1)[0]
        text = (cut if " " in text[: _MAX_TITLE + 1] else text[:_MAX_TITLE]).strip(" ,;:-")
    title, n = text, 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = text[: _MAX_TITLE - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def _cell_value(value: Scalar) -> Scalar:
    if value == "":
        return None  # an empty cell, not an empty string
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    return value


def _number_format(line: Line, tr: Translator) -> str | None:
    value = line.value
    if isinstance(value, datetime):
        return _MOMENT_FORMAT
    if isinstance(value, date):
        return _DATE_FORMAT
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    if line.currency:
        return money_format(line.currency, tr)
    if isinstance(value, int) or value == value.to_integral_value():
        return "#,##0"
    return "0.0###"


def _fill(ws: Worksheet, section: Section, tr: Translator) -> None:
    from openpyxl.utils import get_column_letter

    heads = _headers(tr)
    keys = section.key_columns
    columns = [*keys, "code", "value", "state", "statuses"]
    if section.network_counts:
        columns += ["suppressed_cities", "of_cities"]
    ws.append([heads[c] for c in columns])
    for line in section.lines:
        named = dict(line.keys)
        row: list[Scalar] = [named.get(k) for k in keys]
        row += [line.code, _cell_value(line.value), line.state, " ".join(line.statuses) or None]
        if section.network_counts:
            row += [line.suppressed_cities, line.of_cities]
        ws.append(row)
        fmt = _number_format(line, tr)
        if fmt is not None:
            ws.cell(row=ws.max_row, column=len(keys) + 2).number_format = fmt
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = max([len(str(heads[column])), *(len(str(c.value or "")) for c in ws[index][1:])])
        ws.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)


def _notes(ws: Worksheet, review: Review, tr: Translator, profile: str | None) -> None:
    _ = tr.gettext
    rows: list[tuple[str, Scalar]] = [
        # Translators: a line of the review workbook's notes sheet: the review year.
        (_("Year"), review.year),
        # Translators: a line of the review workbook's notes sheet: the workbook's language.
        (_("Language"), tr.tag),
        # Translators: a line of the review workbook's notes sheet: the day it was made.
        (_("Made on"), review.generated_on),
    ]
    if review.sample_data:
        rows.append(
            (
                # Translators: a line of the review workbook's notes sheet.
                _("Sample data"),
                _(
                    "Sample data: these figures were generated for a demonstration and describe "
                    "no real programme."
                ),
            )
        )
    if profile:
        # Translators: a line of the review workbook's notes sheet: the disclosure rules' profile.
        rows.append((_("Disclosure profile"), profile))
    rows += [
        # Translators: a line of the review workbook's notes sheet: the federation's cities.
        (_("Member cities"), " ".join(review.members)),
        (_("Cities reporting"), " ".join(review.reporting)),
        (_("missing"), " ".join(review.missing)),
        (_("Cities compared"), " ".join(review.compared)),
        (
            _("How to read this review"),
            _(
                "A suppressed figure is withheld by the city's disclosure rules: the true value "
                "never leaves the city. An asterisk marks a total built from published cells only."
            ),
        ),
        (_("A: too few contributors"), "A"),
        (_("O: one contributor dominates"), "O"),
        (_("T: two contributors dominate"), "T"),
        (_("D: withheld to protect another figure"), "D"),
        *_other_fields(review),
    ]
    for label, value in rows:
        ws.append([label, _cell_value(value)])
        if isinstance(value, date):
            ws.cell(row=ws.max_row, column=2).number_format = _DATE_FORMAT
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 60


def review_workbook(
    review: Review, *, lang: str, catalogs: Catalogs | None = None, profile: str | None = None
) -> bytes:
    """The review as an ``.xlsx`` workbook in ``lang``: a notes sheet, then one sheet per
    section (see the module's rule header). Needs the optional ``xlsx`` extra (openpyxl)."""
    try:
        from openpyxl import Workbook
    except ImportError as exc:
        raise ReviewError(
            "xlsx output needs openpyxl: install the 'xlsx' extra "
            f"(pip install 'datacity-federation[xlsx]'), or use --format csv ({exc})"
        ) from None
    tr = (catalogs or Catalogs()).translator(lang)
    book = Workbook()
    notes = book.active
    assert notes is not None
    taken: set[str] = set()
    # Translators: the first sheet of the review's workbook (31 characters at most): year,
    # language, sample-data label and how to read it.
    notes.title = _title(tr.gettext("Notes"), taken)
    _notes(notes, review, tr, profile)
    if tr.rtl:
        notes.sheet_view.rightToLeft = True
    titles = _titles(tr, review.years)
    for section in review_sections(review):
        ws = book.create_sheet(_title(titles.get(section.path, section.path), taken))
        _fill(ws, section, tr)
        if tr.rtl:
            ws.sheet_view.rightToLeft = True
    stamp = datetime.combine(review.generated_on, datetime.min.time())
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.language = tr.tag
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
