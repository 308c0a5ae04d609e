"""The public namespace stays small, sorted and light."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import datacity_federation
import datacity_federation.domain

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
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


def test_every_error_class_is_exported_at_the_top() -> None:
    import datacity_federation.errors as errors

    assert sorted(set(errors.__all__) - set(datacity_federation.__all__)) == []


def test_every_public_name_is_in_the_api_reference() -> None:
    """Named in docs/api.md as `name` or `name(...)`, so the reference lists every stable name."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [
        n for n in datacity_federation.__all__ if not re.search(rf"`{re.escape(n)}[`(]", text)
    ]
    assert missing == []


def test_lazy_names_load_on_first_use_only() -> None:
    code = (
        "import sys, datacity_federation as d; before = 'sqlalchemy' in sys.modules; "
        "d.cells_for_year; print(before, 'sqlalchemy' in sys.modules, 'cells_for_year' in dir(d))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True"]


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'load_citty'"):
        datacity_federation.load_citty  # type: ignore[attr-defined]  # noqa: B018
