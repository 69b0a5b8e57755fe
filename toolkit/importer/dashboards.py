"""Grafana dashboard JSON to a dashboard module that uses the panel helpers where they fit.

Accepted: a bare dashboard, the API envelope ``{dashboard, meta}``, and "export for sharing" (its
``__inputs`` datasources become the ``${datasource}`` variable). Old dashboards are migrated the way
Grafana migrates them (see :data:`MIGRATED`): ``rows`` with ``span`` and pixel heights become row panels
on the 24-column grid, ``graph`` becomes ``timeseries``, ``singlestat`` becomes ``stat`` (``gauge`` when
it showed a gauge), ``table-old`` becomes ``table``. A panel the helpers do not model (overrides, value
mappings, repeats, library panels, transformations, links, other plugins) is carried as ``raw_panel`` JSON
and listed in the notes; so are variables other than query variables (``raw_variable``).
"""

from __future__ import annotations

import copy
import json
import math
import re
from typing import Any

from toolkit.importer.pysource import module_name
from toolkit.importer.rules import ImportedModule
from toolkit.source import SourceLocation
from toolkit.sources.files import SourceError, load_json

HELPERS = {
    "timeseries": "timeseries",
    "stat": "stat",
    "gauge": "gauge",
    "bargauge": "bar_gauge",
    "table": "table",
}
MIGRATED = {"graph": "timeseries", "singlestat": "stat", "table-old": "table"}
LEGACY_KEYS = {
    "graph": {
        "yaxes",
        "xaxis",
        "lines",
        "bars",
        "points",
        "legend",
        "span",
        "seriesOverrides",
        "aliasColors",
    },
    "singlestat": {"format", "thresholds", "colors", "gauge", "span", "sparkline", "valueName"},
    "table-old": {"styles", "span", "transform", "columns"},
}
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
UNMODELLED = ("repeat", "libraryPanel", "transformations", "links", "maxPerRow", "repeatDirection")
ROW_HEIGHT_PX = 30
GRAFANA_UID = re.compile(r"^[a-zA-Z0-9_-]{1,40}$")


def read_dashboard(text: str, path: str) -> dict[str, Any]:
    """The dashboard in ``text``, unwrapped from the API envelope and export-for-sharing inputs."""
    data = load_json(text, path)
    if isinstance(data, dict) and "dashboard" in data and isinstance(data["dashboard"], dict):
        data = data["dashboard"]
    if not isinstance(data, dict) or not ("panels" in data or "rows" in data):
        raise SourceError(
            "not a dashboard: expected a JSON object with 'panels' (or old 'rows')", SourceLocation(path, 1)
        )
    inputs = [i.get("name") for i in data.get("__inputs") or [] if i.get("type") == "datasource"]
    text = json.dumps({k: v for k, v in data.items() if k not in ("__inputs", "__requires", "__elements")})
    for name in inputs:
        text = text.replace(f"${{{name}}}", "${datasource}")
    return json.loads(text)


def _singlestat_steps(panel: dict[str, Any]) -> list[dict[str, Any]]:
    colors = panel.get("colors") or ["green", "orange", "red"]
    values = [float(v) for v in str(panel.get("thresholds") or "").split(",") if v.strip()]
    return [
        {"color": colors[0], "value": None},
        *({"color": colors[min(i + 1, len(colors) - 1)], "value": v} for i, v in enumerate(values)),
    ]


def _migrate_panel(panel: dict[str, Any]) -> dict[str, Any]:
    panel = copy.deepcopy(panel)
    kind = panel.get("type", "")
    if kind not in MIGRATED:
        return panel
    defaults = panel.setdefault("fieldConfig", {"defaults": {}, "overrides": []}).setdefault("defaults", {})
    if kind == "graph":
        axes = panel.pop("yaxes", None) or [{}]
        if axes[0].get("format") and not defaults.get("unit"):
            defaults["unit"] = axes[0]["format"]
    if kind == "singlestat":
        if panel.get("format") and not defaults.get("unit"):
            defaults["unit"] = panel["format"]
        if panel.get("thresholds"):
            defaults["thresholds"] = {"mode": "absolute", "steps": _singlestat_steps(panel)}
        panel["type"] = "gauge" if (panel.get("gauge") or {}).get("show") else "stat"
    else:
        panel["type"] = MIGRATED[kind]
    legacy = LEGACY_KEYS[kind]
    return {k: v for k, v in panel.items() if k not in legacy}


def _height(value: Any) -> int:
    pixels = float(str(value or "250").removesuffix("px"))
    return max(1, math.ceil(pixels / ROW_HEIGHT_PX))


