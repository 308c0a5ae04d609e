"""The fonts of the review's PDF: where they live, what they cover, and what a page lacks.

Rule header: the PDF is drawn with the project's own font folder only (Noto fonts for every
script of the shipped languages, put there by ``make fonts``: ``scripts/review-fonts.sh``), so a
PDF looks the same on every machine and its coverage can be checked exactly. Before a page is
drawn, its text is split into Unicode scripts (fontTools' script data) and every character is
looked up in the folder's fonts' character maps; a script with characters no font covers is a
:class:`FontGap`, which the caller reports as a warning, or refuses under ``--strict-fonts``.
Without a font folder the system's fonts draw the page, unchecked, and the caller says so.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from datacity_federation.errors import ReviewError

__all__ = [
    "FONTS_ENV",
    "FONT_SUFFIXES",
    "FontGap",
    "coverage",
    "font_config",
    "font_files",
    "font_gaps",
    "fonts_dir",
    "gaps_message",
    "page_text",
]

FONTS_ENV = "DATACITY_FONTS"
"""Environment variable naming the PDF's font folder (default: ``<venv>/share/datacity-fonts``)."""

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")

_LOCK = threading.Lock()


def fonts_dir() -> Path:
    """The PDF's font folder: ``$DATACITY_FONTS``, else ``share/datacity-fonts`` in the
    Python environment (the project's ``.venv`` for ``make fonts``)."""
    chosen = os.environ.get(FONTS_ENV)
    return Path(chosen) if chosen else Path(sys.prefix) / "share" / "datacity-fonts"


def font_files(folder: Path) -> tuple[Path, ...]:
    """The font files directly in ``folder`` (none when it does not exist)."""
    if not folder.is_dir():
        return ()
    return tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES))


@lru_cache(maxsize=64)
def _cmap(path: str, stamp: tuple[int, int]) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    points: set[int] = set()
    with Path(path).open("rb") as file:  # closed here even when fontTools refuses the file
        fonts = (
            TTCollection(file, lazy=True).fonts
            if path.lower().endswith(".ttc")
            else [TTFont(file, lazy=True)]
        )
        for font in fonts:
            points.update(font.getBestCmap() or {})
    return frozenset(points)


def coverage(files: Sequence[Path]) -> frozenset[int]:
    """Every code point some font of ``files`` draws (read once per file version)."""
    from fontTools.ttLib import TTLibError

    points: set[int] = set()
    for path in files:
        try:
            stat = path.stat()
            points |= _cmap(str(path), (stat.st_mtime_ns, stat.st_size))
        except (OSError, TTLibError, AssertionError, KeyError, ValueError) as exc:
            raise ReviewError(f"{path}: not a font file that can be read ({exc})") from None
    return frozenset(points)


class _Text(HTMLParser):
    """The text a page draws: element text and SVG labels, not styles, scripts or the head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"style", "script", "head"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "script", "head"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    """The visible text of an HTML page."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


@dataclass(frozen=True, slots=True)
class FontGap:
    """A script of the page with characters no font of the folder draws."""

    script: str
    """ISO 15924 code (``Taml``, ``Hani``, ``Zyyy`` for common signs)."""
    name: str
    """The script's English name (``Tamil``)."""
    missing: str
    """The distinct characters no font covers, in page order."""


_SHARED = frozenset({"Zyyy", "Zinh"})
"""Common and inherited characters: digits, punctuation, combining marks."""


def font_gaps(text: str, covered: frozenset[int]) -> tuple[FontGap, ...]:
    """The scripts of ``text`` with characters outside ``covered`` (spaces and invisible
    format marks, which no font has to draw, aside). A common or inherited character counts for
    the script of the text around it (an Arabic comma, a vowel mark), as a renderer's script
    runs do."""
    import unicodedata

    from fontTools import unicodedata as ucd

    lacking: dict[str, list[str]] = {}
    seen: set[str] = set()
    run = "Zyyy"
    for char in text:
        script = ucd.script(char)
        if script not in _SHARED:
            run = script
        if char in seen:
            continue
        seen.add(char)
        if ord(char) in covered or unicodedata.category(char)[0] in {"Z", "C"}:
            continue
        if script in _SHARED:
            # A sign shared by scripts (a comma, a vowel mark) counts for the run it is in,
            # unless it belongs to named scripts only (the Arabic comma after a Latin name).
            named = sorted(ucd.script_extension(char) - _SHARED)
            script = run if not named or run in named else named[0]
        lacking.setdefault(script, []).append(char)
    return tuple(
        FontGap(script=code, name=ucd.script_name(code), missing="".join(chars))
        for code, chars in lacking.items()
    )


def gaps_message(name: str, gaps: Sequence[FontGap], folder: Path) -> str:
    """One line naming the scripts a page lacks fonts for, and how to get them."""
    what = "; ".join(
        f"{gap.name} ({len(gap.missing)} character{'s' if len(gap.missing) > 1 else ''}, "
        f"e.g. {gap.missing[:3]!r})"
        for gap in gaps
    )
    return (
        f"{name}: no font in {folder} draws {what}; those characters would be blank in the PDF "
        f"(run 'make fonts', or set {FONTS_ENV} to a folder of fonts covering them)"
    )


def _config_xml(folder: Path, cache: Path) -> str:
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig>\n  <dir>{escape(str(folder))}</dir>\n"
        f"  <cachedir>{escape(str(cache))}</cachedir>\n</fontconfig>\n"
    )


def _config_file(folder: Path) -> Path:
    """A fontconfig file naming ``folder`` alone, kept (with fontconfig's cache of the folder)
    in the temporary folder: the font folder itself may be read-only."""
    import hashlib
    import tempfile

    digest = hashlib.sha256(str(folder).encode()).hexdigest()[:16]
    home = Path(tempfile.gettempdir()) / f"datacity-fontconfig-{digest}"
    conf = home / "fonts.conf"
    xml = _config_xml(folder, home / "cache")
    try:
        home.mkdir(parents=True, exist_ok=True)
        if not conf.is_file() or conf.read_text(encoding="utf-8") != xml:
            conf.write_text(xml, encoding="utf-8")
    except OSError as exc:
        raise ReviewError(f"cannot write the PDF's font configuration {conf}: {exc}") from None
    return conf


def font_config(folder: Path) -> Any:
    """A WeasyPrint font configuration that sees the fonts of ``folder`` and no others.

    fontconfig reads its configuration file from ``FONTCONFIG_FILE`` when a configuration is
    loaded; it is set for that moment only, under a lock, and put back at once.
    """
    from weasyprint.text.fonts import FontConfiguration

    # An absolute name: fontconfig looks a relative one up in its own folders.
    conf = _config_file(folder.resolve())
    with _LOCK:
        before = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(conf)
        try:
            config = FontConfiguration()
        finally:
            if before is None:
                del os.environ["FONTCONFIG_FILE"]
            else:
                os.environ["FONTCONFIG_FILE"] = before
    return config
