"""Pseudonyms are keyed, domain-separated, normalised and truncated to 128 bits."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datacity_federation._privacy import multi_city_count, pseudonym

pytestmark = pytest.mark.unit

KEY = b"k" * 32
idents = st.text(min_size=1, max_size=40).filter(lambda t: t.strip())


@settings(max_examples=50)
@given(idents)
def test_pseudonym_depends_on_the_key(ident: str) -> None:
    assert pseudonym(KEY, "startup", ident) != pseudonym(b"j" * 32, "startup", ident)


@settings(max_examples=50)
@given(idents)
def test_pseudonym_is_domain_separated(ident: str) -> None:
    assert pseudonym(KEY, "startup", ident) != pseudonym(KEY, "partner", ident)


@settings(max_examples=50)
@given(idents)
def test_pseudonym_is_not_a_plain_hash(ident: str) -> None:
    p = pseudonym(KEY, "startup", ident)
    assert len(p) == 32
    assert p != hashlib.sha256(ident.encode()).hexdigest()[:32]


def test_pseudonym_normalises_case_and_spaces() -> None:
    assert pseudonym(KEY, "startup", " Craft  AI ") == pseudonym(KEY, "startup", "craft ai")


def test_pseudonym_refuses_a_short_key() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        pseudonym(b"short", "startup", "x")


def test_multi_city_count_counts_pseudonyms_in_two_cities() -> None:
    per_city = {
        "paris": {pseudonym(KEY, "startup", n) for n in ["craft ai", "qucit", "a"]},
        "barcelona": {pseudonym(KEY, "startup", n) for n in ["Craft AI", "b"]},
        "singapore": {pseudonym(KEY, "startup", n) for n in ["qucit", "craft ai"]},
    }
    assert multi_city_count(per_city) == 2