def migrate(board: dict[str, Any]) -> dict[str, Any]:
    """The dashboard in the current layout: old ``rows`` become row panels with gridPos, old panel types
    their current ones."""
    board = copy.deepcopy(board)
    if "rows" in board and not board.get("panels"):
        panels, y = [], 0
        for row in board.pop("rows") or []:
            height = _height(row.get("height"))
            children, x = [], 0
            for panel in row.get("panels") or []:
                width = max(1, min(24, round(float(panel.get("span") or 12) * 2)))
                if x + width > 24:
                    x, y = 0, y + height
                panel = {**panel, "gridPos": {"x": x, "y": y + 1, "w": width, "h": height}}
                children.append(panel)
                x += width
            header = {
                "type": "row",
                "title": row.get("title", ""),
                "collapsed": bool(row.get("collapse")),
                "gridPos": {"x": 0, "y": y, "w": 24, "h": 1},
            }
            if header["collapsed"]:
                panels.append({**header, "panels": children})
            else:
                panels += [header, *children]
            y += 1 + height
        board["panels"] = panels
    board["panels"] = [
        {
            **_migrate_panel(p),
            **(
                {"panels": [_migrate_panel(c) for c in p.get("panels") or []]}
                if p.get("type") == "row"
                else {}
            ),
        }
        for p in board.get("panels") or []
    ]
    return board


def _fits_helper(panel: dict[str, Any]) -> str:
    """Why the panel needs the raw escape hatch ('' when a helper models it)."""
    if panel.get("type") not in HELPERS:
        return f"plugin {panel.get('type')!r} has no helper"
    field = panel.get("fieldConfig") or {}
    if field.get("overrides"):
        return "field overrides"
    if (field.get("defaults") or {}).get("mappings"):
        return "value mappings"
    for key in UNMODELLED:
        if panel.get(key):
            return key
    if any(not isinstance(t, dict) or "expr" not in t for t in panel.get("targets") or []):
        return "a query that is not PromQL"
    return ""


def _steps(panel: dict[str, Any]) -> list[tuple[str, float | None]] | None:
    steps = (((panel.get("fieldConfig") or {}).get("defaults") or {}).get("thresholds") or {}).get("steps")
    if not steps:
        return None
    return [(s.get("color", "green"), None if i == 0 else s.get("value")) for i, s in enumerate(steps)]


def _helper_code(panel: dict[str, Any]) -> str:
    defaults = (panel.get("fieldConfig") or {}).get("defaults") or {}
    queries = [
        f"Query({t['expr']!r}"
        + (f", legend={t['legendFormat']!r}" if t.get("legendFormat") else "")
        + (", instant=True" if t.get("instant") else "")
        + (", table=True" if t.get("format") == "table" else "")
        + ")"
        for t in panel.get("targets") or []
    ]
    pos = panel.get("gridPos") or {}
    args = [
        repr(panel.get("title", "")),
        f"[{', '.join(queries)}]",
        f"unit={defaults.get('unit', '')!r}",
        f"description={panel.get('description', '')!r}",
    ]
    steps = _steps(panel)
    if steps and len(steps) > 1:
        args.append(f"thresholds={steps!r}")
    custom = defaults.get("custom") or {}
    if panel["type"] == "timeseries" and (custom.get("stacking") or {}).get("mode") == "normal":
        args.append("stack=True")
    if panel["type"] in ("timeseries", "gauge", "bargauge"):
        args += [f"{key}={defaults[key]!r}" for key in ("min", "max") if key in defaults]
    if panel["type"] == "stat":
        if (panel.get("options") or {}).get("graphMode") == "none":
            args.append("graph=False")
        if defaults.get("decimals") is not None:
            args.append(f"decimals={defaults['decimals']!r}")
    args += [f"width={int(pos.get('w', 12))}", f"height={int(pos.get('h', 8))}"]
    helper = HELPERS[panel["type"]]
    return f"at({helper}({', '.join(args)}), x={int(pos.get('x', 0))}, y={int(pos.get('y', 0))})"


