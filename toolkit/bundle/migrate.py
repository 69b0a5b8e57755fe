"""Old dashboards in the current shape, as Grafana migrates them when it opens them.

The steps follow grafana/grafana public/app/features/dashboard/state/DashboardMigrator.ts ``updateSchema``
(each step gated by the dashboard's ``schemaVersion``, as there; the Go port under
apps/dashboard/pkg/migration/schemaversion/ for versions 40 and 41), then the automatic move of old
Angular panels to their current plugins (PanelModel ``autoMigrateAngular`` and each plugin's panel-change
handler). What Grafana maps to nothing is reported as a :class:`~toolkit.bundle.notes.Note`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from toolkit.bundle.graph import GRAPH_KEYS, graph_target, graph_to_timeseries, time_region_annotations
from toolkit.bundle.grid import upgrade_to_grid_layout
from toolkit.bundle.links import labels_syntax, rewrite_data_links, upgrade_panel_link, variables_syntax
from toolkit.bundle.mappings import upgrade_value_mappings
from toolkit.bundle.notes import Notes
from toolkit.bundle.saved import annotation_as_saved, panel_as_saved, timepicker_as_saved, variable_as_saved
from toolkit.bundle.shape import items, mapping, objects
from toolkit.bundle.singlestat import SINGLESTAT_KEYS, singlestat_target, singlestat_to_stat
from toolkit.bundle.table import TABLE_KEYS, cell_options, table_old_to_table

SCHEMA_VERSION = 41

# PanelModel ``mustKeepProps``: what survives a change of plugin; the old plugin's own keys do not.
KEPT_ON_PLUGIN_CHANGE = frozenset(
    {
        "cacheTimeout",
        "collapsed",
        "datasource",
        "description",
        "fieldConfig",
        "gridPos",
        "hideTimeOverride",
        "id",
        "interval",
        "libraryPanel",
        "links",
        "maxDataPoints",
        "panels",
        "pluginVersion",
        "queryCachingTTL",
        "repeat",
        "repeatDirection",
        "repeatPanelId",
        "scopedVars",
        "targets",
        "timeFrom",
        "timeShift",
        "title",
        "transformations",
        "transparent",
        "type",
    }
)
# The properties of Grafana's DashboardModel (public/app/features/dashboard/state/DashboardModel.ts), the
# only ones its save model holds (and ``preload`` of the current dashboard schema).
DASHBOARD_PROPERTIES = frozenset(
    {
        "annotations",
        "description",
        "editable",
        "fiscalYearStartMonth",
        "gnetId",
        "graphTooltip",
        "id",
        "links",
        "liveNow",
        "panels",
        "preload",
        "refresh",
        "revision",
        "schemaVersion",
        "snapshot",
        "tags",
        "templating",
        "time",
        "timepicker",
        "timezone",
        "title",
        "uid",
        "version",
        "weekStart",
    }
)
ROW_PANEL_KEYS = frozenset({"type", "id", "title", "gridPos", "collapsed", "panels", "repeat"})
# What DashboardModel adds to every dashboard that has no built-in annotation query.
BUILT_IN_ANNOTATION = {
    "builtIn": 1,
    "datasource": {"type": "grafana", "uid": "-- Grafana --"},
    "enable": True,
    "hide": True,
    "iconColor": "rgba(0, 211, 255, 1)",
    "name": "Annotations & Alerts",
    "type": "dashboard",
}
# Angular plugins Grafana moves to a core plugin with a handler this module does not carry out.
OTHER_ANGULAR = {
    "grafana-piechart-panel": "piechart",
    "grafana-worldmap-panel": "geomap",
    "natel-discrete-panel": "state-timeline",
}
# Rows (saved apart) and old plugins Grafana moves with a handler this module does not carry out: their
# keys stay, as the plugin Grafana moves them to reads them.
KEPT_AS_IT_IS = frozenset({"row", "graph", "graphite", *OTHER_ANGULAR})
_VARIABLE = re.compile(r"^\$(?:\{(\w+)(?::\w+)?\}|(\w+))$")


def migrate_dashboard(board: dict[str, Any], notes: Notes) -> dict[str, Any]:
    """``board`` in the current schema: rows placed on the grid, panels and variables migrated,
    ``schemaVersion`` current. ``board`` is changed in place (pass a copy to keep the original)."""
    version = board.get("schemaVersion") if isinstance(board.get("schemaVersion"), int) else 0
    origins: dict[int, str] = {}
    if isinstance(board.get("rows"), list):
        placed, origins = upgrade_to_grid_layout(board.pop("rows"), notes)
        board["panels"] = list(items(board.get("panels"))) + placed
    elif board.pop("rows", None) not in (None, {}):
        notes.add("rows", "not a list of rows: dropped")
    if "panels" in board and not isinstance(board["panels"], list):
        notes.add("panels", "not a list of panels: dropped")
        board["panels"] = []
    if version < 14:
        board["graphTooltip"] = 1 if board.pop("sharedCrosshair", None) else 0
    variables = _variables(board)
    if version < 27:
        board["panels"] = _without_repeated_copies(items(board.get("panels")))
    walk = _Walk(version, variables, origins, notes)
    board["panels"] = [walk.panel(panel, f"panels/{i}") for i, panel in enumerate(items(board.get("panels")))]
    _ensure_unique_ids(board["panels"])
    for panel in (
        p for top in board["panels"] if isinstance(top, dict) for p in [top, *items(top.get("panels"))]
    ):
        if isinstance(panel, dict):
            _as_grafana_keeps_it(panel)
    _migrate_templating(board, version, notes)
    _migrate_annotations(board, version, variables, walk.annotations, notes)
    if version < 40 and not isinstance(board.get("refresh"), str):
        board["refresh"] = ""
    if version < 41 and isinstance(board.get("timepicker"), dict) and "time_options" in board["timepicker"]:
        notes.add("timepicker/time_options", "unused since Grafana 5: Grafana removes it (schemaVersion 41)")
        board["timepicker"].pop("time_options")
    if isinstance(board.get("timepicker"), dict):
        timepicker_as_saved(board["timepicker"], notes)
    if version < SCHEMA_VERSION:
        board["schemaVersion"] = SCHEMA_VERSION
    for key in [k for k in board if k not in DASHBOARD_PROPERTIES]:
        if board[key] not in (None, "", [], {}, False):
            notes.add(key, "not a dashboard property Grafana keeps: it drops it when it saves")
        del board[key]
    return board


def _variables(board: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = objects(mapping(board.get("templating")).get("list"))
    return {v["name"]: v for v in found if isinstance(v.get("name"), str)}


def _without_repeated_copies(panels: list[Any]) -> list[Any]:
    """schemaVersion 27 ``removeRepeatedPanels``: left-over copies of repeated panels and rows go."""
    kept = []
    for panel in panels:
        if not isinstance(panel, dict) or panel.get("repeatPanelId") or panel.get("repeatByRow"):
            continue
        if panel.get("type") == "row" and isinstance(panel.get("panels"), list):
            panel["panels"] = [
                p for p in panel["panels"] if not (isinstance(p, dict) and p.get("repeatPanelId"))
            ]
        kept.append(panel)
    return kept


@dataclass
class _Walk:
    """What every panel's migration needs: the old version, the variables, where panels came from, and
    what it adds to the dashboard (time-region annotations) or reports (notes)."""

    version: int
    variables: dict[str, dict[str, Any]]
    origins: dict[int, str]
    notes: Notes
    annotations: list[dict[str, Any]] = field(default_factory=list)

    def panel(self, panel: Any, path: str) -> Any:
        """``panel`` and, in a row, its panels, migrated; ``path`` is where it sits in the source."""
        if not isinstance(panel, dict):
            return panel
        path = self.origins.get(id(panel), path)
        panel = self.migrate(panel, path)
        if str(panel.get("type")) not in KEPT_AS_IT_IS:
            panel_as_saved(panel, path, self.notes)
        if panel.get("type") == "row":
            panel = _row_as_saved(panel, path, self.notes)
            panel["panels"] = [
                self.panel(child, f"{path}/panels/{i}") for i, child in enumerate(panel["panels"])
            ]
        return panel

    def migrate(self, panel: dict[str, Any], path: str) -> dict[str, Any]:
        """One panel through the schema steps after the dashboard's version, then to its current plugin."""
        version = self.version
        if version < 19 and isinstance(panel.get("links"), list):
            panel["links"] = [
                upgrade_panel_link(link) if isinstance(link, dict) else link for link in panel["links"]
            ]
        if version < 20:
            rewrite_data_links(panel, variables_syntax, title=True)
        if version < 21:
            rewrite_data_links(panel, labels_syntax, title=False)
        if version < 22 and panel.get("type") == "table":
            for style in items(panel.get("styles")):
                if isinstance(style, dict):
                    style["align"] = "auto"
        if version < 24:
            panel = _table_is_old(panel)
        if version < 26 and panel.get("type") == "text2":
            panel["type"] = "text"
            if isinstance(panel.get("options"), dict):
                panel["options"].pop("angular", None)
        if version < 30:
            panel = _upgrade_mappings(panel)
            _tooltip_options(panel)
        if version < 31:
            _merge_after_labels_to_fields(panel)
        if version < 33:
            _datasource_refs(panel, self.variables)
        if version < 35:
            _x_axis_visible(panel)
        if version < 36:
            _target_datasources(panel)
        if version < 37:
            _legend_visibility(panel)
        if version < 38:
            _table_cell_options(panel)
        if version < 39:
            _time_series_table(panel)
        if panel.get("type") == "text" and "content" in panel and "mode" in panel:
            _text_options(panel, path, self.notes)
        return to_current_plugin(panel, path, self.annotations, self.notes)


