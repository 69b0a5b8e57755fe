"""Values outside Grafana's published schema, written as the value Grafana reads them as.

A dashboard can hold a value the published schema refuses and Grafana still reads, because its code
compares it with a few known values and treats every other one alike. Where that reading is certain, the
value becomes the one the schema names for it (or goes, where Grafana reads it as unset), and a note
says so; where Grafana's readers disagree, or the reading depends on the data, the value stays.
Each rule names the code that reads the value (grafana/grafana unless said otherwise).
"""

from __future__ import annotations

import math
from typing import Any

from toolkit.bundle.notes import Notes
from toolkit.bundle.shape import items, mapping

# The Prometheus query formats; the result transformer (packages/grafana-prometheus result_transformer.ts
# ``transformV2``) only tests for ``table`` and ``heatmap``: any other format is a time series.
QUERY_FORMATS = frozenset({"time_series", "table", "heatmap"})
# Table column alignments; table utils ``getTextAlign`` places any other value by field type, as ``auto``.
ALIGNMENTS = frozenset({"auto", "left", "right", "center"})
# The table plugin's custom field config options (public/app/plugins/panel/table module.tsx and
# table-new/module.tsx ``useCustomConfig``), and, rather than drop what some version reads, ``displayMode``
# (``getCellOptions`` still reads it), ``hideHeader``, ``hideFrom`` and ``wrapText``. Grafana removes any
# other custom key as the plugin loads (getPanelOptionsWithDefaults.ts ``cleanProperties``): the table reads
# none of them (a table's time series keys, ``drawStyle``, ``fillOpacity``, ...).
TABLE_CUSTOM_KEYS = frozenset(
    {
        "align",
        "cellOptions",
        "displayMode",
        "filterable",
        "hidden",
        "hideFrom",
        "hideHeader",
        "inspect",
        "minWidth",
        "width",
        "wrapHeaderText",
        "wrapText",
    }
)
# What a field's data link holds (packages/grafana-data types/dataLink.ts ``DataLink``), with the keys the
# published schema asks of it (it types field links as dashboard links) and the build writes.
DATA_LINK_KEYS = frozenset(
    {
        "title",
        "url",
        "targetBlank",
        "internal",
        "origin",
        "meta",
        "oneClick",
        "asDropdown",
        "icon",
        "includeVars",
        "keepTime",
        "tags",
        "tooltip",
        "type",
    }
)
DASHBOARD_LINK_TYPES = frozenset({"link", "dashboards"})
# What an override's matcher holds (packages/grafana-data types/fieldOverrides.ts ``MatcherConfig``);
# ``getFieldMatcher`` reads nothing else, ``scope`` limiting it to fields of one kind.
MATCHER_KEYS = frozenset({"id", "options", "scope"})
# The special values a value mapping can match (packages/grafana-data types/valueMapping.ts
# ``SpecialValueMatch``); ``getValueMappingResult`` (utils/valueMappings.ts) switches on them and a mapping
# with any other match (none, null) applies to no value.
SPECIAL_MATCHES = frozenset({"true", "false", "null", "nan", "null+nan", "empty"})
# The shapes of the published schema's table cell options (``TableCellOptions``, a oneOf): the keys each
# branch allows (auto, sparkline, gauge, color-background, color-text, image, data-links, actions,
# json-view; the sparkline's graph keys are none of the others'). Every branch takes any cell type, so
# cell options whose keys fit more than one branch match several and pass none, though Grafana reads them.
CELL_OPTION_SHAPES = (
    frozenset({"type", "wrapText"}),
    frozenset({"type", "mode", "valueDisplayMode"}),
    frozenset({"type", "mode", "applyToRow", "wrapText"}),
    frozenset({"type", "wrapText"}),
    frozenset({"type", "alt", "title"}),
    frozenset({"type"}),
    frozenset({"type"}),
    frozenset({"type"}),
)
# An override matcher for every field: the field name matcher's own default pattern (fieldNameMatchers.ts
# ``byRegexp`` reads it with ``stringToJsRegex``; ``.*`` finds a match in any name, the empty one too).
EVERY_FIELD = {"id": "byRegexp", "options": "/.*/"}
# The stacking modes of the graph field config (packages/grafana-schema ``StackingMode``).
STACKING_MODES = frozenset({"none", "normal", "percent"})
# getColorByName (createVisualizationColors.ts) gives FALLBACK_COLOR (types/fieldColor.ts) for an
# annotation query without an icon colour (annotations/standardAnnotationSupport.ts
# ``postProcessQueryResult``).
FALLBACK_COLOR = "gray"


def prometheus_target(target: dict[str, Any], path: str, notes: Notes) -> None:
    """A Prometheus ``target``'s format and interval factor as Grafana reads them; changed in place."""
    fmt = target.get("format")
    if "format" in target and fmt not in QUERY_FORMATS:
        if fmt in ("", None):
            notes.add(f"{path}/format", "empty: unset, the time series format Grafana reads it as")
            del target["format"]
        else:
            notes.add(
                f"{path}/format",
                f"{fmt!r} is read as a time series (the Prometheus result transformer only tests for "
                "table and heatmap): written as 'time_series'",
            )
            target["format"] = "time_series"
    if target.get("intervalFactor") == "" and not target.get("expr"):
        notes.add(
            f"{path}/intervalFactor",
            "empty, on a query without an expression, which Grafana does not run (filterQuery): unset",
        )
        del target["intervalFactor"]


