"""Every refusal of a city file: exit code 1, PATH:LINE:COL, the field and a clear message."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from datacity_federation import ConfigError, load_city, load_federation
from datacity_federation.testing import RunCli

pytestmark = pytest.mark.integration

VALID = """\
id: lyon
name: {fr: Lyon, en: Lyon}
country: FR
timezone: Europe/Paris
currency: EUR
languages: [fr, en]
portals:
  - id: data-grandlyon
    kind: ckan
    url: https://data.example.org/api/3/action/
partners:
  - id: ville-de-lyon
    kind: city
    name: {fr: Ville de Lyon}
  - id: acme
    kind: corporate
    name: {fr: Acme}
seasons:
  - id: s1
    number: 1
    start: 2018-01-15
    challenges:
      - id: bins
        theme: waste
        title: {fr: Bacs, en: Bins}
        summary: {fr: Moins de bacs dehors, en: Fewer bins outside}
        owners: [ville-de-lyon, acme]
        datasets:
          - {portal: data-grandlyon, dataset: collecte}
        rubric:
          - {code: impact, weight: 1}
"""


def write(tmp_path: Path, text: str | bytes, name: str = "lyon.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def refused(run_cli: RunCli, path: Path) -> str:
    result = run_cli("validate", str(path))
    assert result.code == 1
    assert result.out == ""
    return result.err


def test_valid_file_is_accepted(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("validate", str(write(tmp_path, VALID)))
    assert result.code == 0
    assert "ok: 1 cities, 1 seasons, 1 challenges" in result.out


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "country: FR\n",
            "country: FR\ncountry: ES\n",
            "lyon.yaml:4:1: country: duplicate key 'country' (first given at line 3)",
            id="duplicate-key",
        ),
        pytest.param(
            "currency: EUR\n",
            "currency: EUR\ncurency: EUR\n",
            "lyon.yaml:6:1: curency: unknown key 'curency' (did you mean 'currency'?)",
            id="unknown-key",
        ),
        pytest.param(
            "    number: 1\n",
            "    number: first\n",
            "lyon.yaml:20:13: seasons[0].number: not a whole number (got 'first')",
            id="wrong-type",
        ),
        pytest.param(
            "start: 2018-01-15",
            "start: 2018-02-30",
            "lyon.yaml:21:12: seasons[0].start: not a date: day value is outside expected range "
            "(use YYYY-MM-DD) (got '2018-02-30')",
            id="impossible-date",
        ),
        pytest.param(
            "languages: [fr, en]",
            "languages: [fr, xq]",
            "lyon.yaml:6:17: languages[1]: unknown language 'xq' (BCP 47, e.g. 'fr', 'zh-Hans')",
            id="unknown-language",
        ),
        pytest.param(
            "    url: https://data.example.org/api/3/action/\n",
            "    url: https://data.example.org/api/3/action/\n    filters: {org: Lyon}\n",
            "lyon.yaml:11:14: portals[0].filters: the ckan platform takes no catalogue filters",
            id="filters-off-ogd",
        ),
        pytest.param(
            "    kind: ckan\n    url: https://data.example.org/api/3/action/\n",
            "    kind: ogd_india\n    url: https://api.data.gov.in\n",
            "lyon.yaml:8:5: portals[0].api_key_env: the ogd_india platform answers only with an "
            "API key: name the environment variable that holds it",
            id="ogd-without-key",
        ),
        pytest.param(
            "timezone: Europe/Paris",
            "timezone: Europe/Lyon",
            "lyon.yaml:4:11: timezone: unknown time zone 'Europe/Lyon' (IANA, e.g. 'Europe/Paris')",
            id="unknown-timezone",
        ),
        pytest.param(
            "currency: EUR",
            "currency: EUX",
            "lyon.yaml:5:11: currency: unknown currency 'EUX' (ISO 4217, e.g. 'EUR')",
            id="unknown-currency",
        ),
        pytest.param(
            "owners: [ville-de-lyon, acme]",
            "owners: [ville-de-lyon, acmee]",
            "lyon.yaml:27:33: seasons[0].challenges[0].owners[1]: unknown partner 'acmee' "
            "(did you mean 'acme'?)",
            id="dangling-partner",
        ),
        pytest.param(
            "{portal: data-grandlyon,",
            "{portal: data-lyon,",
            "lyon.yaml:29:22: seasons[0].challenges[0].datasets[0].portal: unknown portal "
            "'data-lyon' (did you mean 'data-grandlyon'?)",
            id="dangling-portal",
        ),
        pytest.param(
            "theme: waste",
            "theme: wastes",
            "lyon.yaml:24:16: seasons[0].challenges[0].theme: unknown theme 'wastes' "
            "(did you mean 'waste'?)",
            id="dangling-theme",
        ),
        pytest.param(
            "  - id: acme\n",
            "  - id: ville-de-lyon\n",
            "lyon.yaml:15:9: partners[1].id: duplicate id 'ville-de-lyon'",
            id="duplicate-id",
        ),
        pytest.param(
            "summary: {fr: Moins de bacs dehors, en: Fewer bins outside}",
            "summary: {fr: Moins de bacs dehors}",
            "lyon.yaml:26:18: seasons[0].challenges[0].summary: missing language(s): en",
            id="missing-translation",
        ),
        pytest.param(
            "owners: [ville-de-lyon, acme]",
            "owners: [ville-de-lyon, ville-de-lyon]",
            "seasons[0].challenges[0].owners: the owners must include at least one corporate partner",
            id="no-corporate-owner",
        ),
        pytest.param(
            "    start: 2018-01-15\n",
            "    start: 2018-01-15\n    phases:\n"
            "      - {phase: partnering, start: 2018-01-15, end: 2018-03-31}\n"
            "      - {phase: call, start: 2018-03-01, end: 2018-05-31}\n"
            "      - {phase: experimentation, start: 2018-06-01, end: 2018-08-31}\n",
            "lyon.yaml:24:30: seasons[0].phases[1].start: call overlaps partnering, which ends "
            "2018-03-31",
            id="overlapping-phases",
        ),
        pytest.param(
            "    challenges:\n",
            "    challenges: []\n  - id: s2\n    number: 2\n    start: 2018-06-01\n"
            "    challenges:\n",
            "lyon.yaml:25:12: seasons[1].start: season s2 starts 2018-06-01, before season s1 ends "
            "(2019-01-14); move it or declare overlaps_previous: true",
            id="overlapping-seasons",
        ),
        pytest.param(
            "id: lyon\n",
            "id: !!python/object/apply:os.system ['echo pwned']\n",
            "lyon.yaml:1:5: tag !!python/object/apply:os.system is not allowed: city files are "
            "read with safe loading only",
            id="python-tag",
        ),
        pytest.param(
            "name: {fr: Lyon, en: Lyon}\n",
            "name: {fr: Lyon, en: Lyon\n",
            "lyon.yaml:3:8: YAML syntax: did not find expected ',' or '}' (while parsing a flow mapping)",
            id="yaml-syntax",
        ),
        pytest.param(
            "  - id: data-grandlyon\n",
            "  - id: data-grandlyon\n\t\n  \tname: x\n",
            "lyon.yaml:10:3: tab in indentation: YAML needs spaces",
            id="tab",
        ),
    ],
)
def test_validate_refuses_bad_city(
    tmp_path: Path, run_cli: RunCli, old: str, new: str, expected: str
) -> None:
    assert old in VALID
    err = refused(run_cli, write(tmp_path, VALID.replace(old, new, 1)))
    assert expected in err


def test_validate_reports_every_problem_at_once(tmp_path: Path, run_cli: RunCli) -> None:
    text = VALID.replace("EUR", "EUX").replace("Europe/Paris", "Mars/Olympus")
    err = refused(run_cli, write(tmp_path, text))
    assert err.splitlines() == [
        f"{tmp_path}/lyon.yaml:4:11: timezone: unknown time zone 'Mars/Olympus' (IANA, e.g. "
        "'Europe/Paris')",
        f"{tmp_path}/lyon.yaml:5:11: currency: unknown currency 'EUX' (ISO 4217, e.g. 'EUR')",
        "datacity: 2 problems",
    ]


def test_validate_refuses_empty_file(tmp_path: Path, run_cli: RunCli) -> None:
    err = refused(run_cli, write(tmp_path, "# nothing but a comment\n"))
    assert "lyon.yaml:1:1: the file is empty" in err


def test_validate_refuses_non_utf8(tmp_path: Path, run_cli: RunCli) -> None:
    raw = VALID.replace("Lyon}", "Ly\xf3n}", 1).encode("latin-1")
    err = refused(run_cli, write(tmp_path, raw))
    assert "lyon.yaml:2:24: not UTF-8: byte 0xf3 cannot be decoded; save as UTF-8" in err


def test_validate_refuses_oversized_file(tmp_path: Path, run_cli: RunCli) -> None:
    err = refused(run_cli, write(tmp_path, VALID + "#" * (1024 * 1024)))
    assert "lyon.yaml:1:1: file too large" in err


def alias_bomb(levels: int) -> str:
    """Each level lists the previous one ten times: 10**levels strings once expanded."""
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_validate_refuses_alias_bomb(tmp_path: Path, run_cli: RunCli) -> None:
    err = refused(run_cli, write(tmp_path, alias_bomb(12)))
    assert "lyon.yaml:1:1: aliases expand to more than 100000 nodes (alias bomb?); refused" in err


def test_alias_bomb_is_refused_without_expanding_it(tmp_path: Path) -> None:
    # 10**40 nodes once expanded: anything that expanded it would never return. The bound is
    # generous because machines here are noisy; the refusal itself takes well under a millisecond.
    path = write(tmp_path, alias_bomb(40))
    started = time.perf_counter()
    with pytest.raises(ConfigError, match="alias bomb"):
        load_city(path)
    assert time.perf_counter() - started < 30


def test_validate_accepts_small_aliases(tmp_path: Path) -> None:
    text = VALID.replace("rubric:\n", "rubric: &rubric\n").replace(
        "    challenges:\n", "    challenges:\n", 1
    )
    city = load_city(write(tmp_path, text))
    assert city.seasons[0].challenges[0].rubric[0].code == "impact"


def test_no_is_a_string_not_false(tmp_path: Path) -> None:
    text = VALID.replace("languages: [fr, en]", "languages: [fr, en, no]").replace(
        "{fr: Bacs, en: Bins}", "{fr: Bacs, en: Bins, no: Søppel}"
    )
    text = text.replace(
        "{fr: Moins de bacs dehors, en: Fewer bins outside}", "{fr: a, en: b, no: c}"
    )
    city = load_city(write(tmp_path, text))
    assert city.languages == ("fr", "en", "no")


def test_load_city_error_carries_located_problems(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("currency: EUR", "currency: 12"))
    with pytest.raises(ConfigError) as caught:
        load_city(path)
    [problem] = caught.value.problems
    assert (problem.path, problem.line, problem.column, problem.field) == (
        str(path),
        5,
        11,
        "currency",
    )


def test_load_federation_checks_members_and_disclosure_floor(tmp_path: Path) -> None:
    write(
        tmp_path,
        "network: net\nname: {en: Net}\nmembers: [lyon, nice]\n"
        "defaults: {disclosure_profile: strict}\n",
        "federation.yaml",
    )
    write(tmp_path, VALID + "disclosure_profile: default\n")
    with pytest.raises(ConfigError) as caught:
        load_federation(tmp_path)
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        f"{tmp_path}/lyon.yaml:32:21: disclosure_profile: 'default' is looser than the "
        "federation's 'strict'; a city may only make the rules stricter",
        f"{tmp_path}/nice.yaml:1:1: no such file",
    ]


def test_city_inherits_federation_template(tmp_path: Path) -> None:
    write(
        tmp_path,
        "network: net\nname: {en: Net}\n"
        "defaults: {season_template: {partnering: 1, call: 2, experimentation: 3, outcome: 0}}\n",
        "federation.yaml",
    )
    write(tmp_path, VALID)
    [city] = load_federation(tmp_path).cities
    assert [s.days for s in city.seasons[0].timeline()] == [31, 59, 91]
