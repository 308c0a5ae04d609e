"""Helpers for the tests of downstream apps (and of this package): real parts, started locally."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import Protocol

__all__ = ["CliResult", "RunCli", "run_cli"]


@dataclass(frozen=True, slots=True)
class CliResult:
    """What one run of the ``datacity`` command line did."""

    code: int
    out: str
    err: str


class RunCli(Protocol):
    """The type of a function that runs the command line (the ``run_cli`` test fixture)."""

    def __call__(self, *args: str) -> CliResult: ...


def run_cli(*args: str) -> CliResult:
    """Run ``datacity ARGS`` in this process; return its exit code, stdout and stderr."""
    from datacity_federation._cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return CliResult(code, out.getvalue(), err.getvalue())
