"""The Python examples of README.md and docs/*.md use only the public API, pass ``mypy --strict``
and run (except the few marked ``<!-- example: typecheck only (why) -->``, which need a live
service)."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(
    r"(<!-- example: typecheck only \((?P<why>[^)]+)\) -->\n)?```python\n(?P<code>.*?)```", re.S
)
PRIVATE = re.compile(r"^\s*(?:from|import) datacity_federation(?:\.\w+)*\._\w+", re.M)


@dataclass(frozen=True)
class Example:
    source: str
    number: int
    code: str
    runs: bool

    @property
    def name(self) -> str:
        stem = re.sub(r"\W", "_", self.source.removesuffix(".md").lower())
        return f"example_{stem}_{self.number}"


def examples() -> list[Example]:
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for i, m in enumerate(BLOCK.finditer(text), 1):
            found.append(Example(path.name, i, m.group("code"), m.group("why") is None))
    return found


def test_examples_are_found() -> None:
    sources = {e.source for e in examples()}
    assert {"README.md", "api.md", "testing.md"} <= sources


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.name)
def test_example_imports_only_public_names(example: Example) -> None:
    assert PRIVATE.findall(example.code) == []


def test_examples_pass_mypy_strict(tmp_path: Path) -> None:
    files = []
    for example in examples():
        path = tmp_path / f"{example.name}.py"
        path.write_text(example.code, encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(ROOT / ".mypy_cache"), *files],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("example", [e for e in examples() if e.runs], ids=lambda e: e.name)
def test_example_runs(example: Example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each example runs in a fresh folder holding a copy-free link to the shipped cities."""
    (tmp_path / "cities").symlink_to(ROOT / "cities")
    monkeypatch.chdir(tmp_path)
    exec(compile(example.code, f"{example.source}#{example.number}", "exec"), {"__name__": "ex"})
