"""Panel helpers: grid layout, typed datasource, units, thresholds, and the source line of each panel."""

from __future__ import annotations

import pytest

from tests.sample_project import REPO
from toolkit.errors import DefinitionError
from toolkit.panels import (
    Query,
    bar_gauge,
    dashboard,
    gauge,
    row,
    stat,
    table,
    thresholds,
    timeseries,
    warn_crit,
)
from toolkit.settings import load_settings
from toolkit.sources.grafanalib import grafanalib_json, modernize

SETTINGS = load_settings(REPO)


def build(*rows):
    definition = dashboard(SETTINGS, uid="t", title="T", description="d", rows=list(rows))
    return modernize(grafanalib_json(definition.dashboard))


def _panel(title: str, width: int = 12, height: int = 8):
    return timeseries(title, "up", unit="short", description="d", width=width, height=height)


def test_panels_flow_left_to_right_and_wrap_on_the_24_column_grid() -> None:
    board, _ = build(row("R", _panel("a", 12), _panel("b", 8), _panel("c", 8, 4), _panel("d", 24, 6)))
    positions = {p["title"]: p["gridPos"] for p in board["panels"]}
    assert positions == {
        "R": {"h": 1, "w": 24, "x": 0, "y": 0},
        "a": {"h": 8, "w": 12, "x": 0, "y": 1},
        "b": {"h": 8, "w": 8, "x": 12, "y": 1},
        "c": {"h": 4, "w": 8, "x": 0, "y": 9},
        "d": {"h": 6, "w": 24, "x": 0, "y": 13},
    }
    assert [p["id"] for p in board["panels"]] == [1, 2, 3, 4, 5]


def test_a_collapsed_row_keeps_its_panels_inside() -> None:
    board, _ = build(
        row("Open", _panel("a")), row("Closed", _panel("b"), collapsed=True), row("Next", _panel("c"))
    )
    titles = [(p["title"], p["gridPos"]["y"]) for p in board["panels"]]
    assert titles == [("Open", 0), ("a", 1), ("Closed", 9), ("Next", 10), ("c", 11)]
    closed = board["panels"][2]
    assert closed["collapsed"] is True
    assert [(p["title"], p["gridPos"]["y"]) for p in closed["panels"]] == [("b", 10)]


def test_every_helper_sets_unit_datasource_and_plugin_options() -> None:
    panels = [
        timeseries("ts", Query("rate(x_total[$__rate_interval])", "{{job}}"), unit="reqps", description="d"),
        stat("st", "up", unit="percentunit", description="d", thresholds=warn_crit(0.5, 0.9)),
        gauge("g", "up", unit="percentunit", description="d", max=1),
        bar_gauge("bg", "up", unit="currencyUSD", description="d"),
        table("tb", "up", unit="short", description="d"),
    ]
    board, _ = build(row("R", *panels))
    by_type = {p["type"]: p for p in board["panels"][1:]}
    assert sorted(by_type) == ["bargauge", "gauge", "stat", "table", "timeseries"]
    assert {t: p["fieldConfig"]["defaults"]["unit"] for t, p in by_type.items()} == {
        "timeseries": "reqps",
        "stat": "percentunit",
        "gauge": "percentunit",
        "bargauge": "currencyUSD",
        "table": "short",
    }
    for panel in by_type.values():
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
        assert all(t["datasource"] == panel["datasource"] for t in panel["targets"])
    assert by_type["stat"]["fieldConfig"]["defaults"]["thresholds"]["steps"] == [
        {"color": "green", "value": None},
        {"color": "orange", "value": 0.5},
        {"color": "red", "value": 0.9},
    ]
    assert by_type["gauge"]["fieldConfig"]["defaults"]["max"] == 1
    assert by_type["table"]["targets"][0]["instant"] is True
    assert by_type["timeseries"]["targets"][0] == {
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "editorMode": "code",
        "expr": "rate(x_total[$__rate_interval])",
        "format": "time_series",
        "instant": False,
        "legendFormat": "{{job}}",
        "range": True,
        "refId": "A",
    }


def test_each_panel_remembers_the_line_that_made_it() -> None:
    _, sources = build(
        row(
            "R",
            stat("a", "up", unit="short", description="d"),
        )
    )
    (row_file, row_line), (panel_file, panel_line) = (sources[i].rsplit(":", 1) for i in (1, 2))
    assert row_file.endswith("tests/test_panels.py") and panel_file == row_file
    assert int(panel_line) == int(row_line) + 2, "the panel is two lines below its row"


def test_thresholds_must_rise() -> None:
    with pytest.raises(DefinitionError, match=r"threshold steps must rise: got \[0.9, 0.5\]"):
        thresholds(("red", 0.9), ("orange", 0.5))


def test_width_outside_the_grid_is_rejected() -> None:
    with pytest.raises(DefinitionError, match=r"panel 'wide': width must be within 1..24, got 30"):
        timeseries("wide", "up", unit="short", description="d", width=30)


def test_a_number_below_its_only_bound_says_at_least() -> None:
    from toolkit.panels import dashboard_list

    with pytest.raises(DefinitionError, match=r"panel 'D': max_items must be at least 0, got -1$"):
        dashboard_list("D", max_items=-1)
    with pytest.raises(DefinitionError, match=r"panel 'T': height must be at least 1, got 0$"):
        timeseries("T", "up", unit="s", description="d", height=0)
