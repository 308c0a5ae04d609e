"""Accept-Language negotiation for the hub's pages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from datacity_federation._i18n import Catalogs
from datacity_federation._i18n.negotiate import negotiate

pytestmark = pytest.mark.unit

LANGS = Catalogs().languages()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("de;q=0.2, ja", "ja"),
        ("pt", "pt-BR"),
        ("pt-PT,pt;q=0.9", "pt-BR"),
        ("PT-br", "pt-BR"),
        ("zh-Hans-CN", "zh"),
        ("sw, ar;q=0.5", "ar"),
        ("he;q=0, ko", "ko"),
        ("*", "en"),
        ("sw", "en"),
        ("", "en"),
        (None, "en"),
        ("fr;q=abc, es", "es"),
        ("<script>, ;;, tr", "tr"),
        ("ca;q=2, it", "it"),
    ],
)
def test_negotiate_picks_the_best_language_we_have(header: str | None, expected: str) -> None:
    assert negotiate(header, LANGS) == expected


@given(st.text(max_size=300))
def test_negotiate_always_answers_a_language_we_have(header: str) -> None:
    assert negotiate(header, LANGS) in LANGS
