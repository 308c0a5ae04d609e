"""The built wheel carries cities/ and templates/: an installed library finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("datacity_federation-*.whl")
    return built


def test_wheel_ships_cities_templates_and_py_typed(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for city in ("paris", "barcelona", "singapore", "bangalore", "federation"):
        assert f"datacity_federation/_data/cities/{city}.yaml" in names
    assert "datacity_federation/_data/cities/city.schema.json" in names
    assert "datacity_federation/_data/templates/city.yaml.j2" in names
    assert "datacity_federation/py.typed" in names


def _install(wheel: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A fresh venv with the wheel installed (dependencies from this run); (python, purelib)."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    # The dependencies come from this test run's environment; the library itself from the wheel.
    purelib = Path(
        sysconfig.get_paths(vars={"base": str(env_dir), "platbase": str(env_dir)})["purelib"]
    )
    (purelib / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    python = env_dir / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(purelib),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return python, purelib


def test_installed_wheel_validates_its_shipped_cities(wheel: Path, tmp_path: Path) -> None:
    python, purelib = _install(wheel, tmp_path)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH"}}
    where = subprocess.run(
        [str(python), "-c", "import datacity_federation as d; print(d.default_cities_dir())"],
        cwd=work, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert where.stdout.strip().startswith(str(purelib))
    result = subprocess.run(
        [str(python), "-m", "datacity_federation", "validate"],
        cwd=work, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (
        0,
        "ok: 4 cities, 6 seasons, 2 challenges in 5 files\n",
    )
    made = subprocess.run(
        [str(python), "-m", "datacity_federation", "new-city", "lyon", "--name", "Lyon", "--country",
         "FR", "--languages", "fr", "--timezone", "Europe/Paris", "--currency", "EUR", "--out", "."],
        cwd=work, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert (work / "lyon.yaml").is_file()


def test_wheel_ships_compiled_review_catalogs_and_templates(wheel: Path) -> None:
    from datacity_federation._i18n import Catalogs

    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [
        lang
        for lang in Catalogs().names()
        if f"datacity_federation/locale/{lang}/LC_MESSAGES/datacity.mo" not in names
    ]
    assert missing == []
    assert "datacity_federation/locale/datacity.pot" in names
    assert "datacity_federation/_data/templates/call/challenge.html.j2" in names
    for name in ("review.html.j2", "macros.html.j2", "index.html.j2", "review.css"):
        assert f"datacity_federation/_data/templates/review/{name}" in names


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


def test_federation_catalogues_override_and_add_languages_over_a_read_only_install(
    wheel: Path, tmp_path: Path
) -> None:
    """A director corrects a word and adds a language beside the city files; the installed
    package, made read-only, is neither needed nor touched."""
    import shutil

    from babel import Locale
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    python, purelib = _install(wheel, tmp_path)
    package = purelib / "datacity_federation"
    for path in [package, *package.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    before = _tree(package)
    cities = tmp_path / "cities"
    shutil.copytree(ROOT / "cities", cities)
    for lang, text in (("fr", "Mise en relation"), ("sw", "Ushirikiano")):
        catalog = Catalog(locale=Locale.parse(lang), domain="datacity", fuzzy=False)
        catalog.add("Partnering", text)
        po = cities / "locale" / lang / "LC_MESSAGES" / "datacity.po"
        po.parent.mkdir(parents=True)
        with po.open("wb") as fh:
            write_po(fh, catalog)
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH"}}

    def timeline(lang: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), "-m", "datacity_federation", "timeline", "paris", "--cities",
             str(cities), "--on", "2016-10-01", "--lang", lang],
            cwd=tmp_path, env=env, capture_output=True, text=True,
        )  # fmt: skip

    fr, sw = timeline("fr"), timeline("sw")
    try:
        assert fr.returncode == 0, fr.stderr
        assert "Mise en relation" in fr.stdout and "Expérimentation" in fr.stdout
        assert fr.stderr == ""
        assert sw.returncode == 0, sw.stderr
        assert "Ushirikiano" in sw.stdout and "Experimentation" in sw.stdout
        assert "warning:" in sw.stderr and "'sw'" in sw.stderr
        assert _tree(package) == before
    finally:
        for path in [package, *package.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
