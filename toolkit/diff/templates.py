"""Notification template changes (``build/alertmanager/templates/``): templates added or removed, and the
lines that changed in each."""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.bundle import Bundle
from toolkit.diff.model import ADDED, CHANGED, REMOVED, Change, line_diff

SECTION = "alertmanager templates"


def template_changes(old: Bundle, new: Bundle) -> Iterator[Change]:
    """Every change of the notification templates from ``old`` to ``new``, by file."""
    before, after = old.alertmanager_files, new.alertmanager_files
    for name in sorted(set(before) | set(after)):
        if name not in before:
            yield Change(SECTION, ADDED, name)
        elif name not in after:
            yield Change(SECTION, REMOVED, name)
        elif before[name] != after[name]:
            yield Change(SECTION, CHANGED, f"{name} changed", line_diff(before[name], after[name]))
