"""What current Grafana writes when it saves a dashboard: only what its save model holds and its code reads.

Current Grafana (dashboard scenes) saves a dashboard from the scene it built, not from the JSON it read
(public/app/features/dashboard-scene/serialization/transformSceneToSaveModel.ts ``gridItemToPanel``,
``sceneVariablesSetToVariables``, ``dataLayersToAnnotations``): a panel, variable or annotation key its
model (the published dashboard schema) has no place for is not written again. When a panel's plugin
loads, Grafana removes from the field config defaults whatever its field config registry does not hold
and fixes the thresholds (dashboard/state/getPanelOptionsWithDefaults.ts ``cleanProperties``,
``fixThresholds``): a ``nullValueMode`` (which Grafana's own graph migration writes) or ``unitScale``
goes there. Where Grafana passes a key through that nothing reads any more (a Prometheus query's old
``step``, an option its panel plugin does not have), the key goes too. Where the model reads a key
another way, it is written that way: an empty ``current`` selection is unset, a table footer's empty
``fields`` text is unset, a transformation's ``options`` is an object. Each key that goes, and was set,
is noted with its JSON path and the reason.
"""

from __future__ import annotations

from typing import Any

from toolkit.bundle.equivalents import annotation_values, panel_values, prometheus_target, variable_values
from toolkit.bundle.notes import Notes
from toolkit.bundle.shape import items


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The properties of a panel in the published dashboard schema (``Panel``).
PANEL_KEYS = _words(
    "cacheTimeout datasource description fieldConfig gridPos hideTimeOverride id interval "
    "libraryPanel links maxDataPoints maxPerRow options pluginVersion queryCachingTTL repeat "
    "repeatDirection targets timeCompare timeFrom timeShift title transformations transparent "
    "type"
)
# ``FieldConfig``: what ``fieldConfig.defaults`` holds.
FIELD_CONFIG_KEYS = _words(
    "actions color custom decimals description displayName displayNameFromDS fieldMinMax "
    "filterable links mappings max min noValue path thresholds unit writeable"
)
# The Prometheus query (prometheus ``Dataquery``).
PROMETHEUS_QUERY_KEYS = _words(
    "adhocFilters datasource editorMode exemplar expr format groupByKeys hide instant interval "
    "intervalFactor intervalMs legendFormat maxDataPoints queryType range refId resultAssertions "
    "scopes timeRange"
)
# ``VariableModel``
VARIABLE_KEYS = _words(
    "allValue allowCustomValue auto auto_count auto_min current datasource definition description "
    "hide includeAll label multi name options query refresh regex skipUrlSync sort staticOptions "
    "staticOptionsOrder type"
)
# ``VariableOption``: a variable's selection
CURRENT_KEYS = frozenset({"selected", "text", "value"})
# ``TimePickerConfig`` (and ``time_options``, which the schemaVersion 41 step removes with its own note)
TIME_PICKER_KEYS = frozenset({"hidden", "refresh_intervals", "quick_ranges", "nowDelay", "time_options"})
# ``AnnotationQuery``
ANNOTATION_KEYS = _words(
    "builtIn datasource enable expr filter hide iconColor mappings name placement step tagKeys "
    "target textFormat titleFormat type useValueForTime"
)
# The options each core panel plugin has (its panelcfg ``Options`` in the published schemas, June 2026):
# a key beside them is read by nothing.
_OPTIONS = {
    "annolist": "limit navigateAfter navigateBefore navigateToPanel onlyFromThisDashboard onlyInTimeRange "
    "showTags showTime showUser tags",
    "barchart": "barRadius barWidth colorByField fullHighlight groupWidth legend orientation showValue stacking "
    "text tooltip xField xTickLabelMaxLength xTickLabelRotation xTickLabelSpacing",
    "bargauge": "displayMode legend maxVizHeight minVizHeight minVizWidth namePlacement orientation "
    "reduceOptions showUnfilled sizing text valueMode",
    "candlestick": "candleStyle colorStrategy colors fields includeAllFields legend mode tooltip",
    "canvas": "infinitePan inlineEditing panZoom root showAdvancedTypes",
    "dashlist": "folderId folderUID includeVars keepTime maxItems query showFolderNames showHeadings "
    "showRecentlyViewed showSearch showStarred tags",
    "datagrid": "selectedSeries",
    "debug": "counters mode",
    "gauge": "minVizHeight minVizWidth orientation reduceOptions showThresholdLabels showThresholdMarkers "
    "sizing text",
    "geomap": "basemap controls layers tooltip view",
    "heatmap": "calculate calculation cellGap cellRadius cellValues color exemplars filterValues legend "
    "rowsFrame selectionMode showValue tooltip yAxis",
    "histogram": "bucketCount bucketOffset bucketSize combine legend tooltip",
    "logs": "dedupStrategy detailsMode enableInfiniteScrolling enableLogDetails fontSize prettifyLogMessage "
    "showCommonLabels showControls showFieldSelector showLabels showLogContextToggle showTime sortOrder "
    "syntaxHighlighting wrapLogMessage",
    "news": "feedUrl showImage",
    "nodeGraph": "edges nodes zoomMode",
    "piechart": "displayLabels legend orientation pieType reduceOptions text tooltip",
    "stat": "colorMode graphMode justifyMode orientation percentChangeColorMode reduceOptions "
    "showPercentChange text textMode wideLayout",
    "state-timeline": "alignValue legend mergeValues perPage rowHeight showValue timezone tooltip",
    "status-history": "colWidth legend perPage rowHeight showValue timezone tooltip",
    "table": "cellHeight footer frameIndex showHeader showTypeIcons sortBy",
    "text": "code content mode",
    "timeseries": "legend orientation timezone tooltip",
    "trend": "legend tooltip xField",
    "xychart": "legend mapping series tooltip",
}
PLUGIN_OPTION_KEYS = {kind: _words(keys) for kind, keys in _OPTIONS.items()}
# Plugins that run no queries: Grafana builds no query runner for them, so their targets are not saved.
NO_QUERY_PLUGINS = frozenset({"text", "news", "dashlist", "alertlist", "welcome", "gettingstarted"})
# dashlist/migrations.ts ``dashlistMigrationHandler``: the old panel keys and the options they became.
DASHLIST_OPTIONS = {
    "starred": "showStarred",
    "recent": "showRecentlyViewed",
    "search": "showSearch",
    "headings": "showHeadings",
    "limit": "maxItems",
    "query": "query",
    "folderId": "folderId",
    "tags": "tags",
}


