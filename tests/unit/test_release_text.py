"""The release summary speaks every language the vocabulary labels, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from datacity_federation.cli.release_text import METRICS, TEXT
from datacity_federation.domain.release import Metric
from datacity_federation.domain.vocab import LABEL_LANGUAGES

pytestmark = pytest.mark.unit


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("code", sorted(TEXT))
def test_summary_sentence_exists_in_every_label_language(code: str) -> None:
    assert sorted(set(LABEL_LANGUAGES) - set(TEXT[code])) == []


@pytest.mark.parametrize("code", sorted(TEXT))
def test_summary_sentence_keeps_its_placeholders_in_every_language(code: str) -> None:
    expected = placeholders(TEXT[code]["en"])
    assert {lang: placeholders(t) for lang, t in TEXT[code].items()} == dict.fromkeys(
        TEXT[code], expected
    )


def test_every_metric_has_a_name_in_every_label_language() -> None:
    assert sorted(METRICS) == sorted(m.value for m in Metric)
    missing = {m: sorted(set(LABEL_LANGUAGES) - set(names)) for m, names in METRICS.items()}
    assert {m: langs for m, langs in missing.items() if langs} == {}
