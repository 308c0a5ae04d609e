"""Gettext catalogues: the shipped ones and a federation's own, read through Babel.

Rule header: a catalogue is ``<dir>/<lang>/LC_MESSAGES/datacity.po`` (or the ``.mo`` compiled from
it, used only when at least as new). :class:`Catalogs` is an ordered list of such folders, the
federation's first, so that its catalogues extend and override the shipped ones message by
message. The words of a language come from the chain of its candidates (``pt_BR``, then ``pt``)
in every folder, then the English source text. Which messages fell back is known, not guessed: the
shipped template (``datacity.pot``) lists every message.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from datacity_federation._i18n.locales import bcp47, catalog_candidates, parse_locale
from datacity_federation.errors import LanguageError

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from datacity_federation._i18n.translator import Translator

__all__ = [
    "DOMAIN",
    "SHIPPED_DIR",
    "Catalogs",
    "Invalid",
    "LanguageStatus",
    "catalog_file",
    "read_catalog",
    "template_ids",
]

DOMAIN = "datacity"
SHIPPED_DIR = Path(__file__).resolve().parent.parent / "locale"
SOURCE_LANGUAGE = "en"


def catalog_file(folder: Path, name: str) -> Path | None:
    """The catalogue of ``name`` in ``folder`` (``.mo`` when at least as new as the ``.po``)."""
    messages = folder / name / "LC_MESSAGES"
    po, mo = messages / f"{DOMAIN}.po", messages / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        return mo
    return po if po.is_file() else None


def read_catalog(path: Path) -> Catalog:
    """A ``.po`` or ``.mo`` file as a Babel catalogue; :class:`LanguageError` when unreadable."""
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import PoFileError, read_po

    try:
        with path.open("rb") as fh:
            if path.suffix == ".mo":
                return read_mo(fh)
            return read_po(fh, abort_invalid=True)
    except (OSError, PoFileError, ValueError, UnicodeDecodeError) as exc:
        raise LanguageError(f"{path}: cannot read the catalogue: {exc}") from None


_PLACEHOLDER = re.compile(r"%\((\w+)\)")


def placeholder_problem(msgid: str, text: str, *, plural: bool = False) -> str | None:
    """Why ``text`` cannot stand for ``msgid`` when the code fills its ``%(name)s`` placeholders
    (a name the source does not have, one left out, a stray ``%``); ``None`` when it can.

    A plural form may leave a placeholder out (a language that says "one day" in words)."""
    if "%" not in msgid:
        return None
    names = set(_PLACEHOLDER.findall(msgid))
    used = set(_PLACEHOLDER.findall(text))
    if used - names:
        return f"placeholder %({sorted(used - names)[0]})s is not in the source"
    if not plural and names - used:
        return f"placeholder %({sorted(names - used)[0]})s of the source is missing"
    try:
        text % dict.fromkeys(names, 1)
    except (KeyError, ValueError, TypeError) as exc:
        return f"does not format: {exc}"
    return None


@dataclass(frozen=True)
class Invalid:
    """A translation dropped because the code could not fill it (the next catalogue's is used)."""

    path: Path
    line: int
    msgid: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.msgid!r}: {self.reason}; translation ignored"


@dataclass(frozen=True)
class _Loaded:
    translations: gettext.GNUTranslations
    translated: frozenset[str]
    fuzzy: frozenset[str]
    invalid: tuple[Invalid, ...]


@lru_cache(maxsize=128)
def _load(path: Path, mtime_ns: int) -> _Loaded:
    from babel.messages.mofile import write_mo

    catalog = read_catalog(path)
    translated: set[str] = set()
    fuzzy: set[str] = set()
    invalid: list[Invalid] = []
    for message in list(catalog):
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        source = message.id if isinstance(message.id, str) else message.id[-1]
        strings = tuple(
            str(x) for x in (message.string if isinstance(message.string, tuple | list)
                             else (message.string,))
        )  # fmt: skip
        problems = [
            p
            for text in strings
            if text
            and (p := placeholder_problem(source, text, plural=isinstance(message.id, tuple)))
        ]
        if problems:
            invalid.append(Invalid(path, message.lineno or 0, key, problems[0]))
            catalog.delete(message.id, context=message.context)
        elif message.fuzzy:
            fuzzy.add(key)
        elif all(strings):
            translated.add(key)
    buffer = io.BytesIO()
    try:
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        words = gettext.GNUTranslations(buffer)
    except (ValueError, SyntaxError, OverflowError, RecursionError) as exc:
        # A Plural-Forms header gettext cannot read, for one.
        raise LanguageError(f"{path}: cannot read the catalogue: {exc}") from None
    return _Loaded(words, frozenset(translated), frozenset(fuzzy), tuple(invalid))


def _loaded(path: Path) -> _Loaded:
    return _load(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=1)
def _template_ids(pot: Path, mtime_ns: int) -> frozenset[str]:
    catalog = read_catalog(pot)
    return frozenset(m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id)


