"""Render a review as one self-contained HTML page per language (and PDF through WeasyPrint).

Rule header: one locale is bound for a whole render: the gettext catalog of the language and
Babel's number, percent, currency and date formats of the same locale. The page carries its CSS
and its charts (inline SVG, each with a title, a description and a data table beside it) and
loads nothing from the network, so it opens offline. Arabic (and any right-to-left language)
gets ``dir="rtl"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datacity_federation._i18n import Catalogs, Translator, bcp47
from datacity_federation._review.model import Figure, FigureState, Review
from datacity_federation.domain.metrics import metrics_shown_in
from datacity_federation.domain.vocab import OUTCOME_LABELS, PHASE_LABELS, THEME_LABELS
from datacity_federation.errors import ReviewError

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["render_html", "render_index", "render_pdf"]

_SHIPPED = Catalogs()


class _SharedBytecode:
    """Compiled templates shared by every language's environment: a template is compiled once
    per process, whatever the number of languages rendered."""

    def __init__(self) -> None:
        from jinja2 import BytecodeCache

        store: dict[str, bytes] = {}

        class Cache(BytecodeCache):
            def load_bytecode(self, bucket: Any) -> None:
                code = store.get(bucket.key)
                if code is not None:
                    bucket.bytecode_from_string(code)

            def dump_bytecode(self, bucket: Any) -> None:
                store[bucket.key] = bucket.bytecode_to_string()

        self.cache = Cache()


@lru_cache(maxsize=1)
def _bytecode() -> _SharedBytecode:
    return _SharedBytecode()


@lru_cache(maxsize=64)
def _environment(catalogs: Catalogs, lang: str) -> Environment:
    """The template environment of one language: its gettext installed, compiled code shared."""
    from jinja2 import (
        Environment,
        FileSystemLoader,
        StrictUndefined,
        pass_context,
        select_autoescape,
    )

    from datacity_federation._config.resources import templates_dir

    folder = templates_dir() / "review"
    if not folder.is_dir():
        raise ReviewError(f"review templates not found in {folder}")
    env = Environment(
        # the hub's pages (templates/hub) use the review's macros, CSS and sections
        loader=FileSystemLoader([folder, folder.parent / "hub"]),
        autoescape=select_autoescape(["html", "j2", "svg"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=_bytecode().cache,
    )
    tr = catalogs.translator(lang)
    env.install_gettext_translations(tr.translations, newstyle=True)  # type: ignore[attr-defined]

    @pass_context
    def city_name(context: Any, code: str) -> str:
        return str(context["city"](code))

    env.filters["city_name"] = city_name
    return env


class _Formats:
    """The review's ways of showing a figure, over the one :class:`Formatter` of the locale."""

    def __init__(self, tr: Translator) -> None:
        self.lang = tr.tag
        self.fmt = tr.fmt

    def num(self, value: Decimal | int | None) -> str:
        return "" if value is None else self.fmt.number(value)

    def pct(self, fraction: Decimal | None) -> str:
        """A fraction (0.25) as a percentage in the locale."""
        return "" if fraction is None else self.fmt.percent(fraction)

    def points(self, percent: Decimal | None) -> str:
        """A value already in percent (25.0) as a percentage in the locale."""
        return "" if percent is None else self.fmt.percent(percent / 100)

    def change(self, now: Figure, before: Figure) -> str:
        """Year-over-year change of two figures published in full, signed; empty otherwise (a
        partial sum leaves out different cells each year: it is not like for like)."""
        if now.state is not FigureState.PUBLISHED or before.state is not FigureState.PUBLISHED:
            return ""
        if now.value is None or before.value is None or before.value == 0:
            return ""
        return self.fmt.percent((now.value - before.value) / before.value, signed=True)

    def money(self, value: Decimal | None, currency: str) -> str:
        """An amount in whole units, in the locale's own currency pattern."""
        return "" if value is None else self.fmt.money(value, currency, whole=True)

    def day(self, value: date) -> str:
        return self.fmt.date(value)

    def moment(self, value: datetime) -> str:
        return self.fmt.datetime(value.astimezone(UTC) if value.tzinfo else value)

    def language(self, code: str) -> str:
        return self.fmt.language(code)


