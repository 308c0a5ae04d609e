"""Terminal output of the city commands, formatted with Babel for one locale."""

from __future__ import annotations

import typer

from datacity_federation.domain.vocab import label
from datacity_federation.services.cities import TimelineView

__all__ = ["print_timeline"]

# A few words of the timeline in the languages the vocabulary covers; {n} is a formatted number.
_WORDS: dict[str, dict[str, str]] = {
    "season": {"en": "season", "fr": "saison", "es": "temporada", "ca": "temporada",
               "ar": "الموسم", "hi": "सत्र", "kn": "ಋತು", "ms": "musim", "ta": "பருவம்", "zh": "季"},
    "left": {"en": "{n} days left", "fr": "encore {n} jours", "es": "quedan {n} días",
             "ca": "queden {n} dies", "ar": "متبقٍ {n} يوم", "hi": "{n} दिन शेष",
             "kn": "{n} ದಿನಗಳು ಉಳಿದಿವೆ", "ms": "{n} hari lagi", "ta": "{n} நாட்கள் உள்ளன",
             "zh": "剩余 {n} 天"},
    "none": {"en": "no phase running on {d}", "fr": "aucune phase en cours le {d}",
             "es": "ninguna fase en curso el {d}", "ca": "cap fase en curs el {d}",
             "ar": "لا توجد مرحلة جارية في {d}", "hi": "{d} को कोई चरण नहीं चल रहा",
             "kn": "{d} ರಂದು ಯಾವುದೇ ಹಂತ ನಡೆಯುತ್ತಿಲ್ಲ", "ms": "tiada fasa berjalan pada {d}",
             "ta": "{d} அன்று எந்தக் கட்டமும் நடைபெறவில்லை", "zh": "{d} 没有进行中的阶段"},
}  # fmt: skip


def _word(key: str, lang: str) -> str:
    return label(_WORDS, key, lang)


def print_timeline(view: TimelineView) -> None:
    """Print the phases, one a line, marking the current one with ``▶`` and its days left."""
    from babel import Locale
    from babel.dates import format_date
    from babel.numbers import format_decimal

    locale = Locale.parse(view.lang, sep="-")
    city_name = view.city.name.get(view.lang) or view.city.name[view.city.default_language]
    typer.echo(
        f"{city_name} — {_word('season', view.lang)} {view.season.number} ({view.season.id})"
    )
    width = max(len(line.label) for line in view.lines)
    for line in view.lines:
        start = format_date(line.start, format="long", locale=locale)
        end = format_date(line.end, format="long", locale=locale)
        mark = "▶" if line.current else " "
        text = f"{mark} {line.label.ljust(width)}  {start} – {end}"
        if line.current and line.days_left is not None:
            left = format_decimal(line.days_left, locale=locale)
            text += f"  ({_word('left', view.lang).format(n=left)})"
        typer.echo(text)
    if not any(line.current for line in view.lines):
        day = format_date(view.on, format="long", locale=locale)
        typer.echo(f"  {_word('none', view.lang).format(d=day)}")
