"""Use cases of the translations: a federation's catalogues, their status, new and updated ones.

A federation keeps its own catalogues in a folder beside its city files (``federation.yaml``
``locale_dir``, default ``locale/``). They extend the shipped ones (a new language) and override
them message by message (a corrected word), so a programme director never edits the installed
package. ``init``, ``update`` and ``compile`` are Babel's own catalogue machinery
(:class:`babel.messages.catalog.Catalog`, ``read_po``/``write_po``, ``write_mo``), applied to the
shipped template ``datacity.pot``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from datacity_federation._config.loader import FEDERATION_FILE, load_federation_settings
from datacity_federation._i18n import DOMAIN, SHIPPED_DIR, Catalogs, LanguageStatus
from datacity_federation._i18n.catalogs import read_catalog
from datacity_federation._i18n.locales import catalog_name, parse_locale
from datacity_federation.errors import LanguageError

__all__ = [
    "CatalogWrite",
    "compile_catalogs",
    "federation_catalogs",
    "init_catalog",
    "locale_folder",
    "language_status",
    "update_catalogs",
]


def locale_folder(cities_dir: Path) -> Path:
    """The federation's catalogue folder: ``locale_dir`` of ``federation.yaml``, beside it."""
    federation = cities_dir / FEDERATION_FILE
    name = load_federation_settings(federation).locale_dir if federation.is_file() else "locale"
    return (cities_dir / name).resolve()


def federation_catalogs(*, cities_dir: Path, strict: bool = False) -> Catalogs:
    """The catalogues a federation reads: its own folder first, then the shipped ones.

    ``strict`` (or ``strict_lang: true`` in ``federation.yaml``) makes a language whose words
    fall back to English an error.
    """
    federation = cities_dir / FEDERATION_FILE
    if federation.is_file():
        settings = load_federation_settings(federation)
        strict = strict or settings.strict_lang
    return Catalogs.with_folder(locale_folder(cities_dir), strict=strict)


def language_status(*, catalogs: Catalogs, languages: tuple[str, ...] = ()) -> list[LanguageStatus]:
    """Translated, missing and fuzzy messages per language (default: every catalogue present)."""
    wanted = languages or tuple(lang for lang in catalogs.languages() if lang != "en")
    return [catalogs.status(lang) for lang in wanted]


@dataclass(frozen=True)
class CatalogWrite:
    """A catalogue file written, and how many of its messages still need a translation."""

    path: Path
    lang: str
    untranslated: int


def _template() -> Path:
    pot = SHIPPED_DIR / f"{DOMAIN}.pot"
    if not pot.is_file():
        raise LanguageError(f"the message template {pot} is missing from the installation")
    return pot


def _po_path(folder: Path, lang: str) -> Path:
    return folder / catalog_name(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


def _untranslated(path: Path) -> int:
    catalog = read_catalog(path)
    return sum(
        1
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))
    )


def _write_po(path: Path, catalog: object) -> None:
    from babel.messages.pofile import write_po

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".po.tmp")
    with tmp.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=False)  # type: ignore[arg-type]
    tmp.replace(path)


def init_catalog(*, folder: Path, lang: str, force: bool = False) -> CatalogWrite:
    """Start a catalogue for ``lang`` in ``folder`` from the shipped template.

    Where a shipped catalogue of the language (or its base language) exists, its translations are
    copied in, so a director starts from what ships and corrects or completes it.
    """
    from babel.messages.catalog import Catalog

    locale = parse_locale(lang)
    path = _po_path(folder, lang)
    if path.exists() and not force:
        raise LanguageError(f"{path}: a catalogue exists already (update it, or use --force)")
    template = read_catalog(_template())
    catalog = Catalog(
        locale=locale,
        domain=DOMAIN,
        project=template.project,
        version=template.version,
        fuzzy=False,
        charset="utf-8",
    )
    shipped = Catalogs().files_for(lang)
    known = read_catalog(shipped[0]) if shipped and shipped[0].suffix == ".po" else None
    for message in template:
        if not message.id:
            continue
        found = known.get(message.id) if known is not None else None
        catalog.add(
            message.id,
            string=found.string if found is not None and not found.fuzzy else "",
            locations=message.locations,
            flags=message.flags,
            auto_comments=message.auto_comments,
            context=message.context,
        )
    _write_po(path, catalog)
    return CatalogWrite(path=path, lang=str(locale), untranslated=_untranslated(path))


def update_catalogs(*, folder: Path) -> list[CatalogWrite]:
    """Bring every catalogue in ``folder`` up to the shipped template (Babel's update: new
    messages added, vanished ones made obsolete, changed ones marked fuzzy)."""
    template = read_catalog(_template())
    written = []
    for po in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        catalog = read_catalog(po)
        catalog.update(template, no_fuzzy_matching=False)
        _write_po(po, catalog)
        written.append(
            CatalogWrite(path=po, lang=po.parent.parent.name, untranslated=_untranslated(po))
        )
    return written


def compile_catalogs(*, folder: Path) -> list[Path]:
    """Compile every ``.po`` in ``folder`` to ``.mo`` beside it (fuzzy entries left out).

    Optional: catalogues are read from ``.po`` directly; a ``.mo`` only saves the parse.
    """
    from babel.messages.mofile import write_mo

    written = []
    for po in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        catalog = read_catalog(po)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        written.append(mo)
    return written
