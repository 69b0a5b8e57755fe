"""Checks of Grafana dashboards: uid, units, descriptions, datasources, targets, variables, grid, links.

Three of them are the house rules every dashboard the project builds keeps (:data:`HOUSE_RULES`): each
panel has a unit and a description, and every ``rate``/``irate`` window is ``$__rate_interval``. The build
runs these same checks (:func:`house_rule_findings`) and refuses a dashboard that breaks one it does not
waive in ``lint_ignore``, so lint and build never disagree.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

from toolkit.bundle import Bundle, DashboardEntry
from toolkit.lint.context import LintContext, datasource_type, datasource_variables, is_prometheus_target
from toolkit.lint.findings import Finding, Level
from toolkit.lint.promql import parse
from toolkit.lint.registry import CHECKS, check

# patterns compiled on first use (re caches them): a run over rule files alone never needs them
RATE_WINDOW = r"\b(i?rate)\s*\(((?:[^()]|\([^()]*\))*?)\[([^\]:]+)\]"
HOUSE_RULES = ("panel/units", "panel/description", "target/rate-interval")
UID = r"^[A-Za-z0-9_-]{1,40}$"
STRING = r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`"""
GRID = 24
DATASOURCE_VARIABLE = r"^\$\{?datasource\}?$|^\$\{?ds\w*\}?$"
NO_TARGETS = {"text", "news", "dashlist", "row", "alertlist", "annolist", "welcome"}
NO_UNIT = NO_TARGETS | {"logs"}  # what these panels show has no unit
LABEL_VALUES = r"(?s)^\s*label_values\((.*),\s*\w+\s*\)\s*$|^\s*query_result\((.*)\)\s*$"


@check(
    "dashboard/uid",
    "A uid Grafana refuses (1-40 letters, digits, - or _), or no uid, so every import makes a new one.",
    Level.FATAL,
)
def uid(ctx: LintContext) -> Iterator[Finding]:
    for board in ctx.bundle.dashboards:
        if not board.uid:
            yield ctx.panel_finding(
                "dashboard/uid",
                board,
                None,
                "no uid: Grafana makes a random one on every import; give a stable uid of 1-40 letters, "
                "digits, - or _",
                Level.WARNING,
            )
        elif not re.match(UID, board.uid):
            yield ctx.panel_finding(
                "dashboard/uid",
                board,
                None,
                f"uid {board.uid!r}: Grafana refuses it; give a stable uid of 1-40 letters, digits, - or _",
            )


@check("panel/units", "A panel without a unit.", Level.WARNING, convention=True)
def units(ctx: LintContext) -> Iterator[Finding]:
    for board, panel in ctx.panels():
        if panel.get("type") not in NO_UNIT and not str(panel_unit(panel) or "").strip():
            yield ctx.panel_finding(
                "panel/units", board, panel, "no unit: set one (e.g. short, percentunit, s, bytes, reqps)"
            )


def panel_unit(panel: dict) -> Any:
    """The unit ``panel`` shows its values in, as given (None where unset): a heatmap's is its y axis'
    (the buckets' bound; the heatmap takes no unit from the field config), any other panel's its field
    config's."""
    if panel.get("type") == "heatmap":
        y_axis = (panel.get("options") or {}).get("yAxis")
        return y_axis.get("unit") if isinstance(y_axis, dict) else None
    return ((panel.get("fieldConfig") or {}).get("defaults") or {}).get("unit")


@check("panel/description", "A panel without a description.", Level.INFO, convention=True)
def description(ctx: LintContext) -> Iterator[Finding]:
    for board, panel in ctx.panels():
        if panel.get("type") not in NO_TARGETS and not str(panel.get("description") or "").strip():
            yield ctx.panel_finding(
                "panel/description", board, panel, "no description: say what it shows and how to read it"
            )


def _datasource_ok(value: object) -> bool:
    """Grafana's default (none), a reference with a uid (a variable's or a data source's), or a variable."""
    if value is None:
        return True
    if isinstance(value, dict):
        return bool(value.get("uid"))
    return isinstance(value, str) and (value.startswith("$") or bool(re.match(DATASOURCE_VARIABLE, value)))


@check(
    "panel/datasource",
    "A panel or query that names its data source by display name (or a reference without a uid) instead of "
    "a {type, uid} reference or a variable; no data source (Grafana's default) is fine.",
    Level.WARNING,
    convention=True,
)
def datasource(ctx: LintContext) -> Iterator[Finding]:
    for board, panel in ctx.panels():
        if panel.get("type") in NO_TARGETS:
            continue
        refs = [
            panel.get("datasource"),
            *(
                t.get("datasource")
                for t in panel.get("targets") or []
                if isinstance(t, dict) and "datasource" in t
            ),
        ]
        if not all(_datasource_ok(ref) for ref in refs):
            yield ctx.panel_finding(
                "panel/datasource",
                board,
                panel,
                'datasource is not {"type": ..., "uid": ...} or ${datasource}: name data sources by uid or variable, never by display name',
            )


@check("panel/targets", "A panel that queries nothing.", Level.WARNING)
def targets(ctx: LintContext) -> Iterator[Finding]:
    for board, panel in ctx.panels():
        if panel.get("type") not in NO_TARGETS and not panel.get("targets"):
            yield ctx.panel_finding(
                "panel/targets", board, panel, "no queries: add a target or remove the panel"
            )


