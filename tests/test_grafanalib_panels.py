"""Every grafanalib panel class, used in a dashboard module through ``dashboard(...)``, builds into current,
schema-valid JSON that keeps what grafanalib meant (title, queries, unit, the class's key options)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import grafanalib.core as g
import pytest

from tests.grafana_schemas import dashboard_errors, needs_schemas, options_errors
from tests.sample_project import make_project
from toolkit.errors import DefinitionError
from toolkit.sources.code import load_project

Q = "g.Target(expr='sum(rate(http_requests_total[$__rate_interval]))', legendFormat='{{job}}', refId='A')"

# class name -> (constructor source, the type it must build into)
PANELS: dict[str, tuple[str, str]] = {
    "Graph": (
        f"g.Graph(title='Graph', targets=[{Q}], yAxes=g.YAxes(left=g.YAxis(format='s')), stack=True,"
        " legend=g.Legend(max=True, alignAsTable=True, rightSide=True))",
        "timeseries",
    ),
    "TimeSeries": (
        f"g.TimeSeries(title='TimeSeries', targets=[{Q}], unit='reqps', legendDisplayMode='table',"
        " stacking={'mode': 'normal', 'group': 'A'})",
        "timeseries",
    ),
    "Stat": (
        f"g.Stat(title='Stat', targets=[{Q}], format='percentunit', reduceCalc='mean', graphMode='none',"
        " colorMode='background', thresholdType='percentage')",
        "stat",
    ),
    "SingleStat": (
        f"g.SingleStat(title='SingleStat', targets=[{Q}], format='bytes', thresholds='10,20',"
        " colors=['green', 'orange', 'red'])",
        "stat",
    ),
    "GaugePanel": (
        f"g.GaugePanel(title='GaugePanel', targets=[{Q}], format='percent', calc='max', min=0, max=100,"
        " label='Load', valueMaps=[g.ValueMap(text='down', value='0')])",
        "gauge",
    ),
    "BarGauge": (
        f"g.BarGauge(title='BarGauge', targets=[{Q}], format='ms', calc='mean', displayMode='basic',"
        " orientation='vertical')",
        "bargauge",
    ),
    "Table": (
        f"g.Table(title='Table', targets=[{Q}], unit='s', displayMode='color-background', filterable=True,"
        " sortBy=[g.TableSortByField(displayName='Value', desc=True)])",
        "table",
    ),
    "Text": ("g.Text(title='Text', content='<b>Read me</b>', mode='html')", "text"),
    "Heatmap": (
        f"g.Heatmap(title='Heatmap', targets=[{Q}], dataFormat='tsbuckets',"
        " color=g.HeatmapColor(colorScheme='interpolateBlues'), yAxis=g.YAxis(format='s'),"
        " legend={'show': True})",
        "heatmap",
    ),
    "Logs": (
        f"g.Logs(title='Logs', targets=[{Q}], showTime=True, wrapLogMessages=True, sortOrder='Ascending')",
        "logs",
    ),
    "PieChart": (
        f"g.PieChart(title='PieChart', targets=[{Q}], pieType='donut', format='short',"
        " legendType='Right side', showLegendValues=True, aliasColors={'api': 'red'})",
        "piechart",
    ),
    "PieChartv2": (
        f"g.PieChartv2(title='PieChartv2', targets=[{Q}], unit='bytes', pieType='donut',"
        " reduceOptionsCalcs=['sum'], legendDisplayMode='table', legendPlacement='right')",
        "piechart",
    ),
    "Histogram": (
        f"g.Histogram(title='Histogram', targets=[{Q}], bucketOffset=1, bucketSize=5, combine=True)",
        "histogram",
    ),
    "News": ("g.News(title='News', feedUrl='https://grafana.com/blog/news.xml', showImage=False)", "news"),
    "Discrete": (
        f"g.Discrete(title='Discrete', targets=[{Q}], units='short', showLegend=False,"
        " valueMaps=[g.ValueMap(text='up', value='1')], colorMaps=[g.DiscreteColorMappingItem('up', 'green')],"
        " rangeMaps=[g.RangeMap(start=2, end=5, text='busy')])",
        "state-timeline",
    ),
    "StateTimeline": (
        f"g.StateTimeline(title='StateTimeline', targets=[{Q}], mergeValues=False, rowHeight=0.5,"
        " showValue='always')",
        "state-timeline",
    ),
    "Worldmap": (
        f"g.Worldmap(title='Worldmap', targets=[{Q}], circleMaxSize=40, circleMinSize=3, initialZoom=3,"
        " mouseWheelZoom=True, thresholdColors=['green', 'orange', 'red'], decimals=1)",
        "geomap",
    ),
    "Svg": ("g.Svg(title='Svg', targets=[" + Q + "], format='short')", "marcuscalidus-svg-panel"),
    "Ae3ePlotly": (
        f"g.Ae3ePlotly(title='Ae3ePlotly', targets=[{Q}], script='return {{data: []}};')",
        "ae3e-plotly-panel",
    ),
    "BarChart": (
        f"g.BarChart(title='BarChart', targets=[{Q}], orientation='horizontal', stacking='normal',"
        " showValue='never', xTickLabelRotation=45)",
        "barchart",
    ),
    "Statusmap": (
        f"g.Statusmap(title='Statusmap', targets=[{Q}], nullPointMode='null')",
        "flant-statusmap-panel",
    ),
    "DashboardList": (
        "g.DashboardList(title='DashboardList', showHeadings=False, maxItems=5, searchQuery='api',"
        " searchTags=['prod'], showSearch=True)",
        "dashlist",
    ),
    "AlertList": (
        "g.AlertList(title='AlertList', limit=5, onlyAlertsOnDashboard=False, stateFilter=['alerting', 'pending'],"
        " gridPos=g.GridPos(h=8, w=12, x=0, y=0))",
        "alertlist",
    ),
    "ePict": (
        "g.ePict(title='ePict', targets=[" + Q + "], bgURL='https://example.org/plan.png', autoScale=False)",
        "larona-epict-panel",
    ),
}


def grafanalib_panel_classes() -> set[str]:
    """Every class of the installed grafanalib that builds a panel (the row header aside)."""
    found = {
        name
        for name, cls in inspect.getmembers(g, inspect.isclass)
        if issubclass(cls, g.Panel) and cls not in (g.Panel, g.RowPanel)
    }
    return found | {"AlertList"}  # a panel that grafanalib does not derive from Panel


def module(panels: dict[str, tuple[str, str]]) -> str:
    items = ",\n            ".join(source for source, _ in panels.values())
    return f"""
