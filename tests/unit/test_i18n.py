"""Locales resolve and never block; catalogues chain and override; one formatter for everything."""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel import Locale, localedata
from babel.dates import format_date, format_datetime
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from babel.numbers import format_currency, format_decimal, format_percent, list_currencies
from hypothesis import given
from hypothesis import strategies as st

from datacity_federation._i18n import Catalogs, bcp47, catalog_name, parse_locale, pick_name
from datacity_federation._i18n.formatter import whole_currency_pattern
from datacity_federation.domain.vocab import PHASE_LABELS, THEME_LABELS
from datacity_federation.errors import LanguageError

pytestmark = pytest.mark.unit

LOCALES = sorted(localedata.locale_identifiers())
CURRENCIES = sorted(list_currencies())


@pytest.mark.parametrize(
    ("tag", "bcp", "posix"),
    [
        ("pt-BR", "pt-BR", "pt_BR"),
        ("pt_BR", "pt-BR", "pt_BR"),
        ("pt-br", "pt-BR", "pt_BR"),
        ("zh_Hans_CN", "zh-Hans-CN", "zh_Hans_CN"),
        ("de_DE.UTF-8", "de-DE", "de_DE"),
        ("sr-Latn", "sr-Latn", "sr_Latn"),
    ],
)
def test_tag_spellings_read_alike(tag: str, bcp: str, posix: str) -> None:
    assert bcp47(tag) == bcp
    assert catalog_name(tag) == posix


def test_unknown_language_is_a_language_error() -> None:
    with pytest.raises(LanguageError, match="unknown language 'xx'"):
        parse_locale("xx")


def test_regional_locale_takes_the_base_catalogue_and_its_own_formats() -> None:
    tr = Catalogs().translator("fr-CA")
    assert tr.label(PHASE_LABELS, "partnering") == "Partenariats"
    assert not tr.fallback
    assert tr.fmt.money(Decimal("1234.5"), "CAD") == format_currency(
        Decimal("1234.5"), "CAD", locale="fr_CA"
    )


def test_language_without_catalogue_falls_back_with_its_own_formats() -> None:
    tr = Catalogs().translator("sw-KE")
    assert tr.fallback
    assert tr.status.files == ()
    assert tr.label(PHASE_LABELS, "call") == "Call for start-ups"
    assert tr.fmt.date(date(2019, 3, 1)) == format_date(date(2019, 3, 1), "long", locale="sw_KE")
    assert "no catalogue for 'sw-KE'" in tr.fallback_message()
    assert "Swahili" not in tr.page_note()  # the language's name is given in its own locale
    assert "Kiswahili" in tr.page_note()


def test_strict_catalogues_refuse_a_fallback() -> None:
    with pytest.raises(LanguageError, match="--strict-lang"):
        Catalogs(strict=True).translator("sw")


def test_strict_catalogues_accept_a_complete_language() -> None:
    assert not Catalogs(strict=True).translator("fr").fallback


def test_right_to_left_follows_the_locale() -> None:
    assert Catalogs().translator("ar").direction == "rtl"
    assert Catalogs().translator("he").direction == "rtl"
    assert Catalogs().translator("fa").direction == "rtl"  # no catalogue, still right to left
    assert Catalogs().translator("fr").direction == "ltr"


def test_another_region_of_the_language_is_better_than_english() -> None:
    catalogs = Catalogs()
    assert catalogs.chain("pt-PT")[:2] == ("pt_PT", "pt")
    assert "pt_BR" in catalogs.chain("pt-PT")
    assert catalogs.translator("pt-PT").label(PHASE_LABELS, "call") != "Call for start-ups"


def _write_catalog(folder: Path, lang: str, messages: dict[str, str]) -> Path:
    catalog = Catalog(locale=Locale.parse(lang), domain="datacity", fuzzy=False)
    for msgid, text in messages.items():
        catalog.add(msgid, text)
    path = folder / lang / "LC_MESSAGES" / "datacity.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as fh:
        write_po(fh, catalog)
    return path


