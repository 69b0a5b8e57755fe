"""Dashboard helpers over grafanalib: typed panels laid out on Grafana's 24-column grid.

Every helper takes a title, PromQL, a unit and a description; thresholds are optional. Panels and their
queries use the ``${datasource}`` variable, whose default is the datasource uid from the settings.
Each panel remembers the Python line that made it, so build errors and lint findings can point there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import attr
import grafanalib.core as g

from toolkit.errors import DefinitionError
from toolkit.grafana_json import EXTRA_KEY, RAW_KEY, SOURCE_KEY
from toolkit.settings import Settings
from toolkit.source import SourceLocation, caller_location

GRID_WIDTH = 24
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
Steps = Sequence[tuple[str, float | None]]


@dataclass(frozen=True)
class Query:
    """One PromQL query of a panel; ``legend`` is Grafana's legend format, e.g. ``{{job}}``.

    ``interval`` is the query's minimum step (e.g. ``1m``), ``hidden`` keeps it from being drawn (other
    queries may still use it), ``ref_id`` names it (default A, B, ... by position).
    """

    expr: str
    legend: str = ""
    instant: bool = False
    table: bool = False
    interval: str = ""
    hidden: bool = False
    ref_id: str = ""


def percentiles(
    buckets: str, quantiles: Sequence[float] = (0.5, 0.95, 0.99), legend: str = ""
) -> list[Query]:
    """One ``histogram_quantile`` query per quantile over ``buckets`` (rate of ``_bucket`` summed by le),
    legends ``p50``, ``p95``... followed by ``legend`` (e.g. ``{{job}}``)."""
    return [
        Query(f"histogram_quantile({q:g}, {buckets})", f"p{round(q * 100)} {legend}".strip())
        for q in quantiles
    ]


def thresholds(*steps: tuple[str, float], base: str = "green") -> list[tuple[str, float | None]]:
    """Threshold steps above a ``base`` colour, e.g. ``thresholds(("orange", 0.8), ("red", 0.9))``."""
    values = [value for _, value in steps]
    if values != sorted(values):
        raise DefinitionError(f"threshold steps must rise: got {values}", caller_location())
    return [(base, None), *steps]


def warn_crit(warning: float, critical: float) -> list[tuple[str, float | None]]:
    """The usual two-step thresholds where higher is worse: orange from ``warning``, red from ``critical``."""
    return thresholds(("orange", warning), ("red", critical))


def crit_warn_ok(critical: float, warning: float) -> list[tuple[str, float | None]]:
    """Thresholds where lower is worse: red below ``critical``, orange below ``warning``, else green."""
    return thresholds(("orange", critical), ("green", warning), base="red")


def _targets(queries: str | Query | Sequence[str | Query]) -> list[g.Target]:
    if isinstance(queries, str | Query):
        queries = [queries]
    targets = []
    for index, query in enumerate(queries):
        query = Query(query) if isinstance(query, str) else query
        targets.append(
            g.Target(
                expr=query.expr,
                legendFormat=query.legend,
                refId=query.ref_id or chr(ord("A") + index),
                instant=query.instant,
                interval=query.interval,
                hide=query.hidden,
                format="table" if query.table else "time_series",
                datasource=DATASOURCE,
            )
        )
    return targets


def _steps(steps: Steps | None) -> list[g.Threshold]:
    return [g.Threshold(color, index, float(value or 0)) for index, (color, value) in enumerate(steps or [])]


def _sealed(extra: dict | None) -> dict:
    """``extra`` (JSON the helpers do not model) sealed for the build, which lays it over the panel."""
    return {EXTRA_KEY: json.dumps(extra, sort_keys=True)} if extra else {}


def _common(title: str, description: str, width: int, height: int, extra: dict | None = None) -> dict:
    where = caller_location()
    if not title:
        raise DefinitionError("a panel needs a title", where)
    if not 1 <= width <= GRID_WIDTH or height < 1:
        raise DefinitionError(f"panel {title!r}: width must be 1..{GRID_WIDTH} and height at least 1", where)
    return {
        "title": title,
        "description": description,
        "dataSource": DATASOURCE,
        "gridPos": g.GridPos(h=height, w=width, x=0, y=0),
        "extraJson": {SOURCE_KEY: str(where), **_sealed(extra)},
    }


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
    extra: dict | None = None,
) -> g.TimeSeries:
    """A time series panel; thresholds, when given, are drawn as dashed lines.

    ``extra`` (every helper takes it) is panel JSON the helper does not model, laid over what it builds.
    """
    return g.TimeSeries(
        **_common(title, description, width, height, extra),
        targets=_targets(queries),
        unit=unit,
        thresholds=_steps(thresholds),
        thresholdsStyleMode="dashed" if thresholds else "off",
        stacking={"mode": "normal", "group": "A"} if stack else {"mode": "none", "group": "A"},
        fillOpacity=20 if stack else 10,
        valueMin=min,
        valueMax=max,
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
    extra: dict | None = None,
) -> g.Stat:
    """A single-value panel with an optional sparkline; the background shows the threshold colour."""
    return g.Stat(
        **_common(title, description, width, height, extra),
        targets=_targets(queries),
        format=unit,
        thresholds=_steps(thresholds or [("green", None)]),
        graphMode="area" if graph else "none",
        colorMode="background" if thresholds else "value",
        reduceCalc="lastNotNull",
        decimals=decimals,
    )


def _reduced(kind: type, common: dict, queries, unit: str, thresholds: Steps | None, **options) -> g.Panel:
    """A panel that reduces each series to its last value (gauge, bar gauge)."""
    return kind(
        **common,
        targets=_targets(queries),
        format=unit,
        thresholds=_steps(thresholds or [("green", None)]),
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
    extra: dict | None = None,
) -> g.GaugePanel:
    """A gauge from ``min`` to ``max`` with threshold markers (None: Grafana takes it from the data)."""
    common = _common(title, description, width, height, extra)
    return _reduced(g.GaugePanel, common, queries, unit, thresholds, min=min, max=max)


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
    extra: dict | None = None,
) -> g.BarGauge:
    """Horizontal bars, one per series, e.g. cost by model; ``max`` None scales to the data."""
    common = _common(title, description, width, height, extra)
    options = {"displayMode": "gradient", "orientation": "horizontal"}
    return _reduced(g.BarGauge, common, queries, unit, thresholds, min=min, max=max, **options)


def table(
    title: str,
    queries: str | Query | Sequence[str | Query],
    *,
    unit: str,
    description: str,
    thresholds: Steps | None = None,
    width: int = 24,
    height: int = 8,
    extra: dict | None = None,
) -> g.Table:
    """A table of instant values, one row per series (queries default to instant, table format)."""
    if isinstance(queries, str | Query):
        queries = [queries]
    instant = [Query(q, instant=True, table=True) if isinstance(q, str) else q for q in queries]
    return g.Table(
        **_common(title, description, width, height, extra),
        targets=_targets(instant),
        unit=unit,
        thresholds=_steps(thresholds or [("green", None)]),
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
    return Row(title, tuple(panels), collapsed, caller_location(), y, extra)


def at(panel: g.Panel, x: int, y: int) -> g.Panel:
    """``panel`` pinned at column ``x``, line ``y``, for dashboards built with ``layout="fixed"``."""
    return _moved(panel, x, y)


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
    pos = data.get("gridPos") or {}
    grid = g.GridPos(
        h=int(pos.get("h", 8)), w=int(pos.get("w", 12)), x=int(pos.get("x", 0)), y=int(pos.get("y", 0))
    )
    body = {k: v for k, v in data.items() if k not in ("gridPos", "id")}
    return RawPanel(body, grid, str(caller_location()))


def raw_variable(data: dict) -> RawVariable:
    """A template variable given as Grafana JSON."""
    return RawVariable(dict(data))


@attr.s
class RawVariable:
    """A template variable kept exactly as Grafana JSON (custom, interval, constant, textbox...)."""

    data: dict = attr.ib()

    def to_json_data(self) -> dict:
        """The JSON, sealed like a raw panel's."""
        return {"name": self.data.get("name", ""), RAW_KEY: json.dumps(self.data, sort_keys=True)}


