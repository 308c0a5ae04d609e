"""The review's PDF is drawn for every kind of script, and says so when a script has no font.

The PDFs are rendered for real (WeasyPrint, in the test extra) with the project's font folder
(``make fonts``), then read back with pypdf: the page's words must come out of the file.
"""

from __future__ import annotations

import io
import os
import shutil
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from datacity_federation._i18n import Catalogs
from datacity_federation._review.fonts import font_files, fonts_dir
from datacity_federation.testing import RunCli

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def font_folder() -> Path:
    """The fonts ``make fonts`` puts in the environment (a failure under CI when absent)."""
    folder = fonts_dir()
    if not font_files(folder):
        message = f"no fonts in {folder}: run 'make fonts' (scripts/review-fonts.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return folder


@pytest.fixture
def latin_only(font_folder: Path, tmp_path: Path) -> Path:
    """A font folder that draws Latin only."""
    folder = tmp_path / "latin-fonts"
    folder.mkdir()
    shutil.copy(font_folder / "NotoSans-Regular.ttf", folder)
    return folder


def _pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(page.extract_text() or "" for page in reader.pages)


PRE_BASE = frozenset("\u093f\u0bc6\u0bc7\u0bc8")
"""Vowel signs drawn before their consonant (Devanagari i, Tamil e, ee, ai): the PDF maps the
reordered glyph cluster back to text that no extractor (pypdf, pdftotext) puts in order again."""


def _words(text: str) -> list[str]:
    """The words of a heading that a PDF gives back (a hyphenated compound comes out in parts)."""
    return [w for w in text.replace("-", " ").split() if len(w) > 1 and not PRE_BASE & set(w)]


def _letters(text: str) -> str:
    """The base letters of ``text`` in order: a PDF gives back shaped text in drawing order
    (an Indic vowel sign drawn before its consonant, spaces between glyph runs), so vowel signs,
    joiners and spaces are left out on both sides of the comparison."""
    return "".join(
        c for c in unicodedata.normalize("NFC", text)
        if unicodedata.category(c)[0] not in {"M", "Z", "C"} and not c.isspace()
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["fr", "zh", "hi", "ar"])
def test_review_pdf_text_reads_back_in_every_script(
    lang: str, font_folder: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli(
        "review", "2019", "--sample", "--lang", lang, "--format", "pdf", "--strict-fonts",
        "--fonts", str(font_folder), "--out", str(tmp_path),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "warning" not in result.err
    text = _pdf_text(tmp_path / f"review-2019.{lang}.pdf")
    tr = Catalogs().translator(lang)
    english = ["The network at a glance", "Themes across cities", "How to read this review"]
    headings = [tr.gettext(msgid) for msgid in english]
    assert not set(headings) & set(english)  # the words of the language, not English
    words = [word for heading in headings for word in _words(heading)]
    assert len(words) >= 3
    for word in words:
        assert _letters(word) in _letters(text), (lang, word)


def test_review_pdf_warns_of_a_script_without_a_font(
    latin_only: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli(
        "review", "2019", "--sample", "--lang", "ta", "--format", "pdf",
        "--fonts", str(latin_only), "--out", str(tmp_path),
    )  # fmt: skip
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        f"warning: review-2019.ta.pdf: no font in {latin_only} draws Tamil"
    )
    assert "make fonts" in warnings[0]
    assert (tmp_path / "review-2019.ta.pdf").read_bytes().startswith(b"%PDF")


def test_review_pdf_strict_fonts_refuses_and_writes_nothing(
    latin_only: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "review", "2019", "--sample", "--lang", "en", "--lang", "ar", "--format", "pdf",
        "--strict-fonts", "--fonts", str(latin_only), "--out", str(out),
    )  # fmt: skip
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert "--strict-fonts: review-2019.ar.pdf: no font in" in lines[0]
    assert "draws Arabic" in result.err
    assert list(out.glob("*.pdf")) == []


def test_review_pdf_without_fonts_warns_or_refuses_under_strict(
    run_cli: RunCli, tmp_path: Path
) -> None:
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    args = ("review", "2019", "--sample", "--lang", "en", "--format", "pdf", "--fonts", str(empty))
    strict = run_cli(*args, "--strict-fonts", "--out", str(tmp_path / "strict"))
    assert strict.code == 1
    assert f"--strict-fonts: no fonts in {empty}" in strict.err
    loose = run_cli(*args, "--out", str(tmp_path / "loose"))
    assert loose.code == 0, loose.err
    assert f"warning: no fonts in {empty}: the PDF is drawn with this machine's fonts" in loose.err
    assert (tmp_path / "loose" / "review-2019.en.pdf").read_bytes().startswith(b"%PDF")