def panel_values(panel: dict[str, Any], path: str, notes: Notes) -> None:
    """``panel``'s options and field config values as Grafana reads them; changed in place."""
    kind = panel.get("type")
    if panel.get("maxDataPoints") == "":
        notes.add(f"{path}/maxDataPoints", "empty: unset, as the query runner reads it (a falsy value)")
        del panel["maxDataPoints"]
    options = panel.get("options")
    if isinstance(options, dict):
        if kind == "heatmap":
            _heatmap_options(options, f"{path}/options", notes)
        if kind == "geomap":
            tooltip = options.get("tooltip")
            if isinstance(tooltip, dict) and tooltip.get("mode") not in (None, "none", "details"):
                notes.add(
                    f"{path}/options/tooltip/mode",
                    f"{tooltip['mode']!r}: the geomap panel only tests for 'none' and shows the details "
                    "tooltip otherwise: written as 'details'",
                )
                tooltip["mode"] = "details"
    config = mapping(panel.get("fieldConfig"))
    defaults = config.get("defaults")
    if isinstance(defaults, dict):
        where = f"{path}/fieldConfig/defaults"
        _no_value(defaults, where, notes)
        _special_mappings(defaults, f"{where}/mappings", notes)
        _data_links(defaults.get("links"), f"{where}/links", notes)
        _stacking(mapping(defaults.get("custom")).get("stacking"), f"{where}/custom/stacking/mode", notes)
        if kind == "table" and isinstance(defaults.get("custom"), dict):
            _table_custom(defaults["custom"], f"{where}/custom", notes)
    for i, override in enumerate(items(config.get("overrides"))):
        matcher = mapping(override).get("matcher")
        if isinstance(matcher, dict):
            at = f"{path}/fieldConfig/overrides/{i}/matcher"
            notes.drop(
                at, matcher, MATCHER_KEYS, "not a matcher property: Grafana reads a matcher's id and options"
            )
        for j, prop in enumerate(items(mapping(override).get("properties"))):
            if isinstance(prop, dict) and prop.get("id") == "links":
                at = f"{path}/fieldConfig/overrides/{i}/properties/{j}/value"
                _data_links(prop.get("value"), at, notes)
    if kind == "table" and isinstance(defaults, dict) and isinstance(defaults.get("custom"), dict):
        _cell_options(config, f"{path}/fieldConfig/defaults/custom/cellOptions", notes)


def annotation_values(annotation: dict[str, Any], path: str, notes: Notes) -> None:
    """An annotation query's icon colour as Grafana reads it; changed in place."""
    if not annotation.get("builtIn") and "iconColor" not in annotation:
        notes.add(
            f"{path}/iconColor",
            f"unset: Grafana draws its events in its fallback colour ({FALLBACK_COLOR}): written as it",
        )
        annotation["iconColor"] = FALLBACK_COLOR


def variable_values(variable: dict[str, Any], path: str, notes: Notes) -> None:
    """A selection holding whole option objects as Grafana reads it; changed in place. The scene's
    variable takes ``current.value`` and ``current.text`` as they are, matches them against its options
    by value or text (``findOptionMatchingCurrent``), and, matching none, selects All where the variable
    includes All (``defaultToAll``), else its first option: what it selects with no stored selection."""
    current = variable.get("current")
    if not isinstance(current, dict):
        return
    if any(_holds_object(current.get(key)) for key in ("text", "value")):
        selects = "All, the variable including All" if variable.get("includeAll") else "its first option"
        notes.add(
            f"{path}/current",
            f"a selection holding whole option objects, which matches none of the options: Grafana selects "
            f"{selects}, as with no stored selection: unset",
        )
        del variable["current"]


def _holds_object(value: Any) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict) for v in value))


def _heatmap_options(options: dict[str, Any], path: str, notes: Notes) -> None:
    """The heatmap's y-axis bounds given as the text of a number (as older heatmaps saved them) as that
    number; the old ``tooltip.show`` as the ``mode`` it reads (heatmap migrations.ts maps show to single,
    no show to none); legend keys beside ``show``, which the heatmap legend alone reads, go."""
    y_axis = options.get("yAxis")
    for bound in ("min", "max"):
        text = mapping(y_axis).get(bound)
        if isinstance(text, str) and _finite(text):
            notes.add(
                f"{path}/yAxis/{bound}",
                f"{text!r}: the text of a number, which the heatmap hands its y scale, where it is taken "
                f"as that number: written as the number {float(text):g}",
            )
            y_axis[bound] = int(float(text)) if float(text).is_integer() else float(text)
    tooltip = options.get("tooltip")
    if isinstance(tooltip, dict) and "show" in tooltip:
        show = tooltip.pop("show")
        if "mode" not in tooltip:
            tooltip["mode"] = "single" if show else "none"
        notes.add(f"{path}/tooltip/show", f"the heatmap reads tooltip.mode: written as {tooltip['mode']!r}")
    legend = options.get("legend")
    if isinstance(legend, dict):
        notes.drop(f"{path}/legend", legend, frozenset({"show"}), "the heatmap legend reads only show")