def to_current_plugin(panel: dict[str, Any], path: str, annotations: list, notes: Notes) -> dict[str, Any]:
    """An old Angular panel (``graph``, ``singlestat``, ``table-old``) as the panel Grafana moves it to;
    any other panel unchanged."""
    kind = panel.get("type")
    if kind in ("graph", "graphite"):
        target = graph_target(panel)
        if target != "timeseries":
            notes.add(
                f"{path}/type", f"a graph with a {target} x-axis: Grafana makes it a {target}; kept as it is"
            )
            return panel
        migrated = graph_to_timeseries(panel, path, notes)
        annotations += time_region_annotations(panel)
        consumed = GRAPH_KEYS
        if panel.get("alert"):
            notes.add(f"{path}/alert", "legacy panel alert: Grafana 11 no longer runs it; move it to a rule")
    elif kind in ("singlestat", "grafana-singlestat-panel"):
        target = singlestat_target(panel)
        migrated = singlestat_to_stat(panel, target)
        consumed = SINGLESTAT_KEYS
    elif kind == "table-old":
        target = "table"
        migrated = table_old_to_table(panel, path, notes)
        consumed = TABLE_KEYS
    else:
        if isinstance(kind, str) and kind in OTHER_ANGULAR:
            notes.add(
                f"{path}/type", f"Grafana moves {kind} to {OTHER_ANGULAR[kind]} with its own handler: kept"
            )
        return panel
    notes.dropped(
        path,
        panel,
        KEPT_ON_PLUGIN_CHANGE | consumed | {"options", "alert"},
        f"{kind} setting with no {target} equivalent: Grafana drops it",
    )
    if isinstance(panel.get("options"), dict) and panel["options"]:
        notes.dropped(f"{path}/options", panel["options"], frozenset(), f"{kind} option: Grafana drops it")
    new = {k: v for k, v in panel.items() if k in KEPT_ON_PLUGIN_CHANGE}
    new.update(migrated)
    new["type"] = target
    return new


