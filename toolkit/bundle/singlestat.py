"""The old ``singlestat`` panel as the ``stat`` (or, when it showed a gauge, ``gauge``) panel Grafana makes.

Follows grafana/grafana packages/grafana-ui/src/components/SingleStatShared/SingleStatBaseOptions.ts
(``sharedSingleStatPanelChangedHandler`` / ``migrateFromAngularSinglestat``),
public/app/plugins/panel/stat/StatMigrations.ts (``statPanelChangedHandler``) and
public/app/plugins/panel/gauge/GaugeMigrations.ts (``gaugePanelChangedHandler``).
"""

from __future__ import annotations

from typing import Any

from toolkit.bundle.mappings import angular_mappings, js_number
from toolkit.bundle.reducers import reducer
from toolkit.bundle.shape import items

# What the handlers read; the rest (prefix, postfix, font sizes, ...) Grafana drops (and we note).
SINGLESTAT_KEYS = frozenset(
    {
        "colorBackground",
        "colorValue",
        "colors",
        "decimals",
        "format",
        "gauge",
        "mappingType",
        "nullPointMode",
        "nullText",
        "rangeMaps",
        "sparkline",
        "tableColumn",
        "thresholds",
        "valueMaps",
        "valueName",
    }
)


def singlestat_target(panel: dict[str, Any]) -> str:
    """``gauge`` when the singlestat showed its gauge, else ``stat`` (DashboardMigrator ``migrateSinglestat``)."""
    gauge = panel.get("gauge")
    return "gauge" if isinstance(gauge, dict) and gauge.get("show") else "stat"


def singlestat_steps(thresholds: Any, colors: Any) -> list[dict[str, Any]] | None:
    """Comma-separated thresholds and their colours as steps: one more colour than thresholds, the first
    from minus infinity (None in JSON)."""
    if not thresholds or not colors or not isinstance(colors, list):
        return None
    levels = [js_number(v) for v in str(thresholds).split(",")]
    steps: list[dict[str, Any]] = []
    for color in colors:
        index = len(steps) - 1
        if index < 0:
            steps.append({"value": None, "color": color})
        elif index < len(levels):
            steps.append({"value": levels[index], "color": color})
        else:
            steps.append({"color": color})  # Grafana's step gets an undefined value, which JSON leaves out
    return steps


def singlestat_to_stat(panel: dict[str, Any], target: str) -> dict[str, Any]:
    """``migrateFromAngularSinglestat`` plus the stat or gauge handler (new field defaults, the panel's
    overrides kept): unit, decimals, no-value text,
    thresholds and colours, value and range mappings, gauge min/max and threshold markers, sparkline,
    background/value colouring and the reducer of ``valueName``."""
    calc = reducer(panel.get("valueName")) or "mean"
    options: dict[str, Any] = {"reduceOptions": {"calcs": [calc]}, "orientation": "horizontal"}
    defaults: dict[str, Any] = {}
    if panel.get("format"):
        defaults["unit"] = panel["format"]
    if panel.get("tableColumn"):
        options["reduceOptions"]["fields"] = f"/^{panel['tableColumn']}$/"
    if panel.get("nullPointMode"):
        defaults["nullValueMode"] = panel["nullPointMode"]
    if panel.get("nullText"):
        defaults["noValue"] = panel["nullText"]
    if panel.get("decimals") or panel.get("decimals") == 0:
        defaults["decimals"] = panel["decimals"]
    steps = singlestat_steps(panel.get("thresholds"), panel.get("colors"))
    if steps is not None:
        defaults["thresholds"] = {"mode": "absolute", "steps": steps}
    mappings = angular_mappings(panel, defaults.get("thresholds"))
    if mappings:
        defaults["mappings"] = mappings
    gauge = panel.get("gauge") if isinstance(panel.get("gauge"), dict) else {}
    if gauge.get("show"):
        defaults["min"] = gauge.get("minValue")
        defaults["max"] = gauge.get("maxValue")
    if target == "gauge":
        for new, old in (
            ("showThresholdMarkers", "thresholdMarkers"),
            ("showThresholdLabels", "thresholdLabels"),
        ):
            if old in gauge:
                options[new] = gauge[old]
    else:
        _stat_options(panel, options, defaults)
    defaults = {k: v for k, v in defaults.items() if v is not None}
    config = panel.get("fieldConfig") if isinstance(panel.get("fieldConfig"), dict) else {}
    return {
        "fieldConfig": {"defaults": defaults, "overrides": items(config.get("overrides"))},
        "options": options,
    }


def _stat_options(panel: dict[str, Any], options: dict[str, Any], defaults: dict[str, Any]) -> None:
    """``statPanelChangedHandler``: sparkline -> graph mode, background/value colouring -> colour mode."""
    sparkline = panel.get("sparkline") if isinstance(panel.get("sparkline"), dict) else {}
    options["graphMode"] = "area" if sparkline.get("show") else "none"
    if panel.get("colorBackground"):
        options["colorMode"] = "background"
    elif panel.get("colorValue"):
        options["colorMode"] = "value"
    else:
        options["colorMode"] = "none"
        if sparkline.get("lineColor") and options["graphMode"] == "area":
            defaults["color"] = {"mode": "fixed", "fixedColor": sparkline["lineColor"]}
    if panel.get("valueName") == "name":
        options["textMode"] = "name"
