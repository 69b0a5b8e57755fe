"""grafanalib's panel classes made current: the panel a current Grafana makes of each one when it opens it.

grafanalib writes several panels in shapes Grafana has since replaced: the legacy ``graph`` and
``singlestat`` (migrated as Grafana migrates them, by the one legacy migration), AngularJS plugins that
Grafana's ``autoMigrateAngular`` turns into core panels (``grafana-piechart-panel`` to ``piechart``,
``grafana-worldmap-panel`` to ``geomap``, ``natel-discrete-panel`` to ``state-timeline``), panels whose
settings sat at the top level before they moved into ``options`` (``dashlist``, ``alertlist``, the old
``heatmap``), and legacy keys beside current ones (``fieldOptions`` in gauges, ``displayMode`` in table
cells). :func:`current_panel` turns each into the current shape, carrying every setting grafanalib wrote to
its current counterpart (the target types are Grafana's; where Grafana's panel-change handler maps a
setting, the same mapping is used); :mod:`toolkit.sources.grafanalib` then adds the options each plugin requires.

Plugins without a core successor (``flant-statusmap-panel``, ``marcuscalidus-svg-panel``,
``ae3e-plotly-panel``, ``larona-epict-panel``) keep their type; their settings move under ``options``,
the one place a panel's own settings may live in current dashboard JSON (the dashboard schema allows no
other panel keys). What cannot be carried raises :class:`ValueError` naming the field and the fix.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

Panel = dict[str, Any]
# Keys every grafanalib panel writes beside its own (see grafanalib.core.Panel.panel_json).
COMMON_KEYS = frozenset(
    [
        "cacheTimeout",
        "datasource",
        "description",
        "editable",
        "error",
        "fieldConfig",
        "height",
        "gridPos",
        "hideTimeOverride",
        "id",
        "interval",
        "links",
        "maxDataPoints",
        "minSpan",
        "repeat",
        "repeatDirection",
        "maxPerRow",
        "span",
        "targets",
        "timeFrom",
        "timeShift",
        "title",
        "transparent",
        "transformations",
        "type",
        "options",
        "__toolkit_source__",
    ]
)
# grafanalib's reducer names (Grafana's legacy ``valueName``) as current reducer ids.
REDUCERS = {
    "avg": "mean",
    "current": "lastNotNull",
    "total": "sum",
    "min": "min",
    "max": "max",
    "first": "firstNotNull",
    "delta": "delta",
    "diff": "diff",
    "range": "range",
    "name": "lastNotNull",
}

# A table column's legacy ``displayMode`` as the ``cellOptions`` Grafana's table migration writes (with the
# defaults that set each apart: the published schema's ``oneOf`` rejects a cell type matching two branches).
CELL_OPTIONS = {
    "basic": {"type": "gauge", "mode": "basic", "valueDisplayMode": "color"},
    "gradient-gauge": {"type": "gauge", "mode": "gradient", "valueDisplayMode": "color"},
    "lcd-gauge": {"type": "gauge", "mode": "lcd", "valueDisplayMode": "color"},
    "color-background-solid": {"type": "color-background", "mode": "basic", "applyToRow": False},
    "color-background": {"type": "color-background", "mode": "gradient", "applyToRow": False},
}


def drop_nulls(value: Any) -> Any:
    """``value`` without the nulls grafanalib writes for every unset field, at any depth."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def _options(panel: Panel) -> dict[str, Any]:
    options = panel.get("options")
    return dict(options) if isinstance(options, dict) else {}


def _defaults(panel: Panel) -> dict[str, Any]:
    config = panel.setdefault("fieldConfig", {})
    config.setdefault("overrides", [])
    return config.setdefault("defaults", {})


class Settings(dict):
    """The plugin's settings grafanalib wrote at a panel's top level, remembering which ones a conversion
    read: a setting left unread is one the current panel has no place for."""

    def __init__(self, panel: Panel) -> None:
        super().__init__({k: v for k, v in panel.items() if k not in COMMON_KEYS})
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        """The setting ``key`` (marked read)."""
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)

    def read_all(self) -> dict[str, Any]:
        """Every setting, all marked read."""
        self.read.update(self)
        return dict(self)


def _common(panel: Panel) -> Panel:
    return {k: v for k, v in panel.items() if k in COMMON_KEYS}


