"""Dashboard helpers over grafanalib: typed panels laid out on Grafana's 24-column grid.

Every helper takes a title, PromQL, a unit (a constant of :mod:`toolkit.units`) and a description;
thresholds are optional. Panels and their queries use the ``${datasource}`` variable, whose default is the
datasource uid from the settings, unless a helper's ``datasource=`` names another data source. Each panel remembers the Python line that made it, so build errors and
lint findings can point there. Fields are checked where they are written (:mod:`toolkit.panel_parts`): a
wrong type, an option outside Grafana's choices or a uid Grafana refuses fails at that line. The helpers
beyond the basic five (text, heatmap, pie chart, ...) live in :mod:`toolkit.visualizations`; grafanalib's
own panel classes may be listed in rows too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import attr
import grafanalib.core as g

from toolkit import units
from toolkit.bundle.grid import grid_height
from toolkit.errors import DefinitionError
from toolkit.locations import SourceLocation, caller_location
from toolkit.panel_parts import (
    GRID_WIDTH,
    MIXED,
    PROMETHEUS,
    CurrentPanel,
    Datasource,
    Query,
    Steps,
    check_choice,
    check_flag,
    check_number,
    check_text,
    check_uid,
    check_unit,
    common,
    crit_warn_ok,
    percentiles,
    sealed,
    steps,
    targets,
    thresholds,
    warn_crit,
)
from toolkit.settings import Settings
from toolkit.sources.grafanalib import RAW_KEY, SOURCE_KEY
from toolkit.variables import (
    AdhocVariable,
    ConstantVariable,
    CustomVariable,
    DatasourceVariable,
    IntervalVariable,
    TextboxVariable,
    Variable,
)
from toolkit.visualizations import (
    bar_chart,
    dashboard_list,
    heatmap,
    histogram,
    logs,
    pie_chart,
    state_timeline,
    status_history,
    text,
)

__all__ = [
    "MIXED",
    "PROMETHEUS",
    "AdhocVariable",
    "ConstantVariable",
    "CurrentPanel",
    "CustomVariable",
    "DashboardDef",
    "Datasource",
    "DatasourceVariable",
    "IntervalVariable",
    "Link",
    "Query",
    "RawPanel",
    "RawVariable",
    "Row",
    "TextboxVariable",
    "Variable",
    "at",
    "bar_chart",
    "bar_gauge",
    "crit_warn_ok",
    "dashboard",
    "dashboard_list",
    "gauge",
    "heatmap",
    "histogram",
    "logs",
    "percentiles",
    "pie_chart",
    "raw_panel",
    "raw_variable",
    "row",
    "stat",
    "state_timeline",
    "status_history",
    "table",
    "text",
    "thresholds",
    "timeseries",
    "units",
    "warn_crit",
]


def _optional_number(what: str, value: Any) -> Any:
    return value if value is None else check_number(what, value)


def timeseries(
    title: str,
    queries: str | Query | Sequence[str | Query],
    *,
    unit: str,
    description: str,
    thresholds: Steps | None = None,
    width: int = 12,
    height: int = 8,
    stack: bool = False,
    min: float | None = None,
    max: float | None = None,
    datasource: Datasource = PROMETHEUS,
    extra: dict | None = None,
) -> g.TimeSeries:
    """A time series panel; thresholds, when given, are drawn as dashed lines.

    ``datasource`` (every query helper takes it) is the data source the queries run on, the Prometheus
    ``${datasource}`` unless given (e.g. ``Datasource("loki", "${loki_datasource}")`` for LogQL queries,
    or ``MIXED`` for queries that each name theirs); ``extra`` (every helper takes it) is panel JSON the
    helper does not model, laid over what it builds.
    """
    parts = common(title, description, width, height, extra, datasource)
    stack = check_flag(f"panel {title!r}: stack", stack)
    return g.TimeSeries(
        **parts,
        targets=targets(queries, datasource=datasource),
        unit=check_unit(title, unit),
        thresholds=steps(thresholds),
        thresholdsStyleMode="dashed" if thresholds else "off",
        stacking={"mode": "normal", "group": "A"} if stack else {"mode": "none", "group": "A"},
        fillOpacity=20 if stack else 10,
        valueMin=_optional_number(f"panel {title!r}: min", min),
        valueMax=_optional_number(f"panel {title!r}: max", max),
        legendCalcs=["mean", "max", "lastNotNull"],
        legendDisplayMode="table",
        tooltipMode="multi",
    )


def stat(
    title: str,
    queries: str | Query | Sequence[str | Query],
    *,
    unit: str,
    description: str,
    thresholds: Steps | None = None,
    width: int = 6,
    height: int = 4,
    graph: bool = True,
    decimals: int | None = None,
    datasource: Datasource = PROMETHEUS,
    extra: dict | None = None,
) -> g.Stat:
    """A single-value panel with an optional sparkline; the background shows the threshold colour."""
    parts = common(title, description, width, height, extra, datasource)
    graph = check_flag(f"panel {title!r}: graph", graph)
    return g.Stat(
        **parts,
        targets=targets(queries, datasource=datasource),
        format=check_unit(title, unit),
        thresholds=steps(thresholds or [("green", None)]),
        graphMode="area" if graph else "none",
        colorMode="background" if thresholds else "value",
        reduceCalc="lastNotNull",
        decimals=_optional_number(f"panel {title!r}: decimals", decimals),
    )


def _reduced(
    kind: type, parts: dict, queries, unit: str, thresholds: Steps | None, datasource: Datasource, **options
) -> g.Panel:
    """A panel that reduces each series to its last value (gauge, bar gauge)."""
    return kind(
        **parts,
        targets=targets(queries, datasource=datasource),
        format=check_unit(parts["title"], unit),
        thresholds=steps(thresholds or [("green", None)]),
        calc="lastNotNull",
        **options,
    )


def gauge(
    title: str,
    queries: str | Query | Sequence[str | Query],
    *,
    unit: str,
    description: str,
    thresholds: Steps | None = None,
    min: float | None = 0,
    max: float | None = 1,
    width: int = 6,
    height: int = 6,
    datasource: Datasource = PROMETHEUS,
    extra: dict | None = None,
) -> g.GaugePanel:
    """A gauge from ``min`` to ``max`` with threshold markers (None: Grafana takes it from the data)."""
    parts = common(title, description, width, height, extra, datasource)
    bounds = {
        "min": _optional_number(f"panel {title!r}: min", min),
        "max": _optional_number(f"panel {title!r}: max", max),
    }
    return _reduced(g.GaugePanel, parts, queries, unit, thresholds, datasource, **bounds)


def bar_gauge(
    title: str,
    queries: str | Query | Sequence[str | Query],
    *,
    unit: str,
    description: str,
    thresholds: Steps | None = None,
    min: float | None = 0,
    max: float | None = None,
    width: int = 12,
    height: int = 8,
    datasource: Datasource = PROMETHEUS,
    extra: dict | None = None,
) -> g.BarGauge:
    """Horizontal bars, one per series, e.g. cost by model; ``max`` None scales to the data."""
    parts = common(title, description, width, height, extra, datasource)
    bounds = {
        "min": _optional_number(f"panel {title!r}: min", min),
        "max": _optional_number(f"panel {title!r}: max", max),
    }
    options = {"displayMode": "gradient", "orientation": "horizontal"}
    return _reduced(g.BarGauge, parts, queries, unit, thresholds, datasource, **bounds, **options)


def table(
    title: str,
    queries: str | Query | Sequence[str | Query],
    *,
    unit: str,
    description: str,
    thresholds: Steps | None = None,
    width: int = 24,
    height: int = 8,
    datasource: Datasource = PROMETHEUS,
    extra: dict | None = None,
) -> g.Table:
    """A table of instant values, one row per series (queries default to instant, table format)."""
    parts = common(title, description, width, height, extra, datasource)
    return g.Table(
        **parts,
        targets=targets(queries, instant_tables=True, datasource=datasource),
        unit=check_unit(title, unit),
        thresholds=steps(thresholds or [("green", None)]),
    )


@dataclass(frozen=True)
class Row:
    """A titled band of panels; a collapsed row keeps its panels inside it."""

    title: str
    panels: Sequence[g.Panel]
    collapsed: bool = False
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]
    y: int | None = None
    extra: dict | None = None


def row(
    title: str, *panels: g.Panel, collapsed: bool = False, y: int | None = None, extra: dict | None = None
) -> Row:
    """A row titled ``title`` holding ``panels`` in reading order; ``y`` pins it in a fixed layout;
    ``extra`` is row JSON the helper does not model (e.g. ``repeat``)."""
    check_text("row title", title)
    check_flag(f"row {title!r}: collapsed", collapsed)
    for index, panel in enumerate(panels):
        _check_panel(panel, f"row {title!r}, panel {index + 1}")
    return Row(title, tuple(panels), collapsed, caller_location(), y, extra)


def at(panel: g.Panel, x: int, y: int) -> g.Panel:
    """``panel`` pinned at column ``x``, line ``y``, for dashboards built with ``layout="fixed"``."""
    _check_panel(panel, "at(panel, ...)")
    check_number("at(): x", x, minimum=0, maximum=GRID_WIDTH - 1)
    check_number("at(): y", y, minimum=0)
    return _moved(panel, x, y)


# The fields of grafanalib's panel classes that hold text Grafana shows; a unit is one of them.
TEXT_FIELDS = ("title", "description", "unit", "format", "interval", "timeFrom", "timeShift")


def _check_panel(panel: Any, where: str) -> None:
    """A grafanalib panel (or a raw one) whose text fields hold text, else a located error naming the field."""
    if isinstance(panel, Row):
        raise DefinitionError(f"{where} is a row: rows cannot nest; list it in rows=[...]", caller_location())
    if not isinstance(panel, g.Panel | g.AlertList | RawPanel):
        raise DefinitionError(
            f"{where} is a {type(panel).__name__}, not a panel: use a helper (timeseries, stat, ...) "
            "or a grafanalib panel",
            caller_location(),
        )
    for index, target in enumerate(getattr(panel, "targets", None) or []):
        expr = getattr(target, "expr", "")
        if not isinstance(expr, str):
            raise DefinitionError(
                f"{where}: target {index + 1} expr must be a PromQL string, got {type(expr).__name__} {expr!r}",
                caller_location(),
            )
    for name in TEXT_FIELDS:
        value = getattr(panel, name, None)
        if value is not None and not isinstance(value, str):
            title = getattr(panel, "title", "")
            label = f"{where} ({type(panel).__name__} {title!r})" if isinstance(title, str) else where
            raise DefinitionError(
                f"{label}: {name} must be a string, got {type(value).__name__} {value!r}: pass {name}='...'",
                caller_location(),
            )


@attr.s
class RawPanel:
    """A panel kept exactly as Grafana JSON: the escape hatch for what the helpers do not model."""

    data: dict = attr.ib()
    gridPos: g.GridPos = attr.ib()  # noqa: N815  (grafanalib's name)
    source: str = attr.ib(default="")

    def to_json_data(self) -> dict:
        """The JSON, sealed in a string so the build's normalization passes it through untouched."""
        data = {**self.data, "gridPos": self.gridPos.to_json_data()}
        return {
            "type": data.get("type", ""),
            RAW_KEY: json.dumps(data, sort_keys=True),
            SOURCE_KEY: self.source,
        }


