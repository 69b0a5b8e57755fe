"""The helpers beyond the basic five (text, heatmap, pie chart, state timeline, histogram, bar chart, logs),
variables of every kind, and typed fields: schema-valid JSON, the options asked for, located errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import grafanalib.core as g
import pytest

from tests.grafana_schemas import dashboard_errors, needs_schemas, options_errors
from tests.sample_project import REPO, make_project
from toolkit import units
from toolkit.errors import DefinitionError
from toolkit.lint.engine import lint_bundle
from toolkit.panels import (
    Datasource,
    Link,
    Query,
    Variable,
    bar_chart,
    dashboard,
    heatmap,
    histogram,
    logs,
    pie_chart,
    raw_panel,
    raw_variable,
    row,
    stat,
    state_timeline,
    text,
    timeseries,
)
from toolkit.settings import load_settings
from toolkit.sources.code import load_project
from toolkit.sources.grafanalib import grafanalib_json, modernize

SETTINGS = load_settings(REPO)
BUCKETS = "sum by (le) (rate(http_request_duration_seconds_bucket[$__rate_interval]))"
RATE = "sum by (job) (rate(http_requests_total[$__rate_interval]))"


def build(*items: Any, variables: tuple = ()) -> dict[str, Any]:
    definition = dashboard(
        SETTINGS, uid="t", title="T", description="d", rows=list(items), variables=list(variables)
    )
    board, _ = modernize(grafanalib_json(definition.dashboard))
    return board


HELPERS = {
    "text": lambda: text("Notes", "# Runbook\nSee the wiki.", mode="markdown"),
    "heatmap": lambda: heatmap(
        "Latency", BUCKETS, unit=units.SECONDS, description="Request latency buckets.", scheme="Blues"
    ),
    "piechart": lambda: pie_chart(
        "Share",
        RATE,
        unit=units.REQUESTS_PER_SECOND,
        description="Share by job.",
        pie_type="donut",
        labels=["percent"],
    ),
    "state-timeline": lambda: state_timeline(
        "Up",
        "up",
        unit=units.NO_UNIT,
        description="Target state.",
        states={0: ("down", "red"), 1: ("up", "green")},
    ),
    "histogram": lambda: histogram(
        "Sizes",
        "process_resident_memory_bytes",
        unit=units.BYTES_IEC,
        description="Memory spread.",
        bucket_size=1e6,
    ),
    "barchart": lambda: bar_chart(
        "By job",
        RATE,
        unit=units.REQUESTS_PER_SECOND,
        description="Requests by job.",
        x_field="job",
        orientation="horizontal",
        stacking="normal",
    ),
    "logs": lambda: logs(
        "Errors",
        '{job="api"} |= "error"',
        description="API errors.",
        datasource=Datasource("loki", "${loki}"),
    ),
}


@needs_schemas
@pytest.mark.parametrize("kind", sorted(HELPERS))
def test_each_helper_builds_schema_valid_json_of_its_type(kind: str) -> None:
    board = build(row("R", HELPERS[kind]()))
    assert dashboard_errors(board) == []
    panel = board["panels"][1]
    assert panel["type"] == kind
    assert options_errors(panel) == []


def _panel(item: Any) -> dict[str, Any]:
    return build(row("R", item))["panels"][1]


def test_the_helpers_set_the_options_they_are_given() -> None:
    notes = _panel(HELPERS["text"]())
    assert (notes["options"]["mode"], notes["options"]["content"]) == ("markdown", "# Runbook\nSee the wiki.")
    assert "targets" not in notes and "datasource" not in notes
    latency = _panel(HELPERS["heatmap"]())
    assert latency["targets"][0]["format"] == "heatmap" and latency["options"]["calculate"] is False
    assert latency["targets"][0]["legendFormat"] == "{{le}}"
    assert (latency["options"]["yAxis"]["unit"], latency["options"]["color"]["scheme"]) == ("s", "Blues")
    assert "unit" not in latency["fieldConfig"]["defaults"]  # the heatmap takes none from the field config
    share = _panel(HELPERS["piechart"]())
    assert (share["options"]["pieType"], share["options"]["displayLabels"]) == ("donut", ["percent"])
    assert share["fieldConfig"]["defaults"]["unit"] == "reqps"
    up = _panel(HELPERS["state-timeline"]())
    assert up["fieldConfig"]["defaults"]["mappings"] == [
        {
            "type": "value",
            "options": {
                "0": {"color": "red", "index": 0, "text": "down"},
                "1": {"color": "green", "index": 1, "text": "up"},
            },
        }
    ]
    sizes = _panel(HELPERS["histogram"]())
    assert sizes["options"]["bucketSize"] == 1e6 and sizes["fieldConfig"]["defaults"]["unit"] == "bytes"
    by_job = _panel(HELPERS["barchart"]())
    assert (by_job["options"]["xField"], by_job["options"]["orientation"], by_job["options"]["stacking"]) == (
        "job",
        "horizontal",
        "normal",
    )
    assert by_job["targets"][0]["instant"] is True and by_job["targets"][0]["format"] == "table"
    errors = _panel(HELPERS["logs"]())
    assert errors["datasource"] == {"type": "loki", "uid": "${loki}"}
    assert errors["targets"][0]["datasource"] == {"type": "loki", "uid": "${loki}"}
    assert errors["options"]["showTime"] is True and "unit" not in errors["fieldConfig"]["defaults"]


def test_an_option_outside_the_schema_enum_fails_at_the_callers_line_with_the_choices() -> None:
    with pytest.raises(
        DefinitionError, match=r"pie_type must be one of 'pie', 'donut', got str 'ring'"
    ) as caught:
        pie_chart("P", "up", unit="short", description="d", pie_type="ring")  # type: ignore[arg-type]
    assert caught.value.location is not None
    assert caught.value.location.path.endswith("test_visualizations.py")


LOKI = Datasource("loki", "${loki}")


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (lambda: heatmap("H", "up", unit="s", description="d", legend="yes"), "legend"),
        (lambda: heatmap("H", "up", unit="s", description="d", buckets=0), "buckets"),
        (lambda: timeseries("T", "up", unit="s", description="d", stack="yes"), "stack"),
        (lambda: stat("S", "up", unit="s", description="d", graph=1), "graph"),
        (lambda: row("R", collapsed="no"), "collapsed"),
        (lambda: Query("up", instant=1), "instant"),
        (lambda: logs("L", '{job="a"}', description="d", datasource=LOKI, show_time=1), "show_time"),
        (lambda: logs("L", '{job="a"}', description="d", datasource=LOKI, wrap_lines="no"), "wrap_lines"),
    ],
)
def test_a_switch_given_anything_but_true_or_false_fails_at_the_callers_line(make, named: str) -> None:
    with pytest.raises(DefinitionError, match=rf"\b{named} must be True or False, got ") as caught:
        make()
    assert caught.value.location is not None and caught.value.location.path.endswith("test_visualizations.py")


@needs_schemas
def test_variables_of_every_kind_validate_whatever_their_settings() -> None:
    board = build(
        row("R", timeseries("Up", "up", unit="short", description="d")),
        variables=(
            Variable("job", "label_values(up, job)", include_all=False, multi=False),
            Variable("instance", 'label_values(up{job=~"$job"}, instance)', include_all=False),
            Variable("env", "label_values(up, env)"),
            raw_variable(
                {
                    "type": "custom",
                    "name": "mode",
                    "query": "fast,slow",
                    "current": {"text": "fast", "value": "fast"},
                    "options": [{"text": "fast", "value": "fast", "selected": True}],
                }
            ),
            raw_variable({"type": "interval", "name": "step", "query": "1m,5m,1h", "auto": False}),
            raw_variable({"type": "constant", "name": "cluster", "query": "prod", "hide": 2}),
            raw_variable({"type": "textbox", "name": "filter", "query": ""}),
        ),
    )
    assert dashboard_errors(board) == []
    by_name = {v["name"]: v for v in board["templating"]["list"]}
    assert "current" not in by_name["job"] and "current" not in by_name["instance"]
    assert by_name["env"]["current"] == {"text": ["All"], "value": ["$__all"]}


TYPED_FIELDS = {
    "a list as a title": (
        lambda: stat(["Up"], "up", unit="short", description="d"),
        r"title must be a string, got list",
    ),  # type: ignore[arg-type]
    "a number as a unit": (
        lambda: timeseries("Up", "up", unit=1, description="d"),  # type: ignore[arg-type]
        r"panel 'Up': unit must be a string such as units.SECONDS \('s'\), got int 1",
    ),
    "a number as a description": (
        lambda: stat("Up", "up", unit="short", description=3),  # type: ignore[arg-type]
        r"panel 'Up': description must be a string, got int 3",
    ),
    "a dict as a query": (
        lambda: stat("Up", {"expr": "up"}, unit="short", description="d"),  # type: ignore[arg-type]
        r"queries must be PromQL strings or Query objects, got dict",
    ),
    "a number as a legend": (lambda: Query("up", 5), r"query legend must be a string, got int 5"),  # type: ignore[arg-type]
    "a string as thresholds": (
        lambda: stat("Up", "up", unit="short", description="d", thresholds="80"),  # type: ignore[arg-type]
        r"thresholds must be \(colour, value\) pairs",
    ),
    "a string as a width": (
        lambda: stat("Up", "up", unit="short", description="d", width="6"),  # type: ignore[arg-type]
        r"panel 'Up': width must be a number, got str '6'",
    ),
    "a bad link uid": (lambda: Link("a/b", "A"), r"link uid 'a/b': Grafana accepts 1-40 letters"),
    "a list as raw panel JSON": (
        lambda: raw_panel([{"type": "text"}]),
        r"raw_panel\(\) takes Grafana JSON as a dict",
    ),  # type: ignore[arg-type]
    "a string as a panel": (lambda: row("R", "up"), r"row 'R', panel 1 is a str, not a panel"),
    "a row in a row": (lambda: row("R", row("S")), r"row 'R', panel 1 is a row: rows cannot nest"),
    "a list as a grafanalib query": (
        lambda: row("R", g.Stat(title="S", targets=[g.Target(expr=["up"])])),
        r"row 'R', panel 1: target 1 expr must be a PromQL string, got list",
    ),
}


@pytest.mark.parametrize(("make", "message"), TYPED_FIELDS.values(), ids=list(TYPED_FIELDS))
def test_a_wrongly_typed_field_fails_at_the_line_that_made_it(make: Any, message: str) -> None:
    with pytest.raises(DefinitionError, match=message) as caught:
        make()
    assert caught.value.location is not None
    assert caught.value.location.path.endswith("test_visualizations.py"), caught.value.location


BAD_MODULE = """
import grafanalib.core as g