def _row_as_saved(row: dict[str, Any], path: str, notes: Notes) -> dict[str, Any]:
    """A row as current Grafana saves it (dashboard-scene ``gridRowToSaveModel``): type, id, title,
    position, ``collapsed`` as a boolean, its panels and repeat; any other key goes, with a note."""
    notes.dropped(path, row, ROW_PANEL_KEYS, "row setting Grafana does not save")
    kept = {k: v for k, v in row.items() if k in ROW_PANEL_KEYS}
    kept["collapsed"] = bool(kept.get("collapsed"))
    kept["panels"] = items(kept.get("panels"))
    return kept


def _as_grafana_keeps_it(panel: dict[str, Any]) -> None:
    """What every panel is once Grafana holds it: a ``fieldConfig`` has ``defaults`` and ``overrides``
    (PanelModel's defaults, merged in on load), and a row spans the grid one unit high (DashboardGrid lays
    each row out at x 0, 24 wide, and saves that; ``gridRowToSaveModel`` writes its height, 1). A top-level null (``timeFrom: null``) is an unset field: it goes, as
    the current schema has no null there."""
    for key in [k for k, v in panel.items() if v is None]:
        del panel[key]
    config = panel.get("fieldConfig")
    if isinstance(config, dict):
        config.setdefault("defaults", {})
        config.setdefault("overrides", [])
    pos = panel.get("gridPos")
    if panel.get("type") == "row" and isinstance(pos, dict):
        pos.update(x=0, w=24, h=1)