import grafanalib.core as g

from toolkit.panels import dashboard


def build(settings):
    return dashboard(
        settings,
        uid="grafanalib",
        title="grafanalib classes",
        description="Every grafanalib panel class.",
        lint_ignore={{"panel/units": "some classes carry no unit", "panel/description": "not under test"}},
        rows=[
            {items},
        ],
    )
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = make_project(tmp_path_factory.mktemp("grafanalib"), {"grafanalib": module(PANELS)})
    entry = load_project(root).bundle.dashboard("grafanalib")
    assert entry is not None
    panels = [p for p in entry.data["panels"] if p["type"] != "row"]
    return {"board": entry.data, **{p["title"]: p for p in panels}}


def test_the_table_covers_every_installed_grafanalib_panel_class() -> None:
    assert set(PANELS) == grafanalib_panel_classes()


@needs_schemas
def test_the_whole_dashboard_passes_the_official_schema(built: dict[str, dict[str, Any]]) -> None:
    assert dashboard_errors(built["board"]) == []


@needs_schemas
@pytest.mark.parametrize("name", sorted(PANELS))
def test_each_class_builds_into_its_current_type_with_valid_options(
    built: dict[str, dict[str, Any]], name: str
) -> None:
    panel = built[name]
    assert panel["type"] == PANELS[name][1]
    assert options_errors(panel) == []
    if panel["type"] not in ("text", "news", "dashlist", "alertlist"):
        assert [t["expr"] for t in panel["targets"]] == ["sum(rate(http_requests_total[$__rate_interval]))"]
        assert panel["targets"][0]["legendFormat"] == "{{job}}"
    else:
        assert "targets" not in panel


