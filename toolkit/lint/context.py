"""What every check sees: the bundle, the settings that matter to lint, and parsed expressions."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from toolkit.bundle import Bundle, DashboardEntry, RuleEntry, RuleGroupEntry
from toolkit.lint.findings import Finding, Level
from toolkit.lint.live import LivePrometheus
from toolkit.lint.promql import Parsed, parse
from toolkit.lint.registry import CHECKS
from toolkit.metrics import Metric, series_index
from toolkit.source import SourceLocation

DEFAULT_SCRAPE_SECONDS = 60.0
T = TypeVar("T")


@dataclass(frozen=True)
class Expression:
    """A parsed PromQL expression of a rule or of a panel's query, and how to report on it."""

    parsed: Parsed
    rule: RuleEntry | None = None
    board: DashboardEntry | None = None
    panel: dict[str, Any] | None = None

    @property
    def is_alert(self) -> bool:
        """True for an alerting rule's expression."""
        return self.rule is not None and self.rule.is_alert

    def finding(self, ctx: LintContext, check: str, message: str, level: Level | None = None) -> Finding:
        """A finding about this expression, at its rule's or panel's line."""
        if self.rule is not None:
            return ctx.rule_finding(check, self.rule, message, level)
        assert self.board is not None
        return ctx.panel_finding(check, self.board, self.panel, message, level)


@dataclass
class LintContext:
    """A bundle under lint. ``is_project`` is True for the project's own definitions (catalogue checks apply).

    ``recorded`` (the names recording rules produce) and ``uids`` (the dashboards' uids) are facts about the
    whole bundle; a shard keeps them while it holds only part of the rules and dashboards. ``disabled`` holds
    the checks the settings turn off, with their reasons, and ``disabled_at`` where each is named.
    """

    bundle: Bundle
    scrape_seconds: float = DEFAULT_SCRAPE_SECONDS
    is_project: bool = False
    severities: tuple[str, ...] = ("critical", "warning", "info")
    catalogue: dict[str, Metric] = field(default_factory=dict)
    live: LivePrometheus | None = None
    recorded: frozenset[str] = field(default_factory=frozenset)
    uids: frozenset[str] = field(default_factory=frozenset)
    disabled: Mapping[str, str] = field(default_factory=dict)
    disabled_at: Mapping[str, SourceLocation] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.catalogue = series_index(self.bundle.metrics)
        self.recorded = self.recorded or frozenset(
            rule.name for group in self.bundle.rule_groups for rule in group.rules if not rule.is_alert
        )
        self.uids = self.uids or frozenset(board.uid for board in self.bundle.dashboards)

    def shards(self, parts: int) -> list[LintContext]:
        """This context split into up to ``parts`` contexts of about equal work (whole rule groups and
        dashboards), each knowing the whole bundle's facts."""
        groups = _split(self.bundle.rule_groups, parts, lambda group: len(group.rules))
        boards = _split(self.bundle.dashboards, parts, lambda board: len(board.data.get("panels") or ()) + 1)
        return [
            replace(self, bundle=replace(self.bundle, rule_groups=g, dashboards=d))
            for g, d in zip(groups, boards, strict=True)
            if g or d
        ]

    def rules(self) -> Iterator[tuple[RuleGroupEntry, RuleEntry]]:
        """Every rule with its group."""
        for group in self.bundle.rule_groups:
            for rule in group.rules:
                yield group, rule

    def rule_exprs(self) -> Iterator[tuple[RuleEntry, Parsed]]:
        """Every rule with its parsed expression (parsed rules only)."""
        for _, rule in self.rules():
            parsed = parse(rule.data["expr"])
            if parsed.ast is not None:
                yield rule, parsed

    def panels(self) -> Iterator[tuple[DashboardEntry, dict[str, Any]]]:
        """Every panel that is not a row, with its dashboard."""
        for board in self.bundle.dashboards:
            for panel in _all_panels(board.data.get("panels") or []):
                if panel.get("type") != "row":
                    yield board, panel

    def panel_exprs(self) -> Iterator[tuple[DashboardEntry, dict[str, Any], Parsed]]:
        """Every Prometheus query of every panel, parsed after Grafana substitution (parsed ones only)."""
        for board, panel in self.panels():
            for target in panel.get("targets") or []:
                expr = (
                    target.get("expr")
                    if isinstance(target, dict) and is_prometheus_target(panel, target)
                    else None
                )
                if isinstance(expr, str) and expr.strip():
                    parsed = parse(expr, grafana=True)
                    if parsed.ast is not None:
                        yield board, panel, parsed

    def expressions(self) -> Iterator[Expression]:
        """Every parsed expression: rules' and panels' queries."""
        for rule, parsed in self.rule_exprs():
            yield Expression(parsed, rule=rule)
        for board, panel, parsed in self.panel_exprs():
            yield Expression(parsed, board=board, panel=panel)

    def rule_finding(self, check: str, rule: RuleEntry, message: str, level: Level | None = None) -> Finding:
        """A finding about ``rule``, at its source line."""
        reason = rule.lint_ignore.get(check, "")
        return Finding(rule.source, check, level or CHECKS[check].level, message, rule.name, reason)

    def panel_finding(
        self,
        check: str,
        board: DashboardEntry,
        panel: dict[str, Any] | None,
        message: str,
        level: Level | None = None,
    ) -> Finding:
        """A finding about a panel of ``board`` (or the dashboard itself), at its source line."""
        where: SourceLocation = board.panel_source(panel.get("id", 0)) if panel else board.source
        title = f"{board.uid}: {panel.get('title', '')}" if panel else board.uid
        reason = board.lint_ignore.get(check, "")
        return Finding(where, check, level or CHECKS[check].level, message, title, reason)


def _split(items: tuple[T, ...], parts: int, weight: Callable[[T], int]) -> list[tuple[T, ...]]:
    """``items`` cut into ``parts`` runs (some maybe empty) of about equal total weight, in order."""
    total = sum(weight(item) for item in items) or 1
    runs: list[list[T]] = [[] for _ in range(parts)]
    done = 0
    for item in items:
        runs[min(parts - 1, done * parts // total)].append(item)
        done += weight(item)
    return [tuple(run) for run in runs]


def is_prometheus_target(panel: dict[str, Any], target: object) -> bool:
    """False for a query of another datasource type (e.g. a Loki query of a logs panel): its datasource,
    or else the panel's, is a typed reference to a type other than ``prometheus``."""
    source = (target.get("datasource") if isinstance(target, dict) else None) or panel.get("datasource")
    return not (isinstance(source, dict) and source.get("type") not in (None, "", "prometheus"))


def _all_panels(panels: list) -> Iterator[dict[str, Any]]:
    for panel in panels:
        if isinstance(panel, dict):
            yield panel
            yield from _all_panels(panel.get("panels") or [])