def _text_options(panel: dict[str, Any], path: str, notes: Notes) -> None:
    """The old text panel's ``content`` and ``mode`` as its options (text/textPanelMigrationHandler.ts,
    for a panel saved before 7.1; a later one keeps its options and the old keys go). The removed ``text``
    mode becomes ``markdown``."""
    content, mode = panel.pop("content"), panel.pop("mode")
    version = _plugin_version(panel.get("pluginVersion"))
    options = panel.get("options") if isinstance(panel.get("options"), dict) else {}
    if version < 7.1:
        options = {"content": content, "mode": mode}
    elif content:
        notes.add(f"{path}/content", "old text content beside the options of a 7.1+ panel: Grafana drops it")
    if options.get("mode") not in ("code", "html", "markdown"):
        options = {**options, "mode": "markdown"}
    panel["options"] = options


def _plugin_version(value: Any) -> float:
    """``parseFloat(pluginVersion || '6.1')``: the leading major.minor of a plugin version."""
    match = re.match(r"\s*(\d+(?:\.\d+)?)", str(value or "6.1"))
    return float(match.group(1)) if match else 6.1


def _table_is_old(panel: dict[str, Any]) -> dict[str, Any]:
    """schemaVersion 24: a ``table`` with ``styles`` was the Angular table, now ``table-old``."""
    if panel.get("type") == "table" and panel.get("styles") and panel.get("table") != "table2":
        panel["type"] = "table-old"
    return panel


def _upgrade_mappings(panel: dict[str, Any]) -> dict[str, Any]:
    """schemaVersion 30 ``upgradeValueMappingsForPanel``, for defaults and overrides."""
    config = panel.get("fieldConfig")
    if not isinstance(config, dict):
        return panel
    defaults = config.get("defaults") if isinstance(config.get("defaults"), dict) else {}
    if isinstance(defaults.get("mappings"), list):
        defaults["mappings"] = upgrade_value_mappings(defaults["mappings"], defaults.get("thresholds"))
    for override in items(config.get("overrides")):
        for prop in items(override.get("properties")) if isinstance(override, dict) else []:
            if (
                isinstance(prop, dict)
                and prop.get("id") == "mappings"
                and isinstance(prop.get("value"), list)
            ):
                prop["value"] = upgrade_value_mappings(prop["value"], None)
    return panel


def _tooltip_options(panel: dict[str, Any]) -> None:
    """schemaVersion 30 ``migrateTooltipOptions``: ``tooltipOptions`` became ``tooltip``."""
    options = panel.get("options")
    if (
        panel.get("type") in ("timeseries", "xychart")
        and isinstance(options, dict)
        and "tooltipOptions" in options
    ):
        options["tooltip"] = options.pop("tooltipOptions")


def _merge_after_labels_to_fields(panel: dict[str, Any]) -> None:
    """schemaVersion 31: a ``merge`` transformation follows each ``labelsToFields``."""
    steps = panel.get("transformations")
    if isinstance(steps, list) and any(
        isinstance(t, dict) and t.get("id") == "labelsToFields" for t in steps
    ):
        panel["transformations"] = [
            item
            for t in steps
            for item in (
                [t, {"id": "merge", "options": {}}]
                if isinstance(t, dict) and t.get("id") == "labelsToFields"
                else [t]
            )
        ]


