"""Build hook: compile the gettext catalogs (``.po`` -> ``.mo``) into the wheel.

The ``.mo`` files are build products (ignored by git); a source checkout compiles the ``.po``
files in memory instead (see ``datacity_federation/_review/i18n.py``).
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root)
        out = Path(tempfile.mkdtemp(prefix="datacity-mo-"))
        for po in sorted((root / "datacity_federation" / "locale").glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as fh:
                catalog = read_po(fh)
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            rel = po.relative_to(root).with_suffix(".mo")
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(buffer.getvalue())
            build_data["force_include"][str(target)] = str(rel)
