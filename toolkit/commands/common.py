"""Helpers shared by the CLI commands: finding the project and turning library errors into exits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from toolkit.errors import ToolkitError


def project_root(ctx: click.Context) -> Path:
    """The project root from ``--project`` or the current folder upwards."""
    from toolkit.settings import find_root  # here, so commands on plain files skip jsonschema

    given = (ctx.find_root().obj or {}).get("project_dir")
    with library_errors():
        return find_root(given or Path.cwd())


@contextmanager
def library_errors() -> Iterator[None]:
    """Turn a ToolkitError into click's error exit (status 1) with the error's located message."""
    try:
        yield
    except ToolkitError as error:
        raise click.ClickException(str(error)) from None
