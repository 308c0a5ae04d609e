"""A translator: the words of one language and the formats of its full locale.

Rule header: obtained from :meth:`Catalogs.translator`; immutable once made and shared by every
page of a render. ``gettext``/``ngettext`` read the catalogue chain and fall back to the English
source text; :attr:`fallback` says whether any message of the template would.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from typing import TYPE_CHECKING

from datacity_federation._i18n.formatter import Formatter

if TYPE_CHECKING:
    from babel import Locale

    from datacity_federation._i18n.catalogs import LanguageStatus

__all__ = ["Translator", "pick_name"]


def pick_name(names: Mapping[str, str], tag: str, *, first: str | None = None) -> str:
    """The text of ``names`` for ``tag``: the tag, its base language, English, then ``first``
    (the owner's first language), then any; empty when ``names`` is empty.

    So a Spanish page shows a city by its English or French name rather than in a script its
    readers may not read.
    """
    if not names:
        return ""
    normal = {key.replace("_", "-").lower(): text for key, text in names.items()}
    wanted = tag.replace("_", "-").lower()
    base = wanted.split("-")[0]
    for key in (wanted, base, "en", (first or "").replace("_", "-").lower()):
        if key and key in normal:
            return normal[key]
    for key, text in normal.items():  # a regional spelling of the base language (pt-br for pt)
        if key.split("-")[0] == base:
            return text
    return next(iter(names.values()))


class Translator:
    """Words and formats for one requested locale."""

    def __init__(
        self, *, tag: str, locale: Locale, words: gettext.NullTranslations, status: LanguageStatus
    ) -> None:
        self.tag = tag
        """The requested locale in BCP 47 spelling (``pt-BR``)."""
        self.locale = locale
        """Babel's locale of the full tag: dates, numbers, money, plurals, direction."""
        self.status = status
        """Which messages this language translates, and which fall back to English."""
        self.fmt = Formatter(locale)
        """The one formatter of numbers, money and dates for this locale."""
        self._words = words
        self.gettext = words.gettext
        self.ngettext = words.ngettext

    def __repr__(self) -> str:
        return f"Translator({self.tag!r}, missing={len(self.status.missing)})"

    @property
    def rtl(self) -> bool:
        """True when the locale is written right to left (Arabic, Hebrew, Persian...)."""
        return bool(self.locale.character_order == "right-to-left")

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``, for an HTML ``dir`` attribute."""
        return "rtl" if self.rtl else "ltr"

    @property
    def fallback(self) -> bool:
        """True when some words of this language are shown in English."""
        return bool(self.status.missing)

    @property
    def translations(self) -> gettext.NullTranslations:
        """The gettext object (for Jinja2's ``install_gettext_translations``)."""
        return self._words

    def label(
        self, table: Mapping[str, str], code: str, extra: Mapping[str, Mapping[str, str]] = {}
    ) -> str:
        """The label of a vocabulary ``code``: a federation's own labels (``extra``) first, else
        the catalogue's translation of the table's English text; an unknown code as is."""
        own = extra.get(code)
        if own:
            return pick_name(own, self.tag)
        text = table.get(code)
        return self.gettext(text) if text else code

    def name(self, names: Mapping[str, str], *, first: str | None = None) -> str:
        """A name given per language (a city, a network), chosen by :func:`pick_name`."""
        return pick_name(names, self.tag, first=first)

    def fallback_message(self, *, strict: bool = False) -> str:
        """One line saying which words fall back (English: it is read by whoever runs it)."""
        missing = len(self.status.missing)
        if not self.status.files:
            what = f"no catalogue for {self.tag!r}"
        else:
            what = f"{missing} of {self.status.total} messages are not translated for {self.tag!r}"
        if strict:
            how = (
                f"complete it ('datacity i18n status {self.tag} --missing')"
                if self.status.files
                else f"add it with 'datacity i18n init {self.tag}'"
            )
            return f"{what} and --strict-lang is set; {how} (see docs/i18n.md)"
        how = (
            f"see 'datacity i18n status {self.tag}'"
            if self.status.files
            else f"add a catalogue: 'datacity i18n init {self.tag}'"
        )
        return (
            f"{what}: those words are shown in English, while dates, numbers and money follow "
            f"{self.tag} ({how})"
        )

    def page_note(self) -> str:
        """A short note for a generated page whose words partly fall back to English."""
        if not self.fallback:
            return ""
        # Translators: a note on a page whose words are partly shown in English.
        return self.gettext(
            "Some words on this page are shown in English: the translation into %(language)s "
            "is not complete yet."
        ) % {"language": self.fmt.language(self.tag)}
