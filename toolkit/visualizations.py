"""Panel helpers beyond the five basics: text, heatmap, pie chart, state timeline, status history, histogram,
bar chart, logs, dashboard list.

Each takes the usual title, queries, unit and description plus its plugin's common options, typed after
Grafana's schema for that panel (``<type>.jsonschema.json``): a value outside the schema's enum fails at
the caller's line, naming the choices. A helper sets only the options it is given; the build adds the rest
as a current Grafana saves them (:data:`toolkit.sources.plugin_defaults.PLUGIN_OPTIONS`).
Import them from :mod:`toolkit.panels`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Literal, get_args

from toolkit.errors import DefinitionError
from toolkit.locations import caller_location
from toolkit.panel_parts import (
    PROMETHEUS,
    CurrentPanel,
    Datasource,
    Query,
    Steps,
    check_choice,
    check_flag,
    check_number,
    check_text,
    check_unit,
    common,
    steps,
    targets,
)
from toolkit.sources.plugin_defaults import PLUGIN_CUSTOM_DEFAULTS

Queries = str | Query | Sequence[str | Query]
TextMode = Literal["markdown", "html", "code"]
CodeLanguage = Literal["json", "yaml", "xml", "typescript", "sql", "go", "markdown", "html", "plaintext"]
HeatmapColorMode = Literal["scheme", "opacity"]
HeatmapColorScale = Literal["exponential", "linear"]
Visibility = Literal["auto", "never", "always"]
PieType = Literal["pie", "donut"]
PieLabel = Literal["name", "value", "percent"]
PieLegendValue = Literal["value", "percent"]
LegendPlacement = Literal["bottom", "right"]
Alignment = Literal["left", "center", "right"]
Orientation = Literal["auto", "vertical", "horizontal"]
Stacking = Literal["none", "normal", "percent"]
LogsOrder = Literal["Descending", "Ascending"]
LogsDedup = Literal["none", "exact", "numbers", "signature"]
# Grafana's reducers most panels offer (``reduceOptions.calcs``).
Reducer = Literal[
    "lastNotNull", "last", "firstNotNull", "first", "mean", "max", "min", "sum", "count", "delta"
]


def _choice(what: str, value: Any, kind: Any) -> Any:
    return check_choice(what, value, get_args(kind))


def _choices(what: str, values: Any, kind: Any) -> list:
    if isinstance(values, str) or not isinstance(values, Sequence):
        return [_choice(what, values, kind)]
    return [_choice(what, value, kind) for value in values]


def text(
    title: str,
    content: str,
    *,
    description: str = "",
    mode: TextMode = "markdown",
    language: CodeLanguage = "plaintext",
    width: int = 24,
    height: int = 4,
    extra: dict | None = None,
) -> CurrentPanel:
    """A text panel: ``content`` as Markdown (or HTML, or code in ``language`` with ``mode="code"``);
    its ``title`` may be empty (a heading or a logo often needs none)."""
    parts = common(title, description, width, height, extra, titled=False)
    return CurrentPanel(
        **parts,
        type="text",
        options={
            "code": {"language": _choice(f"panel {title!r}: language", language, CodeLanguage)},
            "content": check_text(f"panel {title!r}: content", content),
            "mode": _choice(f"panel {title!r}: mode", mode, TextMode),
        },
    )


def _bucket_legends(queries: Queries) -> Queries:
    """Plain bucket queries legended ``{{le}}``, so Grafana names (and orders) the buckets by bound."""
    if isinstance(queries, str):
        return Query(queries, "{{le}}")
    if isinstance(queries, Sequence):
        return [Query(q, "{{le}}") if isinstance(q, str) else q for q in queries]
    return queries


def heatmap(
    title: str,
    queries: Queries,
    *,
    unit: str,
    description: str,
    buckets: bool = True,
    scheme: str = "Oranges",
    color_mode: HeatmapColorMode = "scheme",
    scale: HeatmapColorScale = "exponential",
    show_value: Visibility = "auto",
    legend: bool = True,
    hide_empty: bool = True,
    width: int = 12,
    height: int = 8,
    datasource: Datasource = PROMETHEUS,
    extra: dict | None = None,
) -> CurrentPanel:
    """A heatmap; ``unit`` is the y axis (the buckets' unit, e.g. units.SECONDS for a latency histogram).

    With ``buckets`` (the default) each query returns Prometheus histogram buckets, e.g.
    ``sum by (le) (rate(http_request_duration_seconds_bucket[$__rate_interval]))``: Grafana reads them in
    heatmap format. Without, Grafana buckets the raw values itself. Cells count occurrences; their unit
    is the heatmap's ``cellValues`` option (``extra``), as the heatmap takes no unit from the field config.
    """
    parts = common(title, description, width, height, extra, datasource)
    where = f"panel {title!r}"
    buckets, hide_empty = (
        check_flag(f"{where}: buckets", buckets),
        check_flag(f"{where}: hide_empty", hide_empty),
    )
    color = {
        "mode": _choice(f"{where}: color_mode", color_mode, HeatmapColorMode),
        "scale": _choice(f"{where}: scale", scale, HeatmapColorScale),
        "scheme": check_text(f"{where}: scheme", scheme, required=True),
    }
    return CurrentPanel(
        **parts,
        targets=targets(
            _bucket_legends(queries) if buckets else queries,
            datasource=datasource,
            fmt="heatmap" if buckets else None,
        ),
        type="heatmap",
        options={
            "calculate": not buckets,
            "color": color,
            "filterValues": {"le": 1e-9} if hide_empty else {},  # {} clears the default: zeros shown
            "legend": {"show": check_flag(f"{where}: legend", legend)},
            "showValue": _choice(f"{where}: show_value", show_value, Visibility),
            "yAxis": {"unit": check_unit(title, unit)},
        },
        field_defaults={"custom": _custom("heatmap")},
    )


def pie_chart(
    title: str,
    queries: Queries,
    *,
    unit: str,
    description: str,
    pie_type: PieType = "pie",
    labels: Sequence[PieLabel] = (),
    legend_values: Sequence[PieLegendValue] = ("percent",),
    legend_placement: LegendPlacement = "right",
    reducer: Reducer = "lastNotNull",
    width: int = 8,
    height: int = 8,
    datasource: Datasource = PROMETHEUS,
    extra: dict | None = None,
) -> CurrentPanel:
    """A pie (or donut) chart: one slice per series, reduced to one value by ``reducer``."""
    parts = common(title, description, width, height, extra, datasource)
    where = f"panel {title!r}"
    values = _choices(f"{where}: legend_values", legend_values, PieLegendValue)
    return CurrentPanel(
        **parts,
        targets=targets(queries, datasource=datasource),
        type="piechart",
        options={
            "displayLabels": _choices(f"{where}: labels", labels, PieLabel),
            "legend": {
                "displayMode": "table" if values else "list",
                "placement": _choice(f"{where}: legend_placement", legend_placement, LegendPlacement),
                "values": values,
            },
            "pieType": _choice(f"{where}: pie_type", pie_type, PieType),
            "reduceOptions": {"calcs": [_choice(f"{where}: reducer", reducer, Reducer)]},
        },
        field_defaults={"unit": check_unit(title, unit), "color": {"mode": "palette-classic"}},
    )


def _bars(kind: str, title: str, unit: str) -> dict[str, Any]:
    """Field defaults of the panels that draw bars (histogram, bar chart): palette colours, filled bars."""
    return {
        "unit": check_unit(title, unit),
        "color": {"mode": "palette-classic"},
        "custom": _custom(kind),
    }


def _custom(kind: str) -> dict[str, Any]:
    """The custom field config Grafana gives a ``kind`` panel (:data:`PLUGIN_CUSTOM_DEFAULTS`), a copy."""
    return copy.deepcopy(PLUGIN_CUSTOM_DEFAULTS[kind])


def _mappings(title: str, states: Mapping[Any, tuple[str, str]] | None) -> list[dict[str, Any]]:
    """``{value: (text, colour)}`` as Grafana value mappings."""
    if states is None:
        return []
    if not isinstance(states, Mapping):
        raise DefinitionError(
            f"panel {title!r}: states must map values to (text, colour), e.g. {{0: ('down', 'red')}}, "
            f"got {type(states).__name__}",
            caller_location(),
        )
    options = {}
    for index, (value, shown) in enumerate(states.items()):
        if not (isinstance(shown, tuple) and len(shown) == 2 and all(isinstance(p, str) for p in shown)):
            raise DefinitionError(
                f"panel {title!r}: states[{value!r}] must be a (text, colour) pair, got {shown!r}",
                caller_location(),
            )
        options[str(value)] = {"color": shown[1], "index": index, "text": shown[0]}
    return [{"type": "value", "options": options}] if options else []


def _state_panel(
    kind: str,
    parts: dict[str, Any],
    queries: Queries,
    datasource: Datasource,
    unit: str,
    states: Mapping[Any, tuple[str, str]] | None,
    thresholds: Steps | None,
    show_value: Any,
    row_height: Any,
    **options: Any,
) -> CurrentPanel:
    """A panel colouring each series by its state (state timeline, status history): ``states`` as value
    mappings, ``thresholds`` as colour ranges, filled at Grafana's opacity, with its ``options``."""
    title = parts["title"]
    where = f"panel {title!r}"
    options |= {
        "rowHeight": check_number(f"{where}: row_height", row_height, minimum=0, maximum=1),
        "showValue": _choice(f"{where}: show_value", show_value, Visibility),
    }
    return CurrentPanel(
        **parts,
        targets=targets(queries, datasource=datasource),
        type=kind,
        thresholds=steps(thresholds or [("green", None)]),
        options=dict(sorted(options.items())),
        field_defaults={
            "unit": check_unit(title, unit),
            "mappings": _mappings(title, states),
            "custom": _custom(kind),
        },
    )


def state_timeline(
    title: str,
    queries: Queries,
    *,
    unit: str,
    description: str,
    states: Mapping[Any, tuple[str, str]] | None = None,
    thresholds: Steps | None = None,
    show_value: Visibility = "auto",
    merge_values: bool = True,
    row_height: float = 0.9,
    align_value: Alignment = "left",
    width: int = 24,
    height: int = 6,
    datasource: Datasource = PROMETHEUS,
    extra: dict | None = None,
) -> CurrentPanel:
    """One band per series coloured by its state over time; ``states`` names values, e.g.
    ``{0: ("down", "red"), 1: ("up", "green")}``, and ``thresholds`` colour value ranges."""
    parts = common(title, description, width, height, extra, datasource)
    return _state_panel(
        "state-timeline",
        parts,
        queries,
        datasource,
        unit,
        states,
        thresholds,
        show_value,
        row_height,
        alignValue=_choice(f"panel {title!r}: align_value", align_value, Alignment),
        mergeValues=check_flag(f"panel {title!r}: merge_values", merge_values),
    )


def status_history(
    title: str,
    queries: Queries,
    *,
    unit: str,
    description: str,
    states: Mapping[Any, tuple[str, str]] | None = None,
    thresholds: Steps | None = None,
    show_value: Visibility = "auto",
    row_height: float = 0.9,
    column_width: float = 0.9,
    width: int = 24,
    height: int = 8,
    datasource: Datasource = PROMETHEUS,
    extra: dict | None = None,
) -> CurrentPanel:
    """One row per series, one cell per point in time, coloured by its state: ``states`` names values,
    e.g. ``{0: ("down", "red"), 1: ("up", "green")}``, ``thresholds`` colour value ranges;
    ``row_height`` and ``column_width`` are the share of the space a cell fills (0..1)."""
    parts = common(title, description, width, height, extra, datasource)
    return _state_panel(
        "status-history",
        parts,
        queries,
        datasource,
        unit,
        states,
        thresholds,
        show_value,
        row_height,
        colWidth=check_number(f"panel {title!r}: column_width", column_width, minimum=0, maximum=1),
    )


def histogram(
    title: str,
    queries: Queries,
    *,
    unit: str,
    description: str,
    bucket_size: float | None = None,
    bucket_count: int | None = None,
    bucket_offset: float = 0,
    combine: bool = False,
    width: int = 12,
    height: int = 8,
    datasource: Datasource = PROMETHEUS,
    extra: dict | None = None,
) -> CurrentPanel:
    """The distribution of the queries' values in buckets of ``bucket_size`` (or ``bucket_count`` buckets;
    by default Grafana picks); ``combine`` puts all series in one histogram."""
    parts = common(title, description, width, height, extra, datasource)
    where = f"panel {title!r}"
    options: dict[str, Any] = {
        "bucketOffset": check_number(f"{where}: bucket_offset", bucket_offset),
        "combine": check_flag(f"{where}: combine", combine),
    }
    if bucket_size is not None:
        options["bucketSize"] = check_number(f"{where}: bucket_size", bucket_size, minimum=0)
    if bucket_count is not None:
        options["bucketCount"] = int(check_number(f"{where}: bucket_count", bucket_count, minimum=1))
    return CurrentPanel(
        **parts,
        targets=targets(queries, datasource=datasource),
        type="histogram",
        options=options,
        field_defaults=_bars("histogram", title, unit),
    )


def bar_chart(
    title: str,
    queries: Queries,
    *,
    unit: str,
    description: str,
    x_field: str | None = None,
    orientation: Orientation = "auto",
    stacking: Stacking = "none",
    show_value: Visibility = "auto",
    thresholds: Steps | None = None,
    width: int = 12,
    height: int = 8,
    datasource: Datasource = PROMETHEUS,
    extra: dict | None = None,
) -> CurrentPanel:
    """Bars per category: queries default to instant tables, and ``x_field`` (e.g. a label such as
    ``job``) names the categories; ``stacking`` stacks the series."""
    parts = common(title, description, width, height, extra, datasource)
    where = f"panel {title!r}"
    options = {
        "orientation": _choice(f"{where}: orientation", orientation, Orientation),
        "showValue": _choice(f"{where}: show_value", show_value, Visibility),
        "stacking": _choice(f"{where}: stacking", stacking, Stacking),
    }
    if x_field is not None:
        options["xField"] = check_text(f"{where}: x_field", x_field, required=True)
    return CurrentPanel(
        **parts,
        targets=targets(queries, instant_tables=True, datasource=datasource),
        type="barchart",
        thresholds=steps(thresholds or [("green", None)]),
        options=options,
        field_defaults=_bars("barchart", title, unit),
    )


def logs(
    title: str,
    queries: Queries,
    *,
    description: str,
    datasource: Datasource,
    show_time: bool = True,
    wrap_lines: bool = False,
    show_labels: bool = False,
    order: LogsOrder = "Descending",
    dedup: LogsDedup = "none",
    width: int = 24,
    height: int = 10,
    extra: dict | None = None,
) -> CurrentPanel:
    """Log lines from a logs data source, e.g. ``datasource=Datasource("loki", "${loki}")`` and the LogQL
    ``{job="api"} |= "error"`` (or ``MIXED``, each query naming its own). Logs have no unit."""
    parts = common(title, description, width, height, extra, datasource)
    where = f"panel {title!r}"
    return CurrentPanel(
        **parts,
        targets=targets(queries, datasource=datasource),
        type="logs",
        options={
            "dedupStrategy": _choice(f"{where}: dedup", dedup, LogsDedup),
            "showLabels": check_flag(f"{where}: show_labels", show_labels),
            "showTime": check_flag(f"{where}: show_time", show_time),
            "sortOrder": _choice(f"{where}: order", order, LogsOrder),
            "wrapLogMessage": check_flag(f"{where}: wrap_lines", wrap_lines),
        },
    )


def dashboard_list(
    title: str,
    *,
    description: str = "",
    query: str = "",
    tags: Sequence[str] = (),
    folder_uid: str | None = None,
    starred: bool = True,
    recently_viewed: bool = False,
    search: bool = False,
    headings: bool = True,
    folder_names: bool = True,
    max_items: int = 10,
    keep_time: bool = False,
    include_vars: bool = False,
    width: int = 8,
    height: int = 8,
    extra: dict | None = None,
) -> CurrentPanel:
    """A list of dashboards: the starred, the recently viewed and, with ``search``, those whose title
    matches ``query``, tagged with all of ``tags`` (in the folder ``folder_uid``), at most ``max_items``
    under each heading; ``keep_time`` and ``include_vars`` carry the time range and variables along.
    Runs no queries."""
    parts = common(title, description, width, height, extra)
    where = f"panel {title!r}"
    if isinstance(tags, str) or not isinstance(tags, Sequence):
        raise DefinitionError(f"{where}: tags must be a list of strings, got {tags!r}", caller_location())
    options = {
        "includeVars": check_flag(f"{where}: include_vars", include_vars),
        "keepTime": check_flag(f"{where}: keep_time", keep_time),
        "maxItems": _count(f"{where}: max_items", max_items),
        "query": check_text(f"{where}: query", query),
        "showFolderNames": check_flag(f"{where}: folder_names", folder_names),
        "showHeadings": check_flag(f"{where}: headings", headings),
        "showRecentlyViewed": check_flag(f"{where}: recently_viewed", recently_viewed),
        "showSearch": check_flag(f"{where}: search", search),
        "showStarred": check_flag(f"{where}: starred", starred),
        "tags": [check_text(f"{where}: tags[{i}]", tag, required=True) for i, tag in enumerate(tags)],
    }
    if folder_uid is not None:
        options["folderUID"] = check_text(f"{where}: folder_uid", folder_uid, required=True)
    return CurrentPanel(**parts, type="dashlist", options=options)


def _count(what: str, value: Any) -> int:
    """``value`` if it is a whole number of at least 0 (the schema's integer), else a located error."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise DefinitionError(f"{what} must be a whole number, got {value!r}", caller_location())
    return check_number(what, value, minimum=0)
