"""Grafana dashboard JSON: grafanalib's legacy output made current, and any dashboard made canonical.

grafanalib emits ``schemaVersion`` 12, legacy keys and nulls everywhere. :func:`modernize` turns its output
into what a current Grafana saves (schemaVersion 41, typed datasource references, stable panel ids, the
options each panel plugin requires). Any dashboard JSON is made canonical by the one normalizer,
:func:`toolkit.bundle.dashboards.normalize_dashboard`.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from grafanalib._gen import DashboardEncoder

from toolkit.bundle.dashboards import SCHEMA_VERSION
from toolkit.bundle.migrate import BUILT_IN_ANNOTATION
from toolkit.sources.grafanalib_panels import current_panel, drop_nulls
from toolkit.sources.plugin_defaults import NO_QUERIES, PLUGIN_COLOR_MODE, PLUGIN_CUSTOM, PLUGIN_OPTIONS

SOURCE_KEY = "__toolkit_source__"
RAW_KEY = "__toolkit_raw__"
# JSON a helper does not model, merged over what the helper built (see merge_extra)
EXTRA_KEY = "__toolkit_extra__"

DASHBOARD_KEYS = frozenset(
    [
        "annotations",
        "description",
        "editable",
        "fiscalYearStartMonth",
        "graphTooltip",
        "links",
        "liveNow",
        "panels",
        "preload",
        "refresh",
        "schemaVersion",
        "tags",
        "templating",
        "time",
        "timepicker",
        "timezone",
        "title",
        "uid",
        "weekStart",
    ]
)
PANEL_KEYS = frozenset(
    [
        "cacheTimeout",
        "datasource",
        "description",
        "fieldConfig",
        "gridPos",
        "id",
        "interval",
        "libraryPanel",
        "links",
        "maxDataPoints",
        "maxPerRow",
        "options",
        "pluginVersion",
        "repeat",
        "repeatDirection",
        "targets",
        "timeFrom",
        "timeShift",
        "title",
        "transformations",
        "transparent",
        "type",
        "hideTimeOverride",
    ]
)
ROW_KEYS = frozenset(["collapsed", "datasource", "gridPos", "id", "panels", "repeat", "title", "type"])
TARGET_KEYS = frozenset(
    [
        "datasource",
        "editorMode",
        "exemplar",
        "expr",
        "format",
        "hide",
        "instant",
        "interval",
        "intervalFactor",
        "legendFormat",
        "range",
        "refId",
    ]
)
VARIABLE_KEYS = frozenset(
    [
        "allValue",
        "current",
        "datasource",
        "definition",
        "description",
        "hide",
        "includeAll",
        "label",
        "multi",
        "name",
        "options",
        "query",
        "refresh",
        "regex",
        "skipUrlSync",
        "sort",
        "type",
    ]
)
FIELD_DEFAULT_KEYS = frozenset(
    [
        "color",
        "custom",
        "decimals",
        "displayName",
        "links",
        "mappings",
        "max",
        "min",
        "noValue",
        "thresholds",
        "unit",
    ]
)
LINK_KEYS = frozenset(
    [
        "asDropdown",
        "icon",
        "includeVars",
        "keepTime",
        "tags",
        "targetBlank",
        "title",
        "tooltip",
        "type",
        "url",
    ]
)


def merge_extra(built: Any, extra: Any) -> Any:
    """``extra`` laid over ``built``: mappings key by key, lists of mappings of the same length item by
    item, anything else replaced (by ``extra``'s own objects: pass data nothing else holds)."""
    if isinstance(built, dict) and isinstance(extra, dict):
        return {**built, **{k: merge_extra(built[k], v) if k in built else v for k, v in extra.items()}}
    if (
        isinstance(built, list)
        and isinstance(extra, list)
        and len(built) == len(extra)
        and all(isinstance(item, dict) for item in [*built, *extra])
    ):
        return [merge_extra(b, e) for b, e in zip(built, extra, strict=True)]
    return extra


def _with_extra(data: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    return merge_extra(data, json.loads(raw[EXTRA_KEY])) if EXTRA_KEY in raw else data


def grafanalib_json(board: Any) -> dict[str, Any]:
    """grafanalib's own JSON for ``board``, as plain data (legacy shape, nulls kept)."""
    return json.loads(json.dumps(board.to_json_data(), cls=DashboardEncoder))


def modernize(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[int, str]]:
    """Turn grafanalib output into current Grafana JSON.

    Returns the dashboard and, for each panel id, the source location the panel helper recorded.
    """
    raw = drop_nulls(raw)
    sources: dict[int, str] = {}
    panels = []
    next_id = 1
    for panel in raw.get("panels") or []:
        children = []
        for child in panel.get("panels") or []:
            children.append(_modern_panel(child, next_id + 1 + len(children), sources))
        panels.append(_modern_panel(panel, next_id, sources, children))
        next_id += 1 + len(children)
    board = {k: v for k, v in raw.items() if k in DASHBOARD_KEYS and v is not None}
    board["panels"] = panels
    board["schemaVersion"] = SCHEMA_VERSION
    board["annotations"] = {"list": [dict(BUILT_IN_ANNOTATION)]}
    board["templating"] = {"list": [_variable(v) for v in raw["templating"]["list"]]}
    board["links"] = [_link(link) for link in raw.get("links") or []]
    board["timepicker"] = {}
    board["editable"] = True
    board["fiscalYearStartMonth"] = 0
    board["liveNow"] = False
    board["graphTooltip"] = raw.get("graphTooltip") or 0
    return _with_extra(board, raw), sources


def _modern_panel(
    raw: dict[str, Any], panel_id: int, sources: dict[int, str], children: list | None = None
) -> dict[str, Any]:
    source = raw.get(SOURCE_KEY)
    if source:
        sources[panel_id] = source
    if RAW_KEY in raw:
        return {**json.loads(raw[RAW_KEY]), "id": panel_id}
    if raw.get("type") == "row":
        row = {k: v for k, v in raw.items() if k in ROW_KEYS}
        row.update(id=panel_id, panels=children or [], collapsed=bool(raw.get("collapsed")))
        row.pop("datasource", None)
        return _with_extra(row, raw)
    extra = {EXTRA_KEY: raw[EXTRA_KEY]} if EXTRA_KEY in raw else {}  # laid over the panel at the end
    raw = current_panel({k: v for k, v in raw.items() if k != EXTRA_KEY})
    panel = {k: v for k, v in raw.items() if k in PANEL_KEYS and v not in (None, "", [], {})}
    panel["id"] = panel_id
    panel["fieldConfig"] = _field_config(raw)
    panel["options"] = _options(raw)
    if raw.get("type") in NO_QUERIES:
        panel.pop("datasource", None)
        panel.pop("targets", None)
    else:
        panel["datasource"] = raw.get("datasource") or {"type": "prometheus", "uid": "${datasource}"}
        panel["targets"] = [_target(t) for t in raw.get("targets") or []]
    for key in ("hideTimeOverride", "transparent"):
        if not panel.get(key):
            panel.pop(key, None)
    if panel.get("maxDataPoints") == 100:
        panel.pop("maxDataPoints")
    return _with_extra(panel, extra)


def _target(raw: dict[str, Any]) -> dict[str, Any]:
    target = {k: v for k, v in raw.items() if k in TARGET_KEYS and v not in (None, "")}
    target.pop("intervalFactor", None)
    if not target.get("hide"):
        target.pop("hide", None)
    instant = bool(raw.get("instant"))
    target.update(editorMode="code", instant=instant, range=not instant)
    return target


def _field_config(raw: dict[str, Any]) -> dict[str, Any]:
    source = raw.get("fieldConfig") or {}
    # Before schemaVersion 23 (and in grafanalib's gauges) unit, min and max sat in options.fieldOptions.
    legacy = ((raw.get("options") or {}).get("fieldOptions") or {}).get("defaults") or {}
    defaults = {**legacy, **(source.get("defaults") or {})}  # modernize's own copy: changed at the top only
    unit = defaults.get("unit") or raw.get("format") or raw.get("unit")
    defaults = {k: v for k, v in defaults.items() if k in FIELD_DEFAULT_KEYS}
    if unit:
        defaults["unit"] = unit
    defaults.setdefault("mappings", [])
    defaults.setdefault("color", {"mode": PLUGIN_COLOR_MODE.get(str(raw.get("type", "")), "thresholds")})
    steps = (defaults.get("thresholds") or {}).get("steps")
    if not isinstance(steps, list) or not steps:  # grafanalib writes "" (or "0,100") for no steps
        steps = [{"color": "green", "value": None}]
    steps = [dict(step, value=None) if i == 0 else step for i, step in enumerate(steps)]
    steps = [{"color": s["color"], "value": s.get("value")} for s in steps]
    mode = (defaults.get("thresholds") or {}).get("mode")
    defaults["thresholds"] = {"mode": mode if mode == "percentage" else "absolute", "steps": steps}
    if raw.get("decimals") is not None:
        defaults["decimals"] = raw["decimals"]
    custom = defaults.pop("custom", None)
    kind = raw.get("type", "")
    if kind in PLUGIN_CUSTOM:
        defaults["custom"] = {**copy.deepcopy(PLUGIN_CUSTOM[kind]), **(custom or {})}
    elif custom:
        defaults["custom"] = custom
    return {"defaults": defaults, "overrides": source.get("overrides") or []}


def _options(raw: dict[str, Any]) -> dict[str, Any]:
    kind = raw.get("type", "")
    options = copy.deepcopy(PLUGIN_OPTIONS.get(kind, {}))
    given = raw.get("options") or {}
    for key, value in given.items():
        if value is None:
            continue
        known = options.get(key)
        merge = isinstance(known, dict) and isinstance(value, dict) and value  # an empty dict clears
        options[key] = {**known, **drop_nulls(value)} if merge else value
    legend = options.get("legend")
    if isinstance(legend, dict) and legend.get("displayMode") == "hidden":  # before showLegend existed
        legend.update(displayMode="list", showLegend=False)
    return options


def _variable(raw: dict[str, Any]) -> dict[str, Any]:
    if RAW_KEY in raw:
        return json.loads(raw[RAW_KEY])
    variable = {k: v for k, v in raw.items() if k in VARIABLE_KEYS and v is not None}
    if raw.get("type") == "datasource":
        uid = (raw.get("current") or {}).get("value") or (raw.get("current") or {}).get("text")
        variable.pop("current", None)
        if uid:
            variable["current"] = {"text": uid, "value": uid}
        variable.pop("datasource", None)
        variable.pop("allValue", None)
        variable["refresh"] = 1
        variable["options"] = []
        return variable
    variable["definition"] = raw.get("query", "")
    variable.pop("current", None)
    if raw.get("includeAll"):
        variable["current"] = {"text": ["All"], "value": ["$__all"]}
    # Otherwise no current value: Grafana selects the first value the query returns when it loads.
    variable["options"] = []
    return _with_extra(variable, raw)


def _link(raw: dict[str, Any]) -> dict[str, Any]:
    link = {k: v for k, v in raw.items() if k in LINK_KEYS}
    link["url"] = raw.get("url") or raw.get("uri", "")
    link.setdefault("icon", "external link")
    link.setdefault("tooltip", "")
    link.setdefault("tags", [])
    link.setdefault("asDropdown", False)
    link.setdefault("targetBlank", False)
    return link