def raw_panel(data: dict) -> RawPanel:
    """A panel given as Grafana JSON (its ``gridPos`` pins it in a fixed layout)."""
    _check_json("raw_panel", data)
    pos = data.get("gridPos") or {}
    grid = g.GridPos(
        h=int(pos.get("h", 8)), w=int(pos.get("w", 12)), x=int(pos.get("x", 0)), y=int(pos.get("y", 0))
    )
    body = {k: v for k, v in data.items() if k not in ("gridPos", "id")}
    return RawPanel(body, grid, str(caller_location()))


def raw_variable(data: dict) -> RawVariable:
    """A template variable given as Grafana JSON."""
    _check_json("raw_variable", data)
    return RawVariable(dict(data))


def _check_json(what: str, data: Any) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("type", ""), str):
        raise DefinitionError(
            f"{what}() takes Grafana JSON as a dict with a string 'type', got {type(data).__name__}",
            caller_location(),
        )


@attr.s
class RawVariable:
    """A template variable kept exactly as Grafana JSON: the escape hatch for what the typed variable
    classes do not model."""

    data: dict = attr.ib()

    def to_json_data(self) -> dict:
        """The JSON, sealed like a raw panel's."""
        return {"name": self.data.get("name", ""), RAW_KEY: json.dumps(self.data, sort_keys=True)}