def _scale(values: Iterable[Decimal | None], width: float) -> Callable[[Decimal | None], float]:
    top = max((v for v in values if v is not None and v > 0), default=Decimal(1))

    def length(value: Decimal | None) -> float:
        return 0.0 if value is None or value <= 0 else round(float(value / top) * width, 1)

    return length


@dataclass(frozen=True, slots=True)
class _Line:
    """A small line chart's geometry: what the ``trend_line`` macro draws."""

    width: int
    height: int
    left: float
    right: float
    base: float
    top: Decimal | None
    top_y: float
    segments: list[list[tuple[float, float]]]
    points: list[tuple[float, float, Decimal]]
    partial: list[tuple[float, float, Decimal]]
    """Partial sums (some city suppressed): a hollow mark, not joined to the line."""
    gaps: list[tuple[float, str]]
    first: int
    last: int


def _line(series: Sequence[Figure], years: Sequence[int], width: int = 220) -> _Line:
    """Values published in full joined by lines, on the series' own scale from zero (or from its
    lowest value when negative); a partial sum is a hollow mark that breaks the line; a gap is
    marked with its status letters (suppressed) or a dash (missing)."""
    height, left, right, top_y, base = 100, 8.0, width - 8.0, 30.0, 78.0
    values = [f.value for f in series]
    shown = [v for v in values if v is not None]
    top = max(shown, default=None)
    low = min([Decimal(0), *shown])
    span = (top - low) if top is not None and top > low else Decimal(1)
    step = (right - left) / max(1, len(series) - 1)

    def x(i: int) -> float:
        return round(left + i * step, 1) if len(series) > 1 else round((left + right) / 2, 1)

    def y(v: Decimal) -> float:
        return round(base - float((v - low) / span) * (base - top_y), 1)

    segments: list[list[tuple[float, float]]] = []
    points: list[tuple[float, float, Decimal]] = []
    partial: list[tuple[float, float, Decimal]] = []
    gaps: list[tuple[float, str]] = []
    run: list[tuple[float, float]] = []
    for i, fig in enumerate(series):
        if fig.value is None:
            gaps.append(
                (x(i), "–" if fig.state is FigureState.MISSING else "/".join(fig.statuses) or "×")
            )
            if len(run) > 1:
                segments.append(run)
            run = []
            continue
        if fig.state is FigureState.PARTIAL:  # a sum over fewer cities: shown, never joined
            partial.append((x(i), y(fig.value), fig.value))
            if len(run) > 1:
                segments.append(run)
            run = []
            continue
        points.append((x(i), y(fig.value), fig.value))
        run.append((x(i), y(fig.value)))
    if len(run) > 1:
        segments.append(run)
    return _Line(
        width, height, left, right, base, top if top and top > 0 else None, top_y, segments,
        points, partial, gaps, years[0] if years else 0, years[-1] if years else 0,
    )  # fmt: skip