def _unit(panel: dict[str, Any]) -> str:
    return panel["fieldConfig"]["defaults"].get("unit", "")


def _steps(panel: dict[str, Any]) -> list:
    return [(s["color"], s["value"]) for s in panel["fieldConfig"]["defaults"]["thresholds"]["steps"]]


MEANINGS = {
    "Graph": lambda p: (
        _unit(p) == "s"
        and "yaxes" not in p
        and p["fieldConfig"]["defaults"]["color"] == {"mode": "palette-classic"}
        and p["fieldConfig"]["defaults"]["custom"]["stacking"]["mode"] == "normal"
        and p["options"]["legend"]
        == {"calcs": ["max"], "displayMode": "table", "placement": "right", "showLegend": True}
        and p["options"]["tooltip"]["mode"] == "multi"
    ),
    "TimeSeries": lambda p: (
        _unit(p) == "reqps"
        and p["options"]["legend"]["displayMode"] == "table"
        and p["fieldConfig"]["defaults"]["custom"]["stacking"]["mode"] == "normal"
    ),
    "Stat": lambda p: (
        _unit(p) == "percentunit"
        and p["options"]["reduceOptions"]["calcs"] == ["mean"]
        and (p["options"]["graphMode"], p["options"]["colorMode"]) == ("none", "background")
        and p["fieldConfig"]["defaults"]["thresholds"]["mode"] == "percentage"
    ),
    "SingleStat": lambda p: (
        _unit(p) == "bytes" and _steps(p) == [("green", None), ("orange", 10), ("red", 20)]
    ),
    "GaugePanel": lambda p: (
        _unit(p) == "percent"
        and p["options"]["reduceOptions"]["calcs"] == ["max"]
        and (p["fieldConfig"]["defaults"]["min"], p["fieldConfig"]["defaults"]["max"]) == (0, 100)
        and p["fieldConfig"]["defaults"]["displayName"] == "Load"
        and p["fieldConfig"]["defaults"]["mappings"]
        == [{"type": "value", "options": {"0": {"text": "down"}}}]
    ),
    "BarGauge": lambda p: (
        _unit(p) == "ms"
        and p["options"]["reduceOptions"]["calcs"] == ["mean"]
        and (p["options"]["displayMode"], p["options"]["orientation"]) == ("basic", "vertical")
    ),
    "Table": lambda p: (
        _unit(p) == "s"
        and p["fieldConfig"]["defaults"]["custom"]["cellOptions"]
        == {
            "type": "color-background",
            "mode": "gradient",
            "applyToRow": False,
        }
        and p["fieldConfig"]["defaults"]["custom"]["filterable"] is True
        and p["options"]["sortBy"] == [{"displayName": "Value", "desc": True}]
    ),
    "Text": lambda p: (p["options"]["content"], p["options"]["mode"]) == ("<b>Read me</b>", "html"),
    "Heatmap": lambda p: (
        p["options"]["calculate"] is False
        and p["options"]["color"]["scheme"] == "Blues"
        and p["options"]["yAxis"]["unit"] == "s"
        and p["options"]["legend"] == {"show": True}
    ),
    "Logs": lambda p: (
        (p["options"]["showTime"], p["options"]["wrapLogMessage"], p["options"]["sortOrder"])
        == (True, True, "Ascending")
    ),
    "PieChart": lambda p: (
        p["options"]["pieType"] == "donut"
        and _unit(p) == "short"
        and p["options"]["legend"]["placement"] == "right"
        and p["options"]["legend"]["values"] == ["value"]
        and p["fieldConfig"]["overrides"][0]["matcher"] == {"id": "byName", "options": "api"}
    ),
    "PieChartv2": lambda p: (
        _unit(p) == "bytes"
        and p["options"]["pieType"] == "donut"
        and p["options"]["reduceOptions"]["calcs"] == ["sum"]
        and (p["options"]["legend"]["displayMode"], p["options"]["legend"]["placement"]) == ("table", "right")
    ),
    "Histogram": lambda p: (
        (p["options"]["bucketOffset"], p["options"]["bucketSize"], p["options"]["combine"]) == (1, 5, True)
    ),
    "News": lambda p: p["options"] == {"feedUrl": "https://grafana.com/blog/news.xml", "showImage": False},
    "Discrete": lambda p: (
        _unit(p) == "short"
        and p["options"]["legend"]["showLegend"] is False
        and p["fieldConfig"]["defaults"]["mappings"]
        == [
            {"type": "value", "options": {"1": {"text": "up", "color": "green"}}},
            {"type": "range", "options": {"from": 2.0, "to": 5.0, "result": {"text": "busy"}}},
        ]
    ),
    "StateTimeline": lambda p: (
        (p["options"]["mergeValues"], p["options"]["rowHeight"], p["options"]["showValue"])
        == (False, 0.5, "always")
    ),
    "Worldmap": lambda p: (
        p["options"]["view"]["zoom"] == 3
        and p["options"]["controls"]["mouseWheelZoom"] is True
        and p["options"]["layers"][0]["config"]["style"]["size"]["max"] == 40
        and p["options"]["layers"][0]["config"]["style"]["size"]["min"] == 3
        and p["fieldConfig"]["defaults"]["decimals"] == 1
        and p["options"]["layers"][0]["location"]
        == {"mode": "lookup", "gazetteer": "public/gazetteer/countries.json", "lookup": "Field"}
        and p["transformations"]
        == [{"id": "reduce", "options": {"mode": "seriesToRows", "reducers": ["sum"]}}]
        and p["options"]["layers"][0]["config"]["style"]["size"]["field"] == "Total"
    ),
    "Svg": lambda p: p["options"]["format"] == "short",
    "Ae3ePlotly": lambda p: p["options"]["script"] == "return {data: []};",
    "BarChart": lambda p: (
        (p["options"]["orientation"], p["options"]["stacking"], p["options"]["showValue"])
        == ("horizontal", "normal", "never")
        and p["options"]["xTickLabelRotation"] == 45
    ),
    "Statusmap": lambda p: p["options"]["nullPointMode"] == "null",
    "DashboardList": lambda p: (
        (
            p["options"]["showHeadings"],
            p["options"]["maxItems"],
            p["options"]["query"],
            p["options"]["tags"],
            p["options"]["showSearch"],
        )
        == (False, 5, "api", ["prod"], True)
    ),
    "AlertList": lambda p: (
        p["options"]["maxItems"] == 5
        and p["options"]["dashboardAlerts"] is False
        and p["options"]["stateFilter"]
        == {"firing": True, "pending": True, "normal": False, "noData": False, "error": False}
    ),
    "ePict": lambda p: (
        (p["options"]["bgURL"], p["options"]["autoScale"]) == ("https://example.org/plan.png", False)
    ),
}


