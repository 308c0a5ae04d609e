"""What the registries share: a code registered beside a built-in enum's, and its field type.

Rule header: a registry (metrics, portal platforms) keeps its built-in codes as a ``StrEnum`` and
accepts codes registered later; a field over it validates against the registry *as it stands*
when a value is checked, writes a plain string, and lists the registered codes as its JSON
Schema ``enum`` when a schema is made (so a city file's editor sees an added platform).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["CODE", "Registered", "RegisteredCode"]

CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
"""What a registered code looks like (a metric's, a platform's)."""


class RegisteredCode(str):
    """A code registered beside the built-in ones (reads like an enum member: ``.value``)."""

    __slots__ = ()

    @property
    def value(self) -> str:
        return str.__str__(self)


@dataclass(frozen=True, slots=True)
class Registered:
    """JSON Schema metadata of a registered code's field (``Annotated[T, PlainValidator(parse),
    PlainSerializer(str), Registered(codes)]``): the codes registered when a schema is made."""

    codes: Callable[[], Iterable[str]]

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "enum": [str(code) for code in self.codes()]}
