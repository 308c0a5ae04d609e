"""The city commands end to end: new-city, validate, timeline, schema, demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datacity_federation._config.schema import city_schema_text, federation_schema_text
from datacity_federation.testing import RunCli

pytestmark = pytest.mark.e2e

CASABLANCA = [
    "new-city", "casablanca", "--name", "Casablanca", "--country", "MA", "--languages", "ar,fr",
    "--timezone", "Africa/Casablanca", "--currency", "MAD", "--first-season", "2016-03-01",
    "--portal", "dcat=https://data.example.ma/data.json",
]  # fmt: skip


def test_validate_shipped_cities_exits_zero(run_cli: RunCli, cities_dir: Path) -> None:
    result = run_cli("validate", str(cities_dir))
    assert result.code == 0
    assert result.out == "ok: 4 cities, 6 seasons, 2 challenges in 5 files\n"


def test_new_city_unlike_the_four_validates_and_shows_its_timeline_in_arabic_and_french(
    tmp_path: Path, run_cli: RunCli
) -> None:
    made = run_cli(*CASABLANCA, "--out", str(tmp_path))
    assert made.code == 0
    path = tmp_path / "casablanca.yaml"
    assert made.out == f"wrote {path}\n"
    assert (tmp_path / "city.schema.json").read_text(encoding="utf-8") == city_schema_text()
    assert run_cli("validate", str(path)).code == 0

    arabic = run_cli("timeline", str(path), "--on", "2016-07-10")
    assert arabic.code == 0
    assert arabic.out.splitlines() == [
        "Casablanca — الموسم 1 (s1)",
        "  الشراكات              1 مارس 2016 – 31 مايو 2016",
        "▶ دعوة الشركات الناشئة  1 يونيو 2016 – 31 أغسطس 2016  (بقي 53 يومًا)",
        "  التجريب               1 سبتمبر 2016 – 30 نوفمبر 2016",
        "  النتائج               1 ديسمبر 2016 – 28 فبراير 2017",
    ]
    french = run_cli("timeline", str(path), "--on", "2016-07-10", "--lang", "fr")
    assert french.out.splitlines()[2] == (
        "▶ Appel aux start-up  1 juin 2016 – 31 août 2016  (53 jours restants)"
    )


def test_new_city_with_the_indian_ogd_platform_names_its_key_variable(
    tmp_path: Path, run_cli: RunCli
) -> None:
    made = run_cli(
        "new-city", "pune", "--name", "Pune", "--country", "IN", "--languages", "mr,en",
        "--timezone", "Asia/Kolkata", "--currency", "INR",
        "--portal", "ogd_india=https://api.data.gov.in", "--out", str(tmp_path),
    )  # fmt: skip
    assert made.code == 0, made.err
    text = (tmp_path / "pune.yaml").read_text(encoding="utf-8")
    assert "    kind: ogd_india\n" in text
    assert "    api_key_env: DATA_GOV_IN_API_KEY\n" in text
    assert run_cli("validate", str(tmp_path / "pune.yaml")).code == 0


def test_new_city_refuses_to_overwrite(tmp_path: Path, run_cli: RunCli) -> None:
    assert run_cli(*CASABLANCA, "--out", str(tmp_path)).code == 0
    again = run_cli(*CASABLANCA, "--out", str(tmp_path))
    assert again.code == 1
    assert again.err == (
        f"datacity: error: {tmp_path}/casablanca.yaml already exists (use --force to overwrite)\n"
    )
    assert run_cli(*CASABLANCA, "--out", str(tmp_path), "--force").code == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("--timezone", "Mars/Olympus"), "--timezone: unknown time zone 'Mars/Olympus'"),
        (
            ("--currency", "MADX"),
            "--currency: use an ISO 4217 currency code in capitals, e.g. 'EUR' (got 'MADX')",
        ),
        (("--currency", "MAX"), "--currency: unknown currency 'MAX'"),
        (("--country", "ZZ"), "--country: unknown country 'ZZ'"),
        (
            ("--languages", "ar,FR"),
            "--languages: not a BCP 47 language tag (e.g. 'fr', 'zh-Hans') (got 'FR')",
        ),
        (("--languages", "ar,xq"), "--languages: unknown language 'xq'"),
        (
            ("--first-season", "2016-02-30"),
            "--first-season: not a date '2016-02-30' (use YYYY-MM-DD)",
        ),
        (("--portal", "ftp=x"), "--portal: unknown kind 'ftp'"),
        (("--portal", "ckan"), "--portal: expected KIND=URL, got 'ckan'"),
        (("--portal", "ckan=notaurl"), "--portal: not an http(s) URL (got 'notaurl')"),
    ],
)
def test_new_city_refuses_bad_options(
    tmp_path: Path, run_cli: RunCli, change: tuple[str, str], expected: str
) -> None:
    args = list(CASABLANCA)
    if change[0] in args:
        args[args.index(change[0]) + 1] = change[1]
    else:
        args += change
    result = run_cli(*args, "--out", str(tmp_path))
    assert result.code == 1
    assert expected in result.err
    assert not (tmp_path / "casablanca.yaml").exists()


def test_new_city_refuses_bad_slug(tmp_path: Path, run_cli: RunCli) -> None:
    args = ["new-city", "Casa Blanca", *CASABLANCA[2:], "--out", str(tmp_path)]
    result = run_cli(*args)
    assert result.err == (
        "datacity: error: SLUG: use lower-case letters, digits, '-' or '_' (e.g. 'paris') "
        "(got 'Casa Blanca')\n"
    )


def test_timeline_marks_the_current_phase_of_paris(run_cli: RunCli, cities_dir: Path) -> None:
    result = run_cli("timeline", "paris", "--cities", str(cities_dir), "--on", "2017-12-15")
    assert result.out.splitlines() == [
        "Paris — saison 3 (s3)",
        "  Partenariats        1 septembre 2017 – 30 novembre 2017",
        "▶ Appel aux start-up  1 décembre 2017 – 28 février 2018  (76 jours restants)",
        "  Expérimentation     1 mars 2018 – 31 mai 2018",
        "  Résultats           1 juin 2018 – 31 août 2018",
    ]


def test_timeline_of_a_past_season_says_nothing_runs(run_cli: RunCli, cities_dir: Path) -> None:
    result = run_cli(
        "timeline", "barcelona", "--cities", str(cities_dir), "--season", "1", "--on", "2026-11-24",
        "--lang", "es",
    )  # fmt: skip
    assert result.code == 0
    assert (
        result.out.splitlines()[1]
        == "  Alianzas                   15 de enero de 2018 – 14 de marzo de 2018"
    )
    assert result.out.splitlines()[-1] == "  ninguna fase en curso el 24 de noviembre de 2026"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("timeline", "atlantis"), "datacity: error: no city 'atlantis' in"),
        (
            ("timeline", "paris", "--season", "s9"),
            "datacity: error: city paris has no season 's9' (known: s1, s2, s3)",
        ),
        (
            ("timeline", "paris", "--on", "yesterday"),
            "datacity: error: --on: not a date 'yesterday' (use YYYY-MM-DD)",
        ),
        (("timeline", "missing.yaml"), "datacity: error: missing.yaml:1:1: no such file"),
    ],
)
def test_timeline_refuses_bad_input(
    run_cli: RunCli, cities_dir: Path, args: tuple[str, ...], expected: str
) -> None:
    result = run_cli(*args, "--cities", str(cities_dir))
    assert result.code == 1
    assert result.err.startswith(expected)


def test_schema_prints_the_city_schema_with_descriptions(run_cli: RunCli) -> None:
    result = run_cli("schema")
    schema = json.loads(result.out)
    assert (
        schema["properties"]["timezone"]["description"] == "IANA time zone, e.g. ``Europe/Paris``."
    )
    assert schema["$defs"]["Contact"]["properties"]["email"]["x-personal-data"] is True


def test_shipped_schema_files_are_current(cities_dir: Path) -> None:
    assert (cities_dir / "city.schema.json").read_text(encoding="utf-8") == city_schema_text()
    assert (cities_dir / "federation.schema.json").read_text(
        encoding="utf-8"
    ) == federation_schema_text()


def test_shipped_city_files_name_their_schema(cities_dir: Path) -> None:
    for path in cities_dir.glob("*.yaml"):
        schema = "federation" if path.name == "federation.yaml" else "city"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema={schema}.schema.json"


def test_unknown_command_is_a_usage_error(run_cli: RunCli) -> None:
    result = run_cli("frobnicate")
    assert result.code == 2
    assert "No such command 'frobnicate'" in result.err
