"""What every check sees: the bundle, the settings that matter to lint, and parsed expressions."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from toolkit.bundle import Bundle, DashboardEntry, RuleEntry, RuleGroupEntry, all_panels
from toolkit.lint.findings import Finding, Level
from toolkit.lint.policy import Policy
from toolkit.lint.promql import Parsed, parse
from toolkit.lint.registry import CHECKS
from toolkit.locations import SourceLocation
from toolkit.sources.yaml_lines import field_line, find_token, token_position

if TYPE_CHECKING:
    from toolkit.lint.live import LivePrometheus
    from toolkit.metrics import Metric

DEFAULT_SCRAPE_SECONDS = 60.0
T = TypeVar("T")


class Expression(NamedTuple):
    """A parsed PromQL expression of a rule or of a panel's query, and how to report on it."""

    parsed: Parsed
    rule: RuleEntry | None = None
    board: DashboardEntry | None = None
    panel: dict[str, Any] | None = None

    @property
    def is_alert(self) -> bool:
        """True for an alerting rule's expression."""
        return self.rule is not None and self.rule.is_alert

    def finding(
        self,
        ctx: LintContext,
        check: str,
        message: str,
        level: Level | None = None,
        token: str = "",
        nth: int = 0,
    ) -> Finding:
        """A finding about this expression, at the ``nth`` ``token`` in it (the line of ``expr:`` or of the
        query's ``"expr"`` when the token is not found, else the rule's or panel's line)."""
        if self.rule is not None:
            return ctx.rule_finding(check, self.rule, message, level, field="expr", token=token, nth=nth)
        assert self.board is not None
        return ctx.panel_finding(
            check, self.board, self.panel, message, level, query=self.parsed.text, token=token, nth=nth
        )


