"""A dashboard (current Grafana JSON, already migrated) to a module that uses the panel helpers.

Helpers first: every panel a helper draws (:data:`HELPERS`) becomes that helper's call with its typed
arguments, on its data source (``datasource=``; a mixed panel's queries each name theirs); what the
helper does not model is measured, not guessed: the
module is built, each panel, variable and the dashboard compared with the input leaf by leaf, and
whatever the helpers lost or changed is given back as ``extra=`` JSON laid over what they build. The
module is then built again and anything still different is listed as not carried, with the reason;
where the input leaves a setting unset and a helper chose otherwise, Grafana's default is put back.
Panels no helper draws (other plugins, library panels, queries without an ``expr``) are carried whole
as ``raw_panel``, with the reason.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from toolkit.bundle.saved import PROMETHEUS_QUERY_KEYS
from toolkit.errors import ToolkitError
from toolkit.importer.leafdiff import BUILD_WRITES, MISSING, grafana_defaults, leaves, lost, residual, unsaid
from toolkit.importer.pysource import ImportedModule, docstring, imported_names, literal, string
from toolkit.lint.dashboard_checks import panel_unit
from toolkit.locations import SourceLocation
from toolkit.panel_parts import DATASOURCE
from toolkit.panel_parts import MIXED as MIXED_SOURCE
from toolkit.settings import Settings
from toolkit.sources.files import SourceError
from toolkit.sources.grafanalib import merge_extra
from toolkit.variables import HIDE, REFRESH, SORT, interval_options, is_code

HELPERS = {
    "timeseries": "timeseries",
    "stat": "stat",
    "gauge": "gauge",
    "bargauge": "bar_gauge",
    "table": "table",
    "piechart": "pie_chart",
    "heatmap": "heatmap",
    "histogram": "histogram",
    "barchart": "bar_chart",
    "state-timeline": "state_timeline",
    "status-history": "status_history",
    "text": "text",
    "logs": "logs",
    "dashlist": "dashboard_list",
}
# the helpers of panels that run no queries
NO_QUERY_KINDS = {"text", "dashlist"}
# the typed arguments each helper reads from the panel's options: (option path, argument); an option the
# panel sets to a value the argument's type takes, other than its default, is passed as that argument
OPTION_ARGUMENTS = {
    "text": (("mode", "mode"), ("code.language", "language")),
    "logs": (
        ("showTime", "show_time"),
        ("wrapLogMessage", "wrap_lines"),
        ("showLabels", "show_labels"),
        ("sortOrder", "order"),
        ("dedupStrategy", "dedup"),
    ),
    "state-timeline": (
        ("showValue", "show_value"),
        ("mergeValues", "merge_values"),
        ("rowHeight", "row_height"),
        ("alignValue", "align_value"),
    ),
    "status-history": (
        ("showValue", "show_value"),
        ("rowHeight", "row_height"),
        ("colWidth", "column_width"),
    ),
    "dashlist": (
        ("query", "query"),
        ("tags", "tags"),
        ("folderUID", "folder_uid"),
        ("showStarred", "starred"),
        ("showRecentlyViewed", "recently_viewed"),
        ("showSearch", "search"),
        ("showHeadings", "headings"),
        ("showFolderNames", "folder_names"),
        ("maxItems", "max_items"),
        ("keepTime", "keep_time"),
        ("includeVars", "include_vars"),
    ),
    "piechart": (
        ("pieType", "pie_type"),
        ("displayLabels", "labels"),
        ("legend.values", "legend_values"),
        ("legend.placement", "legend_placement"),
    ),
    "histogram": (
        ("bucketSize", "bucket_size"),
        ("bucketCount", "bucket_count"),
        ("bucketOffset", "bucket_offset"),
        ("combine", "combine"),
    ),
    "barchart": (
        ("xField", "x_field"),
        ("orientation", "orientation"),
        ("stacking", "stacking"),
        ("showValue", "show_value"),
    ),
    "heatmap": (
        ("color.mode", "color_mode"),
        ("color.scale", "scale"),
        ("color.scheme", "scheme"),
        ("showValue", "show_value"),
        ("legend.show", "legend"),
    ),
}
MIXED = MIXED_SOURCE.ref()  # the helpers' MIXED, as a panel holds it
# the helpers that take thresholds=
THRESHOLD_KINDS = {
    "timeseries",
    "stat",
    "gauge",
    "bargauge",
    "table",
    "state-timeline",
    "status-history",
    "barchart",
}
DASHBOARD_SKIPPED = {"panels", "templating", "id", "version", "iteration", "schemaVersion", "uid", "title"}
WAIVER_REASONS = {
    "panel/units": "imported as it was: give every panel a unit",
    "panel/description": "imported as it was: describe every panel",
    "target/rate-interval": "imported as it was: use $__rate_interval in rate windows",
}
# what Grafana assumes for a dashboard link's unset keys, which its schema requires
LINK_DEFAULTS = {"asDropdown": False, "icon": "external link", "includeVars": False, "keepTime": False}
LINK_DEFAULTS |= {"tags": [], "targetBlank": False, "title": "", "tooltip": "", "type": "link", "url": ""}


# --- the input, made ready ------------------------------------------------------------------------


def typed_datasources(board: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``board`` with its Prometheus datasource references made the ``${datasource}`` variable the
    build defines, and notes saying so; the first Prometheus datasource variable becomes that variable.
    A reference to a data source variable of another plugin (``$loki``, ``{uid: $loki}``) is written as
    the ``{type, uid}`` reference it is (``{type: loki, uid: $loki}``), so a helper can draw its panel."""
    variables = (board.get("templating") or {}).get("list") or []
    prometheus = [
        v
        for v in variables
        if isinstance(v, dict) and v.get("type") == "datasource" and v.get("query") == "prometheus"
    ]
    names = {v.get("name") for v in prometheus[:1]}
    foreign = {  # data source variables of other plugins (Loki, ...), by name: never the Prometheus one
        v.get("name"): v.get("query")
        for v in variables
        if isinstance(v, dict)
        and v.get("type") == "datasource"
        and v.get("query") != "prometheus"
        and isinstance(v.get("query"), str)
    }

    def typed(value: Any) -> Any:
        if isinstance(value, dict):
            if value.get("type") == "prometheus" and "uid" in value:
                return dict(DATASOURCE)
            return {k: (reference(v) if k == "datasource" else typed(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [typed(v) for v in value]
        return value

    def reference(value: Any) -> Any:
        """A ``datasource`` value: the Prometheus one, another plugin's variable as its reference, or
        as it was."""
        if is_reference(value):
            return dict(DATASOURCE)
        uid = value.get("uid") if isinstance(value, dict) and set(value) == {"uid"} else value
        plugin = foreign.get(uid.strip("${}")) if isinstance(uid, str) and uid.startswith("$") else None
        if plugin:
            written.add(uid)
            return {"type": plugin, "uid": uid}
        return typed(value)

    def is_reference(value: Any) -> bool:
        """A string or a ``{uid[, type]}`` naming the Prometheus datasource."""
        if isinstance(value, dict) and set(value) <= {"uid", "type"}:
            return value.get("type") in (None, "prometheus") and is_prometheus(value.get("uid"))
        return is_prometheus(value)

    def is_prometheus(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        name = value.strip("${}")
        return name not in foreign and (
            name in names
            or value.lower() in ("prometheus", "default")
            or (not names and value.startswith("$"))
        )

    written: set[str] = set()
    out = typed(board)
    notes = ["Prometheus datasource references become the ${datasource} variable the build defines"]
    notes += [
        f"references to data source variable {uid} are written as {{type: {foreign[uid.strip('${}')]}, "
        f"uid: {uid}}}, the {foreign[uid.strip('${}')]} data source it names"
        for uid in sorted(written)
    ]
    if prometheus:
        old = prometheus[0].get("name")
        notes.append(
            f"datasource variable ${old} becomes $datasource, kept as it was (it replaces the build's own)"
        )
        if old != "datasource":
            out = _renamed_variable(out, old, "datasource")
            for variable in (out.get("templating") or {}).get("list") or []:
                if variable.get("name") == old and variable.get("type") == "datasource":
                    variable["name"] = "datasource"
    return out, notes


def _renamed_variable(value: Any, old: str, new: str) -> Any:
    """``value`` with every reference to the variable ``old`` (``$old``, ``${old}``) made one to ``new``."""
    pattern = re.compile(r"\$\{" + re.escape(old) + r"\}|\$" + re.escape(old) + r"\b")
    return json.loads(pattern.sub(lambda _: "${" + new + "}", json.dumps(value)))


# --- code for each part -----------------------------------------------------------------------------


def helper_reason(panel: dict[str, Any]) -> str:
    """Why no helper draws ``panel`` ('' when one does)."""
    if panel.get("libraryPanel"):
        return "a library panel (its content lives in the library)"
    if panel.get("type") not in HELPERS:
        return f"plugin {panel.get('type')!r} has no helper"
    if panel["type"] == "text":  # a text panel runs no queries and may go untitled
        return ""
    if not panel.get("title"):
        return "no title (the helpers need one)"
    if panel["type"] in NO_QUERY_KINDS:
        return ""
    if any(not isinstance(t, dict) or not isinstance(t.get("expr"), str) for t in panel.get("targets") or []):
        return "a query with no query text in expr (e.g. SQL in rawSql): Query holds an expr"
    return _datasource_reason(panel)


def _is_reference(value: Any) -> bool:
    """A ``{type, uid}`` reference the helpers' ``Datasource`` holds."""
    return (
        isinstance(value, dict)
        and set(value) == {"type", "uid"}
        and all(isinstance(v, str) and v for v in value.values())
    )


def _datasource_reason(panel: dict[str, Any]) -> str:
    """Why the helpers cannot name ``panel``'s data sources ('' when they can): the panel's, a
    ``{type, uid}`` reference (none: the Prometheus one), and its queries': the panel's, or under a mixed
    panel each its own."""
    source = panel.get("datasource")
    if source is not None and not _is_reference(source):
        return f"a datasource that is not a {{type, uid}} reference: {source!r}"
    for target in panel.get("targets") or []:
        own = target.get("datasource")
        if source == MIXED:
            if own is not None and not _is_reference(own):
                return f"a query datasource that is not a {{type, uid}} reference: {own!r}"
        elif own not in (None, source if source is not None else DATASOURCE):
            return "a query naming another datasource than its panel's, which is not a mixed one"
    return ""


def _datasource_code(source: Any) -> str:
    """The ``Datasource`` argument for a reference ('' for the helpers' default, the Prometheus one)."""
    if source in (None, DATASOURCE):
        return ""
    if source == MIXED:
        return "MIXED"
    return f"Datasource({string(source['type'])}, {string(source['uid'])})"


def _datasource_names(panel: dict[str, Any]) -> set[str]:
    """The names of ``toolkit.panels`` that ``panel``'s helper call uses to name its data sources."""
    if panel.get("type") in NO_QUERY_KINDS:
        return set()
    codes = [_datasource_code(panel.get("datasource"))]
    if panel.get("datasource") == MIXED:
        codes += [_datasource_code(t.get("datasource")) for t in panel.get("targets") or []]
    if panel.get("type") == "logs" and not codes[0]:
        codes.append("PROMETHEUS")
    return {code.split("(")[0] for code in codes if code}


def helper_refusals(panels: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Why the helper refuses each panel as the input has it, by key (e.g. a width beyond the grid);
    the panels it takes are left out."""
    import toolkit.panels

    def attempt(call: str) -> str:
        try:
            eval(call, dict(vars(toolkit.panels)))  # our own generated call, no input code
        except (ToolkitError, ValueError, TypeError) as error:
            return str(getattr(error, "message", error))
        return ""

    refused = {key: attempt(helper_call(panel, MISSING)) for key, panel in panels.items()}
    return {
        key: f"the {HELPERS[panels[key]['type']]}() helper refuses it: {why}"
        for key, why in refused.items()
        if why
    }


def _query(target: dict[str, Any], index: int, mixed: bool) -> str:
    args = [string(target["expr"])]
    if target.get("legendFormat"):
        args.append(f"legend={string(str(target['legendFormat']))}")
    if target.get("instant"):
        args.append("instant=True")
    if target.get("format") == "table":
        args.append("table=True")
    if target.get("interval"):
        args.append(f"interval={string(str(target['interval']))}")
    if target.get("hide"):
        args.append("hidden=True")
    if target.get("refId") and target["refId"] != chr(ord("A") + index):
        args.append(f"ref_id={string(str(target['refId']))}")
    if mixed and _datasource_code(target.get("datasource")):
        args.append(f"datasource={_datasource_code(target['datasource'])}")
    return f"Query({', '.join(args)})"


def _steps(defaults: dict[str, Any]) -> list[tuple[str, Any]] | None:
    steps = (defaults.get("thresholds") or {}).get("steps")
    if not isinstance(steps, list) or len(steps) < 2:
        return None
    return [(str(s.get("color", "green")), None if i == 0 else s.get("value")) for i, s in enumerate(steps)]


def _option_arguments(panel: dict[str, Any]) -> list[str]:
    """The typed arguments of ``panel``'s helper read from its options (:data:`OPTION_ARGUMENTS`): those
    the panel sets to a value of the argument's type, other than the helper's default (the rest is
    measured and laid over as ``extra=``, so a value the helper would refuse keeps the panel typed)."""
    hints, parameters = _parameters(HELPERS[panel["type"]])
    args = []
    for path, name in OPTION_ARGUMENTS.get(panel["type"], ()):
        value: Any = panel.get("options")
        for part in path.split("."):
            value = value.get(part, MISSING) if isinstance(value, dict) else MISSING
        default = parameters[name].default
        if value is MISSING or value == (list(default) if isinstance(default, tuple) else default):
            continue
        if _fits(hints[name], value):
            args.append(f"{name}={literal(value)}")
    return args


@cache
def _parameters(helper: str) -> tuple[dict[str, Any], Mapping[str, inspect.Parameter]]:
    """The annotated types and the parameters of the helper named ``helper``."""
    import toolkit.panels

    function = getattr(toolkit.panels, helper)
    return get_type_hints(function), inspect.signature(function).parameters


def _fits(kind: Any, value: Any) -> bool:
    """True when ``value`` is of the annotated type ``kind`` (literals, bool, numbers, text, None, unions
    and sequences of them), as the helper's checks take it."""
    origin, members = get_origin(kind), get_args(kind)
    if origin is Literal:
        return isinstance(value, str) and value in members
    if origin in (Union, UnionType):
        return any(_fits(member, value) for member in members)
    if origin is Sequence:
        return isinstance(value, list) and all(_fits(members[0], item) for item in value)
    if kind is bool or isinstance(value, bool):
        return kind is bool and isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float)
    return isinstance(value, kind) if kind in (int, str, type(None)) else False


def helper_call(panel: dict[str, Any], extra: Any) -> str:
    """``at(<helper>(...), x=, y=)`` for ``panel`` with ``extra`` laid over it."""
    defaults = (panel.get("fieldConfig") or {}).get("defaults") or {}
    kind = panel["type"]
    pos = panel.get("gridPos") or {}
    title = string(str(panel.get("title", "")))
    if kind == "text":
        args = [title, string(str((panel.get("options") or {}).get("content", "")))]
    elif kind in NO_QUERY_KINDS:
        args = [title]
    else:
        mixed = panel.get("datasource") == MIXED
        targets = [_query(t, i, mixed) for i, t in enumerate(panel.get("targets") or [])]
        args = [title, f"[{', '.join(targets)}]"]
        if kind != "logs":
            args.append(f"unit={string(str(panel_unit(panel) or ''))}")
    args.append(f"description={string(str(panel.get('description', '')))}")
    if kind not in NO_QUERY_KINDS:
        source = _datasource_code(panel.get("datasource"))
        if source or kind == "logs":  # a logs panel names its data source
            args.append(f"datasource={source or 'PROMETHEUS'}")
    args += _option_arguments(panel)
    steps = _steps(defaults) if kind in THRESHOLD_KINDS else None
    if steps:
        args.append(f"thresholds={literal(steps)}")
    custom = defaults.get("custom") or {}
    if kind == "timeseries" and (custom.get("stacking") or {}).get("mode") == "normal":
        args.append("stack=True")
    if kind in ("timeseries", "gauge", "bargauge"):
        for key, helper_default in (("min", 0), ("max", 1 if kind == "gauge" else None)):
            if isinstance(defaults.get(key), int | float):
                args.append(f"{key}={literal(defaults[key])}")
            elif kind != "timeseries" and helper_default is not None:
                args.append(f"{key}=None")  # unset, as in the input: Grafana takes it from the data
    if kind == "stat":
        if (panel.get("options") or {}).get("graphMode") == "none":
            args.append("graph=False")
        if isinstance(defaults.get("decimals"), int):
            args.append(f"decimals={defaults['decimals']}")
    args += [f"width={int(pos.get('w', 12))}", f"height={int(pos.get('h', 8))}"]
    if extra is not MISSING:
        args.append(f"extra={literal(extra)}")
    return f"at({HELPERS[kind]}({', '.join(args)}), x={int(pos.get('x', 0))}, y={int(pos.get('y', 0))})"


def raw_call(panel: dict[str, Any]) -> str:
    """``raw_panel({...})`` holding ``panel`` whole (its id aside: the build numbers panels), completed
    as Grafana saves it (:func:`as_grafana_saves`)."""
    return f"raw_panel({literal({k: v for k, v in as_grafana_saves(panel).items() if k != 'id'})})"


def as_grafana_saves(panel: dict[str, Any]) -> dict[str, Any]:
    """``panel`` as Grafana saves it once its plugin has loaded: the plugin's option defaults (and a
    table's field defaults) under what the panel sets. Nothing the panel sets
    changes; a library panel is left as it is (its content lives in the library)."""
    from toolkit.sources.plugin_defaults import PLUGIN_CUSTOM, PLUGIN_OPTIONS

    kind = panel.get("type")
    if panel.get("libraryPanel") or not isinstance(kind, str):
        return panel
    done = dict(panel)
    if kind in PLUGIN_OPTIONS and isinstance(panel.get("options", {}), dict):
        done["options"] = merge_extra(PLUGIN_OPTIONS[kind], panel.get("options", {}))
    config = panel.get("fieldConfig")
    defaults = config.get("defaults") if isinstance(config, dict) else None
    if isinstance(defaults, dict):
        defaults = dict(defaults)
        if kind in PLUGIN_CUSTOM and isinstance(defaults.get("custom", {}), dict):
            defaults["custom"] = merge_extra(PLUGIN_CUSTOM[kind], defaults.get("custom", {}))
        done["fieldConfig"] = {**config, "defaults": defaults}
    return done


def _prometheus_queries_as_saved(key: str, panel: dict[str, Any]) -> list[str]:
    """The PromQL queries of ``panel`` now typed as Prometheus ones without the keys a Prometheus query
    does not have (as :mod:`toolkit.bundle.saved` does for those typed in the input); changed in place,
    each leaf that was set noted."""
    gone: list[str] = []
    for i, target in enumerate(panel.get("targets") or []):
        source = isinstance(target, dict) and (target.get("datasource") or panel.get("datasource"))
        if source == DATASOURCE and isinstance(target.get("expr"), str):
            for k in sorted(k for k in target if k not in PROMETHEUS_QUERY_KEYS):
                if target[k] not in (None, "", [], {}, False):
                    gone += leaves(target[k], f"targets[{i}].{k}")
                del target[k]
    if not gone:
        return []
    return [
        f"{key}: not carried: {', '.join(gone)} (not Prometheus query properties: Grafana does not read them)"
    ]


def _complete_panel_links(panel: dict[str, Any]) -> None:
    """Each link of ``panel`` and of its field defaults with the keys the schema requires, at the values
    Grafana assumes where unset; changed in place."""
    config = panel.get("fieldConfig")
    defaults = config.get("defaults") if isinstance(config, dict) else None
    for holder in (panel, defaults):
        if isinstance(holder, dict) and isinstance(holder.get("links"), list):
            holder["links"] = [
                {**LINK_DEFAULTS, **link} if isinstance(link, dict) else link for link in holder["links"]
            ]


def _variable_query(variable: dict[str, Any]) -> Any:
    query = variable.get("query")
    return query.get("query") if isinstance(query, dict) else query


# the typed class of each kind of variable
VARIABLE_CLASSES = {
    "query": "Variable",
    "datasource": "DatasourceVariable",
    "custom": "CustomVariable",
    "interval": "IntervalVariable",
    "textbox": "TextboxVariable",
    "constant": "ConstantVariable",
    "adhoc": "AdhocVariable",
}


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_flag(value: Any) -> bool:
    return isinstance(value, bool)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


# (JSON key, keyword argument, the class's default, the values the class takes) of each kind, after the
# positional name (and query, values or value)
VARIABLE_ARGS: dict[str, list[tuple[str, str, Any, Callable[[Any], bool]]]] = {
    "query": [
        ("multi", "multi", True, _is_flag),
        ("includeAll", "include_all", True, _is_flag),
        ("regex", "regex", "", _is_text),
        ("allValue", "all_value", "", _is_text),
        ("sort", "sort", 1, lambda v: is_code(v, SORT)),
        ("refresh", "refresh", 2, lambda v: is_code(v, REFRESH)),
        ("datasource", "datasource", DATASOURCE, _is_reference),
    ],
    "datasource": [
        ("query", "plugin", "prometheus", lambda v: _is_text(v) and bool(v.strip())),
        ("regex", "regex", "", _is_text),
        ("multi", "multi", False, _is_flag),
        ("includeAll", "include_all", False, _is_flag),
        ("allValue", "all_value", "", _is_text),
    ],
    "custom": [
        ("multi", "multi", False, _is_flag),
        ("includeAll", "include_all", False, _is_flag),
        ("allValue", "all_value", "", _is_text),
    ],
    "interval": [
        ("auto", "auto", False, _is_flag),
        ("auto_count", "auto_count", 30, _is_count),
        ("auto_min", "auto_min", "10s", _is_text),
    ],
    "textbox": [],
    "constant": [],
    "adhoc": [("datasource", "datasource", DATASOURCE, _is_reference)],
}
# the keys every kind shares: shown first, and last
SHARED_VARIABLE_ARGS = (
    [("label", "label", "", _is_text), ("description", "description", "", _is_text)],
    [("hide", "hide", 0, lambda v: is_code(v, HIDE)), ("skipUrlSync", "skip_url_sync", False, _is_flag)],
)
# what Grafana takes where a query variable leaves a key unset, where Variable's own default differs
# (QueryVariable: no sorting, refreshed on load; MultiValueVariable: one value, no All)
QUERY_UNSET = {"multi": False, "includeAll": False, "sort": 0, "refresh": 1}


def variable_reason(variable: dict[str, Any]) -> str:
    """Why no typed class models ``variable`` ('' when one does)."""
    kind = variable.get("type")
    query = _variable_query(variable)
    if kind not in VARIABLE_CLASSES:
        return f"no typed class for a {kind!r} variable"
    if not isinstance(variable.get("name"), str) or not variable["name"].strip():
        return "no name (the typed classes need one)"
    if (
        kind == "query"
        and variable.get("datasource") is not None
        and not _is_reference(variable["datasource"])
    ):
        return 'a datasource that is not a {"type", "uid"} reference'
    if kind in ("query", "datasource", "custom", "interval") and not (_is_text(query) and query.strip()):
        return "no query text (the typed class needs one)"
    if kind in ("textbox", "constant") and not _is_text(variable.get("query", "")):
        return "a value that is not text"
    if kind == "adhoc" and not _is_reference(variable.get("datasource")):
        return 'a datasource that is not a {"type", "uid"} reference'
    return ""


def is_typed_variable(variable: dict[str, Any]) -> bool:
    """True for a variable a typed class models: a named query, data source, custom, interval, text box,
    constant or ad hoc filter variable whose defining field (query, plugin, values, data source) the
    class takes."""
    return not variable_reason(variable)


def _variable_default(variable: dict[str, Any]) -> Any:
    """The selection a typed class takes as ``default=`` (MISSING where the class's own stands)."""
    kind = variable["type"]
    current = variable.get("current")
    value = current.get("value") if isinstance(current, dict) else None
    if kind == "custom" and variable.get("multi") is True and isinstance(value, list) and value:
        return value if all(_is_text(v) for v in value) else MISSING
    if not _is_text(value) or not value:
        return MISSING
    if kind == "interval" and value == interval_options(variable["query"])[0]:
        return MISSING
    return value if kind in ("datasource", "custom", "interval") else MISSING


def variable_call(variable: dict[str, Any], extra: Any) -> str:
    """The typed class's call for ``variable`` with ``extra`` laid over, else ``raw_variable`` with it
    whole. An argument is written where the input sets it otherwise than the class's default, and where
    the input leaves unset what Grafana then takes otherwise than the class."""
    if not is_typed_variable(variable):  # keys sorted, as the build writes it
        return f"raw_variable({literal(json.loads(json.dumps(variable, sort_keys=True)))})"
    kind = variable["type"]
    args = [string(variable["name"])]
    if kind in ("query", "custom", "interval", "constant") or (kind == "textbox" and variable.get("query")):
        args.append(string(_variable_query(variable) or ""))
    unset = QUERY_UNSET if kind == "query" else {}
    defaults = {"hide": 2} if kind == "constant" else {}
    first, last = SHARED_VARIABLE_ARGS
    for key, name, default, takes in first + VARIABLE_ARGS[kind] + last:
        value = variable.get(key, unset.get(key, MISSING))
        if kind == "query" and key == "label":
            value = _query_label(variable)
        if value is not MISSING and takes(value) and value != defaults.get(key, default):
            code = _datasource_code(value) if key == "datasource" else literal(value)
            args.append(f"{name}={code}")
    default = _variable_default(variable)
    if default is not MISSING:
        args.append(f"default={literal(default)}")
    if extra is not MISSING:
        args.append(f"extra={literal(extra)}")
    return f"{VARIABLE_CLASSES[kind]}({', '.join(args)})"


def _variable_names(variable: dict[str, Any]) -> set[str]:
    """The names of ``toolkit.panels`` that ``variable``'s call uses."""
    if not is_typed_variable(variable):
        return {"raw_variable"}
    named = variable["type"] in ("query", "adhoc") and variable.get("datasource") not in (None, DATASOURCE)
    code = _datasource_code(variable["datasource"]) if named else ""
    return {VARIABLE_CLASSES[variable["type"]], *([code.split("(")[0]] if code else [])}


def _query_label(variable: dict[str, Any]) -> Any:
    """The label a query variable shows (its name where unset), MISSING where ``Variable``'s own, the
    name capitalized, is that."""
    shown = (
        variable.get("label")
        if _is_text(variable.get("label")) and variable.get("label")
        else variable["name"]
    )
    return MISSING if shown == variable["name"].capitalize() else shown


def _without_the_builds_own_variable(board: dict[str, Any], settings: Settings) -> list[str]:
    """``board`` without a datasource variable that is the one the build adds itself (as a dashboard
    built by the toolkit has it), and a note saying so; changed in place."""
    from toolkit.panels import dashboard
    from toolkit.sources.grafanalib import grafanalib_json, modernize

    listed = (board.get("templating") or {}).get("list")
    if not isinstance(listed, list):
        return []
    empty = dashboard(settings, uid="empty", title="Empty", description="", rows=[])
    own = modernize(grafanalib_json(empty.dashboard))[0]["templating"]["list"][0]
    if not listed or listed[0] != own:  # the build puts its own first
        return []
    del listed[0]
    return ["variable datasource is the one the build adds itself: left to it"]


# --- the module -------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """The input's parts, and the extra JSON each part needs (MISSING: none), by part."""

    board: dict[str, Any]
    name: str
    origin: str
    waivers: dict[str, str]
    folder: str = ""
    extras: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.raw = {
            key: why
            for key, panel in self.panels()
            if panel.get("type") != "row" and (why := helper_reason(panel))
        }

    def refused(self) -> bool:
        """Carry raw the panels whose helper refuses them as the input has them; True when there were."""
        refused = helper_refusals({key: panel for key, panel in self.panels() if self.typed(key, panel)})
        self.raw |= refused
        return bool(refused)

    def extra(self, key: str) -> Any:
        return self.extras.get(key, MISSING)

    def typed(self, key: str, panel: dict[str, Any]) -> bool:
        """True when a helper draws the panel at ``key``."""
        return panel.get("type") in HELPERS and key not in self.raw

    def panels(self) -> list[tuple[str, dict[str, Any]]]:
        """Every panel with its key (``panel 3``, ``panel 3.1`` inside a collapsed row)."""
        found = []
        for i, panel in enumerate(self.board.get("panels") or []):
            found.append((f"panel {i}", panel))
            for j, child in enumerate(panel.get("panels") or [] if panel.get("type") == "row" else []):
                found.append((f"panel {i}.{j}", child))
        return found

    def variables(self) -> list[tuple[str, dict[str, Any]]]:
        """Every variable with its key."""
        listed = (self.board.get("templating") or {}).get("list") or []
        return [
            (f"variable {v.get('name') or f'#{i}'}", v) for i, v in enumerate(listed) if isinstance(v, dict)
        ]

    def used_names(self) -> set[str]:
        """The names of ``toolkit.panels`` the module calls."""
        used = set()
        for key, panel in self.panels():
            if panel.get("type") == "row":
                used.add("row")
            elif key in self.raw:
                used.add("raw_panel")
            else:
                queries = panel.get("targets") and panel["type"] not in NO_QUERY_KINDS
                used |= {"at", HELPERS[panel["type"]], *(["Query"] if queries else [])}
                used |= _datasource_names(panel)
        for _, variable in self.variables():
            used |= _variable_names(variable)
        return used

    def panel_code(self, key: str, panel: dict[str, Any]) -> str:
        if panel.get("type") == "row":
            children = [self.panel_code(f"{key}.{j}", c) for j, c in enumerate(panel.get("panels") or [])]
            args = [
                string(str(panel.get("title", ""))),
                *children,
                f"y={int((panel.get('gridPos') or {}).get('y', 0))}",
            ]
            if panel.get("collapsed"):
                args.append("collapsed=True")
            if self.extra(key) is not MISSING:
                args.append(f"extra={literal(self.extra(key))}")
            return f"row({', '.join(args)})"
        return raw_call(panel) if key in self.raw else helper_call(panel, self.extra(key))

    def source(self) -> str:
        board = self.board
        items = [self.panel_code(f"panel {i}", p) for i, p in enumerate(board.get("panels") or [])]
        variables = [variable_call(v, self.extra(key)) for key, v in self.variables()]
        names = {"DashboardDef", "dashboard", *self.used_names()}
        uid = str(board.get("uid") or self.name)
        options = [
            f"uid={string(uid)}",
            f"title={string(str(board.get('title', uid)))}",
            f"description={string(str(board.get('description', '')))}",
            f"tags={literal(list(board.get('tags') or []))}",
            f"variables=[{', '.join(variables)}]",
            f"refresh={literal(board.get('refresh') or None)}",
            f"time_from={string(str((board.get('time') or {}).get('from', 'now-6h')))}",
            'layout="fixed"',
        ]
        if self.folder:
            options.append(f"folder={string(self.folder)}")
        if self.waivers:
            options.append(f"lint_ignore={literal(self.waivers)}")
        if self.extra("dashboard") is not MISSING:
            options.append(f"extra={literal(self.extra('dashboard'))}")
        title = str(board.get("title", uid))
        return "\n".join(
            [
                docstring(f"Dashboard {title!r}, imported from {self.origin}."),
                "",
                "from __future__ import annotations",
                "",
                f"from toolkit.panels import {imported_names(names)}",
                "from toolkit.settings import Settings",
                "",
                "",
                "def build(settings: Settings) -> DashboardDef:",
                f"    {docstring(f'The ``{uid}`` dashboard.')}",
                "    return dashboard(",
                "        settings,",
                *(f"        {option}," for option in options),
                f"        rows=[{', '.join(items)}],",
                "    )",
                "",
            ]
        )


def _built(source: str, settings: Settings, origin: str) -> dict[str, Any]:
    """The dashboard JSON ``source`` builds, as ``toolkit build`` writes it; an error in it is told
    against the input ``origin`` it was made from."""
    from toolkit.sources.code import _dashboard_entry

    namespace: dict[str, Any] = {}
    exec(compile(source, "<imported dashboard>", "exec"), namespace)  # the module we just generated
    try:
        return _dashboard_entry(namespace["build"](settings)).data
    except ToolkitError as error:
        where = SourceLocation(origin) if "://" in origin else SourceLocation(origin, 1)
        raise SourceError(f"the imported dashboard does not build: {error.message}", where) from None


def _parts(plan: _Plan, built: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Each part of the input beside what the build made of it: (wanted, built)."""
    parts: dict[str, tuple[Any, Any]] = {}
    made = {f"panel {i}": p for i, p in enumerate(built.get("panels") or [])}
    made |= {
        f"panel {i}.{j}": c
        for i, p in enumerate(built.get("panels") or [])
        for j, c in enumerate(p.get("panels") or [])
    }
    for key, panel in plan.panels():
        wanted = {
            k: v for k, v in panel.items() if k != "id" and not (k == "panels" and panel.get("type") == "row")
        }
        row = panel.get("type") == "row"
        got = {k: v for k, v in made.get(key, {}).items() if k != "id" and not (k == "panels" and row)}
        parts[key] = (wanted, got)
    made_vars = {v.get("name"): v for v in (built.get("templating") or {}).get("list") or []}
    for key, variable in plan.variables():
        got = made_vars.get(variable.get("name"), {})
        if variable.get("options") == [] and got.get("options") and is_typed_variable(variable):
            # no stored options: Grafana makes them from the values, as the typed class writes them
            variable = {k: v for k, v in variable.items() if k != "options"}
        parts[key] = (variable, got)
    wanted_board = {k: v for k, v in plan.board.items() if k not in DASHBOARD_SKIPPED}
    parts["dashboard"] = (wanted_board, {k: v for k, v in built.items() if k not in DASHBOARD_SKIPPED})
    return parts


def module_for(
    board: dict[str, Any],
    name: str,
    origin: str,
    settings: Settings,
    waivers: Callable[[dict], dict[str, str]],
    folder: str = "",
) -> ImportedModule:
    """The module for ``board`` (migrated), with notes on what is carried raw and what is not carried;
    ``folder`` is the Grafana folder uid it lives in ('' for the settings' folder)."""
    board, notes = typed_datasources(board)
    notes += _without_the_builds_own_variable(board, settings)
    plan = _Plan(board, name, origin, waivers(board), folder)
    for key, panel in plan.panels():
        _complete_panel_links(panel)
        notes += _prometheus_queries_as_saved(key, panel)
    try:
        first = _built(plan.source(), settings, origin)
    except (SourceError, ValueError, TypeError):
        if not plan.refused():  # a helper that refuses a panel (a width beyond the grid) fails the build
            raise
        first = _built(plan.source(), settings, origin)
    empty: dict[str, list[str]] = {}
    for key, (wanted, got) in _parts(plan, first).items():
        rest = residual(wanted, got, empty=empty.setdefault(key, []))
        if rest is not MISSING:
            plan.extras[key] = rest
    parts = _parts(plan, first)
    for key, panel in plan.panels():
        if plan.typed(key, panel):
            back, _ = unsaid(*parts[key], grafana_defaults(panel["type"]))
            if back is not MISSING:
                plan.extras[key] = merge_extra(back, plan.extras.get(key, {}))
    links = plan.extras.get("dashboard", {}).get("links")
    if isinstance(links, list) and len(links) != len(first.get("links") or []):  # given whole: complete them
        plan.extras["dashboard"]["links"] = [
            {**LINK_DEFAULTS, **link} if isinstance(link, dict) else link for link in links
        ]
    source = plan.source()
    # What the module builds: each part's extra is laid over it last (grafanalib.merge_extra), so the
    # first build with the extras laid over is the final one; the install's project load builds it.
    final = {
        key: (wanted, got if plan.extra(key) is MISSING else merge_extra(got, plan.extra(key)))
        for key, (wanted, got) in parts.items()
    }
    for key, panel in plan.panels():
        why = plan.raw.get(key, "")
        if why:
            notes.append(f"{key} {panel.get('title', '')!r} ({panel.get('type')}) carried raw: {why}")
    for key, variable in plan.variables():
        why = variable_reason(variable)
        if why:
            notes.append(f"{key} ({variable.get('type')}) carried raw: {why}")
    kinds = dict(plan.panels())
    for key, (wanted, got) in final.items():
        panel = kinds.get(key, {})
        known = (leaves(wanted), leaves(got))
        if plan.typed(key, panel):
            _, chosen = unsaid(wanted, got, grafana_defaults(panel["type"]), known)
            chosen = [path for path in chosen if not path.startswith(BUILD_WRITES)]
            if chosen:
                notes.append(f"{key}: added by the helper: {', '.join(chosen)} (the input left them unset)")
        differing = lost(wanted, got, known)
        unset = [path for path in differing if path in empty.get(key, ())]
        missing = [path for path in differing if path not in unset]
        if missing:
            notes.append(f"{key}: not carried: {', '.join(missing)} (the build sets these itself)")
        if unset:
            notes.append(
                f"{key}: not carried: {', '.join(unset)} (empty in the input: Grafana's default or the helper's value applies)"
            )
    if any(p.get("id") is not None for _, p in plan.panels()):
        notes.append("panel ids are renumbered by the build (links with viewPanel=<id> need the new ids)")
    return ImportedModule(source, notes)


def default_waivers(board: dict[str, Any]) -> dict[str, str]:
    """The house rules ``board`` breaks as it is, waived with the reason."""
    from toolkit.bundle import DashboardEntry
    from toolkit.lint.dashboard_checks import house_rule_findings

    entry = DashboardEntry(uid=str(board.get("uid", "")), data=board, source=SourceLocation(""))
    found = {finding.check for finding in house_rule_findings(entry)}
    return {check: WAIVER_REASONS.get(check, f"imported as it was: {check}") for check in sorted(found)}