def test_federation_catalogue_overrides_and_extends_the_shipped_ones(tmp_path: Path) -> None:
    own = tmp_path / "locale"
    _write_catalog(own, "fr", {"Partnering": "Mise en relation"})
    _write_catalog(own, "sw", {"Partnering": "Ushirikiano"})
    catalogs = Catalogs.with_folder(own)
    fr = catalogs.translator("fr")
    assert fr.label(PHASE_LABELS, "partnering") == "Mise en relation"  # overridden
    assert fr.label(PHASE_LABELS, "call") == "Appel aux start-up"  # still shipped
    assert not fr.fallback
    sw = catalogs.translator("sw")
    assert sw.label(PHASE_LABELS, "partnering") == "Ushirikiano"
    assert sw.fallback and "Partnering" not in sw.status.missing
    assert "sw" in catalogs.languages()
    assert Catalogs().translator("fr").label(PHASE_LABELS, "partnering") == "Partenariats"


def test_shipped_catalogues_are_only_read(tmp_path: Path) -> None:
    """Reading never writes beside the catalogues (an installed package may be read-only)."""
    from datacity_federation._i18n import SHIPPED_DIR

    before = {p: p.stat().st_mtime_ns for p in SHIPPED_DIR.rglob("*")}
    Catalogs(folders=(SHIPPED_DIR,)).translator("de").gettext("Partnering")
    assert {p: p.stat().st_mtime_ns for p in SHIPPED_DIR.rglob("*")} == before


def test_unreadable_federation_catalogue_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "datacity.po"
    bad.parent.mkdir(parents=True)
    bad.write_text("this is not a catalogue\n", encoding="utf-8")
    with pytest.raises(LanguageError, match=r"datacity\.po: cannot read the catalogue"):
        Catalogs.with_folder(tmp_path / "locale").translator("fr")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_catalogue_without_read_permission_is_named(tmp_path: Path) -> None:
    path = _write_catalog(tmp_path, "fr", {"Partnering": "x"})
    path.chmod(stat.S_IWUSR)
    with pytest.raises(LanguageError, match="cannot read"):
        Catalogs.with_folder(tmp_path).translator("fr")


@pytest.mark.parametrize(
    ("names", "tag", "first", "expected"),
    [
        ({"en": "Bengaluru", "kn": "ಬೆಂಗಳೂರು"}, "es", "kn", "Bengaluru"),
        ({"kn": "ಬೆಂಗಳೂರು", "en": "Bengaluru"}, "kn-IN", "kn", "ಬೆಂಗಳೂರು"),
        ({"pt-BR": "São Paulo", "ja": "サンパウロ"}, "pt", "pt-BR", "São Paulo"),
        ({"zh": "新加坡", "ms": "Singapura"}, "fr", "ms", "Singapura"),
        ({"zh": "新加坡"}, "fr", None, "新加坡"),
    ],
)
def test_names_fall_back_to_a_readable_script(
    names: dict[str, str], tag: str, first: str | None, expected: str
) -> None:
    assert pick_name(names, tag, first=first) == expected


def test_federation_theme_labels_come_from_the_federation() -> None:
    tr = Catalogs().translator("es")
    extra = {"heat": {"en": "Urban heat", "es": "Calor urbano"}}
    assert tr.label(THEME_LABELS, "heat", extra) == "Calor urbano"
    assert tr.label(THEME_LABELS, "waste", extra) == "Residuos"


# -- one formatter: exactly Babel's output for the full locale -------------------------------

amounts = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False
)


@given(tag=st.sampled_from(LOCALES), value=amounts, currency=st.sampled_from(CURRENCIES))
def test_formatter_matches_babel_for_any_locale(tag: str, value: Decimal, currency: str) -> None:
    locale = Locale.parse(tag)
    fmt = Catalogs().translator(tag).fmt
    assert fmt.number(value) == format_decimal(value, locale=locale)
    assert fmt.money(value, currency) == format_currency(value, currency, locale=locale)
    assert fmt.money(value, currency, whole=True) == format_currency(
        value.quantize(Decimal(1)), currency, format=whole_currency_pattern(locale),
        locale=locale, currency_digits=False,
    )  # fmt: skip
    assert fmt.percent(value / 100) == format_percent(value / 100, "#,##0.#%", locale=locale)