from toolkit.panels import Datasource, dashboard, logs, stat


def build(settings):
    return dashboard(
        settings,
        uid={uid},
        title="Bad",
        description="d",
        rows=[{panel}],
    )
"""


def _load(tmp_path: Path, uid: str = '"bad"', panel: str = 'stat("Up", "up", unit="short", description="d")'):
    return load_project(make_project(tmp_path, {"bad": BAD_MODULE.format(uid=uid, panel=panel)}))


@pytest.mark.parametrize("uid", ["../../../evil", "a" * 41, "", "has space"])
def test_a_dashboard_uid_grafana_refuses_fails_at_its_definition(tmp_path: Path, uid: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        _load(tmp_path, uid=repr(uid))
    assert str(caught.value) == (
        f"dashboards/bad.py:7: dashboard uid {uid!r}: Grafana accepts 1-40 letters, digits, '-' or '_' "
        "(e.g. the module's name)"
    )


def test_a_grafanalib_panel_with_a_list_title_fails_at_the_dashboard_that_lists_it(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as caught:
        _load(tmp_path, panel="g.Stat(title=['Up'], format='short')")
    assert str(caught.value) == (
        "dashboards/bad.py:7: dashboard 'bad': rows[0]: title must be a string, got list ['Up']: pass title='...'"
    )


def test_a_grafanalib_panel_with_a_number_as_unit_names_the_field(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"rows\[0\] \(Stat 'Up'\): format must be a string, got int 5"):
        _load(tmp_path, panel="g.Stat(title='Up', format=5)")


def test_a_logs_panel_is_linted_as_loki_not_as_promql(tmp_path: Path) -> None:
    query = 'sum(rate({job="api"} |= "error" [5m]))'
    panel = (
        f'logs("Errors", {query!r}, description="API errors.", datasource=Datasource("loki", "${{loki}}"))'
    )
    project = _load(tmp_path, panel=panel)
    entry = project.bundle.dashboard("bad")
    assert entry is not None and entry.data["panels"][0]["targets"][0]["expr"] == query
    assert [
        f.check for f in lint_bundle(project.bundle, is_project=True) if f.subject.startswith("bad")
    ] == []


EVERY_HELPER = """
from toolkit import units
from toolkit.panels import (
    Datasource, bar_chart, dashboard, heatmap, histogram, logs, pie_chart, row, state_timeline, text,
)