def panel_as_saved(panel: dict[str, Any], path: str, notes: Notes) -> None:
    """``panel`` (not a row) with only what current Grafana saves of it; changed in place."""
    kind = str(panel.get("type"))
    if kind == "dashlist":
        _dashlist_options(panel)
    if kind in NO_QUERY_PLUGINS and panel.get("targets"):
        notes.add(f"{path}/targets", f"the {kind} panel runs no queries: Grafana does not save them")
        panel.pop("targets")
    notes.drop(path, panel, PANEL_KEYS, "not a panel property current Grafana saves")
    if kind in PLUGIN_OPTION_KEYS and isinstance(panel.get("options"), dict):
        _table_footer(panel)
        why = f"not an option of the {kind} panel: the plugin does not read it"
        notes.drop(f"{path}/options", panel["options"], PLUGIN_OPTION_KEYS[kind], why)
    panel_values(panel, path, notes)
    config = panel.get("fieldConfig")
    defaults = config.get("defaults") if isinstance(config, dict) else None
    if isinstance(defaults, dict):
        where = f"{path}/fieldConfig/defaults"
        _thresholds(defaults.get("thresholds"))
        for i, mapping in enumerate(items(defaults.get("mappings"))):
            if isinstance(mapping, dict) and "id" in mapping:
                notes.add(f"{where}/mappings/{i}/id", "a value mapping has no id in current Grafana")
                del mapping["id"]
        why = "not in Grafana's field config registry: it removes it when the panel's plugin loads"
        notes.drop(where, defaults, FIELD_CONFIG_KEYS, why)
    for i, target in enumerate(items(panel.get("targets"))):
        if isinstance(target, dict) and _is_prometheus(target.get("datasource") or panel.get("datasource")):
            prometheus_target(target, f"{path}/targets/{i}", notes)
            notes.drop(
                f"{path}/targets/{i}",
                target,
                PROMETHEUS_QUERY_KEYS,
                "not a Prometheus query property: current Grafana does not read it",
            )
    for step in items(panel.get("transformations")):
        if isinstance(step, dict) and not isinstance(step.get("options"), dict):
            step["options"] = {}  # what the transformation editor writes for a step without options


