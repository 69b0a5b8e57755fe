"""toolkit import dashboard: panels on other data sources (Loki), mixed panels, logs, text, status history
and dashboard list panels become typed helper calls (``datasource=``, ``Query(datasource=)``, ``text()``,
``logs()``, ``status_history()``, ``dashboard_list()``) whose options are typed arguments where the
helper takes the value, and build back to the input; what the helpers cannot name stays ``raw_panel``
with the reason."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from tests.grafana_schemas import dashboard_errors, needs_schemas
from tests.sample_project import make_project
from toolkit.cli import main
from toolkit.sources.code import load_project

LOKI = {"type": "loki", "uid": "${loki}"}
PROMETHEUS = {"type": "prometheus", "uid": "${datasource}"}
MIXED = {"type": "datasource", "uid": "-- Mixed --"}
LOGQL = 'sum by (level) (count_over_time({job="api"} |= "error" [$__interval]))'


def _panel(kind: str, title: str, x: int, **rest) -> dict:
    return {"type": kind, "title": title, "gridPos": {"x": x, "y": 0, "w": 6, "h": 8}, **rest}


BOARD = {
    "uid": "logs",
    "title": "Logs",
    "schemaVersion": 39,
    "templating": {
        "list": [
            {"name": "datasource", "type": "datasource", "query": "prometheus"},
            {"name": "loki", "type": "datasource", "query": "loki"},
        ]
    },
    "panels": [
        _panel(
            "timeseries",
            "Errors by level",
            0,
            datasource=LOKI,
            targets=[{"refId": "A", "datasource": LOKI, "expr": LOGQL, "legendFormat": "{{level}}"}],
        ),
        _panel(
            "stat",
            "Requests and errors",
            6,
            datasource=MIXED,
            targets=[
                {
                    "refId": "A",
                    "datasource": PROMETHEUS,
                    "expr": "sum(rate(http_requests_total[$__rate_interval]))",
                },
                {"refId": "B", "datasource": LOKI, "expr": LOGQL},
            ],
        ),
        _panel(
            "logs",
            "Error lines",
            12,
            datasource=LOKI,
            targets=[{"refId": "A", "datasource": LOKI, "expr": '{job="api"} |= "error"'}],
            options={
                "showTime": True,
                "wrapLogMessage": True,
                "sortOrder": "Ascending",
                "dedupStrategy": "exact",
                "prettifyLogMessage": True,
            },
        ),
        {
            "type": "text",
            "gridPos": {"x": 18, "y": 0, "w": 6, "h": 3},
            "options": {"content": "<h2>HTTP</h2>", "mode": "html"},
            "transparent": True,
        },
        _panel(
            "timeseries",
            "Odd one",
            18,
            datasource=LOKI,
            targets=[{"refId": "A", "datasource": PROMETHEUS, "expr": "up"}],
        ),
    ],
}


def _imported(tmp_path: Path, board: dict = BOARD) -> tuple[str, str, dict]:
    """``board`` imported into a new project: the import's output, the module and what it builds."""
    (tmp_path / "project").mkdir()
    root = make_project(tmp_path / "project")
    source = tmp_path / f"{board['uid']}.json"
    source.write_text(json.dumps(board))
    result = CliRunner().invoke(main, ["--project", str(root), "import", "dashboard", str(source)])
    assert result.exit_code == 0, result.output
    built = next(b for b in load_project(root).bundle.dashboards if b.uid == board["uid"])
    return result.output, (root / "dashboards" / f"{board['uid']}.py").read_text(), built.data


def test_loki_mixed_logs_and_text_panels_import_as_helper_calls(tmp_path: Path) -> None:
    output, module, _ = _imported(tmp_path)
    assert module.count("raw_panel(") == 1
    assert (
        "panel 4 'Odd one' (timeseries) carried raw: a query naming another datasource than its panel's"
        in output
    )
    assert 'datasource=Datasource("loki", "${loki}")' in module
    assert "datasource=MIXED" in module
    assert (
        'Query(\n                            "sum by (level)' not in module
    )  # the Prometheus query names none
    assert 'logs(\n                    "Error lines",' in module
    for argument in ('order="Ascending"', 'dedup="exact"', "wrap_lines=True"):
        assert argument in module
    assert 'text(\n                    "",\n                    "<h2>HTTP</h2>",' in module
    assert 'mode="html"' in module
    assert '"targets": [{}' not in module  # the keys the build adds to each query need no extra


def test_the_typed_panels_build_back_to_their_datasources_queries_and_options(tmp_path: Path) -> None:
    panels = _imported(tmp_path)[2]["panels"]
    for wanted, got in zip(BOARD["panels"], panels, strict=True):
        assert (got["type"], got.get("title", "")) == (wanted["type"], wanted.get("title", ""))
        assert got.get("datasource") == wanted.get("datasource")
        assert [(t["datasource"], t["expr"], t["refId"]) for t in got.get("targets") or []] == [
            (t["datasource"], t["expr"], t["refId"]) for t in wanted.get("targets") or []
        ]
        for key, value in (wanted.get("options") or {}).items():
            assert got["options"][key] == value, (wanted.get("title"), key)
    assert panels[3]["transparent"] is True
    assert [t.get("format") for t in panels[1]["targets"]] == ["time_series", None]