@dataclass(eq=False)
class LintContext:
    """A bundle under lint. ``is_project`` is True for the project's own definitions (catalogue checks apply).

    ``recorded`` (the names recording rules produce) and ``uids`` (the dashboards' uids) are facts about the
    whole bundle; a shard keeps them while it holds only part of the rules and dashboards. ``disabled`` holds
    the checks the settings turn off, with their reasons, and ``disabled_at`` where each is named.
    ``shared`` holds what whole-bundle checks carry from one batch of files to the next (see
    :mod:`toolkit.lint.stream`), by check name; every shard and batch of a run sees the same mapping.
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
    root: Path | None = None
    conventions: bool = False
    knows_scrape_interval: bool = False
    policy: Policy = field(default_factory=Policy)
    shared: dict[str, Any] = field(default_factory=dict)
    _expressions: list[Expression] | None = field(default=None, init=False, repr=False)
    _rules: list[tuple[RuleGroupEntry, RuleEntry]] | None = field(default=None, init=False, repr=False)
    _rule_exprs: list[tuple[RuleEntry, Parsed]] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.bundle.metrics:  # the project's catalogue (foreign files have none: its code is not loaded)
            from toolkit.metrics import series_index

            self.catalogue = series_index(self.bundle.metrics)
        else:
            self.catalogue = {}
        self.recorded = self.recorded or frozenset(rule.name for _, rule in self.bundle.recording_rules())
        self.uids = self.uids or frozenset(board.uid for board in self.bundle.dashboards)

    def shards(self, parts: int) -> list[LintContext]:
        """This context split into up to ``parts`` contexts of about equal work (whole rule groups and
        dashboards), each knowing the whole bundle's facts."""
        groups = split_evenly(self.bundle.rule_groups, parts, lambda group: len(group.rules))
        boards = split_evenly(
            self.bundle.dashboards, parts, lambda board: len(board.data.get("panels") or ()) + 1
        )
        return [
            replace(self, bundle=replace(self.bundle, rule_groups=g, dashboards=d))
            for g, d in zip(groups, boards, strict=True)
            if g or d
        ]

    def rules(self) -> list[tuple[RuleGroupEntry, RuleEntry]]:
        """Every rule with its group (listed once per context: every check walks them)."""
        if self._rules is None:
            self._rules = [(group, rule) for group in self.bundle.rule_groups for rule in group.rules]
        return self._rules

    def rule_exprs(self) -> list[tuple[RuleEntry, Parsed]]:
        """Every rule with its parsed expression (parsed rules only; listed once per context)."""
        if self._rule_exprs is None:
            self._rule_exprs = [(e.rule, e.parsed) for e in self.expressions() if e.rule is not None]
        return self._rule_exprs

    def panels(self) -> Iterator[tuple[DashboardEntry, dict[str, Any]]]:
        """Every panel that is not a row, with its dashboard."""
        for board in self.bundle.dashboards:
            for panel in all_panels(board.data.get("panels") or []):
                if panel.get("type") != "row":
                    yield board, panel

    def panel_queries(self) -> Iterator[tuple[DashboardEntry, dict[str, Any], Parsed]]:
        """Every PromQL query of every panel, parsed after Grafana substitution, parsed or not. Queries of
        other data sources (Loki's LogQL, by the data source's type or, behind a variable, by the query's
        shape) are left out."""
        variables: dict[int, dict[str, str]] = {}
        for board, panel in self.panels():
            offered = variables.setdefault(id(board), datasource_variables(board))
            for target in panel.get("targets") or []:
                expr = target.get("expr") if isinstance(target, dict) else None
                if not isinstance(expr, str) or not expr.strip():
                    continue
                if not is_prometheus_target(panel, target, offered):
                    continue
                parsed = parse(expr, grafana=True)
                if parsed.ast is not None or not re.search(LOGQL, expr):
                    yield board, panel, parsed

    def panel_exprs(self) -> Iterator[tuple[DashboardEntry, dict[str, Any], Parsed]]:
        """Every PromQL query of every panel that parses."""
        for board, panel, parsed in self.panel_queries():
            if parsed.ast is not None:
                yield board, panel, parsed

    def expressions(self) -> list[Expression]:
        """Every parsed expression: rules' and panels' queries (gathered once per context)."""
        if self._expressions is None:
            rules = ((rule, parse(rule.data["expr"])) for _, rule in self.rules())
            self._expressions = [
                Expression(parsed, rule=rule) for rule, parsed in rules if parsed.ast is not None
            ] + [Expression(parsed, board=board, panel=panel) for board, panel, parsed in self.panel_exprs()]
        return self._expressions

    def rule_finding(
        self,
        check: str,
        rule: RuleEntry,
        message: str,
        level: Level | None = None,
        field: str = "",
        token: str = "",
        nth: int = 0,
    ) -> Finding:
        """A finding about ``rule``: at the ``nth`` ``token`` in the value of ``field`` (e.g. a metric in
        ``expr``), else at the line of ``field``, else at the rule's line."""
        reason = rule.lint_ignore.get(check, "")
        where, column = rule.source, 0
        lines = self.lines(rule.source.path) if field and rule.source.path.endswith((".yml", ".yaml")) else ()
        key_line = field_line(lines, rule.source.line, field) if lines else 0
        if key_line:
            where = SourceLocation(rule.source.path, key_line)
            position = token_position(lines, key_line, token, nth) if token else None
            if position:
                where, column = SourceLocation(rule.source.path, position[0]), position[1]
        return Finding(where, check, level or CHECKS[check].level, message, rule.name, column, reason)

    def lines(self, path: str) -> tuple[str, ...]:
        """The lines of the file at ``path`` (relative to the project root when it is relative)."""
        return file_lines(path, self.root)

    def panel_finding(
        self,
        check: str,
        board: DashboardEntry,
        panel: dict[str, Any] | None,
        message: str,
        level: Level | None = None,
        query: str = "",
        token: str = "",
        nth: int = 0,
    ) -> Finding:
        """A finding about a panel of ``board`` (or the dashboard itself): at ``token`` in the panel's
        ``query`` (its ``"expr"`` line in the JSON), else at the panel's line."""
        where: SourceLocation = board.panel_source(panel.get("id", 0)) if panel else board.source
        title = f"{board.uid}: {panel.get('title', '')}" if panel else board.uid
        reason = board.lint_ignore.get(check, "")
        column = 0
        if query and where.path.endswith(".json"):
            position = json_query_position(self.lines(where.path), where.line, query, token, nth)
            if position:
                where, column = SourceLocation(where.path, position[0]), position[1]
        return Finding(where, check, level or CHECKS[check].level, message, title, column, reason)


