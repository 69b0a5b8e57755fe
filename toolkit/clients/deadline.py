"""One overall time limit for a sync target: every request, retry and back-off fits inside it.

A target's work is applying a change (reload, verify) and, when that fails, restoring the previous
state. The last quarter of the limit is kept for the restore, so a server that stops answering still
leaves time to put the old files back and ask it to reload them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

RESERVE = 0.25  # share of the limit kept for restoring


class Deadline:
    """``seconds`` from now; :meth:`remaining` is what the current phase may still spend."""

    def __init__(self, seconds: float, clock=time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self.end = clock() + seconds
        self.reserve = seconds * RESERVE
        self._restoring = False

    def remaining(self) -> float:
        """Seconds left to the current phase (the reserve is spendable only while restoring)."""
        left = self.end - self.clock()
        return left if self._restoring else left - self.reserve

    def attempt_timeout(self, timeout: float, attempts: int) -> float:
        """The timeout of one attempt of a request that may be tried ``attempts`` times: its share of what
        is left, at most ``timeout``; 0 when nothing is left."""
        return max(0.0, min(timeout, self.remaining() / max(1, attempts)))

    @property
    def expired(self) -> bool:
        """True when the current phase has no time left."""
        return self.remaining() <= 0

    @contextmanager
    def restoring(self) -> Iterator[None]:
        """Spend the reserve: for putting the previous state back after a failure."""
        self._restoring = True
        try:
            yield
        finally:
            self._restoring = False

    def describe(self) -> str:
        """How messages name the limit."""
        return f"no answer within the time limit of {self.seconds:g} s for this target (--timeout)"
