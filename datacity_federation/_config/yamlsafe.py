"""Safe, strict YAML reading with positions.

Rule header: only the safe constructors run (any ``!!python/...`` tag is refused); duplicate keys,
tabs in indentation, non-UTF-8 bytes, empty and oversized files are refused; alias expansion is
bounded so that an alias bomb answers at once instead of hanging. Scalars that look like dates stay
strings (pydantic parses them and names an impossible date), and only ``true``/``false`` are
booleans (``no`` stays the string ``"no"``: the Norway problem). The composed node tree is kept so
that a validation error's field path can be mapped back to a line and column, but that mapping is
only computed when something is wrong: the happy path is one C parse and one construction pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "Located",
    "MAX_ALIAS_EXPANSION",
    "MAX_CONFIG_BYTES",
    "YamlDocument",
    "YamlProblem",
    "locate",
    "parse_yaml",
]

MAX_CONFIG_BYTES = 1024 * 1024
"""A city file larger than this (1 MiB) is refused before parsing."""
MAX_ALIAS_EXPANSION = 100_000
"""At most this many nodes once aliases are expanded (a real city file has a few thousand)."""

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A problem found while reading, at a 1-based line and column."""

    line: int
    column: int
    message: str
    field: str = ""


@dataclass(slots=True)
class YamlDocument:
    """The constructed data, the node tree it came from, and what reading found wrong."""

    data: Any
    root: Node | None
    problems: list[YamlProblem] = field(default_factory=list)


def _resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = []
        for tag, regexp in resolvers:
            if tag == _TIMESTAMP_TAG:
                continue
            kept.append((tag, _BOOL if tag == _BOOL_TAG else regexp))
        table[first] = kept
    return table


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe loading, fewer implicit types, and duplicate keys collected with their positions."""

    yaml_implicit_resolvers = _resolvers()

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[ScalarNode, Node]] = []
        self.root: Node | None = None

    def construct_document(self, node: Node) -> Any:
        self.root = node
        return super().construct_document(node)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        own = node.value  # merge keys are deleted from this very list; merged pairs go elsewhere
        result: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        if isinstance(node, MappingNode) and len(result) < len(node.value):
            # Fewer keys than pairs: a duplicate, or a merged key overridden (which is fine).
            seen: set[tuple[str, str]] = set()
            for key_node, _ in own:
                if isinstance(key_node, ScalarNode):
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        self.duplicates.append((key_node, node))
                    seen.add(key)
        return result


def _tab_problems(text: str) -> list[YamlProblem]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            found.append(
                YamlProblem(number, line.index("\t") + 1, "tab in indentation: YAML needs spaces")
            )
    return found


def _decode(raw: bytes) -> tuple[str | None, YamlProblem | None]:
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, YamlProblem(
            line, column, f"not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded; save as UTF-8"
        )


def _expanded_size(root: Node, limit: int) -> int:
    """Nodes in the tree once every alias is expanded, counted up to ``limit`` (memoised: linear)."""
    sizes: dict[int, int] = {}

    def size(node: Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        total = 1
        if isinstance(node, SequenceNode):
            for child in node.value:
                total += size(child)
                if total > limit:
                    break
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                total += size(key) + size(value)
                if total > limit:
                    break
        sizes[id(node)] = total
        return total

    return size(root)


def _mark_problem(exc: yaml.MarkedYAMLError) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = exc.problem or "invalid YAML"
    tag = re.search(r"tag '([^']+)'", problem)
    if isinstance(exc, yaml.constructor.ConstructorError) and tag:
        shown = tag.group(1).replace("tag:yaml.org,2002:", "!!")
        return YamlProblem(
            line, column, f"tag {shown} is not allowed: city files are read with safe loading only"
        )
    context = f" ({exc.context})" if exc.context and exc.context != problem else ""
    return YamlProblem(line, column, f"YAML syntax: {problem}{context}")


def parse_yaml(raw: bytes) -> YamlDocument:
    """Read one YAML document from ``raw`` bytes, strictly; never raises for bad input."""
    if len(raw) > MAX_CONFIG_BYTES:
        return YamlDocument(
            None,
            None,
            [YamlProblem(1, 1, f"file too large: {len(raw)} bytes (limit {MAX_CONFIG_BYTES})")],
        )
    text, problem = _decode(raw)
    if text is None:
        assert problem is not None
        return YamlDocument(None, None, [problem])
    if "\t" in text:
        tabs = _tab_problems(text)
        if tabs:
            return YamlDocument(None, None, tabs)
    if not text.strip():
        return YamlDocument(None, None, [YamlProblem(1, 1, "the file is empty")])
    loader = _StrictLoader(text)
    try:
        if "&" in text:
            # Aliases need anchors: only then can the expanded tree be larger than the file.
            root = loader.get_single_node()
            if root is not None and _expanded_size(root, MAX_ALIAS_EXPANSION) > MAX_ALIAS_EXPANSION:
                mark = root.start_mark
                return YamlDocument(
                    None,
                    root,
                    [
                        YamlProblem(
                            mark.line + 1,
                            mark.column + 1,
                            f"aliases expand to more than {MAX_ALIAS_EXPANSION} nodes "
                            "(alias bomb?); refused",
                        )
                    ],
                )
            data = loader.construct_document(root) if root is not None else None
        else:
            data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        return YamlDocument(None, None, [_mark_problem(exc)])
    except yaml.YAMLError as exc:
        return YamlDocument(None, None, [YamlProblem(1, 1, f"YAML: {exc}")])
    except RecursionError:
        return YamlDocument(None, None, [YamlProblem(1, 1, "YAML nests too deeply; refused")])
    finally:
        loader.dispose()
    problems = [
        YamlProblem(
            key.start_mark.line + 1,
            key.start_mark.column + 1,
            f"duplicate key {key.value!r} (first given at line {_first_key_line(parent, key)})",
            key.value,
        )
        for key, parent in loader.duplicates
    ]
    if data is None:
        problems.append(YamlProblem(1, 1, "the file is empty"))
    return YamlDocument(data, loader.root, problems)


def _first_key_line(parent: Node, key: ScalarNode) -> int:
    for other, _ in parent.value:
        if isinstance(other, ScalarNode) and other.value == key.value:
            return int(other.start_mark.line) + 1
    return int(key.start_mark.line) + 1


@dataclass(frozen=True, slots=True)
class Located:
    """Where a field path points in the file, and how far the path could be followed."""

    line: int
    column: int
    found: bool


def locate(root: Node | None, loc: tuple[str | int, ...], *, key: bool = False) -> Located:
    """The 1-based position of the node at ``loc``; with ``key``, of the mapping key itself.

    When the path leaves the tree (a missing field), the deepest node reached is used.
    """
    if root is None:
        return Located(1, 1, False)
    node: Node = root
    key_node: Node | None = None
    for part in loc:
        if part == "[key]":
            if key_node is not None:
                node = key_node
            continue
        child: Node | None = None
        if isinstance(node, MappingNode):
            for k, v in node.value:
                if isinstance(k, ScalarNode) and k.value == str(part):
                    key_node, child = k, v
                    break
        elif (
            isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value)
        ):
            key_node, child = None, node.value[part]
        if child is None:
            mark = node.start_mark
            return Located(mark.line + 1, mark.column + 1, False)
        node = child
    target = key_node if key and key_node is not None else node
    return Located(target.start_mark.line + 1, target.start_mark.column + 1, True)