def datasource_ref(value: Any, variables: dict[str, dict[str, Any]], default_as_null: bool = True) -> Any:
    """``migrateDatasourceNameToRef`` without a live Grafana: a reference stays, ``default`` and null are
    the default datasource (null), a datasource variable becomes ``{type, uid: "${name}"}`` with the
    variable's plugin type, the built-in ``-- Grafana --`` its typed reference; any other name
    ``{uid: name}``, as Grafana writes a name it does not find."""
    if isinstance(value, dict):
        return value
    if value is None or value == "default":
        return None if default_as_null else value
    if not isinstance(value, str):
        return value
    if value == "-- Grafana --":
        return {"type": "grafana", "uid": "-- Grafana --"}
    if value == "-- Mixed --":
        return {"type": "datasource", "uid": "-- Mixed --"}
    match = _VARIABLE.match(value)
    if match:
        name = match.group(1) or match.group(2)
        variable = variables.get(name) or {}
        kind = variable.get("query") if variable.get("type") == "datasource" else None
        ref = (
            {"type": kind, "uid": f"${{{name}}}"}
            if isinstance(kind, str) and kind
            else {"uid": f"${{{name}}}"}
        )
        return ref
    return {"uid": value}


def _datasource_refs(panel: dict[str, Any], variables: dict) -> None:
    """schemaVersion 33: datasource names in panels and targets become references."""
    if "datasource" in panel:
        ref = datasource_ref(panel["datasource"], variables)
        if ref is None:
            panel.pop("datasource")
        else:
            panel["datasource"] = ref
    for target in items(panel.get("targets")):
        if isinstance(target, dict) and "datasource" in target:
            ref = datasource_ref(target["datasource"], variables)
            if ref is not None:
                target["datasource"] = ref


def _x_axis_visible(panel: dict[str, Any]) -> None:
    """schemaVersion 35 ``ensureXAxisVisibility``: hidden axes keep the time axis visible."""
    config = panel.get("fieldConfig") if isinstance(panel.get("fieldConfig"), dict) else {}
    custom = mapping(mapping(config.get("defaults")).get("custom"))
    if panel.get("type") == "timeseries" and custom.get("axisPlacement") == "hidden":
        config["overrides"] = [
            *items(config.get("overrides")),
            {
                "matcher": {"id": "byType", "options": "time"},
                "properties": [{"id": "custom.axisPlacement", "value": "auto"}],
            },
        ]


def _target_datasources(panel: dict[str, Any]) -> None:
    """schemaVersion 36: a target without a datasource uses the panel's (the default one is unknown here)."""
    source = panel.get("datasource")
    if not isinstance(source, dict) or source.get("uid") == "-- Mixed --":
        return
    for target in items(panel.get("targets")):
        if isinstance(target, dict):
            ds = target.get("datasource")
            if ds is None or (isinstance(ds, dict) and ds.get("uid") is None):
                target["datasource"] = dict(source)


def _legend_visibility(panel: dict[str, Any]) -> None:
    """schemaVersion 37: a hidden legend is ``showLegend: false`` in list mode, any other shows."""
    legend = mapping(panel.get("options")).get("legend") if isinstance(panel.get("options"), dict) else None
    if not isinstance(legend, dict):
        return
    if legend.get("displayMode") == "hidden" or legend.get("showLegend") is False:
        legend.update(displayMode="list", showLegend=False)
    else:
        legend["showLegend"] = True


def _table_cell_options(panel: dict[str, Any]) -> None:
    """schemaVersion 38: a table's ``displayMode`` became ``cellOptions``."""
    config = panel.get("fieldConfig")
    if panel.get("type") != "table" or not isinstance(config, dict):
        return
    custom = mapping(config.get("defaults")).get("custom")
    if isinstance(custom, dict) and "displayMode" in custom:
        custom["cellOptions"] = cell_options(custom.pop("displayMode"))
    for override in items(config.get("overrides")):
        for prop in items(override.get("properties")) if isinstance(override, dict) else []:
            if isinstance(prop, dict) and prop.get("id") == "custom.displayMode":
                prop.update(id="custom.cellOptions", value=cell_options(prop.get("value")))


def _time_series_table(panel: dict[str, Any]) -> None:
    """schemaVersion 39: ``timeSeriesTable``'s ``refIdToStat`` became per-query options."""
    for step in objects(panel.get("transformations")):
        options = step.get("options")
        if step.get("id") == "timeSeriesTable" and isinstance(options, dict) and "refIdToStat" in options:
            step["options"] = {ref: {"stat": stat} for ref, stat in mapping(options["refIdToStat"]).items()}