def _typed_datasources(value: Any) -> Any:
    """Every Prometheus datasource reference made the typed ``${datasource}`` one."""
    if isinstance(value, dict):
        if value.get("type") == "prometheus" and "uid" in value:
            return dict(DATASOURCE)
        return {
            k: (dict(DATASOURCE) if k == "datasource" and _is_prometheus_name(v) else _typed_datasources(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_typed_datasources(v) for v in value]
    return value


def _is_prometheus_name(value: Any) -> bool:
    return isinstance(value, str) and (value.startswith("$") or "prometheus" in value.lower())


def _panel_code(panel: dict[str, Any], notes: list[str]) -> str:
    why = _fits_helper(panel)
    if not why:
        return _helper_code(panel)
    notes.append(f"panel {panel.get('title', '')!r} ({panel.get('type')}) carried raw: {why}")
    data = {k: v for k, v in _typed_datasources(panel).items() if k != "id"}
    return f"raw_panel({data!r})"


def _variable_code(variable: dict[str, Any], notes: list[str]) -> str | None:
    kind = variable.get("type")
    if kind == "datasource":
        return None
    query = variable.get("query")
    query = query.get("query") if isinstance(query, dict) else query
    if kind == "query" and isinstance(query, str):
        label = f", label={variable['label']!r}" if variable.get("label") else ""
        return (
            f"Variable({variable['name']!r}, {query!r}{label}, multi={bool(variable.get('multi'))}, "
            f"include_all={bool(variable.get('includeAll'))})"
        )
    notes.append(f"variable ${variable.get('name')} ({kind}) carried raw")
    return f"raw_variable({ {k: v for k, v in variable.items() if k not in ('current', 'options')}!r})"


def _links(board: dict[str, Any], notes: list[str]) -> list[str]:
    links = []
    for link in board.get("links") or []:
        url = str(link.get("url") or "")
        match = re.match(r"^/d/([A-Za-z0-9_-]+)", url)
        if match:
            links.append(f"Link({match.group(1)!r}, {link.get('title', match.group(1))!r})")
        else:
            notes.append(
                f"link {link.get('title', url)!r} -> {url} is not a dashboard link: not carried, add it back by hand"
            )
    return links


def dashboard_module_name(board: dict[str, Any]) -> str:
    """A module name for ``board``: from its title, else its uid."""
    return module_name(str(board.get("title") or board.get("uid") or ""), "dashboard")


def import_dashboard(board: dict[str, Any], name: str, origin: str) -> ImportedModule:
    """The module source for ``board`` (already read), named ``name``; ``origin`` names where it came from.

    A uid Grafana would refuse (``^[a-zA-Z0-9_-]{1,40}$``) is refused here; a missing uid becomes ``name``.
    """
    uid = board.get("uid") or name
    if not isinstance(uid, str) or not GRAFANA_UID.match(uid):
        raise SourceError(
            f"dashboard uid {uid!r} is not one Grafana accepts: use 1 to 40 letters, digits, '-' or '_'",
            SourceLocation(origin, 1) if "://" not in origin else None,
        )
    board = migrate(board)
    notes: list[str] = []
    items = []
    for panel in board.get("panels") or []:
        if panel.get("type") == "row":
            children = [_panel_code(c, notes) for c in panel.get("panels") or []]
            y = int((panel.get("gridPos") or {}).get("y", 0))
            collapsed = ", collapsed=True" if panel.get("collapsed") else ""
            items.append(
                f"row({panel.get('title', '')!r}, {''.join(c + ', ' for c in children)}y={y}{collapsed})"
            )
        else:
            items.append(_panel_code(panel, notes))
    variables = [
        code for v in (board.get("templating") or {}).get("list") or [] if (code := _variable_code(v, notes))
    ]
    links = _links(board, notes)
    waived = _waivers(board)
    helpers = sorted({HELPERS[h] for h in HELPERS if f"{HELPERS[h]}(" in " ".join(items)})
    names = sorted(
        {"DashboardDef", "dashboard", "row", "at", *helpers}
        | ({"Query"} if "Query(" in " ".join(items) else set())
        | ({"raw_panel"} if "raw_panel(" in " ".join(items) else set())
        | ({"Variable"} if any(v.startswith("Variable(") for v in variables) else set())
        | ({"raw_variable"} if any(v.startswith("raw_variable(") for v in variables) else set())
        | ({"Link"} if links else set())
    )
    options = [
        f"uid={uid!r}",
        f"title={board.get('title', uid)!r}",
        f"description={board.get('description', '')!r}",
        f"tags={list(board.get('tags') or [])!r}",
        f"variables=[{', '.join(variables)}]",
        f"links=[{', '.join(links)}]",
        f"refresh={board.get('refresh') or '1m'!r}",
        f"time_from={(board.get('time') or {}).get('from', 'now-6h')!r}",
        'layout="fixed"',
    ]
    if waived:
        options.append(f"lint_ignore={waived!r}")
    source = "\n".join(
        [
            f'"""Dashboard {board.get("title", uid)!r}, imported from {origin}."""',
            "",
            "from __future__ import annotations",
            "",
            f"from toolkit.panels import {', '.join(names)}",
            "from toolkit.settings import Settings",
            "",
            "",
            "def build(settings: Settings) -> DashboardDef:",
            f'    """The ``{uid}`` dashboard."""',
            "    return dashboard(",
            "        settings,",
            *(f"        {option}," for option in options),
            f"        rows=[{', '.join(items)}],",
            "    )",
            "",
        ]
    )
    return ImportedModule(source, notes)


def _waivers(board: dict[str, Any]) -> dict[str, str]:
    from toolkit.dashboard_rules import dashboard_problems

    found = {problem.check for problem in dashboard_problems(board)}
    reasons = {
        "panel/units": "imported as it was: give every panel a unit",
        "panel/description": "imported as it was: describe every panel",
        "target/rate-interval": "imported as it was: use $__rate_interval in rate windows",
    }
    return {check: reasons[check] for check in sorted(found)}
