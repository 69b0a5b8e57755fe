"""The helpers' ``datasource=``: a panel on another data source (Loki), a mixed panel whose queries each
name theirs, located refusals of what Grafana cannot read, lint reading LogQL as LogQL; and ``extra=``
for text() and logs()."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.grafana_schemas import dashboard_errors, needs_schemas
from tests.sample_project import REPO, make_project
from toolkit import units
from toolkit.errors import DefinitionError
from toolkit.lint.engine import lint_bundle
from toolkit.panels import (
    MIXED,
    PROMETHEUS,
    Datasource,
    Query,
    bar_chart,
    bar_gauge,
    dashboard,
    gauge,
    heatmap,
    histogram,
    logs,
    pie_chart,
    row,
    stat,
    state_timeline,
    table,
    text,
    timeseries,
)
from toolkit.settings import load_settings
from toolkit.sources.code import load_project
from toolkit.sources.grafanalib import grafanalib_json, modernize

SETTINGS = load_settings(REPO)
LOKI = Datasource("loki", "${loki}")
LOGQL = 'sum by (level) (count_over_time({job="api"} |= "error" [5m]))'
QUERY_HELPERS = {
    "timeseries": timeseries,
    "stat": stat,
    "gauge": gauge,
    "bargauge": bar_gauge,
    "table": table,
    "piechart": pie_chart,
    "histogram": histogram,
    "heatmap": heatmap,
    "barchart": bar_chart,
    "state-timeline": state_timeline,
}


def build(*items: Any) -> dict[str, Any]:
    definition = dashboard(SETTINGS, uid="t", title="T", description="d", rows=[row("R", *items)])
    board, _ = modernize(grafanalib_json(definition.dashboard))
    return board


@needs_schemas
@pytest.mark.parametrize("kind", sorted(QUERY_HELPERS))
def test_every_query_helper_runs_its_queries_on_the_datasource_given(kind: str) -> None:
    made = QUERY_HELPERS[kind]("Errors", LOGQL, unit=units.SHORT, description="d", datasource=LOKI)
    board = build(made)
    panel = board["panels"][1]
    assert (panel["type"], panel["datasource"]) == (kind, {"type": "loki", "uid": "${loki}"})
    assert [t["datasource"] for t in panel["targets"]] == [{"type": "loki", "uid": "${loki}"}]
    assert panel["targets"][0]["expr"] == LOGQL
    assert "format" not in panel["targets"][0]  # a result format is Prometheus'; Loki has none
    assert dashboard_errors(board) == []


def test_the_default_datasource_is_the_prometheus_variable_as_before() -> None:
    panel = build(timeseries("Up", "up", unit=units.SHORT, description="d"))["panels"][1]
    assert panel["datasource"] == PROMETHEUS.ref() == {"type": "prometheus", "uid": "${datasource}"}
    assert panel["targets"][0]["datasource"] == PROMETHEUS.ref()
    assert panel["targets"][0]["format"] == "time_series"


@needs_schemas
def test_a_mixed_panels_queries_each_name_their_datasource() -> None:
    queries = [
        Query("sum(rate(http_requests_total[5m]))", "requests"),
        Query(LOGQL, "{{level}}", datasource=LOKI),
    ]
    board = build(
        timeseries("Requests and errors", queries, unit=units.SHORT, description="d", datasource=MIXED)
    )
    panel = board["panels"][1]
    assert panel["datasource"] == {"type": "datasource", "uid": "-- Mixed --"}
    assert [t["datasource"] for t in panel["targets"]] == [PROMETHEUS.ref(), LOKI.ref()]
    assert [t.get("format") for t in panel["targets"]] == ["time_series", None]
    assert [t["refId"] for t in panel["targets"]] == ["A", "B"]
    assert dashboard_errors(board) == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: timeseries("Up", "up", unit="short", description="d", datasource="${loki}"),
            'panel \'Up\': datasource must be a Datasource, e.g. Datasource("loki", "${loki_datasource}"), '
            "got str '${loki}'",
        ),
        (
            lambda: stat("Up", [Query("up", datasource=LOKI)], unit="short", description="d"),
            "query 1 names its own datasource {'type': 'loki', 'uid': '${loki}'} but the panel's is "
            "{'type': 'prometheus', 'uid': '${datasource}'}: pass datasource=MIXED to the panel for queries "
            "of several data sources",
        ),
        (
            lambda: table("Errors", Query(LOGQL, table=True), unit="short", description="d", datasource=LOKI),
            "query 1: table=True is Prometheus' table format; a loki query has none",
        ),
        (lambda: Datasource("", "${loki}"), "Datasource type must not be empty"),
        (lambda: Datasource("loki", 3), "Datasource 'loki': uid must be a string, got int 3"),  # type: ignore[arg-type]
        (
            lambda: Query("up", datasource={"type": "loki", "uid": "x"}),  # type: ignore[arg-type]
            "query datasource must be a Datasource",
        ),
    ],
)
def test_a_datasource_grafana_cannot_read_fails_at_the_callers_line(make: Any, message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        make()
    assert str(caught.value.message).startswith(message)
    assert caught.value.location is not None
    assert caught.value.location.path.endswith("test_panels_datasource.py")


def test_text_and_logs_lay_extra_over_what_they_build() -> None:
    notes = text("", "<h2>HTTP</h2>", mode="html", extra={"transparent": True})
    errors = logs(
        "Errors",
        '{job="api"} |= "error"',
        description="d",
        datasource=LOKI,
        extra={"options": {"prettifyLogMessage": True}},
    )
    built = build(notes, errors)["panels"]
    assert (built[1]["type"], built[1].get("title", ""), built[1]["transparent"]) == ("text", "", True)
    assert built[1]["options"]["content"] == "<h2>HTTP</h2>"
    assert (
        built[2]["options"]["prettifyLogMessage"] is True and built[2]["options"]["sortOrder"] == "Descending"
    )


def test_logs_refuses_a_bare_uid_for_its_datasource_at_the_callers_line() -> None:
    with pytest.raises(DefinitionError, match=r"panel 'Errors': datasource must be a Datasource") as caught:
        logs("Errors", "{job='api'}", description="d", datasource="${loki}")  # type: ignore[arg-type]
    assert caught.value.location is not None
    assert caught.value.location.path.endswith("test_panels_datasource.py")


LOKI_MODULE = """
from toolkit import units
from toolkit.panels import MIXED, Datasource, Query, dashboard, logs, raw_variable, row, timeseries

