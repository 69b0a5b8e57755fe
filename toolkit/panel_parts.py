"""The parts every panel helper shares: queries, thresholds, the typed-field checks and the common panel keys.

Each check raises :class:`~toolkit.errors.DefinitionError` at the user's line (the first frame outside the
toolkit), naming the field and the fix, so a wrong type never reaches the built JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import attr
import grafanalib.core as g

from toolkit.errors import DefinitionError
from toolkit.locations import caller_location
from toolkit.sources.grafanalib import EXTRA_KEY, SOURCE_KEY

GRID_WIDTH = 24
UID = re.compile(r"^[a-zA-Z0-9_-]{1,40}$")  # Grafana's rule for dashboard uids
Steps = Sequence[tuple[str, float | None]]


def _kind(value: Any) -> str:
    return f"{type(value).__name__} {value!r}" if not isinstance(value, list | dict) else type(value).__name__


def check_text(what: str, value: Any, *, required: bool = False) -> str:
    """``value`` if it is a string (non-blank when ``required``), else a located error naming ``what``."""
    if not isinstance(value, str):
        raise DefinitionError(
            f"{what} must be a string, got {_kind(value)}: pass {what.rsplit(': ', 1)[-1]}='...'",
            caller_location(),
        )
    if required and not value.strip():
        raise DefinitionError(f"{what} must not be empty", caller_location())
    return value


def check_number(what: str, value: Any, *, minimum: float | None = None, maximum: float | None = None) -> Any:
    """``value`` if it is a number (not a bool) within the bounds, else a located error."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DefinitionError(f"{what} must be a number, got {_kind(value)}", caller_location())
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if maximum is None:
            bounds = f"at least {minimum}"
        elif minimum is None:
            bounds = f"at most {maximum}"
        else:
            bounds = f"within {minimum}..{maximum}"
        raise DefinitionError(f"{what} must be {bounds}, got {value!r}", caller_location())
    return value


def check_choice(what: str, value: Any, choices: Collection[Any]) -> Any:
    """``value`` if it is one of ``choices``, else a located error listing them."""
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise DefinitionError(f"{what} must be one of {listed}, got {_kind(value)}", caller_location())
    return value


def check_flag(what: str, value: Any) -> bool:
    """``value`` if it is True or False (the schema's boolean), else a located error naming ``what``."""
    if not isinstance(value, bool):
        raise DefinitionError(
            f"{what} must be True or False, got {type(value).__name__} {value!r}", caller_location()
        )
    return value


def check_uid(what: str, uid: Any) -> str:
    """``uid`` if Grafana accepts it as a dashboard uid (1-40 letters, digits, ``-`` or ``_``)."""
    check_text(what, uid)
    if not UID.match(uid):
        raise DefinitionError(
            f"{what} {uid!r}: Grafana accepts 1-40 letters, digits, '-' or '_' (e.g. the module's name)",
            caller_location(),
        )
    return uid


@dataclass(frozen=True)
class Datasource:
    """A data source reference: its plugin ``type`` (``prometheus``, ``loki``, ...) and its ``uid``, a data
    source's own or a datasource variable such as ``${loki_datasource}``."""

    type: str
    uid: str

    def __post_init__(self) -> None:
        check_text("Datasource type", self.type, required=True)
        check_text(f"Datasource {self.type!r}: uid", self.uid, required=True)

    def ref(self) -> dict[str, str]:
        """The reference as Grafana saves it: ``{"type": ..., "uid": ...}``."""
        return {"type": self.type, "uid": self.uid}


# The default of every helper: the dashboard's ``${datasource}`` variable, a Prometheus data source.
PROMETHEUS = Datasource("prometheus", "${datasource}")
# Grafana's mixed data source: the panel's queries each name their own (``Query(datasource=...)``).
MIXED = Datasource("datasource", "-- Mixed --")
DATASOURCE = PROMETHEUS.ref()


def check_datasource(what: str, value: Any) -> Datasource:
    """``value`` if it is a :class:`Datasource`, else a located error showing one."""
    if not isinstance(value, Datasource):
        raise DefinitionError(
            f'{what} must be a Datasource, e.g. Datasource("loki", "${{loki_datasource}}"), got {_kind(value)}',
            caller_location(),
        )
    return value


@dataclass(frozen=True)
class Query:
    """One query of a panel, in its data source's language (PromQL for the default Prometheus one);
    ``legend`` is Grafana's legend format, e.g. ``{{job}}``.

    ``interval`` is the query's minimum step (e.g. ``1m``), ``hidden`` keeps it from being drawn (other
    queries may still use it), ``ref_id`` names it (default A, B, ... by position). ``datasource`` is the
    query's own data source, for a panel whose ``datasource=MIXED`` (a query of a mixed panel that names
    none queries the Prometheus ``${datasource}``). ``table`` (Grafana's table format) is Prometheus'.
    """

    expr: str
    legend: str = ""
    instant: bool = False
    table: bool = False
    interval: str = ""
    hidden: bool = False
    ref_id: str = ""
    datasource: Datasource | None = None

    def __post_init__(self) -> None:
        check_text("query expr", self.expr, required=True)
        check_text("query legend", self.legend)
        for switch in ("instant", "table", "hidden"):
            check_flag(f"query {switch}", getattr(self, switch))
        if self.datasource is not None:
            check_datasource("query datasource", self.datasource)


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
    for color, value in steps:
        check_text("threshold colour", color, required=True)
        check_number(f"threshold value for {color!r}", value)
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


