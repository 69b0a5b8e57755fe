"""The whole comparison of two bundles: the one notion of "the same" that diff and sync use."""

from __future__ import annotations

from toolkit.bundle import Bundle
from toolkit.diff.alertmanager import alertmanager_changes
from toolkit.diff.dashboards import dashboard_changes
from toolkit.diff.metrics import metric_changes
from toolkit.diff.model import Change
from toolkit.diff.rule_tests import rule_test_changes
from toolkit.diff.rules import rule_changes
from toolkit.diff.templates import template_changes


def compare(old: Bundle, new: Bundle) -> list[Change]:
    """Every change from ``old`` to ``new``: dashboards, rule groups, Alertmanager and its notification
    templates, promtool tests and the metric catalogue. Empty exactly when nothing in them differs; the order of panels and of receivers
    and whitespace in PromQL are no difference."""
    return [*dashboard_changes(old, new), *changes_beside_dashboards(old, new)]


def changes_beside_dashboards(old: Bundle, new: Bundle) -> list[Change]:
    """Every change from ``old`` to ``new`` but the dashboards', in the order :func:`compare` gives them."""
    return [
        *rule_changes(old, new),
        *alertmanager_changes(old, new),
        *template_changes(old, new),
        *rule_test_changes(old, new),
        *metric_changes(old, new),
    ]
