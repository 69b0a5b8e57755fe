"""A progress line on stderr for work that takes more than a second: shown only on a terminal, never in CI
(the ``CI`` environment variable) or with ``--quiet``. A command takes ``@quiet_option`` and wraps its long
work in ``with Progress(ctx, "testing", total=n) as progress:``, calling ``progress.advance()`` as units
finish and ``progress.echo(...)`` for output lines printed meanwhile.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

import click

QUIET = "toolkit.quiet"
CLEAR = "\r\x1b[K"


def _remember_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    ctx.meta[QUIET] = value


def quiet_option(function: Callable) -> Callable:
    """The ``-q/--quiet`` flag: no progress display (the command's output is unchanged)."""
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_remember_quiet,
        help="Show no progress line on the terminal.",
    )(function)


class Progress:
    """``label: done/total (N s)`` redrawn on ``stream`` from the first second on, cleared at the end."""

    def __init__(
        self,
        ctx: click.Context | None,
        label: str,
        total: int | None = None,
        stream: TextIO | None = None,
        delay: float = 1.0,
    ) -> None:
        self.stream = stream or sys.stderr
        quiet = bool(ctx and ctx.meta.get(QUIET))
        in_ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
        self.enabled = self.stream.isatty() and not in_ci and not quiet
        self.label, self.total, self.delay = label, total, delay
        self.done = 0
        self._shown = False
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._started = time.monotonic()

    def __enter__(self) -> Progress:
        if self.enabled:
            threading.Thread(target=self._draw_until_finished, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._finished.set()
        with self._lock:
            self._clear()

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more units of work as done."""
        self.done += count

    def counting(self, label: str) -> Callable[[int, int], None]:
        """A ``(done, total)`` callback for work that reports how far it has come: from its first call on,
        the line reads ``label done/total``."""

        def count(done: int, total: int) -> None:
            self.label, self.total, self.done = label, total, done

        return count

    def echo(self, message: str, **style: Any) -> None:
        """Print a line of output (stdout) without the progress line running into it."""
        with self._lock:
            self._clear()
            click.secho(message, **style)

    def _clear(self) -> None:
        if self._shown:
            self.stream.write(CLEAR)
            self.stream.flush()
            self._shown = False

    def _draw_until_finished(self) -> None:
        if self._finished.wait(self.delay):
            return
        while True:
            elapsed = time.monotonic() - self._started
            count = f" {self.done}/{self.total}" if self.total is not None else ""
            with self._lock:
                if self._finished.is_set():
                    return
                self.stream.write(f"{CLEAR}{self.label}{count} ({elapsed:.0f} s)")
                self.stream.flush()
                self._shown = True
            if self._finished.wait(0.25):
                return