class _Figures:
    """How a figure reads: its value in the locale, or why there is none, and the network note.

    Kept in Python rather than a template macro: it runs for every cell of every table.
    """

    def __init__(self, fmt: _Formats, tr: Translator) -> None:
        from markupsafe import Markup, escape

        self.fmt = fmt
        self._seen: dict[tuple[str, str, str], str] = {}
        self.markup = Markup
        self.escape = escape
        self._ = tr.gettext

    def value(self, v: Decimal, kind: str, cur: str) -> str:
        """``v`` formatted for the locale (remembered: a review repeats its numbers a lot)."""
        key = (str(v), kind, cur)
        text = self._seen.get(key)
        if text is None:
            text = self._seen[key] = self._value(v, kind, cur)
        return text

    def _value(self, v: Decimal, kind: str, cur: str) -> str:
        f = self.fmt
        if kind == "pct":
            return f.pct(v)
        if kind == "points":
            return f.points(v)
        if kind == "money":
            return f.money(v, cur)
        return f.num(v)

    def show(self, fig: Figure, kind: str = "num", cur: str = "") -> str:
        _, m, esc = self._, self.markup, self.escape
        if fig.state is FigureState.MISSING:
            # Translators: in a table cell, a city that sent no results for the year.
            return m(f'<span class="missing">{esc(_("missing"))}</span>')
        if fig.value is None:
            letters = f" ({', '.join(fig.statuses)})" if fig.statuses else ""
            # Translators: in a table cell, a figure the city's disclosure rules withhold.
            return m(f'<span class="suppressed">{esc(_("suppressed") + letters)}</span>')
        star = '<sup class="partial" aria-hidden="true">*</sup>'
        partial = star if fig.state is FigureState.PARTIAL else ""
        return m(f'<span class="value">{esc(self.value(fig.value, kind, cur))}</span>{partial}')

    def plain(self, fig: Figure, kind: str = "num", cur: str = "") -> str:
        """The same as :meth:`show`, as text (chart labels)."""
        if fig.value is None:
            return self._("missing") if fig.state is FigureState.MISSING else self._("suppressed")
        return self.value(fig.value, kind, cur) + ("*" if fig.state is FigureState.PARTIAL else "")

    def trend(
        self, id: str, title: str, desc: str, series: Sequence[Figure], kind: str,
        years: Sequence[int],
    ) -> str:  # fmt: skip
        """A small line chart of one series over the years (the trends' small multiples), built
        here rather than in a macro: a network of 100 cities draws 808 of them. Values published
        in full are joined by a line, a partial sum is a hollow mark, a year without a value is
        a gap marked with its status letters (suppressed) or a dash (missing)."""
        esc, g = self.escape, _line(series, years)
        id = str(esc(id))
        label = title if len(title) <= 34 else title[:33] + "…"
        out = [
            f'<svg class="trend-chart" id="{id}" viewBox="0 0 {g.width} {g.height}" '
            f'width="{g.width}" height="{g.height}" role="img" '
            f'aria-labelledby="{id}-t {id}-d" direction="ltr" '
            'xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{id}-t">{esc(title)}</title><desc id="{id}-d">{esc(desc)}</desc>',
            f'<text class="panel" x="4" y="13">{esc(label)}</text>',
            f'<line class="axis" x1="{g.left}" y1="{g.base}" x2="{g.right}" y2="{g.base}"/>',
        ]
        if g.top is not None:
            top = self.value(g.top, kind, "")  # Babel digits: nothing to escape
            out.append(f'<text class="scale" x="{g.left}" y="{g.top_y - 4}">{top}</text>')
        for seg in g.segments:
            points = " ".join(f"{x},{y}" for x, y in seg)
            out.append(f'<polyline class="series" points="{points}"/>')
        for cls, marks, star in (("point", g.points, ""), ("point partial", g.partial, "*")):
            for x, y, v in marks:
                text = self.value(v, kind, "")
                r = "3.5" if star else "3"
                out.append(
                    f'<circle class="{cls}" cx="{x}" cy="{y}" r="{r}"><title>{text}{star}</title>'
                    "</circle>"
                )
        for x, mark in g.gaps:
            out.append(
                f'<text class="gap" x="{x}" y="{g.base - 4}" text-anchor="middle">{mark}</text>'
            )
        out.append(
            f'<text class="year" x="{g.left}" y="{g.height - 3}" text-anchor="start">{g.first}</text>'
            f'<text class="year" x="{g.right}" y="{g.height - 3}" text-anchor="end">{g.last}</text>'
            "</svg>"
        )
        return self.markup("".join(out))

    def trend_rows(self, panels: Sequence[tuple[str, Sequence[Figure]]], kind: str) -> str:
        """The rows of a trend's data table: the network first (with its notes), then each city,
        one cell per year (built here: 101 rows of 10 years per metric in a large network)."""
        how = "mean" if kind == "points" else "sum"
        rows = []
        for i, (label, series) in enumerate(panels):
            if i == 0:
                cells = "".join(
                    f'<td class="n">{self.show(f, kind)}{self.note(f, how)}</td>' for f in series
                )
                rows.append(f'<tr class="total"><th>{self.escape(label)}</th>{cells}</tr>')
            else:
                cells = "".join(f'<td class="n">{self.show(f, kind)}</td>' for f in series)
                rows.append(f"<tr><th>{self.escape(label)}</th>{cells}</tr>")
        return self.markup("\n".join(rows))

    def note(self, fig: Figure, how: str = "sum") -> str:
        if not fig.suppressed_cities:
            return ""
        _, num = self._, self.fmt.num
        s, n = num(fig.suppressed_cities), num(fig.of_cities)
        if how == "mean":
            text = _("mean of published figures; %(s)s of %(n)s cities suppressed") % {
                "s": s,
                "n": n,
            }
        elif how == "rate":
            text = _("over cities that published both figures; %(s)s of %(n)s cities left out") % {
                "s": s, "n": n,
            }  # fmt: skip
        else:
            text = _("sum of published cells; %(s)s of %(n)s cities suppressed") % {"s": s, "n": n}
        return self.markup(f'<span class="note">{self.escape(text)}</span>')