def split_evenly(items: Sequence[T], parts: int, weight: Callable[[T], int]) -> list[tuple[T, ...]]:
    """``items`` cut into ``parts`` runs (some maybe empty) of about equal total weight, in order."""
    total = sum(weight(item) for item in items) or 1
    runs: list[list[T]] = [[] for _ in range(parts)]
    done = 0
    for item in items:
        runs[min(parts - 1, done * parts // total)].append(item)
        done += weight(item)
    return [tuple(run) for run in runs]


def is_prometheus_target(
    panel: dict[str, Any], target: object, variables: Mapping[str, str] | None = None
) -> bool:
    """False for a query of another datasource type (e.g. a Loki query of a logs panel): its datasource,
    or else the panel's, is of another type (see :func:`datasource_type`)."""
    own = target.get("datasource") if isinstance(target, dict) else None
    kind = datasource_type(own, variables) or datasource_type(panel.get("datasource"), variables)
    return kind in ("", "prometheus")


LOGQL = (  # compiled on first use (re caches it): only a query that does not parse needs it
    r"\|[=~]|\|\s*(?:json|logfmt|pattern|regexp|line_format|label_format|unpack|decolorize|drop|keep)\b"
    r"|\b(?:bytes_over_time|bytes_rate)\s*\(|\}\s*(?:!=|!~)\s*[\"`]"
)


def datasource_variables(board: DashboardEntry) -> dict[str, str]:
    """The dashboard's data source variables: name -> the plugin type they offer (``query: loki``)."""
    variables = (board.data.get("templating") or {}).get("list") or []
    return {
        str(v.get("name")): str(v.get("query") or "")
        for v in variables
        if isinstance(v, dict) and v.get("type") == "datasource"
    }


def datasource_type(ref: object, variables: Mapping[str, str] | None = None) -> str:
    """'prometheus', another plugin's type, or '' when unknown (no reference, or a variable of unknown
    type): a variable's type is the one its data source variable offers; a reference naming Loki is Loki."""
    kind, uid = "", ""
    if isinstance(ref, dict):
        kind, uid = str(ref.get("type") or ""), str(ref.get("uid") or "")
    elif isinstance(ref, str):
        uid = ref
    if "prometheus" in kind:
        return "prometheus"
    if kind and kind != "datasource" and not kind.startswith("-- "):
        return kind
    name = uid.strip("${}").split(":")[0]
    offered = (variables or {}).get(name, "") if uid.startswith("$") else ""
    if offered:
        return "prometheus" if "prometheus" in offered else offered
    return "loki" if "loki" in uid.lower() else ""


EXPR_VALUE = r'"expr"\s*:\s*("(?:[^"\\]|\\.)*")'  # compiled on first use (re caches it): dashboards only


def json_query_position(
    lines: tuple[str, ...], from_line: int, query: str, token: str, nth: int = 0
) -> tuple[int, int] | None:
    """Where the ``nth`` ``token`` is in the ``"expr": "<query>"`` at or after ``from_line`` (else the first
    anywhere): (line, 1-based column); the start of the query when the token is not in it; None when the
    query is not found."""
    import json  # here: only dashboards' findings need it

    for number in chain(range(max(from_line, 1), len(lines) + 1), range(1, max(from_line, 1))):
        for match in re.finditer(EXPR_VALUE, lines[number - 1]):
            try:
                if json.loads(match.group(1)) != query:
                    continue
            except ValueError:
                continue
            escaped = json.dumps(token)[1:-1] if token else ""
            found = find_token(lines[number - 1], escaped, match.start(1)) if escaped else -1
            for _ in range(nth):
                found = find_token(lines[number - 1], escaped, found + len(escaped)) if found >= 0 else -1
            if found >= match.end(1):
                found = -1
            return number, (found if found >= 0 else match.start(1)) + 1
    return None


def file_lines(path: str, root: Path | None = None) -> tuple[str, ...]:
    """The lines of a text file (() when it cannot be read), read again when the file changed; a relative
    ``path`` is taken under ``root`` when one is given."""
    if root is not None:
        path = os.path.join(root, path)
    try:
        stat = os.stat(path)
    except OSError:
        return ()
    return _read_lines(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _read_lines(path: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8") as text:
            return tuple(text.read().splitlines())
    except (OSError, UnicodeDecodeError):
        return ()
