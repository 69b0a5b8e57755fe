"""What a check reports: a finding with a severity, a message and where it is."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

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


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found by ``check`` at ``location`` (and 1-based ``column``, 0 when unknown); ``subject``
    names the rule or panel.

    ``suppressed`` holds the reason when the rule or dashboard disables the check (``lint_ignore``).
    """

    location: SourceLocation
    check: str
    level: Level
    message: str
    subject: str = ""
    suppressed: str = field(default="", compare=False)
    column: int = 0

    @property
    def where(self) -> str:
        """``path:line:column`` (line and column only where known)."""
        return f"{self.location}:{self.column}" if self.column and self.location.line else str(self.location)
