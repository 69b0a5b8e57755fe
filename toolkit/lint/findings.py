"""What a check reports: a finding with a severity, a message and where it is."""

from __future__ import annotations

import enum
from typing import NamedTuple

from toolkit.locations import SourceLocation


class Level(enum.IntEnum):
    """How bad a finding is; ``bug`` and above fail ``toolkit lint`` by default."""

    INFO = 1
    WARNING = 2
    BUG = 3
    FATAL = 4

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Level:
        """The level named ``text`` (info, warning, bug, fatal)."""
        return cls[text.upper()]


class Finding(NamedTuple):
    """One problem found by ``check`` at ``location`` (and 1-based ``column``, 0 when unknown); ``subject``
    names the rule or panel. Findings sort by place, then check, level, message and subject.

    ``suppressed`` holds the reason when the rule or dashboard disables the check (``lint_ignore``).
    """

    location: SourceLocation
    check: str
    level: Level
    message: str
    subject: str = ""
    column: int = 0
    suppressed: str = ""

    @property
    def where(self) -> str:
        """``path:line:column`` (line and column only where known)."""
        return f"{self.location}:{self.column}" if self.column and self.location.line else str(self.location)