def _query_source(query: Query, panel: Datasource, number: int) -> Datasource:
    """The data source ``query`` runs on, in a panel of ``panel``: its own under MIXED, else the panel's."""
    if panel == MIXED:
        return query.datasource or PROMETHEUS
    if query.datasource not in (None, panel):
        raise DefinitionError(
            f"query {number} names its own datasource {query.datasource.ref()} but the panel's is "
            f"{panel.ref()}: pass datasource=MIXED to the panel for queries of several data sources",
            caller_location(),
        )
    return panel


def targets(
    queries: str | Query | Sequence[str | Query],
    *,
    instant_tables: bool = False,
    datasource: Datasource = PROMETHEUS,
    fmt: str | None = None,
) -> list[g.Target]:
    """grafanalib targets A, B, C... for ``queries`` on the panel's ``datasource``; plain strings become
    instant table queries when ``instant_tables``, and ``fmt`` sets Grafana's result format for all
    Prometheus queries (e.g. ``heatmap``); other data sources have no result format."""
    if isinstance(queries, str | Query):
        queries = [queries]
    if not isinstance(queries, Sequence) or not queries:
        raise DefinitionError(
            f"queries must be PromQL strings or Query objects, got {_kind(queries)}", caller_location()
        )
    made = []
    for index, query in enumerate(queries):
        plain = isinstance(query, str)
        if plain:
            query = Query(query, instant=instant_tables)
        if not isinstance(query, Query):
            raise DefinitionError(
                f"query {index + 1} must be a PromQL string or a Query, got {_kind(query)}", caller_location()
            )
        source = _query_source(query, datasource, index + 1)
        prometheus = source.type == "prometheus"
        table = query.table or (plain and instant_tables)
        if query.table and not prometheus:
            raise DefinitionError(
                f"query {index + 1}: table=True is Prometheus' table format; a {source.type} query has none",
                caller_location(),
            )
        made.append(
            g.Target(
                expr=query.expr,
                legendFormat=query.legend,
                refId=query.ref_id or chr(ord("A") + index),
                instant=query.instant,
                interval=query.interval,
                hide=query.hidden,
                format=(fmt or ("table" if table else "time_series")) if prometheus else None,
                datasource=source.ref(),
            )
        )
    return made


def steps(given: Steps | None) -> list[g.Threshold]:
    """grafanalib threshold steps for ``(colour, value)`` pairs (the first value is the base, None)."""
    if given is not None and (isinstance(given, str) or not isinstance(given, Sequence)):
        raise DefinitionError(
            f"thresholds must be (colour, value) pairs, e.g. warn_crit(0.8, 0.9), got {_kind(given)}",
            caller_location(),
        )
    made = []
    for index, step in enumerate(given or []):
        if not (isinstance(step, tuple | list) and len(step) == 2 and isinstance(step[0], str)):
            raise DefinitionError(
                f"threshold step {index + 1} must be a (colour, value) pair, got {_kind(step)}",
                caller_location(),
            )
        if step[1] is not None:
            check_number(f"threshold value for {step[0]!r}", step[1])
        made.append(g.Threshold(step[0], index, float(step[1] or 0)))
    return made


def sealed(extra: dict | None) -> dict:
    """``extra`` (JSON the helpers do not model) sealed for the build, which lays it over the panel."""
    return {EXTRA_KEY: json.dumps(extra, sort_keys=True)} if extra else {}


def common(
    title: Any,
    description: Any,
    width: Any,
    height: Any,
    extra: dict | None = None,
    datasource: Any = PROMETHEUS,
    *,
    titled: bool = True,
) -> dict[str, Any]:
    """The keys every helper's panel has, each checked: title (required when ``titled``), description,
    datasource, grid size, source line, and ``extra``: panel JSON the helper does not model, laid over
    what it builds."""
    where = caller_location()
    check_text("title", title, required=titled)
    check_text(f"panel {title!r}: description", description)
    check_number(f"panel {title!r}: width", width, minimum=1, maximum=GRID_WIDTH)
    check_number(f"panel {title!r}: height", height, minimum=1)
    return {
        "title": title,
        "description": description,
        "dataSource": check_datasource(f"panel {title!r}: datasource", datasource).ref(),
        "gridPos": g.GridPos(h=int(height), w=int(width), x=0, y=0),
        "extraJson": {SOURCE_KEY: str(where), **sealed(extra)},
    }


def check_unit(title: str, unit: Any) -> str:
    """``unit`` if it is a string (a constant of :mod:`toolkit.units` or a custom ``suffix:...`` unit)."""
    if not isinstance(unit, str):
        raise DefinitionError(
            f"panel {title!r}: unit must be a string such as units.SECONDS ('s'), got {_kind(unit)}",
            caller_location(),
        )
    return unit


@attr.s
class CurrentPanel(g.Panel):
    """A panel already in current Grafana's shape: ``type``, its ``options`` and its field defaults.

    The helpers beyond grafanalib's own classes (text, heatmap, pie chart, ...) make these.
    """

    type: str = attr.ib(default="")
    options: dict = attr.ib(factory=dict)
    field_defaults: dict = attr.ib(factory=dict)

    def to_json_data(self) -> dict:
        """grafanalib's common panel JSON with this panel's type, options and field defaults."""
        return self.panel_json(
            {"type": self.type, "options": self.options, "fieldConfig": {"defaults": self.field_defaults}}
        )
