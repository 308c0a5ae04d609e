"""One formatter for numbers, money and dates, bound to one locale, used by every output.

Rule header: each method is Babel's own function for the full requested locale (``pt-BR``, not
the catalogue that supplied the words), so that the review, the call pages, ``season status``,
the release summary and the CLI never format the same value two ways. Money keeps the locale's
own pattern (symbol before or after, spacing, separators); ``whole=True`` drops the fraction
digits from that pattern for large totals.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

__all__ = ["Formatter", "whole_currency_pattern"]

_FRACTION = re.compile(r"\.[0#]+")


@lru_cache(maxsize=512)
def whole_currency_pattern(locale: Locale) -> str:
    """The locale's standard currency pattern with its fraction digits removed."""
    pattern = locale.currency_formats["standard"].pattern
    return _FRACTION.sub("", pattern)


class Formatter:
    """Babel formatting of numbers, percentages, money and dates for one locale."""

    def __init__(self, locale: Locale) -> None:
        self.locale = locale
        self._numbers: dict[Decimal | int, str] = {}

    def number(self, value: Decimal | int | float) -> str:
        """A number with the locale's separators (``1 234,5`` in French)."""
        from babel.numbers import format_decimal

        key = value if not isinstance(value, float) else None
        if key is not None and (text := self._numbers.get(key)) is not None:
            return text
        text = format_decimal(value, locale=self.locale)
        if key is not None:  # a page repeats the same small counts many times
            self._numbers[key] = text
        return text

    def percent(self, fraction: Decimal | float, *, signed: bool = False) -> str:
        """A fraction (0.25) as a percentage, one decimal at most; ``signed`` adds ``+``."""
        from babel.numbers import format_percent

        pattern = "+#,##0.#%;-#,##0.#%" if signed else "#,##0.#%"
        return format_percent(fraction, format=pattern, locale=self.locale)

    def money(self, amount: Decimal | int, currency: str, *, whole: bool = False) -> str:
        """An amount in ``currency`` in the locale's currency pattern (``whole``: no cents)."""
        from babel.numbers import format_currency

        if whole:
            return format_currency(
                Decimal(amount).quantize(Decimal(1)),
                currency,
                format=whole_currency_pattern(self.locale),
                locale=self.locale,
                currency_digits=False,
            )
        return format_currency(amount, currency, locale=self.locale)

    def date(self, value: date, *, length: str = "long") -> str:
        """A day (``length``: short, medium, long or full)."""
        from babel.dates import format_date

        return format_date(value, format=length, locale=self.locale)

    def datetime(self, value: datetime, *, length: str = "medium") -> str:
        """A moment in its own time zone (a naive value is taken as UTC)."""
        from babel.dates import format_datetime

        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return format_datetime(aware, format=length, tzinfo=aware.tzinfo, locale=self.locale)

    def language(self, tag: str) -> str:
        """The name of a language in this locale (``portugais (Brésil)`` in French)."""
        from datacity_federation._i18n.locales import parse_locale
        from datacity_federation.errors import LanguageError

        try:
            return parse_locale(tag).get_display_name(self.locale) or tag
        except LanguageError:
            return tag