@pytest.mark.parametrize("name", sorted(PANELS))
def test_each_class_keeps_its_meaning(built: dict[str, dict[str, Any]], name: str) -> None:
    panel = built[name]
    assert panel["title"] == name
    assert MEANINGS[name](panel), json.dumps(panel, indent=1, sort_keys=True)


def _load_with(tmp_path: Path, source: str) -> None:
    panels = {"X": (source, "")}
    load_project(make_project(tmp_path, {"grafanalib": module(panels)}))


def test_a_panel_without_grid_position_takes_its_span_or_the_default_size(tmp_path: Path) -> None:
    panels = {"A": ("g.Stat(title='A', format='short', span=4)", ""), "B": ("g.Stat(title='B')", "")}
    entry = load_project(make_project(tmp_path, {"grafanalib": module(panels)})).bundle.dashboard(
        "grafanalib"
    )
    assert entry is not None
    assert [p["gridPos"] for p in entry.data["panels"]] == [
        {"h": 8, "w": 8, "x": 0, "y": 0},
        {"h": 8, "w": 12, "x": 8, "y": 0},
    ]


def test_what_current_grafana_cannot_carry_is_refused_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"News\(useProxy=True\): current Grafana has no feed proxy"):
        _load_with(tmp_path, "g.News(title='N', feedUrl='https://x/feed', useProxy=True)")


