"""The public namespace stays small, sorted and light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import datacity_federation
import datacity_federation.domain

pytestmark = pytest.mark.unit

HEAVY = ("httpx", "sqlmodel", "sqlalchemy", "jinja2", "fastapi", "uvicorn")


@pytest.mark.parametrize("module", [datacity_federation, datacity_federation.domain])
def test_all_is_sorted(module: object) -> None:
    names = list(module.__all__)  # type: ignore[attr-defined]
    assert names == sorted(names)


@pytest.mark.parametrize("module", [datacity_federation, datacity_federation.domain])
def test_all_names_exist(module: object) -> None:
    missing = [n for n in module.__all__ if not hasattr(module, n)]  # type: ignore[attr-defined]
    assert missing == []


def test_import_loads_no_edge_library() -> None:
    code = f"import sys, datacity_federation; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
