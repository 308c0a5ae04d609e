"""The Python example of docs/records.md runs as written."""

from __future__ import annotations

import re

import pytest
from records_helpers import ROOT

pytestmark = pytest.mark.integration


def test_records_doc_python_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    monkeypatch.chdir(ROOT)
    for block in blocks:
        exec(compile(block, "docs/records.md", "exec"), {"__name__": "records_doc"})


def test_records_doc_lists_every_kind_with_its_columns_and_header_example() -> None:
    from records_helpers import TEMPLATES

    from datacity_federation._services.records_kinds import KINDS, importer_of

    text = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z]+)` \| (.*) \|$", text, re.M))
    for kind in KINDS:
        spec = importer_of(kind)
        required, optional = rows[kind].split(" | ")
        column = r"`([a-z_]+)(?:<[a-z]+>)?`"
        assert re.findall(column, required) == [*spec.required, *spec.prefixes], kind
        assert re.findall(column, optional) == list(spec.optional), kind
        example = "\n".join(
            (TEMPLATES / f"{kind}.csv").read_text(encoding="utf-8").splitlines()[:2]
        )
        assert f"```csv\n{example}\n```" in text, kind
