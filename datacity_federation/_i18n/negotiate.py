"""Choose a page's language from an HTTP ``Accept-Language`` header (RFC 9110, section 12.5.4).

Rule header: pure. Ranges are read with their quality (``q=0`` refuses a range; a malformed
entry is skipped, never an error), tried best first, ties in the header's order. A range matches
a language we have when it names it (``pt-BR``), a longer form of it (``fr-CA`` -> ``fr``) or its
base language (``pt`` -> ``pt-BR``), the same chain :meth:`Catalogs.chain` reads words along;
``*`` or nothing that matches gives the default (English).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MAX_HEADER", "negotiate"]

MAX_HEADER = 1000
"""Characters of the header read; the rest is ignored (a browser sends far fewer)."""


def _ranges(header: str) -> list[str]:
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header[:MAX_HEADER].split(",")):
        tag, *params = (p.strip() for p in part.split(";"))
        if not tag or len(tag) > 35 or not all(c.isalnum() or c in "-_*" for c in tag):
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = -1.0
        if 0 < quality <= 1:
            weighted.append((-quality, index, tag.replace("_", "-").lower()))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(header: str | None, languages: Sequence[str], default: str = "en") -> str:
    """The best of ``languages`` (BCP 47 tags) for ``header``; ``default`` when none fits."""
    have = {lang.lower(): lang for lang in languages}
    for wanted in _ranges(header or ""):
        if wanted == "*":
            return default
        parts = wanted.split("-")
        for n in range(len(parts), 0, -1):
            hit = have.get("-".join(parts[:n]))
            if hit is not None:
                return hit
        base = parts[0]
        same = sorted(lang for key, lang in have.items() if key.split("-")[0] == base)
        if same:
            return same[0]
    return default
