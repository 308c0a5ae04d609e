"""Every message of the review templates is translated in every shipped catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from datacity_federation.config.loader import load_federation
from datacity_federation.review.i18n import LOCALE_DIR, compile_po, shipped_languages

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
REQUIRED = {"en", "fr", "es", "ca", "ar"}


def _template_messages() -> set[str]:
    found = extract_from_dir(
        str(ROOT / "templates" / "review"),
        method_map=[("**.j2", "jinja2")],
        options_map={"**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}},
    )
    return {msg if isinstance(msg, str) else msg[0] for _, _, msg, _, _ in found}


def test_shipped_catalogs_cover_every_city_language(cities_dir: Path) -> None:
    federation = load_federation(cities_dir)
    declared = {lang.split("-")[0] for city in federation.cities for lang in city.languages}
    declared |= set(federation.settings.defaults.reporting_languages)
    assert declared | REQUIRED <= set(shipped_languages())


def test_template_messages_are_in_the_pot() -> None:
    with (LOCALE_DIR / "datacity.pot").open("rb") as fh:
        pot = {m.id for m in read_po(fh) if m.id}
    assert _template_messages() - pot == set()


@pytest.mark.parametrize("lang", shipped_languages())
def test_catalog_translates_every_template_message(lang: str) -> None:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "datacity.po").open("rb") as fh:
        catalog = read_po(fh)
    untranslated = sorted(
        msg for msg in _template_messages()
        if (m := catalog.get(msg)) is None or not m.string or m.fuzzy
    )  # fmt: skip
    assert untranslated == []


@pytest.mark.parametrize("lang", shipped_languages())
def test_catalog_keeps_every_placeholder(lang: str) -> None:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "datacity.po").open("rb") as fh:
        catalog = read_po(fh)
    broken = [
        m.id for m in catalog
        if m.id and isinstance(m.string, str)
        and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]  # fmt: skip
    assert broken == []


@pytest.mark.parametrize("lang", shipped_languages())
def test_catalog_compiles(lang: str) -> None:
    assert compile_po(LOCALE_DIR / lang / "LC_MESSAGES" / "datacity.po").startswith(
        b"\xde\x12\x04\x95"
    )
