"""Helpers shared by the CLI commands: finding the project, writing output files, and the one error boundary
that turns every failure into a one-line message and a documented exit code (see docs/exit-codes.md).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import click

from toolkit.errors import ToolkitError
from toolkit.interrupts import Terminated

if TYPE_CHECKING:  # pathlib is imported where a path is made: `toolkit --help` runs without it
    from pathlib import Path

OK, FINDINGS, ERROR, INTERRUPTED, TERMINATED = 0, 1, 2, 130, 143
TRACEBACK_ENV = "TOOLKIT_TRACEBACK"
T = TypeVar("T")


class CommandError(click.ClickException):
    """An error the user must fix (bad input, unreadable or unwritable file): ``Error: <message>``, exit 2."""

    exit_code = ERROR


def project_root(ctx: click.Context) -> Path:
    """The project root from ``--project`` or the current folder upwards."""
    from pathlib import Path

    from toolkit.project_root import find_root  # here: commands on plain files may need no project

    given = (ctx.find_root().obj or {}).get("project_dir")
    with library_errors():
        return find_root(given or Path.cwd())


def _os_message(error: OSError) -> str:
    where = error.filename if error.filename is not None else ""
    reason = error.strerror or str(error)
    return f"{where}: {reason}" if where else reason


@contextmanager
def library_errors() -> Iterator[None]:
    """Turn a ToolkitError (its located message) or an OSError (path and reason) into an exit-2 error."""
    try:
        yield
    except ToolkitError as error:
        raise CommandError(str(error)) from None
    except OSError as error:
        if error.errno == errno.EPIPE:
            raise
        raise CommandError(_os_message(error)) from None


def write_output(option: str, path: Path, write: Callable[[Path], T]) -> T:
    """Call ``write(path)`` for an output the user asked for with ``option``; a path that cannot be
    written is an exit-2 error naming the option, the path and the reason."""
    try:
        return write(path)
    except OSError as error:
        blocking = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        reason = f"{blocking} is a file, not a folder" if blocking else error.strerror or str(error)
        raise CommandError(f"{option} {path}: cannot write: {reason}") from None


@contextmanager
def error_boundary() -> Iterator[None]:
    """Every command runs inside this: no traceback reaches the user.

    Library errors and unreadable or unwritable files exit 2 with their message; Ctrl-C exits 130 and
    SIGTERM 143, each with one line; anything unexpected is a toolkit bug, reported in one line (the
    traceback only with TOOLKIT_TRACEBACK=1). click's own exits (usage errors, ``ctx.exit``) pass through.
    """
    try:
        with library_errors():
            yield
    except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, BrokenPipeError):
        raise  # click prints these itself (a closed pipe, e.g. `| head`, ends quietly)
    except Terminated:
        click.echo("Terminated (SIGTERM).", err=True)
        raise click.exceptions.Exit(TERMINATED) from None
    except KeyboardInterrupt:
        click.echo("Interrupted (Ctrl-C).", err=True)
        raise click.exceptions.Exit(INTERRUPTED) from None
    except Exception as error:
        if os.environ.get(TRACEBACK_ENV):
            raise
        raise CommandError(
            f"internal error ({type(error).__name__}: {error}): this is a toolkit bug; please report it with "
            f"the command you ran (set {TRACEBACK_ENV}=1 to see where it happened)"
        ) from None
