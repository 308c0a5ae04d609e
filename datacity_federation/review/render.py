"""Render a review as one self-contained HTML page per language (and PDF through WeasyPrint).

Rule header: one locale is bound for a whole render: the gettext catalog of the language and
Babel's number, percent, currency and date formats of the same locale. The page carries its CSS
and its charts (inline SVG, each with a title, a description and a data table beside it) and
loads nothing from the network, so it opens offline. Arabic (and any right-to-left language)
gets ``dir="rtl"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from datacity_federation.domain.vocab import OUTCOME_LABELS, PHASE_LABELS, THEME_LABELS, label
from datacity_federation.errors import ReviewError
from datacity_federation.review.i18n import is_rtl, translations
from datacity_federation.review.model import Figure, FigureState, Review

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["render_html", "render_index", "render_pdf"]


@lru_cache(maxsize=32)
def _environment(lang: str) -> Environment:
    """The template environment of one language (compiled templates are kept per language)."""
    from jinja2 import (
        Environment,
        FileSystemLoader,
        StrictUndefined,
        pass_context,
        select_autoescape,
    )

    from datacity_federation.config.resources import templates_dir

    folder = templates_dir() / "review"
    if not folder.is_dir():
        raise ReviewError(f"review templates not found in {folder}")
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(["html", "j2", "svg"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]

    @pass_context
    def city_name(context: Any, code: str) -> str:
        return str(context["city"](code))

    env.filters["city_name"] = city_name
    return env


class _Formats:
    """Babel formatting bound to one locale."""

    def __init__(self, lang: str) -> None:
        from babel import Locale

        self.lang = lang
        self.locale = Locale.parse(lang, sep="-")
        self._numbers: dict[Decimal | int, str] = {}

    def num(self, value: Decimal | int | None) -> str:
        from babel.numbers import format_decimal

        if value is None:
            return ""
        text = self._numbers.get(value)
        if text is None:  # a review repeats the same small counts many times
            text = self._numbers[value] = format_decimal(value, locale=self.locale)
        return text

    def pct(self, fraction: Decimal | None) -> str:
        """A fraction (0.25) as a percentage in the locale."""
        from babel.numbers import format_percent

        if fraction is None:
            return ""
        return format_percent(fraction, format="#,##0.#%", locale=self.locale)

    def points(self, percent: Decimal | None) -> str:
        """A value already in percent (25.0) as a percentage in the locale."""
        return "" if percent is None else self.pct(percent / 100)

    def change(self, now: Figure, before: Figure) -> str:
        """Year-over-year change of two published figures, signed; empty when not comparable."""
        from babel.numbers import format_percent

        if now.value is None or before.value is None or before.value == 0:
            return ""
        ratio = (now.value - before.value) / before.value
        return format_percent(ratio, format="+#,##0.#%;-#,##0.#%", locale=self.locale)

    def money(self, value: Decimal | None, currency: str) -> str:
        from babel.numbers import format_currency

        if value is None:
            return ""
        return format_currency(
            value.quantize(Decimal(1)), currency, format="¤#,##0", locale=self.locale,
            currency_digits=False,
        )  # fmt: skip

    def day(self, value: date) -> str:
        from babel.dates import format_date

        return format_date(value, format="long", locale=self.locale)

    def moment(self, value: datetime) -> str:
        from babel.dates import format_datetime

        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return format_datetime(aware, format="medium", tzinfo=UTC, locale=self.locale)

    def language(self, code: str) -> str:
        from babel import Locale

        name = Locale.parse(code, sep="-").get_display_name(self.locale)
        return name or code


def _scale(values: Iterable[Decimal | None], width: float) -> Callable[[Decimal | None], float]:
    top = max((v for v in values if v is not None and v > 0), default=Decimal(1))

    def length(value: Decimal | None) -> float:
        return 0.0 if value is None or value <= 0 else round(float(value / top) * width, 1)

    return length


class _Figures:
    """How a figure reads: its value in the locale, or why there is none, and the network note.

    Kept in Python rather than a template macro: it runs for every cell of every table.
    """

    def __init__(self, fmt: _Formats, lang: str) -> None:
        from markupsafe import Markup, escape

        self.fmt = fmt
        self.markup = Markup
        self.escape = escape
        self._ = translations(lang).gettext

    def value(self, v: Decimal, kind: str, cur: str) -> str:
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


def _context(review: Review, lang: str) -> dict[str, Any]:
    fmt = _Formats(lang)
    figures = _Figures(fmt, lang)

    def name_of(names: Mapping[str, str], fallback: str) -> str:
        base = lang.split("-")[0]
        return (
            names.get(lang)
            or names.get(base)
            or names.get("en")
            or next(iter(names.values()), fallback)
        )

    def city(code: str) -> str:
        return name_of(review.city_names.get(code, {}), code)

    return {
        "review": review,
        "net": review.network,
        "lang": lang,
        "dir": "rtl" if is_rtl(lang) else "ltr",
        "f": fmt,
        "city": city,
        "network_name": name_of(review.network_name, "Data City"),
        "theme": lambda code: label(THEME_LABELS, code, lang),
        "phase": lambda code: label(PHASE_LABELS, code, lang),
        "outcome": lambda code: label(OUTCOME_LABELS, code, lang),
        "scale": _scale,
        "show": figures.show,
        "plain": figures.plain,
        "note": figures.note,
    }


def render_html(review: Review, *, lang: str) -> str:
    """The review as one self-contained HTML page in ``lang``."""
    return _environment(lang).get_template("review.html.j2").render(_context(review, lang))


def render_index(review: Review, *, files: Mapping[str, str]) -> str:
    """A small page linking the review in every language (``files``: language -> file name)."""
    env = _environment("en")
    entries = [
        (lang, _Formats(lang).language(lang), name, "rtl" if is_rtl(lang) else "ltr")
        for lang, name in files.items()
    ]
    ctx = _context(review, "en")
    return env.get_template("index.html.j2").render({**ctx, "entries": entries})


def render_pdf(html: str) -> bytes:
    """The HTML page as PDF (print CSS applies); needs the optional ``pdf`` extra."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise ReviewError(
            "PDF output needs WeasyPrint: install the 'pdf' extra "
            "(pip install 'datacity-federation[pdf]') and its system libraries (Pango); "
            f"or use --format html ({exc.__class__.__name__}: {exc})"
        ) from None
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
