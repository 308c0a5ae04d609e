"""Locale tags: BCP 47 (``pt-BR``) and POSIX (``pt_BR``) spellings read alike.

Rule header: a tag names the *full* locale (dates, numbers, money, plurals, text direction follow
it), while the words come from the best catalogue on the chain ``pt-BR -> pt_BR -> pt -> en``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from datacity_federation.errors import LanguageError

if TYPE_CHECKING:
    from babel import Locale

__all__ = ["bcp47", "catalog_candidates", "catalog_name", "parse_locale"]


def bcp47(tag: str) -> str:
    """The BCP 47 spelling of ``tag``: ``pt_BR`` and ``pt-br`` both give ``pt-BR``.

    Language lower case, script title case (``zh-Hans``), region upper case; an encoding or
    modifier of a POSIX locale (``.UTF-8``, ``@euro``) is dropped.
    """
    base = tag.strip().split(".")[0].split("@")[0].replace("_", "-")
    parts = [p for p in base.split("-") if p]
    if not parts:
        raise LanguageError(f"not a language tag: {tag!r}")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) in (2, 3) and (part.isalpha() or part.isdigit()):
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


@lru_cache(maxsize=256)
def parse_locale(tag: str) -> Locale:
    """The Babel locale of ``tag`` (either spelling); :class:`LanguageError` when CLDR has none."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(bcp47(tag), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        raise LanguageError(f"unknown language {tag!r} (a BCP 47 tag such as pt-BR)") from None


def catalog_name(tag: str) -> str:
    """The folder name of a catalogue for ``tag``: POSIX spelling, ``pt_BR``, ``zh_Hans``."""
    return bcp47(tag).replace("-", "_")


def catalog_candidates(tag: str) -> tuple[str, ...]:
    """Catalogue names to look for, best first: ``zh-Hans-CN`` -> zh_Hans_CN, zh_Hans, zh."""
    parts = catalog_name(tag).split("_")
    return tuple("_".join(parts[:n]) for n in range(len(parts), 0, -1))
