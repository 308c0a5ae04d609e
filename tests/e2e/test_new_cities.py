"""Two new cities join in one step each and reach the review beside the shipped ones, through
the command line only: one in a newly shipped language with a non-euro currency (São Paulo, pt-BR,
BRL), one whose language has no catalogue at all (Nairobi, Swahili, KES)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from datacity_federation.testing import RunCli

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def federation(tmp_path: Path, run_cli: RunCli) -> Path:
    cities = tmp_path / "cities"
    shutil.copytree(ROOT / "cities", cities)
    sao_paulo = run_cli(
        "new-city", "sao-paulo", "--name", "en=Sao Paulo", "--name", "pt_BR=São Paulo",
        "--country", "BR", "--languages", "pt_BR,en", "--timezone", "America/Sao_Paulo",
        "--currency", "BRL", "--first-season", "2017-09-01", "--out", str(cities),
    )  # fmt: skip
    assert sao_paulo.code == 0, sao_paulo.err
    nairobi = run_cli(
        "new-city", "nairobi", "--name", "Nairobi", "--country", "KE", "--languages", "sw,en",
        "--timezone", "Africa/Nairobi", "--currency", "KES", "--first-season", "2017-09-01",
        "--out", str(cities),
    )  # fmt: skip
    assert nairobi.code == 0, nairobi.err
    return cities


def test_new_cities_join_the_federation_in_one_step(federation: Path, run_cli: RunCli) -> None:
    members = yaml.safe_load((federation / "federation.yaml").read_text(encoding="utf-8"))
    assert members["members"][-2:] == ["sao-paulo", "nairobi"]
    assert "# Network-wide settings" in (federation / "federation.yaml").read_text("utf-8")
    names = yaml.safe_load((federation / "sao-paulo.yaml").read_text(encoding="utf-8"))["name"]
    assert names == {"pt-BR": "São Paulo", "en": "Sao Paulo"}
    result = run_cli("validate", str(federation))
    assert result.code == 0, result.err
    assert result.out.startswith("ok: 6 cities")
    assert result.err == ""


def test_new_city_draft_is_left_out_and_validate_says_so(tmp_path: Path, run_cli: RunCli) -> None:
    cities = tmp_path / "cities"
    shutil.copytree(ROOT / "cities", cities)
    made = run_cli(
        "new-city", "lisbon", "--name", "Lisboa", "--country", "PT", "--languages", "pt-PT",
        "--timezone", "Europe/Lisbon", "--currency", "EUR", "--out", str(cities), "--no-join",
    )  # fmt: skip
    assert made.code == 0, made.err
    assert "lisbon" not in (cities / "federation.yaml").read_text(encoding="utf-8")
    result = run_cli("validate", str(cities))
    assert result.code == 0
    assert result.out.startswith("ok: 4 cities")
    assert "lisbon.yaml: not a member of the federation" in result.err


def test_timeline_without_catalogue_warns_once_and_keeps_the_locale(
    federation: Path, run_cli: RunCli
) -> None:
    result = run_cli(
        "timeline", "nairobi", "--cities", str(federation), "--on", "2017-10-02", "--lang", "sw"
    )
    assert result.code == 0, result.err
    assert "Partnering" in result.out  # words in English
    assert "Septemba 2017" in result.out  # dates in Swahili
    assert result.err.count("warning:") == 1 and "no catalogue for 'sw'" in result.err
    refused = run_cli(
        "timeline", "nairobi", "--cities", str(federation), "--on", "2017-10-02", "--lang", "sw",
        "--strict-lang",
    )  # fmt: skip
    assert refused.code == 1
    assert "no catalogue for 'sw' and --strict-lang is set" in refused.err


def test_new_cities_reach_the_review_in_their_languages(
    federation: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "demo", "--cities", str(federation), "--out", str(out), "--today", "2026-01-15"
    )
    assert result.code == 0, result.err
    assert result.err.count("warning:") == 1 and "no catalogue for 'sw'" in result.err
    portuguese = next(out.glob("review-*.pt-BR.html")).read_text(encoding="utf-8")
    assert 'lang="pt-BR" dir="ltr"' in portuguese
    assert 'class="fallback-note"' not in portuguese
    assert "São Paulo" in portuguese
    assert re.search(r"R\$\s?\d", portuguese)  # Brazilian reais, symbol first as pt-BR writes it
    assert "Dados de exemplo" in portuguese  # the sample-data note, translated
    swahili = next(out.glob("review-*.sw.html")).read_text(encoding="utf-8")
    assert 'class="fallback-note"' in swahili and "Kiswahili" in swahili
    assert "Sample data" in swahili  # words fall back to English...
    assert re.search(
        r"\d+ (Januari|Februari|Machi|Aprili|Mei|Juni|Julai|Agosti|Septemba|Oktoba|Novemba|Desemba) \d{4}",
        swahili,
    )
    assert "Nairobi" in swahili


def test_strict_lang_refuses_the_review_before_writing(
    federation: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    out = tmp_path / "strict"
    result = run_cli(
        "review", "2018", "--sample", "--cities", str(federation), "--out", str(out),
        "--strict-lang",
    )  # fmt: skip
    assert result.code == 1
    assert "no catalogue for 'sw' and --strict-lang is set" in result.err
    assert not out.exists() or list(out.iterdir()) == []


def test_federation_setting_makes_every_command_strict(federation: Path, run_cli: RunCli) -> None:
    path = federation / "federation.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "strict_lang: true\n", encoding="utf-8")
    result = run_cli("timeline", "nairobi", "--cities", str(federation), "--on", "2017-10-02")
    assert result.code == 1
    assert "--strict-lang" in result.err
