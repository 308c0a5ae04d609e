"""The review's message catalogs: compiled ``.mo`` when installed, ``.po`` compiled in memory
when running from a source tree.

Rule header: catalogs live in ``datacity_federation/locale/<lang>/LC_MESSAGES/datacity.po``; a
wheel carries the ``.mo`` files the build hook compiled. A compiled catalog is used only when it
is at least as new as its ``.po`` (so an edited translation is never hidden by a stale build).
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

from datacity_federation.errors import ReviewError

__all__ = ["DOMAIN", "LOCALE_DIR", "is_rtl", "shipped_languages", "translations"]

DOMAIN = "datacity"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def shipped_languages() -> tuple[str, ...]:
    """Every language with a catalog, sorted."""
    if not LOCALE_DIR.is_dir():
        return ()
    return tuple(
        sorted(
            d.name
            for d in LOCALE_DIR.iterdir()
            if (d / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
            or (d / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()
        )
    )


def _catalog_for(lang: str) -> str:
    shipped = shipped_languages()
    base = lang.replace("_", "-").split("-")[0].lower()
    for candidate in (lang, base):
        if candidate in shipped:
            return candidate
    raise ReviewError(
        f"no review translation for language {lang!r}; shipped: {', '.join(shipped) or 'none'}"
    )


@lru_cache(maxsize=32)
def translations(lang: str) -> gettext.GNUTranslations:
    """The catalog of ``lang`` (or its base language); :class:`ReviewError` when none ships."""
    folder = LOCALE_DIR / _catalog_for(lang) / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    return gettext.GNUTranslations(io.BytesIO(compile_po(po)))


def compile_po(po: Path) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file (fuzzy entries left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def is_rtl(lang: str) -> bool:
    """True when ``lang`` is written right to left (Arabic, Hebrew, Persian, Urdu...)."""
    from babel import Locale, UnknownLocaleError

    try:
        return bool(Locale.parse(lang, sep="-").character_order == "right-to-left")
    except (ValueError, UnknownLocaleError):
        return False
