"""Which scripts of a page its fonts do not draw: the check behind the PDF's font warning."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datacity_federation._review.fonts import (
    coverage,
    font_files,
    font_gaps,
    gaps_message,
    page_text,
)
from datacity_federation.errors import ReviewError

pytestmark = pytest.mark.unit

LATIN = frozenset(range(0x20, 0x250))


def test_font_gaps_names_the_script_a_font_set_lacks() -> None:
    gaps = font_gaps("Bilan 2019 — நகரங்களுக்கிடையிலான", LATIN | {ord("—")})
    assert [(g.script, g.name) for g in gaps] == [("Taml", "Tamil")]
    assert gaps[0].missing == "".join(dict.fromkeys("நகரங்களுக்கிடையிலான"))


def test_font_gaps_counts_shared_signs_for_their_script() -> None:
    gaps = font_gaps("Paris، مدينة", LATIN)
    assert [g.script for g in gaps] == ["Arab"]
    assert "،" in gaps[0].missing


def test_font_gaps_is_empty_when_every_character_is_covered() -> None:
    text = "Données 2019 : 12 % — 3 villes"
    assert font_gaps(text, frozenset(map(ord, text))) == ()


def test_page_text_leaves_out_styles_scripts_and_the_head() -> None:
    html = (
        "<html><head><title>ஆண்டு</title><style>p{font:x}</style></head>"
        "<body><p>Bilan</p><script>var x</script><svg><text>年度</text></svg></body></html>"
    )
    assert page_text(html) == "Bilan年度"


def test_gaps_message_says_what_and_how_to_fix() -> None:
    line = gaps_message("review-2019.ja.pdf", font_gaps("年度", LATIN), Path("/fonts"))
    assert line.startswith("review-2019.ja.pdf: no font in /fonts draws Han (2 characters")
    assert "make fonts" in line


@given(st.text(max_size=60), st.frozensets(st.integers(0, 0x3000), max_size=200))
def test_font_gaps_reports_exactly_the_visible_characters_not_covered(
    text: str, covered: frozenset[int]
) -> None:
    reported = "".join(g.missing for g in font_gaps(text, covered))
    visible = {c for c in text if ord(c) not in covered and unicodedata.category(c)[0] not in "ZC"}
    assert set(reported) == visible
    assert len(reported) == len(visible)  # each character once


def test_coverage_of_a_broken_font_file_is_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "Broken-Regular.ttf"
    broken.write_bytes(b"not a font at all")
    with pytest.raises(ReviewError, match=r"Broken-Regular.ttf: not a font file that can be read"):
        coverage(font_files(tmp_path))
