"""The strict base every domain model stands on, and the small shared types."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
)

__all__ = [
    "Code",
    "DomainModel",
    "LanguageTag",
    "Loc",
    "LocalizedText",
    "Problem",
    "Slug",
    "checks_deferred",
    "raise_problems",
]

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=64),
    Field(description="A stable identifier: lower-case letters, digits, '-' or '_'."),
]
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


def _bcp47_spelling(value: Any) -> Any:
    """``pt_BR`` (POSIX) is read as ``pt-BR``: both spellings name the same locale."""
    if isinstance(value, str) and "_" in value and len(value) <= 35:
        parts = value.split("_")
        if parts[0].isalpha() and parts[0].islower():
            return "-".join([parts[0], *(p.upper() if len(p) == 2 else p for p in parts[1:])])
    return value


LanguageTag = Annotated[
    str,
    BeforeValidator(_bcp47_spelling),
    StringConstraints(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$", max_length=35),
    Field(
        description="A BCP 47 language tag, e.g. 'fr', 'pt-BR', 'zh-Hans' ('pt_BR' is read as "
        "'pt-BR')."
    ),
]
NonEmptyText = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
LocalizedText = Annotated[
    dict[LanguageTag, NonEmptyText],
    Field(description="Text per language: a mapping from BCP 47 tag to text."),
]

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]
"""A located problem: the field path inside the checked object, and what is wrong."""


class DomainModel(BaseModel):
    """Frozen, strict about unknown fields; field docstrings become schema descriptions."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


def checks_deferred(info: ValidationInfo) -> bool:
    """True when the caller (the config loader) runs the cross-field checks itself, located."""
    context: Any = info.context
    return isinstance(context, dict) and bool(context.get("defer_checks"))


def format_loc(loc: Loc) -> str:
    """``("seasons", 0, "start")`` -> ``seasons[0].start``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def raise_problems(problems: Iterable[Problem]) -> None:
    """Raise one ``ValueError`` naming every problem, when there is any."""
    found = list(problems)
    if found:
        raise ValueError(
            "; ".join(f"{format_loc(loc)}: {msg}" if loc else msg for loc, msg in found)
        )


def prefixed(prefix: Loc, problems: Iterable[Problem]) -> Iterator[Problem]:
    """The same problems, located below ``prefix``."""
    for loc, msg in problems:
        yield (*prefix, *loc), msg