def _context(review: Review, tr: Translator) -> dict[str, Any]:
    fmt = _Formats(tr)
    figures = _Figures(fmt, tr)
    extra = review.theme_labels

    def city(code: str) -> str:
        return tr.name(review.city_names.get(code, {})) or code

    return {
        "review": review,
        "net": review.network,
        "lang": tr.tag,
        "dir": tr.direction,
        "fallback_note": tr.page_note(),
        "f": fmt,
        "city": city,
        "network_name": tr.name(review.network_name) or "Data City",
        "theme": lambda code: tr.label(THEME_LABELS, code, extra),
        "phase": lambda code: tr.label(PHASE_LABELS, code),
        "outcome": lambda code: tr.label(OUTCOME_LABELS, code),
        "scale": _scale,
        "show": figures.show,
        "trend_rows": figures.trend_rows,
        "trend_line": lambda id, title, desc, series, kind: figures.trend(
            id, title, desc, series, kind, review.years
        ),
        "plain": figures.plain,
        "note": figures.note,
        "shown": metrics_shown_in,
    }


def render_html(
    review: Review,
    *,
    lang: str,
    catalogs: Catalogs | None = None,
    site: Mapping[str, Any] | None = None,
) -> str:
    """The review as one self-contained HTML page in ``lang`` (words from ``catalogs``);
    ``site``: the hub's navigation and language switcher, when the hub serves the page."""
    books = catalogs or _SHIPPED
    env = _environment(books, bcp47(lang))
    ctx = _context(review, books.translator(lang))
    return env.get_template("review.html.j2").render({**ctx, **(site or {})})


def render_index(
    review: Review, *, files: Mapping[str, str], catalogs: Catalogs | None = None
) -> str:
    """A small page linking the review in every language (``files``: language -> file name)."""
    books = catalogs or _SHIPPED
    english = books.translator("en")
    entries = []
    for lang, name in files.items():
        tr = books.translator(lang)
        entries.append((tr.tag, tr.fmt.language(tr.tag), name, tr.direction))
    ctx = _context(review, english)
    return (
        _environment(books, "en").get_template("index.html.j2").render({**ctx, "entries": entries})
    )


def render_pdf(html: str, *, fonts: Path | None = None) -> bytes:
    """The HTML page as PDF (print CSS applies); needs the optional ``pdf`` extra.

    ``fonts``: a folder of font files, the only fonts the PDF is drawn with (see
    :mod:`~datacity_federation._review.fonts`); none: the system's fonts.
    """
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise ReviewError(
            "PDF output needs WeasyPrint: install the 'pdf' extra "
            "(pip install 'datacity-federation[pdf]') and its system libraries (Pango); "
            f"or use --format html ({exc.__class__.__name__}: {exc})"
        ) from None
    if fonts is None:
        pdf: bytes = HTML(string=html).write_pdf()
        return pdf
    from datacity_federation._review.fonts import font_config

    drawn: bytes = HTML(string=html).write_pdf(font_config=font_config(fonts))
    return drawn