@dataclass(frozen=True)
class Variable:
    """A query variable over label values, e.g. ``Variable("job", "label_values(up, job)")``.

    ``regex`` filters or extracts the values, ``all_value`` is what "All" stands for (default: every
    value), ``hide`` is 0 (shown), 1 (label hidden) or 2 (hidden), ``sort`` and ``refresh`` are Grafana's
    codes (1: alphabetical; 1: on load, 2: on time range change); ``extra`` is variable JSON the class
    does not model (e.g. ``current``), laid over what it builds.
    """

    name: str
    query: str
    label: str = ""
    multi: bool = True
    include_all: bool = True
    regex: str = ""
    all_value: str = ""
    hide: int = 0
    sort: int = 1
    refresh: int = 2
    extra: dict | None = None


@attr.s
class _Template(g.Template):
    """grafanalib's template variable, with JSON it does not model sealed for the build."""

    extra: dict | None = attr.ib(default=None)

    def to_json_data(self) -> dict:
        """grafanalib's JSON and the sealed extra."""
        return {**super().to_json_data(), **_sealed(self.extra)}


def _variable_name(variable: Variable | RawVariable) -> str:
    return variable.name if isinstance(variable, Variable) else str(variable.data.get("name", ""))


def _template(v: Variable) -> _Template:
    return _Template(
        name=v.name,
        label=v.label or v.name.capitalize(),
        query=v.query,
        dataSource=DATASOURCE,
        multi=v.multi,
        includeAll=v.include_all,
        refresh=v.refresh,
        sort=v.sort,
        regex=v.regex or None,
        allValue=v.all_value or None,
        hide=v.hide,
        extra=v.extra,
    )


