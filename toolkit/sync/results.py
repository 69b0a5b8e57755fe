"""What a sync step reports: the error a target raises, and what a file or ruler target changed."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.errors import ToolkitError


class SyncError(ToolkitError):
    """A target refused or failed a step of the sync; the message says what was left as it was."""


@dataclass(frozen=True)
class TargetResult:
    """What a Prometheus, ruler or Alertmanager sync wrote, removed and left alone (names of files or
    ``namespace/group``)."""

    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