BUCKETS = "sum by (le) (rate(http_request_duration_seconds_bucket[$__rate_interval]))"
RATE = "sum by (job) (rate(http_requests_total[$__rate_interval]))"


def build(settings):
    return dashboard(
        settings,
        uid="helpers",
        title="Helpers",
        description="Every helper.",
        rows=[
            row(
                "All",
                text("Notes", "Read me."),
                heatmap("Latency", BUCKETS, unit=units.SECONDS, description="Latency buckets."),
                pie_chart("Share", RATE, unit=units.REQUESTS_PER_SECOND, description="Share by job."),
                state_timeline("Up", "up", unit=units.NO_UNIT, description="Target state."),
                histogram("Memory", "process_resident_memory_bytes", unit=units.BYTES_IEC, description="Spread."),
                bar_chart("By job", RATE, unit=units.REQUESTS_PER_SECOND, description="Requests by job."),
                logs("Errors", '{job="api"} |= "error"', description="API errors.", datasource=Datasource("loki", "${loki}")),
            )
        ],
    )
"""


def test_every_helper_keeps_the_house_rules_that_build_and_lint_share(tmp_path: Path) -> None:
    project = load_project(make_project(tmp_path, {"helpers": EVERY_HELPER}))
    findings = lint_bundle(project.bundle, is_project=True)
    assert [(f.check, f.subject) for f in findings if f.subject.startswith("helpers")] == []
