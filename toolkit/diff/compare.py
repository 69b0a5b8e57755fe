"""The whole comparison of two bundles."""

from __future__ import annotations

from toolkit.bundle import Bundle
from toolkit.diff.alertmanager import alertmanager_changes
from toolkit.diff.dashboards import dashboard_changes
from toolkit.diff.model import Change
from toolkit.diff.rules import rule_changes


def compare(old: Bundle, new: Bundle) -> list[Change]:
    """Every semantic change from ``old`` to ``new``: dashboards, then rule groups, then Alertmanager."""
    return [*dashboard_changes(old, new), *rule_changes(old, new), *alertmanager_changes(old, new)]