def _legacy_steps(thresholds: Any, colors: list[str]) -> list[dict[str, Any]]:
    """Old comma-separated thresholds (``"0,100,150"``) with their colours as threshold steps."""
    values = [float(v) for v in str(thresholds or "").split(",") if v.strip()]
    colors = colors or ["green", "orange", "red"]
    return [{"color": colors[0], "value": None}] + [
        {"color": colors[min(i + 1, len(colors) - 1)], "value": v} for i, v in enumerate(values)
    ]


def _gauge(panel: Panel, old: Settings) -> Panel:
    """``gauge``/``bargauge``: the legacy ``options.fieldOptions`` become field defaults and reduce options.

    grafanalib's ``GaugePanel`` writes its reducer into the field defaults and its marker switches at the
    top level; they move to ``reduceOptions`` and ``options``.
    """
    options = _options(panel)
    for key in ("showThresholdLabels", "showThresholdMarkers"):
        if key in old:
            options.setdefault(key, old[key])
    defaults = _defaults(panel)
    if "calcs" in defaults:
        options.setdefault("fieldOptions", {}).update(
            {k: defaults.pop(k) for k in ("calcs", "values", "limit") if k in defaults}
        )
    legacy = options.pop("fieldOptions", None) or {}
    if legacy:
        options["reduceOptions"] = {
            "calcs": list(legacy.get("calcs") or ["lastNotNull"]),
            "fields": legacy.get("fields", ""),
            "values": bool(legacy.get("values")),
            **({"limit": legacy["limit"]} if legacy.get("limit") else {}),
        }
        defaults = _defaults(panel)
        for key, value in (legacy.get("defaults") or {}).items():
            defaults.setdefault(key, value)
        if legacy.get("mappings"):
            defaults.setdefault("mappings", legacy["mappings"])
    if defaults.get("mappings"):
        defaults["mappings"] = legacy_mappings(defaults["mappings"])
    if defaults.get("title"):  # the gauge's label, called displayName since Grafana 7
        defaults.setdefault("displayName", defaults.pop("title"))
    if panel.get("type") == "bargauge":  # gauge-only settings grafanalib also writes for bar gauges
        options.pop("showThresholdLabels", None)
        options.pop("showThresholdMarkers", None)
    panel["options"] = options
    return _common(panel)


def _table(panel: Panel, old: Settings) -> Panel:
    """``table``: cell ``displayMode`` becomes ``cellOptions``; top-level mappings move into the field."""
    custom = _defaults(panel).setdefault("custom", {})
    mode = custom.pop("displayMode", "auto")
    if mode != "auto" and mode not in CELL_OPTIONS:
        raise ValueError(
            f"Table(displayMode={mode!r}): Grafana's published schema cannot tell this cell type from others; "
            f"use one of {sorted(CELL_OPTIONS)} or a raw_panel"
        )
    if mode != "auto":
        custom["cellOptions"] = CELL_OPTIONS[mode]
    if not custom.pop("filterable", False):
        custom.pop("filterable", None)
    else:
        custom["filterable"] = True
    if old.get("mappings"):
        _defaults(panel)["mappings"] = old["mappings"]
    if old.get("color"):
        _defaults(panel).setdefault("color", old["color"])
    if old.get("columns"):
        raise ValueError(
            "Table(columns=...) configures the old table panel; current Grafana picks and renames columns "
            "with an 'organize' transformation: pass transformations=[...] instead"
        )
    options = _options(panel)
    if not options.get("sortBy"):
        options.pop("sortBy", None)
    panel["options"] = options
    return _common(panel)


