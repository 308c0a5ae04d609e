"""What the import contracts cannot say: which third-party libraries the pure parts may use,
that the domain does no I/O, that the use cases and the store read no environment variable, and
that no module keeps a table of words.

The arrows between the package's own parts (layers, the independence of the edges, the purity
of the domain, the disclosure rules and the review model) are import-linter contracts in
pyproject.toml, run by ``make test``; tests/unit/test_import_contracts.py shows they can fail.
Those contracts forbid libraries by name; here each pure part has an allow-list, so a library
nobody thought to forbid is caught too.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parents[2] / "datacity_federation"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}

# Pure (or catalogue-only) part -> its modules and the third-party libraries it may import.
ALLOWED_LIBRARIES = {
    # Babel only for CLDR's lists of languages, currencies and countries (shipped data, like
    # zoneinfo's), read on first use: docs/architecture.md, "Changes from the first map".
    "domain": (
        sorted((PACKAGE / "domain").rglob("*.py")),
        {"pydantic", "typing_extensions", "babel"},
    ),
    # the interval audit solves its model with HiGHS (SciPy, NumPy): computation, no I/O
    "_privacy": (
        sorted((PACKAGE / "_privacy").rglob("*.py")),
        {"pydantic", "typing_extensions", "numpy", "scipy"},
    ),
    "review model": (
        [
            PACKAGE / "_review" / n
            for n in ("model.py", "build.py", "status.py", "figures.py", "trends.py")
        ],
        {"pydantic"},
    ),
    "_i18n": (sorted((PACKAGE / "_i18n").rglob("*.py")), {"babel"}),
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("part", sorted(ALLOWED_LIBRARIES))
def test_pure_part_imports_only_its_allowed_libraries(part: str) -> None:
    paths, allowed = ALLOWED_LIBRARIES[part]
    assert paths
    wrong = [
        f"{path.name}: {name}"
        for path in paths
        for name in sorted(imports_of(path))
        if (top := name.split(".")[0]) != "datacity_federation"
        and top not in STDLIB
        and top not in allowed
    ]
    assert wrong == []


def test_domain_does_no_io() -> None:
    banned = {"open(", "Path(", ".read_text(", ".write_text(", "date.today(", "datetime.now("}
    wrong = [
        f"{path.name}: {word}"
        for path in sorted((PACKAGE / "domain").rglob("*.py"))
        for word in banned
        if word in path.read_text(encoding="utf-8")
    ]
    assert wrong == []


@pytest.mark.parametrize("part", ["_services", "_store"])
def test_use_cases_and_store_do_not_read_the_environment(part: str) -> None:
    """The command line reads ``--db`` / ``$DATACITY_DB`` (and the other variables) and hands
    the use cases what they need: a library call never depends on the caller's environment."""
    wrong = [
        f"{path.name}: {word}"
        for path in sorted((PACKAGE / part).rglob("*.py"))
        for word in ("os.environ", "getenv(")
        if word in path.read_text(encoding="utf-8")
    ]
    assert wrong == []


def test_no_word_tables_in_python() -> None:
    """Words live in the catalogues: no module keeps a table of texts per language."""
    pair = r'"(?:en|fr|es|ca|ar|hi|kn|ms|ta|zh)":\s*"[^"]*"'
    pattern = re.compile(rf"{pair},\s*{pair}")  # two languages' texts side by side
    wrong = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert wrong == []