@given(
    tag=st.sampled_from(LOCALES),
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
)
def test_formatter_dates_match_babel_for_any_locale(tag: str, day: date) -> None:
    locale = Locale.parse(tag)
    fmt = Catalogs().translator(tag).fmt
    assert fmt.date(day) == format_date(day, "long", locale=locale)
    moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    assert fmt.datetime(moment) == format_datetime(moment, "medium", tzinfo=UTC, locale=locale)


@given(tag=st.sampled_from(LOCALES), currency=st.sampled_from(CURRENCIES))
def test_whole_money_keeps_the_locale_symbol_placement(tag: str, currency: str) -> None:
    locale = Locale.parse(tag)
    standard = locale.currency_formats["standard"].pattern.split(";")[0]
    whole = whole_currency_pattern(locale).split(";")[0]
    assert standard.strip().startswith("¤") == whole.strip().startswith("¤")
    assert "." not in whole.replace("¤", "")


def test_money_places_the_symbol_as_each_locale_does() -> None:
    fr, ar, ca = (Catalogs().translator(t).fmt for t in ("fr", "ar", "ca"))
    assert fr.money(Decimal(1234), "EUR", whole=True) == "1\u202f234\xa0€"
    assert ca.money(Decimal(1234), "EUR", whole=True).endswith("€")
    assert ar.money(Decimal(1234), "EUR", whole=True).endswith("€")


def test_city_files_read_posix_language_spelling_as_bcp47() -> None:
    from pydantic import TypeAdapter

    from datacity_federation.domain.base import LanguageTag, LocalizedText

    assert TypeAdapter(LanguageTag).validate_python("pt_BR") == "pt-BR"
    assert TypeAdapter(LocalizedText).validate_python({"zh_Hans": "新加坡"}) == {
        "zh-Hans": "新加坡"
    }


def test_translation_that_cannot_be_filled_is_ignored_and_named(tmp_path: Path) -> None:
    """A director's typo in a placeholder never breaks a command: that translation is ignored
    (the shipped one is used), and the file and line are named."""
    own = tmp_path / "locale"
    _write_catalog(
        own,
        "fr",
        {
            "no phase running on %(day)s": "aucune phase le %(jour)s",  # renamed placeholder
            "sponsorship: %(amount)s": "mécénat : %(amount)s %",  # stray percent sign
            "Partnering": "Mise en relation",
        },
    )
    tr = Catalogs.with_folder(own).translator("fr")
    assert tr.gettext("no phase running on %(day)s") % {"day": "1er mai"} == (
        "aucune phase en cours le 1er mai"
    )
    assert "%" not in (tr.gettext("sponsorship: %(amount)s") % {"amount": "5 €"}).replace("5 €", "")
    assert tr.label(PHASE_LABELS, "partnering") == "Mise en relation"
    reasons = sorted(bad.reason for bad in tr.status.invalid)
    assert len(reasons) == 2
    assert "placeholder %(jour)s is not in the source" in reasons
    assert all(str(bad).startswith(str(own)) for bad in tr.status.invalid)


@given(
    names=st.lists(st.sampled_from(["n", "city", "day", "amount"]), min_size=1, unique=True),
    extra=st.text(alphabet="abc %()sd", max_size=12),
)
def test_placeholder_check_accepts_exactly_what_formats(names: list[str], extra: str) -> None:
    from datacity_federation._i18n.catalogs import placeholder_problem

    source = " ".join(f"%({n})s" for n in names)
    text = source + extra
    problem = placeholder_problem(source, text)
    try:
        text % dict.fromkeys(names, 1)
        formats = True
    except (KeyError, ValueError, TypeError):
        formats = False
    if problem is None:
        assert formats


def test_catalogue_with_unreadable_plural_forms_is_named(tmp_path: Path) -> None:
    po = tmp_path / "fr" / "LC_MESSAGES" / "datacity.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n >>>> 1 import os);\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Partnering"\nmsgstr "X"\n',
        encoding="utf-8",
    )
    with pytest.raises(LanguageError, match=r"datacity\.po: cannot read the catalogue"):
        Catalogs.with_folder(tmp_path).translator("fr")