def _no_value(defaults: dict[str, Any], path: str, notes: Notes) -> None:
    """A number as "No value" text: the display processor shows it when truthy (``if (config.noValue)``),
    so 0 is no text at all and any other number its digits."""
    value = defaults.get("noValue")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    if not value:
        notes.add(f"{path}/noValue", f"{value!r}: the display processor reads it as no text (falsy): unset")
        del defaults["noValue"]
        return
    text = str(int(value)) if float(value).is_integer() else repr(value)
    notes.add(f"{path}/noValue", f"a number, shown as its text: written as {text!r}")
    defaults["noValue"] = text


def _special_mappings(defaults: dict[str, Any], path: str, notes: Notes) -> None:
    """Special value mappings that match no special value go: Grafana applies them to no value."""
    mappings = defaults.get("mappings")
    if not isinstance(mappings, list):
        return
    kept = []
    for i, entry in enumerate(mappings):
        special = mapping(entry).get("type") == "special"
        match = mapping(mapping(entry).get("options")).get("match")
        if special and match not in SPECIAL_MATCHES:
            notes.add(
                f"{path}/{i}",
                f"a special value mapping matching {match!r}, no special value Grafana knows: it applies to "
                "no value (getValueMappingResult): not carried",
            )
        else:
            kept.append(entry)
    defaults["mappings"] = kept


def _data_links(links: Any, path: str, notes: Notes) -> None:
    """Keys a field's data link does not have go; a ``type`` outside the schema's link types too (a data
    link has no type: Grafana reads none)."""
    for i, link in enumerate(items(links)):
        if not isinstance(link, dict):
            continue
        typed = link.get("type", "link") in DASHBOARD_LINK_TYPES
        keys = DATA_LINK_KEYS if typed else DATA_LINK_KEYS - {"type"}
        notes.drop(f"{path}/{i}", link, keys, "not a data link property: Grafana does not read it")


def _table_custom(custom: dict[str, Any], path: str, notes: Notes) -> None:
    """A table's custom field config as the table plugin holds it once loaded."""
    why = "not a custom option of the table panel: Grafana removes it as the plugin loads (cleanProperties)"
    notes.drop(path, custom, TABLE_CUSTOM_KEYS, why)
    if "align" in custom and custom["align"] not in ALIGNMENTS:
        notes.add(
            f"{path}/align",
            f"{custom['align']!r}: the table places it by field type, as 'auto' (getTextAlign): written as it",
        )
        custom["align"] = "auto"


def _cell_options(config: dict[str, Any], path: str, notes: Notes) -> None:
    """A table's default cell options as Grafana reads them, in a form the published schema holds:
    ``{type: auto}`` is the default display and goes; cell options the schema cannot tell apart from
    another cell type (:data:`CELL_OPTION_SHAPES`) become the first override, for every field."""
    custom = config["defaults"]["custom"]
    cell = custom.get("cellOptions")
    if cell == {"type": "auto"}:
        notes.add(path, "{type: auto} is the table's default cell display: left unset")
        del custom["cellOptions"]
        return
    overrides = config.get("overrides", [])
    ambiguous = isinstance(cell, dict) and sum(set(cell) <= shape for shape in CELL_OPTION_SHAPES) > 1
    if not ambiguous or not isinstance(overrides, list):
        return
    notes.add(
        path,
        f"{cell!r} is written as the panel's first override, for every field (field name matching /.*/), "
        "which Grafana applies to each field before the panel's other overrides, as it applies the "
        "defaults: the same cell display, unless a data source's own field config names a cell type "
        "(Prometheus and Loki name none). The published schema cannot hold it in the defaults: its cell "
        "options are a oneOf whose branches each take any cell type, and these keys fit several",
    )
    del custom["cellOptions"]
    rule = {"matcher": dict(EVERY_FIELD), "properties": [{"id": "custom.cellOptions", "value": cell}]}
    config["overrides"] = [rule, *overrides]


def _finite(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _stacking(stacking: Any, path: str, notes: Notes) -> None:
    """A stacking mode Grafana has no name for as the one it draws: its stacking groups
    (packages/grafana-ui uPlot utils.ts ``getStackingGroups``) stack every series whose mode is not
    ``none``, summing as ``normal`` does (only ``percent`` is told apart), while code that tests for
    ``normal`` or ``percent`` (a newer renderer's stacking) would leave it unstacked: the chart Grafana
    draws today is stacked, and ``normal`` draws it so everywhere."""
    mode = mapping(stacking).get("mode")
    if not isinstance(mode, str) or mode in STACKING_MODES:
        return
    notes.add(
        path,
        f"{mode!r}, a stacking mode Grafana has no name for: its stacking groups draw the series stacked, "
        "as 'normal', while code testing for 'normal' would not: written as 'normal', the chart as drawn",
    )
    stacking["mode"] = "normal"