def _heatmap(panel: Panel, old: Settings) -> Panel:
    """The old ``heatmap`` as Grafana's heatmap migration makes it (schemes, buckets, axis, legend)."""
    color = old.get("color") or {}
    options: dict[str, Any] = {"calculate": old.get("dataFormat", "timeseries") == "timeseries"}
    if color.get("mode") == "opacity":
        options["color"] = {
            "mode": "opacity",
            "fill": color.get("cardColor", "#b4ff00"),
            "scale": "exponential" if color.get("colorScale") == "sqrt" else "linear",
            "exponent": color.get("exponent", 0.5),
        }
    else:
        options["color"] = {
            "mode": "scheme",
            "scheme": str(color.get("colorScheme", "interpolateOranges")).removeprefix("interpolate"),
        }
    for key in ("min", "max"):
        if color.get(key) is not None:
            options["color"][key] = color[key]
    y_axis = old.get("yAxis") or {}
    options["yAxis"] = {"reverse": bool(old.get("reverseYBuckets"))}
    options["yAxis"]["axisPlacement"] = "left" if y_axis.get("show", True) else "hidden"
    for key, new in (("format", "unit"), ("decimals", "decimals"), ("min", "min"), ("max", "max")):
        if y_axis.get(key) not in (None, ""):
            options["yAxis"][new] = float(y_axis[key]) if new in ("min", "max") else y_axis[key]
    if y_axis.get("logBase", 1) != 1:
        options["yAxis"]["scaleDistribution"] = {"type": "log", "log": y_axis["logBase"]}
    options["legend"] = {"show": bool((old.get("legend") or {}).get("show"))}
    options["tooltip"] = {"mode": "single" if (old.get("tooltip") or {}).get("show", True) else "none"}
    options["tooltip"]["yHistogram"] = bool((old.get("tooltip") or {}).get("showHistogram"))
    if not old.get("hideZeroBuckets"):
        options["filterValues"] = {}
    cards = old.get("cards") or {}
    if cards.get("cardPadding") is not None:
        options["cellGap"] = cards["cardPadding"]
    if cards.get("cardRound") is not None:
        options["cellRadius"] = cards["cardRound"]
    if old.get("yBucketBound") in ("upper", "lower", "middle"):
        options["rowsFrame"] = {
            "layout": {"upper": "ge", "lower": "le", "middle": "unknown"}[old["yBucketBound"]]
        }
    calculation = {}
    for axis in ("x", "y"):  # bucket sizes win over bucket counts, as in Grafana's heatmap migration
        size, count = old.get(f"{axis}BucketSize"), old.get(f"{axis}BucketNumber")
        if size or count:
            calculation[f"{axis}Buckets"] = {"mode": "size" if size else "count", "value": str(size or count)}
    if options["calculate"] and calculation:
        options["calculation"] = calculation
    panel["options"] = options
    return _common(panel)


def _piechart_plugin(panel: Panel, old: Settings) -> Panel:
    """``grafana-piechart-panel`` as Grafana migrates it to ``piechart``."""
    legend = old.get("legend") or {}
    values = [
        name for name, on in (("value", legend.get("values")), ("percent", legend.get("percentage"))) if on
    ]
    placement = "right" if str(old.get("legendType", "")).startswith("Right") else "bottom"
    shown = legend.get("show", True) and old.get("legendType") != "On graph"
    panel["type"] = "piechart"
    panel["options"] = {
        "pieType": "donut" if old.get("pieType") == "donut" else "pie",
        "reduceOptions": {
            "calcs": [REDUCERS.get(str(old.get("valueName", "current")), "lastNotNull")],
            "fields": "",
            "values": False,
        },
        "legend": {
            "calcs": [],
            "displayMode": "table" if values and placement == "right" else "list",
            "placement": placement,
            "showLegend": bool(shown),
            "values": values,
        },
        "displayLabels": ["name"] if old.get("legendType") == "On graph" else [],
    }
    if old.get("format"):
        _defaults(panel)["unit"] = old["format"]
    if old.get("decimals") is not None:
        _defaults(panel)["decimals"] = old["decimals"]
    _alias_colors(panel, old.get("aliasColors") or {})
    return _common(panel)


def _alias_colors(panel: Panel, colors: dict[str, str]) -> None:
    """Legacy ``aliasColors`` as the by-name colour overrides Grafana's migration writes."""
    overrides = panel["fieldConfig"].setdefault("overrides", [])
    for name, color in sorted(colors.items()):
        overrides.append(
            {
                "matcher": {"id": "byName", "options": name},
                "properties": [{"id": "color", "value": {"fixedColor": color, "mode": "fixed"}}],
            }
        )


# Worldmap's built-in location lists as Grafana's gazetteers; the names the reduce transformation gives
# its value field for each reducer.
GAZETTEERS = {
    "countries": "public/gazetteer/countries.json",
    "states": "public/gazetteer/usa-states.json",
}
REDUCED_FIELD = {
    "mean": "Mean",
    "lastNotNull": "Last *",
    "sum": "Total",
    "min": "Min",
    "max": "Max",
    "firstNotNull": "First *",
    "delta": "Delta",
    "diff": "Difference",
    "range": "Range",
}


