"""The bundle: dashboards, rule groups and an Alertmanager config as plain, normalized data.

Every source (the project's Python, ``build/`` at a git revision, foreign JSON/YAML, live servers)
produces a :class:`Bundle`; every command (build, lint, diff, sync, import) consumes bundles. The data
inside is plain ``dict``/``list``/``str``/number, already normalized, and must be treated as read-only.
Bundles and entries have no ``==`` of their own: the one comparison is :mod:`toolkit.diff`. They are read-only
by convention, not frozen: a run makes thousands, and a frozen dataclass costs twice as much to make (and to
define, which every command's start pays).

Every dashboard is normalized by :func:`toolkit.bundle.dashboards.normalize_dashboard` (envelope, sharing
export, Grafana's additions, ownership tag, and :mod:`.migrate` for old shapes: :mod:`.grid` for ``rows``,
:mod:`.graph`, :mod:`.singlestat` and :mod:`.table` for the old panels, :mod:`.mappings` for old value
mappings); every rule by :mod:`toolkit.bundle.rules`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.locations import SourceLocation

if TYPE_CHECKING:  # types of fields only: reading rule files loads neither notes nor the metric catalogue
    from toolkit.bundle.notes import Note
    from toolkit.metrics import Metric
    from toolkit.route_tests import NotificationTest


def all_panels(panels: Any) -> Iterator[dict[str, Any]]:
    """Every panel of a dashboard's ``panels`` list, each row followed by the panels it holds; entries that
    are not objects are passed over."""
    for panel in panels if isinstance(panels, list) else ():
        if isinstance(panel, dict):
            yield panel
            yield from all_panels(panel.get("panels") or [])


@dataclass(eq=False)
class DashboardEntry:
    """One dashboard: its normalized Grafana JSON and where it and its panels were defined.

    ``notes`` say what normalizing the source JSON could not carry (see :mod:`toolkit.bundle.dashboards`).
    """

    uid: str
    data: dict[str, Any]
    source: SourceLocation
    folder: str = ""
    panel_sources: Mapping[int, SourceLocation] = field(default_factory=dict)
    lint_ignore: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()

    def panel_source(self, panel_id: int) -> SourceLocation:
        """Where the panel with ``panel_id`` was defined, else where the dashboard was."""
        return self.panel_sources.get(panel_id, self.source)


@dataclass(eq=False)
class RuleEntry:
    """One alerting or recording rule as it appears in a Prometheus rule file."""

    data: dict[str, Any]
    source: SourceLocation
    lint_ignore: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The alert name or the recorded metric name."""
        return self.data.get("alert") or self.data.get("record") or ""

    @property
    def is_alert(self) -> bool:
        """True for an alerting rule, False for a recording rule."""
        return "alert" in self.data


@dataclass(eq=False)
class RuleGroupEntry:
    """A rule group, the rule file it lives in, and its rules in evaluation order.

    ``options`` holds the group's own keys besides name and rules (``interval``, ``limit``,
    ``query_offset``, ``labels``, a ruler's own keys), normalized by
    :func:`toolkit.bundle.rules.normalize_group_options`.
    """

    name: str
    file: str
    rules: tuple[RuleEntry, ...]
    source: SourceLocation
    options: dict[str, Any] = field(default_factory=dict)

    def to_data(self) -> dict[str, Any]:
        """The group as it appears under ``groups:`` in a rule file."""
        return {"name": self.name, **self.options, "rules": [rule.data for rule in self.rules]}


@dataclass(eq=False)
class RuleTestEntry:
    """One promtool test case (``tests:`` entry) proving ``subject``: an alert, or an expression's name."""

    subject: str
    data: dict[str, Any]
    source: SourceLocation
    is_alert: bool = True

    @property
    def file(self) -> str:
        """The test file it is written to under ``prometheus/tests/``: one per subject."""
        return self.subject.replace(":", "_") + ".yml"


@dataclass(eq=False)
class Bundle:
    """Everything one source holds, normalized; ``origin`` says which source made it.

    ``metrics`` is the project's metric catalogue and ``rule_tests`` its alert and expression tests;
    the code source has them, and the git source reads them back from ``build/``.
    ``alertmanager_files`` holds the notification templates by path relative to ``alertmanager.yml``'s
    folder, ``route_sources`` where each route was defined (depth first, the order of the config) and
    ``route_tests`` the routing policy's tests (:mod:`toolkit.route_tests`); only the code source has the
    last two.
    """

    dashboards: tuple[DashboardEntry, ...] = ()
    rule_groups: tuple[RuleGroupEntry, ...] = ()
    alertmanager: dict[str, Any] | None = None
    alertmanager_source: SourceLocation | None = None
    origin: str = ""
    metrics: tuple[Metric, ...] = ()
    rule_tests: tuple[RuleTestEntry, ...] = ()
    alertmanager_files: Mapping[str, str] = field(default_factory=dict)
    route_sources: tuple[SourceLocation, ...] = ()
    route_tests: tuple[NotificationTest, ...] = ()

    def dashboard(self, uid: str) -> DashboardEntry | None:
        """The dashboard with ``uid``, or None."""
        return next((d for d in self.dashboards if d.uid == uid), None)

    def rule_files(self) -> dict[str, list[RuleGroupEntry]]:
        """Rule groups by the file they are written to, files in sorted order."""
        files: dict[str, list[RuleGroupEntry]] = {}
        for group in sorted(self.rule_groups, key=lambda g: (g.file, g.name)):
            files.setdefault(group.file, []).append(group)
        return files

    def alert_rules(self) -> list[tuple[RuleGroupEntry, RuleEntry]]:
        """Every alerting rule with its group."""
        return [(g, r) for g in self.rule_groups for r in g.rules if r.is_alert]

    def recording_rules(self) -> list[tuple[RuleGroupEntry, RuleEntry]]:
        """Every recording rule with its group."""
        return [(g, r) for g in self.rule_groups for r in g.rules if not r.is_alert]
