"""Signals as exceptions: Ctrl-C and SIGTERM unwind the stack, so every ``finally`` cleans up.

Python turns SIGINT into KeyboardInterrupt; SIGTERM would end the process on the spot, leaving temporary
folders and child processes behind. Inside :func:`sigterm_unwinds`, SIGTERM raises :class:`Terminated`
(a KeyboardInterrupt, so the same cleanup runs). :func:`signals_deferred` holds both signals back while a
short step that must not be cut in half (a commit) runs; they arrive as soon as it ends.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """The process received SIGTERM."""


def _in_main_thread() -> bool:
    """Signal handlers and masks can only be set from the main thread."""
    return threading.current_thread() is threading.main_thread()


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """Within the block, SIGTERM raises Terminated in the main thread; the old handler is restored after."""
    if not _in_main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block ends (POSIX; elsewhere the block runs unguarded)."""
    if not hasattr(signal, "pthread_sigmask") or not _in_main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
