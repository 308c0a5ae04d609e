"""docs/cli.md is checked against the command tree both ways: every command and option of the
``datacity`` tree has its section there, every command line written anywhere in the docs names
commands and options that exist, and every command, argument and option has its help text."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "cli.md"
HEADING = re.compile(r"^#{2,4} `(datacity [^`]*)`", re.M)
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


@cache
def root_command() -> Any:
    import typer.main

    from datacity_federation._cli import _register, app

    _register()
    return typer.main.get_command(app)


def subcommands(command: Any) -> dict[str, Any]:
    return dict(getattr(command, "commands", None) or {})


def tree() -> dict[str, Any]:
    """Every command and group by its path (``"hub serve"``); the root is ``""``."""
    found: dict[str, Any] = {}

    def walk(command: Any, path: str) -> None:
        found[path] = command
        for name, sub in subcommands(command).items():
            walk(sub, f"{path} {name}".strip())

    walk(root_command(), "")
    return found


def leaves() -> dict[str, Any]:
    return {path: c for path, c in tree().items() if not subcommands(c)}


def options(command: Any) -> set[str]:
    return {o for p in command.params for o in getattr(p, "opts", ()) if o.startswith("--")}


def sections() -> dict[str, str]:
    """Each ``### `datacity ...``` section of the reference by its heading's command line."""
    text = REFERENCE.read_text(encoding="utf-8")
    parts = re.split(r"\n(?=#{2,4} )", text)
    return {m.group(1): part for part in parts if (m := HEADING.match(part))}


def resolve(line: str) -> tuple[str, Any, str]:
    """The command a written command line names (the longest known path), and the rest."""
    words = line.split()[1:]
    path, command = "", root_command()
    while words and words[0] in subcommands(command):
        path = f"{path} {words[0]}".strip()
        command = subcommands(command)[words.pop(0)]
    return path, command, " ".join(words)


def written_command_lines() -> list[tuple[str, str]]:
    """``(file, line)`` for every command line in the docs: inline code and shell blocks."""
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8").replace("\\|", "|")  # table cells escape |
        spans = re.findall(r"`(datacity(?: [^`]*)?)`", text)
        blocks = re.findall(r"```(?:sh|console|bash)\n(.*?)```", text, re.S)
        lines = [
            ln.strip().removeprefix("$ ").split(" #")[0]
            for block in blocks
            for ln in block.replace("\\\n", " ").splitlines()
        ]
        found += [
            (path.name, s) for s in spans + [ln for ln in lines if ln.startswith("datacity ")]
        ]
    return found


def test_the_tree_is_walked() -> None:
    paths = leaves()
    assert {"validate", "hub serve", "records import"} <= set(paths)
    assert "--max-bytes" in options(paths["hub serve"])


def test_every_command_has_its_section_in_the_reference() -> None:
    documented = {resolve(line)[0] for line in sections()}
    assert sorted(set(leaves()) - documented) == []


def test_every_option_is_documented_in_its_command_section() -> None:
    by_command: dict[str, str] = {}
    for line, text in sections().items():
        path = resolve(line)[0]
        by_command[path] = by_command.get(path, "") + text
    missing = [
        f"datacity {path} {opt}"
        for path, command in leaves().items()
        for opt in sorted(options(command))
        if path in by_command and not re.search(rf"{opt}(?![\w-])", by_command[path])
    ]
    assert missing == []


def test_every_reference_heading_is_one_existing_command() -> None:
    wrong = [line for line in sections() if resolve(line)[0] not in leaves()]
    assert wrong == []


def line_problems(name: str, line: str) -> list[str]:
    """What is wrong with one written command line: an unknown command or option."""
    path, command, rest = resolve(line)
    first = rest.split()[0] if rest else ""
    if subcommands(command) and first:
        choices = first.split("|")
        if first[0].islower() and not set(choices) <= set(subcommands(command)):
            return [
                f"{name}: `{line}`: no command {first!r} under `datacity {path}`".replace("  ", " ")
            ]
        if "|" in first:
            return []
    unknown = sorted(set(OPTION.findall(rest)) - options(command) - {"--help"})
    return [f"{name}: `{line}`: no option {opt}" for opt in unknown]


def test_every_written_command_line_names_real_commands_and_options() -> None:
    """A command line anywhere in the docs (README included) names an existing command, and
    only options of that command; ``A|B`` alternatives name existing subcommands."""
    wrong = [p for name, line in written_command_lines() for p in line_problems(name, line)]
    assert wrong == []


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("datacity hub serv --db X", "no command 'serv'"),
        ("datacity hub serve --db X --bogus", "no option --bogus"),
        ("datacity records import KIND FILE --city C --sesaon S", "no option --sesaon"),
        ("datacity i18n status|nope", "no command 'status|nope'"),
    ],
)
def test_a_wrong_command_line_is_named(line: str, problem: str) -> None:
    found = line_problems("doc.md", line)
    assert len(found) == 1
    assert problem in found[0]


def test_every_command_argument_and_option_has_help() -> None:
    missing = [f"datacity {path}".strip() for path, c in tree().items() if not c.help]
    for path, command in leaves().items():
        missing += [
            f"datacity {path} {param.name}"
            for param in command.params
            if not getattr(param, "help", None) and param.name != "help"
        ]
    assert missing == []