def template_ids() -> frozenset[str]:
    """Every message the package shows a person (the ids of the shipped ``datacity.pot``)."""
    pot = SHIPPED_DIR / f"{DOMAIN}.pot"
    return _template_ids(pot, pot.stat().st_mtime_ns) if pot.is_file() else frozenset()


@dataclass(frozen=True)
class LanguageStatus:
    """How complete one language's catalogue chain is against the template."""

    lang: str
    files: tuple[Path, ...]
    translated: int
    missing: tuple[str, ...]
    fuzzy: tuple[str, ...]
    invalid: tuple[Invalid, ...] = ()
    """Translations ignored because the code could not fill their placeholders."""

    @property
    def total(self) -> int:
        return self.translated + len(self.missing)

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Catalogs:
    """Where catalogues are read from, best first (a federation's folder, then the shipped one).

    ``strict``: a language whose words would fall back to English is an error, not a warning.
    """

    folders: tuple[Path, ...] = (SHIPPED_DIR,)
    strict: bool = False
    _cache: dict[str, Translator] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def with_folder(cls, folder: Path | None, *, strict: bool = False) -> Catalogs:
        """The shipped catalogues extended and overridden by those in ``folder`` (if any)."""
        folders = (folder, SHIPPED_DIR) if folder is not None else (SHIPPED_DIR,)
        return cls(folders=folders, strict=strict)

    def names(self) -> tuple[str, ...]:
        """Every catalogue name present in any folder, plus English, sorted."""
        found = {SOURCE_LANGUAGE}
        for folder in self.folders:
            if folder.is_dir():
                found |= {d.name for d in folder.iterdir() if catalog_file(folder, d.name)}
        return tuple(sorted(found))

    def languages(self) -> tuple[str, ...]:
        """The languages with a catalogue, in BCP 47 spelling (``pt-BR``), sorted."""
        return tuple(sorted(bcp47(name) for name in self.names()))

    def chain(self, tag: str) -> tuple[str, ...]:
        """Catalogue names read for ``tag``, best first: the tag, its shorter forms (``pt_BR``,
        ``pt``), then another region of the same language (a ``pt-PT`` reader is better served
        by ``pt_BR`` than by English); English, the source text, is always last."""
        names = list(catalog_candidates(tag))
        base = names[-1]
        names += [n for n in self.names() if n.split("_")[0] == base and n not in names]
        return tuple(names)

    def files_for(self, tag: str) -> tuple[Path, ...]:
        """The catalogue files of ``tag``'s chain, best first."""
        files: list[Path] = []
        for name in self.chain(tag):
            for folder in self.folders:
                path = catalog_file(folder, name)
                if path is not None:
                    files.append(path)
        return tuple(files)

    def status(self, tag: str) -> LanguageStatus:
        """Translated, missing and fuzzy messages of ``tag`` against the template."""
        files = self.files_for(tag)
        loaded = [_loaded(path) for path in files]
        translated = frozenset().union(*(x.translated for x in loaded))
        fuzzy = frozenset().union(*(x.fuzzy for x in loaded)) - translated
        ids = template_ids()
        if bcp47(tag).split("-")[0] == SOURCE_LANGUAGE:
            missing: frozenset[str] = frozenset()
        else:
            missing = ids - translated
        return LanguageStatus(
            lang=bcp47(tag),
            files=files,
            translated=len(ids & translated) if missing else len(ids),
            missing=tuple(sorted(missing)),
            fuzzy=tuple(sorted(fuzzy & ids)),
            invalid=tuple(i for x in loaded for i in x.invalid),
        )

    def translator(self, tag: str) -> Translator:
        """The words of ``tag`` (best catalogue chain) and the formats of its full locale.

        Never fails for a language CLDR knows: missing words fall back to English, which the
        translator reports (:attr:`Translator.fallback`); with ``strict`` that is a
        :class:`LanguageError` instead.
        """
        key = bcp47(tag)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        from datacity_federation._i18n.translator import Translator

        locale = parse_locale(key)
        status = self.status(key)
        chain: gettext.NullTranslations = gettext.NullTranslations()
        files = status.files
        if files:
            chain = _chain([_loaded(path).translations for path in files])
        translator = Translator(tag=key, locale=locale, words=chain, status=status)
        if self.strict and translator.fallback:
            raise LanguageError(translator.fallback_message(strict=True))
        self._cache[key] = translator
        return translator

    def translators(self, tags: Sequence[str]) -> list[Translator]:
        """One translator per tag, in order (see :meth:`translator`); when strict, one
        :class:`LanguageError` names every language that would fall back."""
        made, refused = [], []
        for tag in tags:
            try:
                made.append(self.translator(tag))
            except LanguageError as exc:
                if not self.strict:
                    raise
                refused.append(str(exc))
        if refused:
            raise LanguageError("; ".join(refused))
        return made


def _chain(items: Sequence[gettext.NullTranslations]) -> gettext.NullTranslations:
    """Copies of the loaded catalogues linked best first (the cached ones stay unlinked)."""
    import copy

    head: gettext.NullTranslations | None = None
    for item in reversed(items):
        link = copy.copy(item)
        if head is not None:
            link.add_fallback(head)
        head = link
    assert head is not None
    return head