def _worldmap_location(old: Settings) -> tuple[dict[str, Any], str | None]:
    """Where a worldmap's circles go, as a geomap layer location, and the field that sizes them (None: a
    reduce of each series, whose name is the location key)."""
    source = old.get("locationData", "countries")
    if source in GAZETTEERS or source == "json endpoint":
        gazetteer = GAZETTEERS.get(source) or old.get("jsonUrl")
        return {"mode": "lookup", "gazetteer": gazetteer, "lookup": "Field"}, None
    if source == "table":
        table = old.get("tableQueryOptions") or {}
        metric = table.get("metricField", "metric")
        if table.get("queryType") == "coordinates":
            fields = {"latitude": table.get("latitudeField", "latitude")}
            fields["longitude"] = table.get("longitudeField", "longitude")
            return {"mode": "coords", **fields}, metric
        return {"mode": "geohash", "geohash": table.get("geohashField", "geohash")}, metric
    raise ValueError(
        f"Worldmap(locationData={source!r}): current Grafana's geomap reads countries, states, a JSON "
        "gazetteer URL or table fields; use one of those"
    )


def _worldmap(panel: Panel, old: Settings) -> Panel:
    """``grafana-worldmap-panel`` as a ``geomap``: view, circle sizes sized and coloured by value, thresholds
    and colours, decimals, unit label and location source. A worldmap reduced each series to one value per
    location (``valueName``); the geomap gets that as a reduce transformation."""
    centers = {"(0°, 0°)": "zero", "North America": "north-america", "Europe": "europe"}
    center = old.get("mapCenter", "(0°, 0°)")
    view: dict[str, Any] = {"id": centers.get(center, "coords"), "zoom": old.get("initialZoom", 1)}
    if view["id"] == "coords":
        view.update(lat=float(old.get("mapCenterLatitude", 0)), lon=float(old.get("mapCenterLongitude", 0)))
    else:
        view.update(lat=0, lon=0)
    location, value_field = _worldmap_location(old)
    if value_field is None:
        reducer = REDUCERS.get(str(old.get("valueName", "total")), "lastNotNull")
        value_field = REDUCED_FIELD[reducer]
        panel["transformations"] = [
            *panel.get("transformations", []),
            {"id": "reduce", "options": {"mode": "seriesToRows", "reducers": [reducer]}},
        ]
    panel["type"] = "geomap"
    style = {
        "color": {"field": value_field, "fixed": "dark-green"},
        "size": {
            "field": value_field,
            "fixed": 5,
            "min": old.get("circleMinSize", 2),
            "max": old.get("circleMaxSize", 30),
        },
    }
    panel["options"] = {
        "view": view,
        "controls": {
            "mouseWheelZoom": bool(old.get("mouseWheelZoom")),
            "showAttribution": True,
            "showZoom": True,
        },
        "layers": [
            {
                "type": "markers",
                "name": "Layer 1",
                "config": {"showLegend": True, "style": style},
                "location": location,
                "tooltip": True,
            }
        ],
        "tooltip": {"mode": "details"},
    }
    defaults = _defaults(panel)
    steps = _legacy_steps(old.get("thresholds"), old.get("colors") or [])
    defaults["thresholds"] = {"mode": "absolute", "steps": steps}
    defaults["color"] = {"mode": "thresholds"}
    if old.get("decimals") is not None:
        defaults["decimals"] = old["decimals"]
    label = old.get("unitPlural") or old.get("unitSingle") or old.get("unitSingular")
    if label:
        defaults["unit"] = f"suffix: {label}"
    return _common(panel)