LOKI = Datasource("loki", "${{loki}}")


def build(settings):
    return dashboard(
        settings,
        uid="logs",
        title="Logs",
        description="Errors from the logs beside the request rate.",
        rows=[
            row(
                "Errors",
                timeseries("Errors by level", {logql!r}, unit=units.SHORT, description="d", datasource=LOKI),
                timeseries(
                    "Requests and errors",
                    [
                        Query("sum(rate(http_requests_total[$__rate_interval]))", "requests"),
                        Query({logql!r}, "{{{{level}}}}", datasource=LOKI),
                    ],
                    unit=units.SHORT,
                    description="d",
                    datasource=MIXED,
                ),
                logs("Lines", '{{job="api"}} |= "error" | logfmt', description="d", datasource=LOKI),
            )
        ],
        variables=[raw_variable({{"name": "loki", "type": "datasource", "query": "loki"}})],
    )
"""


# LogQL that also parses as PromQL: on a Prometheus panel the build's checks refuse its [5m] window
RATE_LOGQL = 'sum by (level) (rate({job="api", level=~".+"}[5m]))'


def test_logql_on_a_loki_or_mixed_panel_builds_and_lints_without_promql_findings(tmp_path: Path) -> None:
    project = load_project(make_project(tmp_path, {"logs": LOKI_MODULE.format(logql=RATE_LOGQL)}))
    entry = project.bundle.dashboard("logs")
    assert entry is not None
    exprs = [t["expr"] for p in entry.data["panels"] for t in p.get("targets") or []]
    assert exprs.count(RATE_LOGQL) == 2
    findings = lint_bundle(project.bundle, is_project=True)
    assert [(f.check, f.message) for f in findings if f.subject.startswith("logs")] == []


def test_the_same_query_on_a_prometheus_panel_is_checked_as_promql(tmp_path: Path) -> None:
    source = LOKI_MODULE.format(logql=RATE_LOGQL).replace("datasource=LOKI),", "datasource=MIXED),", 1)
    with pytest.raises(DefinitionError, match=r"target/rate-interval"):
        load_project(make_project(tmp_path, {"logs": source}))