def _ensure_unique_ids(panels: list[Any]) -> None:
    """DashboardModel ``ensurePanelsHaveUniqueIds``: a panel without an id, or with a taken one, gets the
    next free id."""
    flat = [
        p
        for top in panels
        if isinstance(top, dict)
        for p in [top, *items(top.get("panels"))]
        if isinstance(p, dict)
    ]
    highest = max(
        (p["id"] for p in flat if isinstance(p.get("id"), int) and not isinstance(p.get("id"), bool)),
        default=0,
    )
    seen: set[int] = set()
    for panel in flat:
        ident = panel.get("id")
        if not isinstance(ident, int) or isinstance(ident, bool) or ident in seen:
            highest += 1
            panel["id"] = highest
        seen.add(panel["id"])


def _migrate_templating(board: dict[str, Any], version: int, notes: Notes) -> None:
    """Variable steps: selection matches multi (23), constants (27), tag queries removed (28), query
    refresh and options (29); a
    top-level null (``allValue: null``) is unset and goes."""
    templating = board.get("templating")
    if not isinstance(templating, dict) or not isinstance(templating.get("list"), list):
        return
    migrated = []
    for index, variable in enumerate(templating["list"]):
        if not isinstance(variable, dict):
            migrated.append(variable)
            continue
        variable = {k: v for k, v in variable.items() if v is not None}
        if (
            version < 23
            and "multi" in variable
            and isinstance(variable.get("current"), dict)
            and variable["current"]
        ):
            variable["current"] = _current_for_multi(variable["current"], bool(variable["multi"]))
        if version < 27 and variable.get("type") == "constant":
            query = variable.get("query") or ""
            variable["current"] = {"selected": True, "text": query, "value": query}
            variable["options"] = [dict(variable["current"])]
            if variable.get("hide") in (0, 1, None):
                variable["type"] = "textbox"
        if version < 28:
            for key in ("tags", "tagsQuery", "tagValuesQuery", "useTags"):
                if key in variable:
                    if variable[key] not in (None, "", [], False):
                        notes.add(
                            f"templating/list/{index}/{key}", "variable tags were removed in Grafana 7.5"
                        )
                    variable.pop(key)
        if version < 29 and variable.get("type") == "query":
            if variable.get("refresh") not in (1, 2):
                variable["refresh"] = 1
            if variable.get("options"):
                variable["options"] = []
        variable_as_saved(variable, f"templating/list/{index}", notes)
        migrated.append(variable)
    templating["list"] = migrated


def _current_for_multi(current: dict[str, Any], multi: bool) -> dict[str, Any]:
    """schemaVersion 23 ``alignCurrentWithMulti``: a multi-value variable's selection is a list, a single
    one's is not (its first value)."""
    value, text = current.get("value"), current.get("text")
    if multi and not isinstance(value, list):
        return {**current, "value": [value], "text": text if isinstance(text, list) else [text]}
    if not multi and isinstance(value, list):
        first = value[0] if value else ""
        label = (text[0] if text else "") if isinstance(text, list) else text
        return {**current, "value": first, "text": label}
    return current


def _migrate_annotations(
    board: dict[str, Any], version: int, variables: dict, added: list[dict[str, Any]], notes: Notes
) -> None:
    """schemaVersion 36: annotation datasources as references; graph time regions appended; the built-in
    "Annotations & Alerts" query first when there is none (DashboardModel ``addBuiltInAnnotationQuery``)."""
    annotations = board.get("annotations")
    if not isinstance(annotations, dict) or not isinstance(annotations.get("list"), list):
        if annotations not in (None, {}):
            return
        annotations = board["annotations"] = {**(annotations or {}), "list": []}
    for i, item in enumerate(annotations["list"]):
        if isinstance(item, dict):
            annotation_as_saved(item, f"annotations/list/{i}", notes)
    if not any(isinstance(a, dict) and a.get("builtIn") == 1 for a in annotations["list"]):
        annotations["list"].insert(0, dict(BUILT_IN_ANNOTATION))
    if version < 36:
        for item in annotations["list"]:
            if isinstance(item, dict) and "datasource" in item and not isinstance(item["datasource"], dict):
                ref = datasource_ref(item["datasource"], variables, default_as_null=False)
                item["datasource"] = ref
    annotations["list"] += added