def variable_as_saved(variable: dict[str, Any], path: str, notes: Notes) -> None:
    """``variable`` with only what current Grafana saves of it; changed in place."""
    if variable.get("current") == {}:
        del variable["current"]  # no selection: Grafana picks one when it loads the variable
    variable_values(variable, path, notes)
    if isinstance(variable.get("current"), dict):
        why = "not a property of a variable's selection in current Grafana"
        notes.drop(f"{path}/current", variable["current"], CURRENT_KEYS, why)
    notes.drop(path, variable, VARIABLE_KEYS, "not a variable property current Grafana saves")


def timepicker_as_saved(timepicker: dict[str, Any], notes: Notes) -> None:
    """``timepicker`` with only what current Grafana saves of it (``defaultTimePickerConfig`` and the
    refresh intervals); changed in place."""
    notes.drop("timepicker", timepicker, TIME_PICKER_KEYS, "not a time picker property current Grafana saves")


def annotation_as_saved(annotation: dict[str, Any], path: str, notes: Notes) -> None:
    """``annotation`` with only what current Grafana saves of it; changed in place."""
    annotation_values(annotation, path, notes)
    notes.drop(path, annotation, ANNOTATION_KEYS, "not an annotation property current Grafana saves")


def _is_prometheus(source: Any) -> bool:
    return isinstance(source, dict) and source.get("type") == "prometheus"


def _dashlist_options(panel: dict[str, Any]) -> None:
    """The old dashlist keys as its options, where the options do not already say."""
    options = panel.get("options") if isinstance(panel.get("options"), dict) else {}
    for old, new in DASHLIST_OPTIONS.items():
        if old in panel:
            value = panel.pop(old)
            options.setdefault(new, value)
    if options:
        panel["options"] = options


def _thresholds(thresholds: Any) -> None:
    """Thresholds as Grafana holds them once loaded (getPanelOptionsWithDefaults.ts ``fixThresholds``): absolute
    unless they say otherwise, and the first step the base, from minus infinity (saved as null)."""
    if not isinstance(thresholds, dict):
        return
    thresholds.setdefault("mode", "absolute")
    steps = thresholds.get("steps")
    if isinstance(steps, list) and steps and isinstance(steps[0], dict):
        steps[0]["value"] = None


def _table_footer(panel: dict[str, Any]) -> None:
    """A table footer as the current table options hold it: ``enablePagination`` inside it, an empty
    ``fields`` text unset (all fields), ``show`` and ``reducer`` at the plugin's defaults where unset."""
    options = panel.get("options")
    if panel.get("type") != "table" or not isinstance(options, dict):
        return
    footer = options.get("footer")
    if "enablePagination" in options:
        footer = footer if isinstance(footer, dict) else {}
        footer.setdefault("enablePagination", options.pop("enablePagination"))
        options["footer"] = footer
    if not isinstance(footer, dict):
        return
    if footer.get("fields") == "":
        del footer["fields"]
    footer.setdefault("show", False)
    footer.setdefault("reducer", [])