@attr.s
class _Dashboard(g.Dashboard):
    """grafanalib's dashboard, with JSON it does not model sealed for the build."""

    extra: dict | None = attr.ib(default=None)

    def to_json_data(self) -> dict:
        """grafanalib's JSON and the sealed extra."""
        return {**super().to_json_data(), **_sealed(self.extra)}


@dataclass(frozen=True)
class Link:
    """A link to another dashboard of the project by uid, keeping time range and variables."""

    uid: str
    title: str


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


def _fixed(items: Sequence[Row | g.Panel]) -> list[g.Panel]:
    """Keep every panel where it was pinned (``at``, ``raw_panel``, ``row(y=...)``)."""
    placed: list[g.Panel] = []
    for item in items:
        if not isinstance(item, Row):
            placed.append(item)
            continue
        header = g.RowPanel(
            title=item.title,
            gridPos=g.GridPos(h=1, w=GRID_WIDTH, x=0, y=item.y or 0),
            collapsed=item.collapsed,
            panels=list(item.panels) if item.collapsed else [],
            extraJson={SOURCE_KEY: str(item.source), **_sealed(item.extra)},
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
            w, h = panel.gridPos.w, panel.gridPos.h
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
            extraJson={SOURCE_KEY: str(item.source), **_sealed(item.extra)},
        )
        placed.append(header)
        if item.collapsed:
            y += 1
        else:
            placed.extend(children)
            y = end
    return placed


def _moved(panel: g.Panel, x: int, y: int) -> g.Panel:
    return attr.evolve(panel, gridPos=g.GridPos(h=panel.gridPos.h, w=panel.gridPos.w, x=x, y=y))


def dashboard(
    settings: Settings,
    *,
    uid: str,
    title: str,
    description: str,
    rows: Sequence[Row | g.Panel],
    tags: Sequence[str] = (),
    variables: Sequence[Variable | RawVariable] = (),
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
    templates += [_template(v) if isinstance(v, Variable) else v for v in variables]
    board = _Dashboard(
        extra=extra,
        title=title,
        uid=uid,
        description=description,
        tags=list(tags),
        panels=_fixed(list(rows)) if layout == "fixed" else _layout(list(rows)),
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
