"""No module grows past 500 lines: a longer one is split along its nouns, not left to grow."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 500
FOLDERS = ("datacity_federation", "tests", "bench", "scripts")


def python_modules() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py"))


def test_python_modules_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in python_modules()}
    assert {"datacity_federation/__init__.py", "tests/unit/test_module_size.py"} <= names


def test_no_module_is_over_the_limit() -> None:
    long = {
        p.relative_to(ROOT).as_posix(): n
        for p in python_modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}