@attr.s
class _Dashboard(g.Dashboard):
    """grafanalib's dashboard, with JSON it does not model sealed for the build."""

    extra: dict | None = attr.ib(default=None)

    def to_json_data(self) -> dict:
        """grafanalib's JSON and the sealed extra."""
        return {**super().to_json_data(), **sealed(self.extra)}


# every kind of variable dashboard() takes
AnyVariable = (
    Variable
    | DatasourceVariable
    | CustomVariable
    | IntervalVariable
    | TextboxVariable
    | ConstantVariable
    | AdhocVariable
    | RawVariable
)


def _variable_name(variable: AnyVariable) -> str:
    return str(variable.data.get("name", "")) if isinstance(variable, RawVariable) else variable.name


@dataclass(frozen=True)
class Link:
    """A link to another dashboard of the project by uid, keeping time range and variables."""

    uid: str
    title: str

    def __post_init__(self) -> None:
        check_uid("link uid", self.uid)
        check_text(f"link to {self.uid!r}: title", self.title, required=True)


@dataclass(frozen=True)
class DashboardDef:
    """A dashboard as defined in code: grafanalib's object plus where it lives and where it was made."""

    dashboard: g.Dashboard
    folder: str
    source: SourceLocation
    lint_ignore: dict[str, str] = field(default_factory=dict)

    @property
    def uid(self) -> str:
        """The dashboard's uid."""
        return self.dashboard.uid


