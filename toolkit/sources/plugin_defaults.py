"""What each panel plugin's JSON holds by default, as a current Grafana saves it.

:data:`PLUGIN_OPTIONS` holds the options of each plugin the build writes (every option its schema
requires, with Grafana's defaults); the build fills in whatever a panel does not set. A new plugin type the
build should write gets its entry here.
"""

from __future__ import annotations

from typing import Any

_REDUCE = {"calcs": ["lastNotNull"], "fields": "", "values": False}
_VIZ_SIZE = {"sizing": "auto", "minVizWidth": 75, "minVizHeight": 75}
_LEGEND = {"calcs": [], "displayMode": "list", "placement": "bottom", "showLegend": True}
_TOOLTIP = {"mode": "single", "sort": "none", "hideZeros": False}

# The options each panel plugin requires, as a current Grafana saves them.
PLUGIN_OPTIONS: dict[str, dict[str, Any]] = {
    "timeseries": {
        "legend": _LEGEND,
        "tooltip": _TOOLTIP,
    },
    "stat": {
        "colorMode": "value",
        "graphMode": "area",
        "justifyMode": "auto",
        "orientation": "auto",
        "percentChangeColorMode": "standard",
        "reduceOptions": _REDUCE,
        "showPercentChange": False,
        "textMode": "auto",
        "wideLayout": True,
    },
    "gauge": {
        "orientation": "auto",
        "reduceOptions": _REDUCE,
        "showThresholdLabels": False,
        "showThresholdMarkers": True,
        **_VIZ_SIZE,
    },
    "bargauge": {
        "displayMode": "gradient",
        "legend": {**_LEGEND, "showLegend": False},
        "maxVizHeight": 300,
        "namePlacement": "auto",
        "orientation": "horizontal",
        "reduceOptions": _REDUCE,
        "showUnfilled": True,
        "valueMode": "color",
        **_VIZ_SIZE,
        "minVizHeight": 16,
        "minVizWidth": 8,
    },
    "table": {"cellHeight": "sm", "frameIndex": 0, "showHeader": True},
    "text": {
        "code": {"language": "plaintext", "showLineNumbers": False, "showMiniMap": False},
        "content": "",
        "mode": "markdown",
    },
    "heatmap": {
        "calculate": False,
        "cellGap": 1,
        "color": {
            "exponent": 0.5,
            "fill": "dark-orange",
            "mode": "scheme",
            "reverse": False,
            "scale": "exponential",
            "scheme": "Oranges",
            "steps": 64,
        },
        "exemplars": {"color": "rgba(255,0,255,0.7)"},
        "filterValues": {"le": 1e-9},
        "legend": {"show": True},
        "rowsFrame": {"layout": "auto"},
        "showValue": "auto",
        "tooltip": {"mode": "single", "showColorScale": False, "yHistogram": False},
        "yAxis": {"axisPlacement": "left", "reverse": False},
    },
    "piechart": {
        "displayLabels": [],
        "legend": {**_LEGEND, "values": []},
        "orientation": "auto",
        "pieType": "pie",
        "reduceOptions": _REDUCE,
        "tooltip": _TOOLTIP,
    },
    "state-timeline": {
        "alignValue": "left",
        "legend": _LEGEND,
        "mergeValues": True,
        "rowHeight": 0.9,
        "showValue": "auto",
        "tooltip": _TOOLTIP,
    },
    "status-history": {
        "colWidth": 0.9,
        "legend": _LEGEND,
        "rowHeight": 0.9,
        "showValue": "auto",
        "tooltip": _TOOLTIP,
    },
    "histogram": {"bucketOffset": 0, "combine": False, "legend": _LEGEND, "tooltip": _TOOLTIP},
    "barchart": {
        "barRadius": 0,
        "barWidth": 0.97,
        "fullHighlight": False,
        "groupWidth": 0.7,
        "legend": _LEGEND,
        "orientation": "auto",
        "showValue": "auto",
        "stacking": "none",
        "tooltip": _TOOLTIP,
        "xTickLabelMaxLength": 0,
        "xTickLabelRotation": 0,
        "xTickLabelSpacing": 0,
    },
    "logs": {
        "dedupStrategy": "none",
        "enableLogDetails": True,
        "prettifyLogMessage": False,
        "showCommonLabels": False,
        "showLabels": False,
        "showLogContextToggle": False,
        "showTime": False,
        "sortOrder": "Descending",
        "wrapLogMessage": False,
    },
    "news": {"showImage": True},
    "dashlist": {
        "includeVars": False,
        "keepTime": False,
        "maxItems": 10,
        "query": "",
        "showFolderNames": True,
        "showHeadings": True,
        "showRecentlyViewed": False,
        "showSearch": False,
        "showStarred": True,
        "tags": [],
    },
    "geomap": {
        "basemap": {"name": "Basemap", "type": "default"},
        "controls": {"mouseWheelZoom": True, "showAttribution": True, "showZoom": True},
        "layers": [],
        "tooltip": {"mode": "details"},
        "view": {"id": "zero", "lat": 0, "lon": 0, "zoom": 1},
    },
    "alertlist": {
        "alertInstanceLabelFilter": "",
        "alertName": "",
        "dashboardAlerts": False,
        "groupBy": [],
        "groupMode": "default",
        "maxItems": 20,
        "sortOrder": 1,
        "stateFilter": {"error": True, "firing": True, "noData": False, "normal": False, "pending": True},
        "viewMode": "list",
    },
}
# What a plugin's field config ``custom`` options are where the JSON says nothing: the defaults of its
# published schema (``<plugin>.jsonschema.json`` FieldConfig) and, for the heatmap, of its y-axis scale
# editor (heatmap module.tsx ``scaleDistribution``: linear). The panel helpers write them as they are; the
# import takes them as what Grafana assumes.
PLUGIN_CUSTOM_DEFAULTS: dict[str, dict[str, Any]] = {
    "barchart": {"fillOpacity": 80, "gradientMode": "none", "lineWidth": 1},
    "histogram": {"fillOpacity": 80, "gradientMode": "none", "lineWidth": 1},
    "state-timeline": {"fillOpacity": 70, "lineWidth": 0},
    "status-history": {"fillOpacity": 70, "lineWidth": 1},
    "xychart": {"fillOpacity": 50, "show": "points"},
    "heatmap": {"scaleDistribution": {"type": "linear"}},
}
# Field config ``custom`` blocks that replace grafanalib's legacy ones.
PLUGIN_CUSTOM: dict[str, dict[str, Any]] = {
    "table": {"align": "auto", "inspect": False},
    "status-history": PLUGIN_CUSTOM_DEFAULTS["status-history"],
}
# The colour mode each plugin starts a field with when the panel sets none (others: thresholds).
PLUGIN_COLOR_MODE = {
    "timeseries": "palette-classic",
    "barchart": "palette-classic",
    "histogram": "palette-classic",
    "piechart": "palette-classic",
}
# Panels that query nothing: Grafana saves them without a datasource or targets.
NO_QUERIES = frozenset({"text", "news", "dashlist", "alertlist"})
