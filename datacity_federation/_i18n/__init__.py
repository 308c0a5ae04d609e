"""Every word a person reads, and every number, amount and date, in the reader's locale.

One translation system: gettext catalogues read through Babel (the shipped ones under
``datacity_federation/locale`` and a federation's own folder, which extends and overrides them),
and one locale-aware :class:`Formatter`. A requested locale (``pt-BR`` or ``pt_BR``) takes its
words from the best catalogue (``pt_BR``, then ``pt``, then English) and its formats from the full
locale; where words fall back, the translator says so.

    >>> from datacity_federation._i18n import Catalogs
    >>> tr = Catalogs().translator("fr-CA")
    >>> tr.fmt.money(1234, "CAD")
    '1\\xa0234,00\\xa0$'
"""

from __future__ import annotations

from datacity_federation._i18n.catalogs import DOMAIN, SHIPPED_DIR, Catalogs, LanguageStatus
from datacity_federation._i18n.formatter import Formatter
from datacity_federation._i18n.locales import bcp47, catalog_name, parse_locale
from datacity_federation._i18n.translator import Translator, pick_name

__all__ = [
    "Catalogs",
    "DOMAIN",
    "Formatter",
    "LanguageStatus",
    "SHIPPED_DIR",
    "Translator",
    "bcp47",
    "catalog_name",
    "parse_locale",
    "pick_name",
]