def legacy_mappings(items: list[Any], colors: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """grafanalib's value maps (``{op, value, text}``) and range maps (``{from, to, text}``) as current value
    mappings, each coloured from ``colors`` by its text where given; current ones pass through."""
    mappings = []
    for item in items:
        if not isinstance(item, dict) or "options" in item:
            mappings.append(item)
            continue
        text = str(item.get("text", ""))
        result = {"text": text, **({"color": colors[text]} if colors and colors.get(text) else {})}
        if "from" in item or "to" in item:
            bounds = {
                key: float(item[key]) if item.get(key) not in (None, "") else None for key in ("from", "to")
            }
            mappings.append({"type": "range", "options": {**bounds, "result": result}})
        else:
            mappings.append({"type": "value", "options": {str(item.get("value")): result}})
    return mappings


def _discrete(panel: Panel, old: Settings) -> Panel:
    """``natel-discrete-panel`` as a ``state-timeline``: value, range and colour maps become value mappings;
    unit, decimals and the legend switch carry over (colours of the Angular theme do not exist any more)."""
    colors = {str(m.get("text")): m.get("color") for m in old.get("colorMaps") or []}
    mappings = legacy_mappings([*(old.get("valueMaps") or []), *(old.get("rangeMaps") or [])], colors)
    panel["type"] = "state-timeline"
    panel["options"] = {
        "legend": {**_legend_shown(bool(old.get("showLegend", True)))},
        "showValue": "auto" if old.get("writeLastValue", True) or old.get("writeAllValues") else "never",
        "mergeValues": True,
        "rowHeight": 0.9,
    }
    defaults = _defaults(panel)
    defaults["mappings"] = mappings
    defaults["color"] = {"mode": "thresholds"}
    if old.get("units") not in (None, ""):
        defaults["unit"] = old["units"]
    if old.get("decimals") is not None:
        defaults["decimals"] = old["decimals"]
    return _common(panel)


def _legend_shown(shown: bool) -> dict[str, Any]:
    return {"calcs": [], "displayMode": "list", "placement": "bottom", "showLegend": shown}


def _dashlist(panel: Panel, old: Settings) -> Panel:
    """The old ``dashlist`` settings moved into ``options`` as Grafana's migration moves them."""
    names = {
        "headings": "showHeadings",
        "limit": "maxItems",
        "query": "query",
        "recent": "showRecentlyViewed",
        "search": "showSearch",
        "starred": "showStarred",
        "tags": "tags",
    }
    panel["options"] = {new: old[key] for key, new in names.items() if key in old}
    return _common(panel)


# grafanalib's (legacy) alert-list states and orders, as the unified alert list names them.
_STATES = {
    "alerting": "firing",
    "pending": "pending",
    "ok": "normal",
    "no_data": "noData",
    "execution_error": "error",
}


def _alertlist(panel: Panel, old: Settings) -> Panel:
    """The legacy alert list as Grafana's migration to the unified alert list makes it."""
    if old.get("show", "current") != "current":
        raise ValueError(
            "AlertList(show='changes'): current Grafana's alert list shows current alerts only; "
            "remove show= or use a state timeline of ALERTS"
        )
    states = [str(s) for s in old.get("stateFilter") or []]
    unknown = [s for s in states if s not in _STATES]
    if unknown:
        raise ValueError(f"AlertList stateFilter {unknown}: use some of {sorted(_STATES)}")
    options: dict[str, Any] = {
        "alertName": old.get("alertName") or old.get("nameFilter") or "",
        "dashboardAlerts": bool(old.get("onlyAlertsOnDashboard")),
        "maxItems": old.get("limit", 10),
        "sortOrder": old.get("sortOrder", 1),
    }
    if states:
        options["stateFilter"] = {new: old_state in states for old_state, new in _STATES.items()}
    if old.get("dashboardTags"):
        options["alertInstanceLabelFilter"] = ", ".join(f'tag="{tag}"' for tag in old["dashboardTags"])
    panel["options"] = options
    if not panel.get("gridPos") and old.get("span"):
        panel["span"] = old["span"]
    return _common(panel)


def _news(panel: Panel, old: Settings) -> Panel:
    """``news``: ``useProxy`` is gone from current Grafana, which fetches feeds itself."""
    options = _options(panel)
    if options.pop("useProxy", False):
        raise ValueError("News(useProxy=True): current Grafana has no feed proxy; remove useProxy")
    panel["options"] = options
    return panel


def _plugin(panel: Panel, old: Settings) -> Panel:
    """A plugin panel without a core successor: its top-level settings move under ``options``."""
    panel["options"] = {**old.read_all(), **_options(panel)}
    return _common(panel)


def _legacy(panel: Panel, old: Settings) -> Panel:
    """``graph``, ``singlestat`` and ``table-old`` through the one legacy migration, as Grafana migrates
    them; a setting it has no place for stays unread (and is refused if the user changed it)."""
    from toolkit.bundle.migrate import to_current_plugin  # noqa: PLC0415  (only legacy panels need it)
    from toolkit.bundle.notes import Notes  # noqa: PLC0415

    notes = Notes()
    migrated = to_current_plugin(copy.deepcopy(panel), "panel", [], notes)
    dropped = {note.path.split("/")[1] for note in notes if note.path.count("/") >= 1}
    old.read.update(key for key in old if key not in dropped)
    return migrated


CONVERTERS: dict[str, Callable[[Panel, Settings], Panel]] = {
    "graph": _legacy,
    "singlestat": _legacy,
    "table-old": _legacy,
    "gauge": _gauge,
    "bargauge": _gauge,
    "table": _table,
    "heatmap": _heatmap,
    "grafana-piechart-panel": _piechart_plugin,
    "grafana-worldmap-panel": _worldmap,
    "natel-discrete-panel": _discrete,
    "dashlist": _dashlist,
    "alertlist": _alertlist,
    "news": _news,
    "flant-statusmap-panel": _plugin,
    "marcuscalidus-svg-panel": _plugin,
    "ae3e-plotly-panel": _plugin,
    "larona-epict-panel": _plugin,
}


def _is_legacy_heatmap(panel: Panel) -> bool:
    """grafanalib's ``Heatmap`` (the pre-8 shape: ``dataFormat``, ``cards``, options a list)."""
    return "dataFormat" in panel or not isinstance(panel.get("options"), dict)


# The grafanalib class that writes each converted type, whose defaults tell a setting the user chose.
GRAFANALIB_CLASSES = {
    "graph": "Graph",
    "singlestat": "SingleStat",
    "gauge": "GaugePanel",
    "bargauge": "BarGauge",
    "table": "Table",
    "heatmap": "Heatmap",
    "grafana-piechart-panel": "PieChart",
    "grafana-worldmap-panel": "Worldmap",
    "natel-discrete-panel": "Discrete",
    "dashlist": "DashboardList",
    "alertlist": "AlertList",
    "news": "News",
}


@cache
def grafanalib_defaults(kind: str) -> dict[str, Any]:
    """The top-level settings grafanalib writes for a panel of ``kind`` left at its defaults."""
    import json  # noqa: PLC0415
    from contextlib import redirect_stdout  # noqa: PLC0415
    from io import StringIO  # noqa: PLC0415

    import grafanalib.core as g  # noqa: PLC0415
    from grafanalib._gen import DashboardEncoder  # noqa: PLC0415

    with redirect_stdout(StringIO()):  # PieChart prints a deprecation notice
        panel = getattr(g, GRAFANALIB_CLASSES[kind])()
    data = drop_nulls(json.loads(json.dumps(panel.to_json_data(), cls=DashboardEncoder)))
    return {k: v for k, v in data.items() if k not in COMMON_KEYS}


def current_panel(panel: Panel) -> Panel:
    """``panel`` (grafanalib's JSON, nulls dropped) in the shape a current Grafana gives it.

    A setting the user changed from grafanalib's default that the current panel has no place for raises
    :class:`ValueError` naming it: nothing is dropped silently.
    """
    kind = str(panel.get("type", ""))
    convert = CONVERTERS.get(kind)
    if convert is None or (kind == "heatmap" and not _is_legacy_heatmap(panel)):
        return panel
    if kind == "dashlist" and isinstance(panel.get("options"), dict):  # current already (dashboard_list())
        return panel
    old = Settings(panel)
    converted = convert(dict(panel), old)
    unread = sorted(set(old) - old.read)
    defaults = grafanalib_defaults(kind) if unread and kind in GRAFANALIB_CLASSES else {}
    changed = [key for key in unread if dict.get(old, key) != defaults.get(key)]
    if changed:
        settings = ", ".join(f"{key}={dict.get(old, key)!r}" for key in changed)
        raise ValueError(
            f"{GRAFANALIB_CLASSES.get(kind, kind)} panel {panel.get('title', '')!r}: {settings} has no "
            f"counterpart in current Grafana's {converted.get('type', kind)} panel; remove it"
        )
    return converted
