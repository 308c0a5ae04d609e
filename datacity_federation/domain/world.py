"""Codes the outside world defines: languages, currencies, countries (CLDR), time zones (IANA).

Rule header: each check here is the one place a code is known or not, and the domain's types
(``LanguageTag``, ``CurrencyCode``, ``CountryCode``, ``TimeZoneName``) call it, so a model built
in code, a city file and a CSV row are refused alike. The registries are data shipped with
libraries, not I/O of the programme: the IANA database through stdlib ``zoneinfo``, the CLDR lists
through Babel (imported on first use, so importing the domain stays light). Each answer is
cached: a CSV of 100,000 rows asks about the same few codes.
"""

from __future__ import annotations

import functools
import zoneinfo

__all__ = ["check_country", "check_currency", "check_language", "check_timezone"]

# CLDR also names groupings and private-use codes that are no country (EU, UN, ZZ...).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})


@functools.lru_cache(maxsize=512)
def _known_language(tag: str) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(tag.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError):
        return False
    return True


@functools.lru_cache(maxsize=1024)
def _known_timezone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


@functools.lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


@functools.lru_cache(maxsize=1)
def _territories() -> frozenset[str]:
    from babel import Locale

    return frozenset(
        str(code)
        for code in Locale("en").territories
        if str(code).isalpha() and str(code) not in _NOT_COUNTRIES
    )


def check_language(tag: str) -> str:
    """``tag`` when CLDR knows the language; ``ValueError`` otherwise."""
    if not _known_language(tag):
        raise ValueError(f"unknown language {tag!r} (BCP 47, e.g. 'fr', 'zh-Hans')")
    return tag


def check_timezone(name: str) -> str:
    """``name`` when the IANA database has the zone; ``ValueError`` otherwise."""
    if not _known_timezone(name):
        raise ValueError(f"unknown time zone {name!r} (IANA, e.g. 'Europe/Paris')")
    return name


def check_currency(code: str) -> str:
    """``code`` when it is an ISO 4217 currency; ``ValueError`` otherwise."""
    if code not in _currencies():
        raise ValueError(f"unknown currency {code!r} (ISO 4217, e.g. 'EUR')")
    return code


def check_country(code: str) -> str:
    """``code`` when it is an ISO 3166-1 alpha-2 country; ``ValueError`` otherwise."""
    if code not in _territories():
        raise ValueError(f"unknown country {code!r} (ISO 3166-1 alpha-2, e.g. 'FR')")
    return code
