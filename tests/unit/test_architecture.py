"""The direction of dependencies holds: a pure core, edges outside, nothing imports the CLI."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parents[2] / "datacity_federation"
STDLIB = set(sys.stdlib_module_names) | {"__future__"}

# Layer -> the package layers and third-party libraries it may import.
PURE_LAYERS = {
    "domain": ({"errors", "domain"}, {"pydantic", "typing_extensions"}),
    # the interval audit solves its model with HiGHS (SciPy, NumPy): computation, no I/O
    "_privacy": (
        {"errors", "domain", "_privacy"},
        {"pydantic", "typing_extensions", "numpy", "scipy"},
    ),
}
CORE_EDGES = {"_store", "_portals", "_sync", "_review", "_cli", "_services"}
# The review's model is pure too; its rendering and sources beside it are edges.
PURE_REVIEW = ("model.py", "build.py", "figures.py", "trends.py")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "datacity_federation":
        return None
    return parts[1] if len(parts) > 1 else ""


def modules(layer: str) -> list[Path]:
    folder = PACKAGE / layer
    return sorted(folder.rglob("*.py")) if folder.is_dir() else []


@pytest.mark.parametrize("layer", sorted(PURE_LAYERS))
def test_pure_layer_imports_only_the_core_and_pydantic(layer: str) -> None:
    allowed_layers, allowed_libs = PURE_LAYERS[layer]
    wrong = []
    for path in modules(layer):
        for name in imports_of(path):
            top = name.split(".")[0]
            inner = layer_of(name)
            if inner is not None:
                if inner.split(".")[0] not in allowed_layers:
                    wrong.append(f"{path.name}: {name}")
            elif top not in STDLIB and top not in allowed_libs:
                wrong.append(f"{path.name}: {name}")
    assert wrong == []


def test_domain_does_no_io() -> None:
    banned = {"open(", "Path(", ".read_text(", ".write_text(", "date.today(", "datetime.now("}
    wrong = [
        f"{path.name}: {word}"
        for path in modules("domain")
        for word in banned
        if word in path.read_text(encoding="utf-8")
    ]
    assert wrong == []


def test_nothing_imports_the_cli() -> None:
    wrong = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        # The CLI itself, ``python -m`` and the test helper that runs it are its only callers.
        if path.parent.name not in {"_cli", "testing"}
        and path.name != "__main__.py"
        and any((layer_of(n) or "").startswith("_cli") for n in imports_of(path))
    ]
    assert wrong == []


def test_config_does_not_reach_into_the_edges() -> None:
    wrong = [
        f"{path.name}: {name}"
        for path in modules("_config")
        for name in imports_of(path)
        if (layer_of(name) or "").split(".")[0] in CORE_EDGES
    ]
    assert wrong == []


def test_review_model_is_pure() -> None:
    pure = (
        "errors",
        "domain",
        "_privacy",
        "_review.model",
        "_review.build",
        "_review.figures",
        "_review.trends",
    )

    def allowed(imported: str) -> bool:
        if imported.startswith("datacity_federation."):
            return imported.removeprefix("datacity_federation.").startswith(pure)
        return imported.split(".")[0] in STDLIB | {"pydantic"}

    wrong = [
        f"{name}: {imported}"
        for name in PURE_REVIEW
        for imported in imports_of(PACKAGE / "_review" / name)
        if not allowed(imported)
    ]
    assert wrong == []


def test_i18n_reads_only_catalogues() -> None:
    """The translation layer imports the errors, itself and Babel: no store, network or CLI."""
    wrong = [
        f"{path.name}: {name}"
        for path in modules("_i18n")
        for name in imports_of(path)
        if (
            (layer := layer_of(name)) is not None and layer.split(".")[0] not in {"errors", "_i18n"}
        )
        or (layer is None and name.split(".")[0] not in STDLIB | {"babel"})
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
