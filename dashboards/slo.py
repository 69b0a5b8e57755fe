"""Service level objectives: generated from the SLOs in alerts/slo.py."""

from __future__ import annotations

from alerts.slo import objectives
from toolkit.panels import DashboardDef, Link
from toolkit.settings import Settings
from toolkit.slo_dashboard import slo_dashboard


def build(settings: Settings) -> DashboardDef:
    """The ``slo`` dashboard."""
    return slo_dashboard(settings, objectives(settings), links=[Link("executive", "Executive overview")])
