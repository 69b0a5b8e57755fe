"""The old angular table (``table-old``, or ``table`` with ``styles`` before schemaVersion 24) as the
current ``table`` panel.

Follows grafana/grafana public/app/plugins/panel/table/migrations.ts (``tablePanelChangedHandler``,
``migrateTransformations``, ``migrateDefaults``, ``migrateTableStyleToOverride``), and
``migrateTableDisplayModeToCellOptions`` (packages/grafana-ui/src/components/Table/utils.ts) for the
schemaVersion 38 step.
"""

from __future__ import annotations

import re
from typing import Any

from toolkit.bundle.notes import Notes
from toolkit.bundle.shape import items, objects

TABLE_KEYS = frozenset({"columns", "styles", "transform"})
TRANSFORMS = {
    "timeseries_to_rows": "seriesToRows",
    "timeseries_to_columns": "seriesToColumns",
    "timeseries_aggregations": "reduce",
    "table": "merge",
}
COLUMNS = {
    "avg": "mean",
    "min": "min",
    "max": "max",
    "total": "sum",
    "current": "lastNotNull",
    "count": "count",
}
COLOR_MODES = {"cell": "color-background", "row": "color-background", "value": "color-text"}
STYLE_KEYS = frozenset(
    {
        "alias",
        "align",
        "colorMode",
        "colors",
        "dateFormat",
        "decimals",
        "link",
        "linkTargetBlank",
        "linkTooltip",
        "linkUrl",
        "pattern",
        "thresholds",
        "type",
        "unit",
    }
)
CELL_OPTIONS = {
    "auto": {"type": "auto"},
    "color-background": {"type": "color-background", "mode": "gradient"},
    "color-background-solid": {"type": "color-background", "mode": "basic"},
    "gradient-gauge": {"type": "gauge", "mode": "gradient"},
    "lcd-gauge": {"type": "gauge", "mode": "lcd"},
    "basic": {"type": "gauge", "mode": "basic"},
    "color-text": {"type": "color-text"},
    "image": {"type": "image"},
    "json-view": {"type": "json-view"},
}


def cell_options(display_mode: Any) -> dict[str, Any]:
    """``migrateTableDisplayModeToCellOptions``: an old ``displayMode`` as ``cellOptions``."""
    return dict(CELL_OPTIONS.get(display_mode if isinstance(display_mode, str) else "", {"type": "auto"}))


def _parse_int(value: Any) -> int | None:
    match = re.match(r"\s*[+-]?\d+", str(value))
    return int(match.group()) if match else None


def _steps(thresholds: Any, colors: Any) -> list[dict[str, Any]]:
    """``generateThresholds``: a base step, then each threshold (parsed as an integer, as Grafana does);
    a step past the last colour has none, as in Grafana's JSON."""
    values = [None, *(t if isinstance(t, int | float) else _parse_int(t) for t in items(thresholds))]
    colors = items(colors)
    return [
        {"color": colors[i], "value": v} if i < len(colors) else {"value": v} for i, v in enumerate(values)
    ]


def _cell(color_mode: Any) -> dict[str, Any]:
    """An old style's ``colorMode`` as ``cellOptions`` (``{}`` for a mode Grafana's map lacks)."""
    kind = COLOR_MODES.get(color_mode) if isinstance(color_mode, str) else None
    return {"type": kind} if kind else {}


def _transformations(panel: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(items(panel.get("transformations")))
    transform = panel.get("transform")
    if isinstance(transform, str) and transform in TRANSFORMS:
        options: dict[str, Any] = {"reducers": []}
        if transform == "timeseries_aggregations":
            options["includeTimeField"] = False
            options["reducers"] = [
                COLUMNS.get(c["value"]) if isinstance(c.get("value"), str) else None
                for c in objects(panel.get("columns"))
            ]
        found.append({"id": TRANSFORMS[transform], "options": options})
    return found


def _align(value: Any) -> Any:
    """Grafana writes ``null`` for ``auto``; ``auto`` is the field default it then means."""
    return "auto" if value == "auto" else value


def _style_override(style: dict[str, Any]) -> dict[str, Any]:
    """``migrateTableStyleToOverride``: one column style as a field override."""
    pattern = str(style.get("pattern", ""))
    matcher = "byRegexp" if re.match(r"^/.*/$", pattern) else "byName"
    props: list[dict[str, Any]] = []
    if style.get("alias"):
        props.append({"id": "displayName", "value": style["alias"]})
    if style.get("unit"):
        props.append({"id": "unit", "value": style["unit"]})
    if style.get("decimals"):
        props.append({"id": "decimals", "value": style["decimals"]})
    if style.get("type") == "date":
        props.append({"id": "unit", "value": f"time: {style.get('dateFormat')}"})
    if style.get("link"):
        link = {
            "title": style.get("linkTooltip") or "",
            "url": style.get("linkUrl") or "",
            "targetBlank": bool(style.get("linkTargetBlank")),
        }
        props.append({"id": "links", "value": [link]})
    if style.get("colorMode"):
        props.append({"id": "custom.cellOptions", "value": _cell(style["colorMode"])})
    if style.get("align"):
        props.append({"id": "custom.align", "value": _align(style["align"])})
    if style.get("thresholds"):
        steps = _steps(style["thresholds"], style.get("colors"))
        props.append({"id": "thresholds", "value": {"mode": "absolute", "steps": steps}})
    return {"matcher": {"id": matcher, "options": pattern}, "properties": props}


def _defaults(style: dict[str, Any] | None) -> dict[str, Any]:
    """``migrateDefaults``: the catch-all ``/.*/`` style as field defaults."""
    if style is None:
        return {"custom": {}}
    defaults: dict[str, Any] = {
        "unit": style.get("unit"),
        "decimals": style.get("decimals"),
        "displayName": style.get("alias"),
        "custom": {"align": _align(style["align"])} if style.get("align") else {},
    }
    defaults = {k: v for k, v in defaults.items() if v is not None}
    if style.get("thresholds"):
        defaults["thresholds"] = {
            "mode": "absolute",
            "steps": _steps(style["thresholds"], style.get("colors")),
        }
    if style.get("colorMode"):
        defaults["custom"]["cellOptions"] = _cell(style["colorMode"])
    return defaults


def table_old_to_table(panel: dict[str, Any], path: str, notes: Notes) -> dict[str, Any]:
    """``tablePanelChangedHandler``: styles as field defaults and overrides, the old ``transform`` as a
    transformation; the options start empty, as Grafana's handler returns them."""
    styles = [s for s in items(panel.get("styles")) if isinstance(s, dict)]
    for index, style in enumerate(styles):
        at = f"{path}/styles/{index}"
        notes.dropped(
            at, style, STYLE_KEYS, "column style setting with no table equivalent: Grafana drops it"
        )
        if style.get("type") == "hidden":
            notes.add(
                f"{at}/type", "hidden column: Grafana's migration shows it (add an organize transformation)"
            )
    catch_all = next((s for s in styles if s.get("pattern") == "/.*/"), None)
    overrides = [_style_override(s) for s in styles if s.get("pattern") != "/.*/"]
    if panel.get("columns") and panel.get("transform") != "timeseries_aggregations":
        notes.add(f"{path}/columns", "columns only apply to the aggregations transform: Grafana drops them")
    return {
        "fieldConfig": {"defaults": _defaults(catch_all), "overrides": overrides},
        "options": {},
        "transformations": _transformations(panel),
    }