def test_an_old_table_column_list_is_refused_with_the_transformation_to_use(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match=r"Table\(columns=...\).*'organize' transformation"):
        _load_with(tmp_path, "g.Table(title='T', columns=[g.Column('Max', 'max')])")


def test_grafanalib_rows_group_the_panels_that_follow_them(tmp_path: Path) -> None:
    panels = {
        "R": ("g.RowPanel(title='R')", ""),
        "A": ("g.Stat(title='A', format='short', gridPos=g.GridPos(h=4, w=6, x=0, y=0))", ""),
        "C": ("g.RowPanel(title='C', collapsed=True, panels=[g.Stat(title='B', format='short')])", ""),
    }
    entry = load_project(make_project(tmp_path, {"grafanalib": module(panels)})).bundle.dashboard(
        "grafanalib"
    )
    assert entry is not None
    shape = [(p["type"], p["title"], [c["title"] for c in p.get("panels", [])]) for p in entry.data["panels"]]
    assert shape == [("row", "R", []), ("stat", "A", []), ("row", "C", ["B"])]


def test_a_setting_changed_from_grafanalibs_default_that_grafana_cannot_hold_is_refused(
    tmp_path: Path,
) -> None:
    message = r"Heatmap panel 'H': highlightCards=False has no counterpart in current Grafana's heatmap panel"
    with pytest.raises(DefinitionError, match=message):
        _load_with(tmp_path, "g.Heatmap(title='H', highlightCards=False)")


def test_an_old_heatmap_that_buckets_values_keeps_its_bucket_sizes(tmp_path: Path) -> None:
    panels = {"H": ("g.Heatmap(title='H', dataFormat='timeseries', yBucketSize=0.5, xBucketNumber=30)", "")}
    entry = load_project(make_project(tmp_path, {"grafanalib": module(panels)})).bundle.dashboard(
        "grafanalib"
    )
    assert entry is not None
    options = entry.data["panels"][0]["options"]
    assert options["calculate"] is True
    assert options["calculation"] == {
        "xBuckets": {"mode": "count", "value": "30"},
        "yBuckets": {"mode": "size", "value": "0.5"},
    }


def test_an_old_grafanalib_row_holds_its_panels_sized_by_span(tmp_path: Path) -> None:
    panels = {
        "R": (
            "g.Row(title='Old', panels=[g.Stat(title='A', format='short'), g.Stat(title='B', height='380px')])",
            "",
        )
    }
    entry = load_project(make_project(tmp_path, {"grafanalib": module(panels)})).bundle.dashboard(
        "grafanalib"
    )
    assert entry is not None
    shape = [
        (p["title"], p["gridPos"]["x"], p["gridPos"]["w"], p["gridPos"]["h"]) for p in entry.data["panels"]
    ]
    assert shape == [("Old", 0, 24, 1), ("A", 0, 12, 7), ("B", 12, 12, 10)]  # 250 px: 7 rows; 380 px: 10


def test_a_wrong_type_inside_a_grafanalib_row_is_found_too(tmp_path: Path) -> None:
    with pytest.raises(
        DefinitionError, match=r"row 'Old', panel 1 \(Stat 'A'\): format must be a string, got int 1"
    ):
        _load_with(tmp_path, "g.Row(title='Old', panels=[g.Stat(title='A', format=1)])")


def test_a_legacy_setting_the_migration_drops_is_refused_when_changed(tmp_path: Path) -> None:
    message = (
        r"SingleStat panel 'S': prefix='\$' has no counterpart in current Grafana's stat panel; remove it"
    )
    with pytest.raises(DefinitionError, match=message):
        _load_with(tmp_path, "g.SingleStat(title='S', prefix='$')")