def _check_sequence(what: str, value: Any, kind: Any) -> list:
    """``value`` as a list when it is a list or tuple of ``kind``, else a located error."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise DefinitionError(
            f"{what} must be a list, got {type(value).__name__} {value!r}", caller_location()
        )
    for index, item in enumerate(value):
        if not isinstance(item, kind):
            names = getattr(kind, "__name__", None) or " or ".join(k.__name__ for k in kind.__args__)
            raise DefinitionError(
                f"{what}[{index}] must be a {names}, got {type(item).__name__} {item!r}", caller_location()
            )
    return list(value)


def _grafanalib_rows(items: list) -> list:
    """grafanalib's rows as rows: a ``RowPanel`` header collapsed holds its panels, open the panels that
    follow it (grafanalib lists them flat); an old ``Row`` holds its panels, each as wide as its span."""
    out: list = []
    open_row = False
    for item in items:
        if isinstance(item, g.Row):  # grafanalib's pre-grid row: its panels sized by span
            if item.repeat:
                raise DefinitionError(
                    f"Row(repeat={item.repeat!r}): repeat a RowPanel instead", caller_location()
                )
            title = check_text("Row title", item.title or "")
            panels = tuple(  # a panel without its own height takes the row's, as in Grafana's migration
                attr.evolve(p, height=item.height) if p.gridPos is None and p.height is None else p
                for p in item.panels
            )
            out.append(Row(title, panels, bool(item.collapse), caller_location()))
            open_row = False
        elif isinstance(item, g.RowPanel):
            title = check_text("RowPanel title", item.title)
            out.append(Row(title, tuple(item.panels), item.collapsed, caller_location()))
            open_row = not item.collapsed
        elif open_row and not isinstance(item, Row):
            last = out[-1]
            out[-1] = Row(last.title, (*last.panels, item), False, last.source)
        else:
            out.append(item)
            open_row = False
    return out


def _fixed(items: Sequence[Row | g.Panel]) -> list[g.Panel]:
    """Keep every panel where it was pinned (``at``, ``raw_panel``, ``row(y=...)``)."""
    placed: list[g.Panel] = []
    for item in items:
        if not isinstance(item, Row):
            placed.append(item if item.gridPos is not None else _moved(item, 0, 0))
            continue
        header = g.RowPanel(
            title=item.title,
            gridPos=g.GridPos(h=1, w=GRID_WIDTH, x=0, y=item.y or 0),
            collapsed=item.collapsed,
            panels=list(item.panels) if item.collapsed else [],
            extraJson={SOURCE_KEY: str(item.source), **sealed(item.extra)},
        )
        placed.append(header)
        if not item.collapsed:
            placed.extend(item.panels)
    return placed


def _layout(items: Sequence[Row | g.Panel]) -> list[g.Panel]:
    """Place panels left to right, wrapping at the grid width; each row starts a new band."""
    placed: list[g.Panel] = []
    y = 0

    def flow(panels: Sequence[g.Panel], y: int) -> tuple[list[g.Panel], int]:
        out, x, line_height = [], 0, 0
        for panel in panels:
            w, h = _grid(panel).w, _grid(panel).h
            if x + w > GRID_WIDTH:
                x, y, line_height = 0, y + line_height, 0
            out.append(_moved(panel, x, y))
            x, line_height = x + w, max(line_height, h)
        return out, y + line_height

    loose = [item for item in items if not isinstance(item, Row)]
    if loose and isinstance(items[0], Row):
        raise DefinitionError("put panels that belong to no row before the first row", caller_location())
    panels, y = flow(loose, y)
    placed.extend(panels)
    for item in items:
        if not isinstance(item, Row):
            continue
        children, end = flow(item.panels, y + 1)
        header = g.RowPanel(
            title=item.title,
            gridPos=g.GridPos(h=1, w=GRID_WIDTH, x=0, y=y),
            collapsed=item.collapsed,
            panels=children if item.collapsed else [],
            extraJson={SOURCE_KEY: str(item.source), **sealed(item.extra)},
        )
        placed.append(header)
        if item.collapsed:
            y += 1
        else:
            placed.extend(children)
            y = end
    return placed


DEFAULT_SIZE = (12, 8)  # width and height of a grafanalib panel given neither gridPos nor span/height


def _grid(panel: g.Panel) -> g.GridPos:
    """The panel's grid position; without one, its legacy ``span`` (of 12) sets the width and its legacy
    pixel ``height`` the height, as Grafana places panels of the old rows."""
    if panel.gridPos is not None:
        return panel.gridPos
    span = getattr(panel, "span", None)
    width = min(GRID_WIDTH, max(1, round(span * 2))) if isinstance(span, int | float) else DEFAULT_SIZE[0]
    height = getattr(panel, "height", None)
    height = grid_height(getattr(height, "num", height)) if height is not None else DEFAULT_SIZE[1]
    return g.GridPos(h=height, w=width, x=0, y=0)


def _moved(panel: g.Panel, x: int, y: int) -> g.Panel:
    grid = _grid(panel)
    return attr.evolve(panel, gridPos=g.GridPos(h=grid.h, w=grid.w, x=x, y=y))


def dashboard(
    settings: Settings,
    *,
    uid: str,
    title: str,
    description: str,
    rows: Sequence[Row | g.Panel],
    tags: Sequence[str] = (),
    variables: Sequence[AnyVariable] = (),
    links: Sequence[Link] = (),
    folder: str | None = None,
    refresh: str | None = "1m",
    time_from: str = "now-6h",
    lint_ignore: dict[str, str] | None = None,
    layout: str = "flow",
    extra: dict | None = None,
) -> DashboardDef:
    """A dashboard with a ``datasource`` variable first (unless ``variables`` define one), then
    ``variables`` in their order, and ``rows`` laid out on the grid.

    ``folder`` is a folder uid; it defaults to the settings' folder. ``layout="fixed"`` keeps each
    panel where ``at``/``raw_panel`` pinned it instead of flowing them (imported dashboards use it).
    ``refresh=None`` leaves auto-refresh off; ``extra`` is dashboard JSON the helpers do not model
    (e.g. custom annotations), laid over what they build.
    """
    where = caller_location()
    check_uid("dashboard uid", uid)
    check_text(f"dashboard {uid!r}: title", title, required=True)
    check_text(f"dashboard {uid!r}: description", description)
    check_choice(f"dashboard {uid!r}: layout", layout, ("flow", "fixed"))
    for name, value in (("refresh", refresh or ""), ("time_from", time_from), ("folder", folder or "")):
        check_text(f"dashboard {uid!r}: {name}", value)
    _check_sequence(f"dashboard {uid!r}: tags", tags, str)
    _check_sequence(f"dashboard {uid!r}: variables", variables, AnyVariable)
    _check_sequence(f"dashboard {uid!r}: links", links, Link)
    for check, reason in (lint_ignore or {}).items():
        check_text(f"dashboard {uid!r}: lint_ignore[{check!r}] (the reason)", reason, required=True)
    items = _grafanalib_rows(_check_sequence(f"dashboard {uid!r}: rows", rows, object))
    for index, item in enumerate(items):
        for number, panel in enumerate(item.panels if isinstance(item, Row) else [item]):
            place = f"row {item.title!r}, panel {number + 1}" if isinstance(item, Row) else f"rows[{index}]"
            _check_panel(panel, f"dashboard {uid!r}: {place}")
    templates = [
        g.Template(
            name="datasource",
            label="Data source",
            type="datasource",
            query="prometheus",
            default=settings.datasource_uid,
        )
    ]
    if any(_variable_name(v) == "datasource" for v in variables):
        templates = []  # the dashboard defines its own datasource variable
    templates += list(variables)
    board = _Dashboard(
        extra=extra,
        title=title,
        uid=uid,
        description=description,
        tags=list(tags),
        panels=_fixed(items) if layout == "fixed" else _layout(items),
        templating=g.Templating(list=templates),
        links=[
            g.DashboardLink(
                title=link.title, uri=f"/d/{link.uid}", type="link", keepTime=True, includeVars=True
            )
            for link in links
        ],
        refresh=refresh,
        time=g.Time(time_from, "now"),
        timezone="browser",
        graphTooltip=1,
    )
    return DashboardDef(board, folder or settings.folder[0], where, dict(lint_ignore or {}))
