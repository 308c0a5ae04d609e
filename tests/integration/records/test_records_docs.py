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