@check(
    "target/rate-interval",
    "rate()/irate() in a dashboard query with a window other than $__rate_interval.",
    Level.WARNING,
    convention=True,
)
def rate_interval(ctx: LintContext) -> Iterator[Finding]:
    for board, panel in ctx.panels():
        for target in panel.get("targets") or []:
            if not is_prometheus_target(panel, target):
                continue
            expr = target.get("expr", "") if isinstance(target, dict) else ""
            unquoted = (
                re.sub(STRING, '""', expr) if isinstance(expr, str) else ""
            )  # [a-z] in a regex is no window
            for function, _, window in re.findall(RATE_WINDOW, unquoted):
                if window.strip() != "$__rate_interval":
                    yield ctx.panel_finding(
                        "target/rate-interval",
                        board,
                        panel,
                        f"{function}(...[{window}]): use [$__rate_interval], which follows the zoom and the scrape interval",
                    )


@check(
    "template/datasource",
    "A dashboard without a datasource variable, so it cannot be pointed at another Prometheus.",
    Level.WARNING,
    convention=True,
)
def template_datasource(ctx: LintContext) -> Iterator[Finding]:
    for board in ctx.bundle.dashboards:
        variables = board.data.get("templating", {}).get("list") or []
        if not any(isinstance(v, dict) and v.get("type") == "datasource" for v in variables):
            yield ctx.panel_finding(
                "template/datasource",
                board,
                None,
                "no datasource variable: add one of type datasource (query: prometheus)",
            )


@check(
    "template/promql",
    "A query variable whose label_values()/query_result() query is not valid PromQL.",
    Level.BUG,
)
def template_promql(ctx: LintContext) -> Iterator[Finding]:
    for board in ctx.bundle.dashboards:
        for variable in board.data.get("templating", {}).get("list") or []:
            if not isinstance(variable, dict) or variable.get("type") != "query":
                continue
            if datasource_type(variable.get("datasource"), datasource_variables(board)) not in (
                "",
                "prometheus",
            ):
                continue  # Loki's label_values({}, job) is LogQL
            query = variable.get("query")
            query = str((query.get("query") if isinstance(query, dict) else query) or "")
            match = re.match(LABEL_VALUES, query)
            selector = (match.group(1) or match.group(2)) if match else None
            if selector and parse(selector, grafana=True).ast is None:
                yield ctx.panel_finding(
                    "template/promql",
                    board,
                    None,
                    f"variable {variable.get('name')}: {parse(selector, grafana=True).error} in {query}",
                )


@check(
    "dashboard/grid",
    "Panels that overlap or do not fit the 24-column grid (Grafana moves them, so the layout is not the "
    "one written; rows always span the grid).",
    Level.WARNING,
)
def grid(ctx: LintContext) -> Iterator[Finding]:
    for board in ctx.bundle.dashboards:
        columns: list[list[tuple[int, int, str]]] = [
            [] for _ in range(GRID)
        ]  # per column: (top, bottom, title)
        for panel in board.data.get("panels") or []:
            pos = panel.get("gridPos") if isinstance(panel, dict) else None
            if not isinstance(pos, dict):
                continue
            values = [pos.get(key, 0) or 0 for key in ("x", "y", "w", "h")]
            if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
                yield ctx.panel_finding(
                    "dashboard/grid", board, panel, f"gridPos {pos} holds something that is not a number"
                )
                continue
            x, y, w, h = (int(v) for v in values)
            if panel.get("type") == "row":
                x, w = 0, GRID
            if x < 0 or w < 1 or x + w > GRID:
                yield ctx.panel_finding(
                    "dashboard/grid", board, panel, f"x={x}, w={w} does not fit the {GRID}-column grid"
                )
                continue
            clash = next(filter(None, (_overlap(columns[cx], y, y + h) for cx in range(x, x + w))), None)
            if clash is not None:
                yield ctx.panel_finding("dashboard/grid", board, panel, f"overlaps panel {clash!r}")
            for cx in range(x, x + w):
                bisect.insort(columns[cx], (y, y + max(h, 0), str(panel.get("title", ""))))


def _overlap(column: list[tuple[int, int, str]], top: int, bottom: int) -> str | None:
    """The title of a panel in ``column`` (sorted by top) that covers part of ``top``..``bottom``: the
    neighbours of the insertion point are the only candidates. Time grows with the log of the panels,
    whatever their heights."""
    index = bisect.bisect_left(column, (top, top, ""))
    for other_top, other_bottom, title in column[max(0, index - 1) : index + 1]:
        if other_top < bottom and top < other_bottom:
            return title
    return None


@check(
    "dashboard/links",
    "A dashboard link to a uid that no dashboard here has.",
    Level.WARNING,
    project_only=True,
)
def links(ctx: LintContext) -> Iterator[Finding]:
    for board in ctx.bundle.dashboards:
        for link in board.data.get("links") or []:
            url = str(link.get("url") or "") if isinstance(link, dict) else ""
            target = url.removeprefix("/d/").split("/")[0].split("?")[0] if url.startswith("/d/") else None
            if target and target not in ctx.uids:
                yield ctx.panel_finding(
                    "dashboard/links",
                    board,
                    None,
                    f"link {link.get('title', url)!r} points at /d/{target}, which is not a dashboard here",
                )


def house_rule_findings(board: DashboardEntry) -> list[Finding]:
    """What the house-rule checks (:data:`HOUSE_RULES`) find on ``board``, in order; a finding the
    dashboard waives in ``lint_ignore`` carries the reason in ``suppressed``."""
    ctx = LintContext(Bundle(dashboards=(board,)))
    return sorted(finding for name in HOUSE_RULES for finding in CHECKS[name].run(ctx))
