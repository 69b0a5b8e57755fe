"""A change: which object it is about, what happened, and detail lines (such as a PromQL line diff)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

ADDED, REMOVED, CHANGED = "+", "-", "~"


@dataclass(frozen=True)
class Change:
    """One difference; ``section`` groups changes (``dashboard api``, ``rule group app-alerts``, ``alertmanager``)."""

    section: str
    kind: str
    text: str
    detail: tuple[str, ...] = field(default=())


def line_diff(old: str, new: str) -> tuple[str, ...]:
    """The lines that differ between two texts, ``- old`` and ``+ new``; two texts that differ only in
    line endings are shown whole, quoted."""
    lines = tuple(
        line for line in difflib.ndiff(old.splitlines(), new.splitlines()) if line.startswith(("- ", "+ "))
    )
    return lines or ((f"- {old!r}", f"+ {new!r}") if old != new else ())


def show(value: object) -> str:
    """A short, stable rendering of a value in a change message."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
