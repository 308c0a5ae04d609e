"""The import-linter contracts can fail: each one breaks on a deliberately wrong import.

``make test`` runs ``lint-imports`` on the package as it is (every contract kept). Here a copy of
the package gets one wrong import per contract, and import-linter, run on that copy with the
project's own configuration, must report exactly the contract it breaks, and keep the others.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "pyproject.toml"

# contract id -> (module of the copy, the wrong import appended to it)
WRONG = {
    "layers": ("_store/engine.py", "from datacity_federation._services import records"),
    "pure-domain": ("domain/season.py", "import httpx"),
    "pure-privacy": ("_privacy/cells.py", "import sqlalchemy"),
    "pure-review-model": ("_review/model.py", "from datacity_federation._review import render"),
    "i18n-reads-catalogues": ("_i18n/locales.py", "import jinja2"),
    "edges-independent": ("_portals/base.py", "from datacity_federation._sync import bundle"),
}

# Runs in a child process whose path starts at the copy, so that copy is what gets analysed.
CHECK = """
import json, sys
from importlinter.cli import lint_imports
config, ids, out = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
codes = {i: lint_imports(config_filename=config, limit_to_contracts=(i,), no_cache=True,
                         no_logo=True) for i in ids}
with open(out, "w") as fh:
    json.dump(codes, fh)
"""


def contract_ids() -> list[str]:
    options = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["tool"]["importlinter"]
    return [c["id"] for c in options["contracts"]]


def lint(package_parent: Path, tmp: Path) -> dict[str, int]:
    """Exit code of ``lint-imports`` per contract, on the package found in ``package_parent``."""
    out = tmp / "codes.json"
    subprocess.run(
        [sys.executable, "-c", CHECK, str(CONFIG), ",".join(contract_ids()), str(out)],
        cwd=tmp,
        env={**os.environ, "PYTHONPATH": str(package_parent)},
        capture_output=True,
        check=False,
        timeout=300,
    )
    codes: dict[str, int] = json.loads(out.read_text(encoding="utf-8"))
    return codes


def test_every_contract_has_a_wrong_import_here() -> None:
    assert sorted(WRONG) == sorted(contract_ids())


def test_each_contract_breaks_on_its_wrong_import_and_only_there(tmp_path: Path) -> None:
    copy = tmp_path / "src" / "datacity_federation"
    shutil.copytree(
        ROOT / "datacity_federation", copy, ignore=shutil.ignore_patterns("__pycache__", "locale")
    )
    for module, line in WRONG.values():
        path = copy / module
        path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    assert lint(copy.parent, tmp_path) == dict.fromkeys(WRONG, 1)


def test_one_wrong_import_breaks_one_contract(tmp_path: Path) -> None:
    copy = tmp_path / "src" / "datacity_federation"
    shutil.copytree(
        ROOT / "datacity_federation", copy, ignore=shutil.ignore_patterns("__pycache__", "locale")
    )
    module, line = WRONG["edges-independent"]
    path = copy / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    codes = lint(copy.parent, tmp_path)
    assert codes == {i: int(i == "edges-independent") for i in contract_ids()}
