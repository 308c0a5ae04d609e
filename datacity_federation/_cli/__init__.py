"""The ``datacity`` command line: thin commands over the services.

Every :class:`~datacity_federation.errors.DatacityError` becomes a clean message on stderr and a
non-zero exit code; a user never sees a traceback (``DATACITY_DEBUG=1`` shows one for bug reports).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import typer

from datacity_federation.errors import DatacityError

__all__ = ["app", "main"]

app = typer.Typer(
    name="datacity",
    help="Run the Data City open-innovation programme across many cities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


_registered: list[bool] = []


def _register() -> None:
    # Each area registers its commands; importing them here keeps `datacity --help` complete.
    # Once per process: registering again would stack duplicate commands on every main() call.
    if _registered:
        return
    _registered.append(True)
    from datacity_federation._cli import cities, demo, i18n, portals, records, review, sync

    cities.register(app)
    demo.register(app)
    i18n.register(app)
    portals.register(app)
    records.register(app)
    review.register(app)
    sync.register(app)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return (and, as a console script, exit with) the exit code."""
    _register()
    from datacity_federation._cli.lang import forget_warnings

    forget_warnings()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = app(args=args, prog_name="datacity", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except DatacityError as exc:
        _echo_error(str(exc))
        code = exc.exit_code
    except typer.Exit as exc:
        code = exc.exit_code
    except typer.Abort:
        _echo_error("aborted")
        code = 1
    except typer.TyperException as exc:
        # Usage errors (unknown command, missing option): click's own message and exit code 2.
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            _echo_error(str(exc))
        code = int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        _echo_error("interrupted")
        code = 130
    except Exception as exc:
        if os.environ.get("DATACITY_DEBUG"):
            raise
        _echo_error(
            f"internal error: {type(exc).__name__}: {exc} "
            "(this is a bug; run again with DATACITY_DEBUG=1 for the details)"
        )
        code = 70
    if argv is None:
        sys.exit(code)
    return code


def _echo_error(message: str) -> None:
    lines = message.splitlines() or [message]
    if len(lines) == 1:
        typer.echo(f"datacity: error: {lines[0]}", err=True)
    else:
        for line in lines:
            typer.echo(line, err=True)
        typer.echo(f"datacity: {len(lines)} problems", err=True)
