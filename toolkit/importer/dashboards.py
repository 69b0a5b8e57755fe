"""Grafana dashboard JSON to a dashboard module that uses the panel helpers where they fit.

Accepted: a bare dashboard, the API envelope ``{dashboard, meta}``, and "export for sharing" (its
``__inputs`` datasources become the ``${datasource}`` variable). Old dashboards are migrated the way
Grafana migrates them (see :data:`MIGRATED`): ``rows`` with ``span`` and pixel heights become row panels
on the 24-column grid, ``graph`` becomes ``timeseries``, ``singlestat`` becomes ``stat`` (``gauge`` when
it showed a gauge), ``table-old`` becomes ``table``. The module itself is written by
:mod:`toolkit.importer.dashboard_module`: helpers first, what they do not model as ``extra=`` JSON, other
plugins as ``raw_panel``, and whatever is still not carried listed with the reason.
"""

from __future__ import annotations

import copy
import json
import math
import re
from typing import Any

from toolkit.importer.dashboard_module import default_waivers, module_for
from toolkit.importer.pysource import ImportedModule, module_name
from toolkit.settings import Settings
from toolkit.source import SourceLocation
from toolkit.sources.files import SourceError, load_json

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


def dashboard_module_name(board: dict[str, Any]) -> str:
    """A module name for ``board``: from its title, else its uid."""
    return module_name(str(board.get("title") or board.get("uid") or ""), "dashboard")


def import_dashboard(
    board: dict[str, Any], name: str, origin: str, settings: Settings, folder: str = ""
) -> ImportedModule:
    """The module source for ``board`` (already read), named ``name``; ``origin`` names where it came from
    and ``folder`` the Grafana folder uid it lives in ('' for the settings' folder).

    A uid Grafana would refuse (``^[a-zA-Z0-9_-]{1,40}$``) is refused here; a missing uid becomes ``name``.
    """
    uid = board.get("uid") or name
    if not isinstance(uid, str) or not GRAFANA_UID.match(uid):
        raise SourceError(
            f"dashboard uid {uid!r} is not one Grafana accepts: use 1 to 40 letters, digits, '-' or '_'",
            SourceLocation(origin, 1) if "://" not in origin else None,
        )
    return module_for(migrate(board), name, origin, settings, default_waivers, folder)
