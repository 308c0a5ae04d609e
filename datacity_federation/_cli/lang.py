"""Language options shared by the commands that write words: catalogues, strictness, warnings."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from datacity_federation._i18n import Catalogs, Translator

__all__ = ["StrictLang", "catalogs", "checked_tags", "forget_warnings", "warn_fallbacks"]

StrictLang = Annotated[
    bool,
    typer.Option(
        "--strict-lang",
        help="Refuse a language whose words would fall back to English (default: warn once).",
    ),
]

_warned: set[str] = set()


def catalogs(cities_dir: Path | None, strict: bool) -> Catalogs:
    """The federation's catalogues (its ``locale_dir``, then the shipped ones)."""
    from datacity_federation._services.cities import find_cities_dir
    from datacity_federation._services.i18n import federation_catalogs

    return federation_catalogs(cities_dir=find_cities_dir(cities_dir), strict=strict)


def forget_warnings() -> None:
    """Start a new command: its fallbacks are said again (once each)."""
    _warned.clear()


def warn_fallbacks(translators: Iterable[Translator]) -> None:
    """Say once per language and command, on stderr, which words fall back to English."""
    for tr in translators:
        if tr.tag in _warned:
            continue
        _warned.add(tr.tag)
        for bad in tr.status.invalid:
            typer.echo(f"warning: {bad}", err=True)
        if tr.fallback:
            typer.echo(f"warning: {tr.fallback_message()}", err=True)


def checked_tags(tags: Iterable[str], option: str = "--lang") -> list[str]:
    """The tags in BCP 47 spelling; an unknown one is an error naming ``option``."""
    from datacity_federation._i18n import bcp47, parse_locale
    from datacity_federation.errors import LanguageError

    out = []
    for tag in tags:
        try:
            parse_locale(tag)
        except LanguageError as exc:
            raise LanguageError(f"{option}: {exc}") from None
        out.append(bcp47(tag))
    return out
