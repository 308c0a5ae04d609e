"""Docs that cannot drift: every field and error is documented; the CLI reference is
checked against the command tree in test_cli_reference.py, the Python examples (README
included) in test_doc_examples.py."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import datacity_federation.errors as errors
from datacity_federation.domain import City, FederationSettings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def all_docs() -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md"))]
    return "\n".join([*texts, (ROOT / "README.md").read_text(encoding="utf-8")])


def field_names(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(name)
        stack: list[Any] = [info.annotation]
        while stack:
            item = stack.pop()
            if isinstance(item, type) and issubclass(item, BaseModel):
                names |= field_names(item, seen)
            stack.extend(getattr(item, "__args__", ()) or ())
    return names


@pytest.mark.parametrize("model", [City, FederationSettings])
def test_every_config_field_is_in_the_configuration_reference(model: type[BaseModel]) -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = sorted(n for n in field_names(model) if not re.search(rf"\b{re.escape(n)}\b", text))
    assert missing == []


def test_every_error_class_is_documented() -> None:
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    classes = [
        name
        for name in errors.__all__
        if isinstance(getattr(errors, name), type) and issubclass(getattr(errors, name), Exception)
    ]
    assert [name for name in classes if f"`{name}`" not in text] == []


def test_readme_first_runnable_command_is_near_the_top() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("make "))
    assert first < 25
    assert lines[first].startswith("make demo")
    assert lines[first + 1].startswith("make test")


def test_docs_name_no_machine_paths() -> None:
    text = all_docs()
    assert re.findall(r"/(?:work|root|home)/\w+", text) == []
    assert os.sep == "/"