@needs_schemas
def test_the_imported_loki_and_mixed_panels_pass_the_schema_check(tmp_path: Path) -> None:
    assert dashboard_errors(_imported(tmp_path)[2]) == []


OPTIONS_BOARD = {
    "uid": "shares",
    "title": "Shares",
    "schemaVersion": 39,
    "panels": [
        _panel(
            "piechart",
            "Share",
            0,
            targets=[{"refId": "A", "expr": "sum by (job) (up)"}],
            options={
                "pieType": "donut",
                "displayLabels": ["percent"],
                "legend": {
                    "placement": "top",
                    "values": ["value"],
                    "displayMode": "table",
                    "showLegend": True,
                },
            },
        ),
        _panel(
            "histogram",
            "Sizes",
            6,
            targets=[{"refId": "A", "expr": "process_resident_memory_bytes"}],
            options={"bucketSize": 1000000, "combine": True},
        ),
    ],
}


def test_options_a_helper_types_become_its_arguments_and_a_value_it_would_refuse_stays_extra(
    tmp_path: Path,
) -> None:
    _, module, board = _imported(tmp_path, OPTIONS_BOARD)
    assert "raw_panel(" not in module
    for argument in (
        'pie_type="donut"',
        'labels=["percent"]',
        'legend_values=["value"]',
        "bucket_size=1000000",
        "combine=True",
    ):
        assert argument in module
    assert "legend_placement=" not in module and '"placement": "top"' in module  # the helper has bottom/right
    for wanted, got in zip(OPTIONS_BOARD["panels"], board["panels"], strict=True):
        assert _said(wanted["options"], got["options"]) == wanted["options"]


def _said(wanted: dict, got: dict) -> dict:
    """``got`` cut down to the keys ``wanted`` has (Grafana's defaults for the rest left out)."""
    return {k: _said(v, got[k]) if isinstance(v, dict) else got.get(k) for k, v in wanted.items()}


LISTS_BOARD = {
    "uid": "lists",
    "title": "Lists",
    "schemaVersion": 39,
    "panels": [
        {
            "type": "status-history",
            "title": "Current role",
            "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
            "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "targets": [{"refId": "A", "expr": "kafka_controller_active", "legendFormat": "{{instance}}"}],
            "options": {"showValue": "never", "colWidth": 0.7},
            "fieldConfig": {"defaults": {"unit": "short"}, "overrides": []},
        },
        {
            "type": "dashlist",
            "title": "Detailed view",
            "gridPos": {"x": 12, "y": 0, "w": 6, "h": 3},
            "options": {"query": "Siddhi", "showSearch": True, "showStarred": False, "showHeadings": False},
        },
    ],
}


def test_status_history_and_dashboard_list_panels_import_typed(tmp_path: Path) -> None:
    output, module, board = _imported(tmp_path, LISTS_BOARD)
    assert "raw_panel(" not in module and "carried raw" not in output
    assert 'show_value="never"' in module and "column_width=0.7" in module
    assert 'query="Siddhi"' in module and "search=True" in module and "starred=False" in module
    assert '"options"' not in module  # every option is a typed argument
    for wanted, got in zip(LISTS_BOARD["panels"], board["panels"], strict=True):
        assert _said(wanted["options"], got["options"]) == wanted["options"]
    assert board["panels"][0]["targets"][0]["expr"] == "kafka_controller_active"


def test_a_loki_data_source_variable_named_datasource_stays_loki(tmp_path: Path) -> None:
    """With no Prometheus data source variable, ``$datasource`` used to be taken for Prometheus: here it is
    the Loki variable, so its bare references are written as the Loki references they are, and the panel
    is typed on Loki (nginx-logs in the corpus has exactly this shape)."""
    board = {
        "uid": "nginx_logs",
        "title": "NGINX logs",
        "schemaVersion": 39,
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "loki"}]},
        "panels": [
            _panel(
                "stat",
                "Requests",
                0,
                datasource={"uid": "$datasource"},
                targets=[{"refId": "A", "datasource": "$datasource", "expr": LOGQL}],
            )
        ],
    }
    output, module, built = _imported(tmp_path, board)
    assert "raw_panel(" not in module and 'datasource=Datasource("loki", "$datasource")' in module
    assert "references to data source variable $datasource are written as {type: loki" in output
    [panel] = built["panels"]
    assert panel["datasource"] == {"type": "loki", "uid": "$datasource"}
    assert panel["targets"][0]["datasource"] == {"type": "loki", "uid": "$datasource"}
    assert "prometheus" not in json.dumps(panel)
