"""The one dashboard normalizer: each migration rule gives what Grafana gives (the Grafana source file each
test follows is named beside it), the corpus normalizes, built dashboards are fixed points, and lint sees a
legacy dashboard as it sees its migrated form."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from toolkit.bundle.dashboards import MARKER_TAG, SCHEMA_VERSION, normalize_dashboard
from toolkit.bundle.migrate import BUILT_IN_ANNOTATION
from toolkit.lint.engine import lint_bundle
from toolkit.sources.files import load_paths, parse_dashboard

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "mixins"
TOOLS = ROOT.parent / "shared" / "tools"
CORPUS_DASHBOARDS = sorted(CORPUS.glob("*/dashboards/*.json")) if CORPUS.is_dir() else []
LEGACY_TYPES = {"graph", "singlestat", "table-old", "grafana-singlestat-panel", "text2"}
needs_corpus = pytest.mark.skipif(
    not CORPUS_DASHBOARDS, reason="../shared/corpus is absent: no real dashboards"
)


def normalized(board: dict) -> dict:
    return normalize_dashboard(board).data


def panel(board: dict, title: str) -> dict:
    found = [p for top in board["panels"] for p in [top, *top.get("panels", [])] if p.get("title") == title]
    assert len(found) == 1, title
    return found[0]


def old(*panels: dict, version: int = 14, **row) -> dict:
    """An old dashboard: one row of ``panels``."""
    return {"uid": "old", "title": "Old", "schemaVersion": version, "rows": [{"panels": list(panels), **row}]}


# --- layout: DashboardMigrator.ts upgradeToGridLayout, getGridHeight, RowArea ---------------------------


def test_rows_are_placed_on_the_grid_exactly_as_upgrade_to_grid_layout_does() -> None:
    board = {
        "schemaVersion": 14,
        "rows": [
            {
                "title": "A",
                "showTitle": True,
                "height": "250px",
                "panels": [
                    {"id": 1, "title": "a1", "type": "text", "span": 4},
                    {"id": 2, "title": "a2", "type": "text", "span": 8, "height": "100px"},
                    {"id": 3, "title": "a3", "type": "text", "span": 6},
                    {"id": 4, "title": "a4", "type": "text"},
                ],
            },
            {
                "title": "B",
                "collapse": True,
                "height": 300,
                "panels": [{"id": 5, "title": "b1", "type": "text", "span": 12}],
            },
            {"title": "C", "height": "50px", "panels": [{"id": 6, "title": "c1", "type": "text", "span": 3}]},
        ],
    }
    result = normalized(board)
    places = {p["title"]: p["gridPos"] for top in result["panels"] for p in [top, *top.get("panels", [])]}
    # 250px is ceil(250 / 38) = 7 rows; a 100px panel ceil(100 / 38) = 3; spans double onto 24 columns.
    assert places["A"] == {"x": 0, "y": 0, "w": 24, "h": 1}
    assert places["a1"] == {"x": 0, "y": 1, "w": 8, "h": 7}
    assert places["a2"] == {"x": 8, "y": 1, "w": 16, "h": 3}
    # a3 does not fit beside a1 and a2 (only rows 4-7 under a2 are free, 16 columns): RowArea finds them
    assert places["a3"] == {"x": 8, "y": 4, "w": 12, "h": 7}
    # a4 (default span 4) fits in no free run of the row: it wraps to a new line of the row's height
    assert places["a4"] == {"x": 0, "y": 8, "w": 8, "h": 7}
    # the collapsed row holds its panels and takes no height; 300px is 8 rows
    assert places["B"] == {"x": 0, "y": 15, "w": 24, "h": 1}
    assert places["b1"] == {"x": 0, "y": 16, "w": 24, "h": 8}
    # under 90px a height counts as 90px: 3 rows
    assert places["C"] == {"x": 0, "y": 16, "w": 24, "h": 1}
    assert places["c1"] == {"x": 0, "y": 17, "w": 6, "h": 3}
    top = [p["title"] for p in result["panels"]]
    assert top == ["A", "a1", "a2", "a3", "a4", "B", "C", "c1"]
    rows = {p["title"]: p for p in result["panels"] if p["type"] == "row"}
    assert rows["B"]["collapsed"] is True and [p["title"] for p in rows["B"]["panels"]] == ["b1"]
    assert [rows[t]["id"] for t in "ABC"] == [7, 8, 9]  # after the highest panel id, in row order


def grafana_row(panels: list[list[int]], height: int, **settings) -> dict:
    """Grafana's test helper ``createRow``: panels as [span] or [span, height], heights in grid units
    (38 px each)."""
    made = [{"span": p[0], **({"height": p[1] * 38} if len(p) > 1 else {})} for p in panels]
    return {"height": height * 38, "panels": made, **settings}


ROW = "row"  # Grafana's tests expect a row panel as high as its old row; saved, a row is 1 high (see grid.py)


# The cases of DashboardMigrator.test.ts "when migrating to the grid layout", with Grafana's expected grids.
@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [grafana_row([[6], [6, 3], [6, 3]], 6), grafana_row([[4], [4], [4, 3], [4, 3]], 6)],
            [
                (0, 0, 12, 6),
                (12, 0, 12, 3),
                (12, 3, 12, 3),
                (0, 6, 8, 6),
                (8, 6, 8, 6),
                (16, 6, 8, 3),
                (16, 9, 8, 3),
            ],
        ),
        (
            [grafana_row([[4], [2, 3], [4, 6], [2, 3], [2, 3]], 6)],
            [(0, 0, 8, 6), (8, 0, 4, 3), (12, 0, 8, 6), (20, 0, 4, 3), (20, 3, 4, 3)],
        ),
        (
            [grafana_row([[4], [2, 3], [4, 6], [2, 3], [2, 3], [8, 3]], 9)],
            [(0, 0, 8, 9), (8, 0, 4, 3), (12, 0, 8, 6), (20, 0, 4, 3), (20, 3, 4, 3), (8, 6, 16, 3)],
        ),
        (
            [grafana_row([[4], [2, 3], [4, 6], [2, 3], [2, 3], [8, 3]], 8)],
            [(0, 0, 8, 8), (8, 0, 4, 3), (12, 0, 8, 6), (20, 0, 4, 3), (20, 3, 4, 3), (8, 6, 16, 3)],
        ),
        (
            [grafana_row([[4], [2, 3], [4, 8], [2, 3], [2, 3]], 6)],
            [(0, 0, 8, 6), (8, 0, 4, 3), (12, 0, 8, 8), (20, 0, 4, 3), (20, 3, 4, 3)],
        ),
        (
            [grafana_row([[6], [6], [12], [6], [3], [3]], 6)],
            [(0, 0, 12, 6), (12, 0, 12, 6), (0, 6, 24, 6), (0, 12, 12, 6), (12, 12, 6, 6), (18, 12, 6, 6)],
        ),
        (
            [
                grafana_row([[12]], 8, collapse=True),
                grafana_row([[12]], 8),
                grafana_row([[12], [6], [6]], 8),
                grafana_row([[12]], 8, collapse=True),
            ],
            [
                (0, 0, 24, ROW),
                (0, 1, 24, ROW),
                (0, 2, 24, 8),
                (0, 10, 24, ROW),
                (0, 11, 24, 8),
                (0, 19, 12, 8),
                (12, 19, 12, 8),
                (0, 27, 24, ROW),
            ],
        ),
        (
            [grafana_row([[6]], 8, showTitle=True, title="Row", repeat="server"), grafana_row([[12]], 8)],
            [(0, 0, 24, ROW), (0, 1, 12, 8), (0, 9, 24, ROW), (0, 10, 24, 8)],
        ),
    ],
)
def test_grafanas_own_grid_layout_cases(rows: list[dict], expected: list[tuple]) -> None:
    for number, panel in enumerate(p for row in rows for p in row["panels"]):
        panel.update(id=number + 1, type="text", title=f"p{number}")
    result = normalized({"schemaVersion": 15, "rows": rows})
    grid = [tuple(p["gridPos"][k] for k in "xywh") for p in result["panels"]]
    assert grid == [(x, y, w, 1 if h == ROW else h) for x, y, w, h in expected]


def test_rows_without_titles_collapse_or_repeat_become_plain_panels() -> None:
    board = {
        "schemaVersion": 14,
        "rows": [
            {"height": 200, "panels": [{"id": 1, "title": "x", "type": "text", "span": 12}]},
            {"height": 200, "panels": [{"id": 2, "title": "y", "type": "text", "span": 12}]},
        ],
    }
    result = normalized(board)
    assert [(p["title"], p["gridPos"]) for p in result["panels"]] == [
        ("x", {"x": 0, "y": 0, "w": 24, "h": 6}),
        ("y", {"x": 0, "y": 6, "w": 24, "h": 6}),
    ]


def test_repeated_rows_keep_the_repeat_and_drop_their_copies() -> None:
    board = {
        "schemaVersion": 14,
        "rows": [
            {
                "title": "$node",
                "repeat": "node",
                "panels": [{"id": 1, "title": "p", "type": "text", "minSpan": 4}],
            },
            {
                "title": "$node",
                "repeatIteration": 123,
                "panels": [{"id": 2, "title": "copy", "type": "text"}],
            },
        ],
    }
    normal = normalize_dashboard(board)
    titles = [p["title"] for p in normal.data["panels"]]
    assert titles == ["$node", "p"]
    assert normal.data["panels"][0]["repeat"] == "node"
    # minSpan 4 of 12 is 8 of 24: at most 3 per row (schemaVersion 17, the largest factor of 24 up to 24/8)
    assert normal.data["panels"][1]["maxPerRow"] == 3
    assert any(n.path == "rows/1" for n in normal.notes)


# --- graph -> timeseries: public/app/plugins/panel/timeseries/migrations.ts graphToTimeseriesOptions -----


def graph(**settings) -> dict:
    return {
        "id": 1,
        "type": "graph",
        "title": "g",
        "span": 12,
        "targets": [{"expr": "up", "refId": "A"}],
        **settings,
    }


def migrated_graph(**settings) -> dict:
    return panel(normalized(old(graph(**settings))), "g")


def test_graph_axes_become_unit_min_max_decimals_and_log_scale() -> None:
    p = migrated_graph(
        lines=True,
        linewidth=2,
        yaxes=[
            {
                "format": "bytes",
                "min": "0",
                "max": 100,
                "decimals": 2,
                "logBase": 10,
                "show": True,
                "label": "B",
            },
            {"format": "percent", "show": False},
        ],
    )
    assert p["type"] == "timeseries"
    defaults = p["fieldConfig"]["defaults"]
    assert (defaults["unit"], defaults["min"], defaults["max"], defaults["decimals"]) == ("bytes", 0, 100, 2)
    assert defaults["custom"]["scaleDistribution"] == {"type": "log", "log": 10}
    assert defaults["custom"]["axisLabel"] == "B" and defaults["custom"]["axisPlacement"] == "auto"
    assert defaults["custom"]["drawStyle"] == "line" and defaults["custom"]["lineWidth"] == 2
    assert "yaxes" not in p


def test_graph_draw_style_fill_points_stack_and_nulls() -> None:
    custom = migrated_graph(
        lines=True,
        fill=3,
        points=True,
        pointradius=2,
        stack=True,
        nullPointMode="connected",
        steppedLine=True,
    )["fieldConfig"]["defaults"]["custom"]
    assert custom["fillOpacity"] == 30  # fill 0-10 became opacity 0-100
    assert custom["showPoints"] == "always" and custom["pointSize"] == 6  # 2 + radius * 2
    assert custom["stacking"] == {"mode": "normal", "group": "A"}
    assert custom["spanNulls"] is True and custom["lineInterpolation"] == "stepAfter"
    bars = migrated_graph(bars=True, fill=1)["fieldConfig"]["defaults"]
    assert bars["custom"]["drawStyle"] == "bars" and bars["custom"]["fillOpacity"] == 100  # bars are solid
    # no lines and no bars: Grafana draws points; the migration writes nullPointMode as the field's null
    # mode, which the timeseries plugin removes as it loads (no such field config option)
    points = migrated_graph(nullPointMode="null as zero")["fieldConfig"]["defaults"]
    assert points["custom"]["drawStyle"] == "points" and points["custom"]["spanNulls"] is False
    assert "nullValueMode" not in points


def test_alias_colors_become_fixed_colour_overrides() -> None:
    overrides = migrated_graph(lines=True, aliasColors={"errors": "red", "ok": ""})["fieldConfig"][
        "overrides"
    ]
    assert overrides == [
        {
            "matcher": {"id": "byName", "options": "errors"},
            "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}}],
        }
    ]


def test_series_overrides_become_field_overrides() -> None:
    p = migrated_graph(
        lines=True,
        yaxes=[{"format": "short", "show": True}, {"format": "bytes", "show": True, "min": 0}],
        seriesOverrides=[
            {"alias": "/5xx/", "yaxis": 2, "stack": False, "fill": 0, "lines": False, "bars": True},
            {"alias": "p99", "points": True, "dashes": True, "dashLength": 4, "transform": "negative-Y"},
            {"alias": "hidden", "legend": False, "color": "#fff"},
            {"fill": 2},
        ],
    )
    overrides = p["fieldConfig"]["overrides"]
    assert [o["matcher"] for o in overrides] == [
        {"id": "byRegexp", "options": "/5xx/"},
        {"id": "byName", "options": "p99"},
        {"id": "byName", "options": "hidden"},
    ]
    assert overrides[0]["properties"] == [
        {"id": "unit", "value": "bytes"},  # the right axis: what differs from the left one
        {"id": "min", "value": 0},
        {"id": "custom.stacking", "value": {"mode": "none", "group": "A"}},
        {"id": "custom.fillOpacity", "value": 0},
        {"id": "custom.lineWidth", "value": 0},
        {"id": "custom.drawStyle", "value": "bars"},
        {"id": "custom.fillOpacity", "value": 100},
    ]
    assert overrides[1]["properties"] == [
        {"id": "custom.showPoints", "value": "always"},
        {"id": "custom.transform", "value": "negative-Y"},
        {"id": "custom.lineStyle", "value": {"fill": "dash", "dash": [4, 10]}},
    ]
    # Grafana ignores "legend: false" in an override; the normalizer says so
    assert overrides[2]["properties"] == [{"id": "color", "value": {"fixedColor": "#fff", "mode": "fixed"}}]
    notes = normalize_dashboard(
        old(graph(lines=True, seriesOverrides=[{"alias": "x", "legend": False}]))
    ).notes
    assert [n.path for n in notes] == ["rows/0/panels/0/seriesOverrides/0/legend"]


def test_legend_as_table_with_values_tooltip_and_hidden_zero_series() -> None:
    options = migrated_graph(
        lines=True,
        legend={
            "show": True,
            "alignAsTable": True,
            "rightSide": True,
            "values": True,
            "max": True,
            "avg": True,
            "current": True,
            "min": False,
            "sideWidth": 300,
            "hideZero": True,
        },
        tooltip={"shared": True, "sort": 2},
    )
    assert options["options"]["legend"] == {
        "displayMode": "table",
        "showLegend": True,
        "placement": "right",
        "calcs": ["max", "mean", "lastNotNull"],
        "width": 300,
    }
    assert options["options"]["tooltip"] == {"mode": "multi", "sort": "desc"}
    assert options["fieldConfig"]["overrides"][-1]["matcher"]["options"]["reducer"] == "allIsZero"
    hidden = migrated_graph(lines=True, legend={"show": False})["options"]["legend"]
    assert hidden["showLegend"] is False


def test_graph_thresholds_become_steps_with_a_transparent_base() -> None:
    p = migrated_graph(
        lines=True,
        thresholds=[
            {"value": 90, "op": "gt", "colorMode": "critical", "fill": True, "line": True},
            {"value": 70, "op": "gt", "colorMode": "warning", "line": True},
        ],
    )
    defaults = p["fieldConfig"]["defaults"]
    assert defaults["thresholds"] == {
        "mode": "absolute",
        "steps": [
            {"color": "transparent", "value": None},
            {"color": "orange", "value": 70},
            {"color": "red", "value": 90},
        ],
    }
    assert defaults["custom"]["thresholdsStyle"] == {"mode": "line+area"}


# The "legend" fixture of timeseries/migrations.test.ts and, below, Grafana's snapshot of its migration.
GRAFANA_LEGEND_FIXTURE = {
    "aliasColors": {"A-series": "red"},
    "dashLength": 10,
    "fieldConfig": {"defaults": {"custom": {}}, "overrides": []},
    "fill": 5,
    "gridPos": {"h": 9, "w": 12, "x": 0, "y": 0},
    "id": 2,
    "legend": {
        "avg": True,
        "current": True,
        "max": False,
        "min": False,
        "show": True,
        "total": True,
        "values": True,
        "alignAsTable": True,
    },
    "lines": True,
    "linewidth": 5,
    "maxDataPoints": 20,
    "nullPointMode": "null",
    "options": {"alertThreshold": True},
    "pluginVersion": "7.4.0-pre",
    "pointradius": 2,
    "renderer": "flot",
    "seriesOverrides": [],
    "spaceLength": 10,
    "steppedLine": True,
    "thresholds": [],
    "timeRegions": [],
    "title": "Panel Title",
    "tooltip": {"shared": True, "sort": 0, "value_type": "individual"},
    "type": "graph",
    "xaxis": {"buckets": None, "mode": "time", "name": None, "show": True, "values": []},
    "yaxes": [
        {
            "$$hashKey": f"object:{n}",
            "format": "short",
            "label": None,
            "logBase": 1,
            "max": None,
            "min": None,
            "show": True,
        }
        for n in (38, 39)
    ],
    "yaxis": {"align": False, "alignLevel": None},
    "bars": False,
    "dashes": False,
    "fillGradient": 0,
    "hiddenSeries": False,
    "percentage": False,
    "points": False,
    "stack": False,
    "timeFrom": None,
    "timeShift": None,
    "datasource": None,
}
A_SERIES_RED = {
    "matcher": {"id": "byName", "options": "A-series"},
    "properties": [{"id": "color", "value": {"fixedColor": "red", "mode": "fixed"}}],
}


def test_grafanas_own_graph_migration_snapshots() -> None:
    board = {"schemaVersion": 27, "panels": [GRAFANA_LEGEND_FIXTURE]}
    migrated = normalized(board)["panels"][0]
    custom = {
        "axisPlacement": "auto",
        "drawStyle": "line",
        "fillOpacity": 50,
        "lineInterpolation": "stepAfter",
        "lineWidth": 5,
        "showPoints": "never",
        "spanNulls": False,
    }
    # Grafana's snapshot of the migration step also holds nullValueMode "null": getPanelOptionsWithDefaults'
    # cleanProperties removes it when the timeseries plugin loads (not in its field config registry), noted
    assert migrated["fieldConfig"] == {
        "defaults": {"custom": custom, "unit": "short"},
        "overrides": [A_SERIES_RED],
    }
    notes = normalize_dashboard({"schemaVersion": 27, "panels": [GRAFANA_LEGEND_FIXTURE]}).notes
    assert any(n.path == "panels/0/fieldConfig/defaults/nullValueMode" for n in notes)
    assert migrated["options"] == {
        "legend": {
            "calcs": ["mean", "lastNotNull", "sum"],
            "displayMode": "table",
            "placement": "bottom",
            "showLegend": True,
        },
        "tooltip": {"mode": "multi", "sort": "none"},
    }
    groups = {
        **GRAFANA_LEGEND_FIXTURE,
        "stack": True,
        "seriesOverrides": [{"alias": "A-series", "stack": "A"}, {"alias": "B-series", "stack": "A"}],
    }
    stacked = normalized({"schemaVersion": 27, "panels": [groups]})["panels"][0]["fieldConfig"]
    assert stacked["defaults"]["custom"]["stacking"] == {"group": "A", "mode": "normal"}
    assert stacked["overrides"] == [
        A_SERIES_RED,
        *(
            {
                "matcher": {"id": "byName", "options": name},
                "properties": [{"id": "custom.stacking", "value": {"group": "A", "mode": "normal"}}],
            }
            for name in ("A-series", "B-series")
        ),
    ]


def test_what_the_timeseries_has_no_place_for_is_noted_not_dropped_silently() -> None:
    notes = normalize_dashboard(old(graph(lines=True, renderer="flot", percentage=False, bogus=1))).notes
    assert [(n.path, n.reason) for n in notes] == [
        ("rows/0/panels/0/bogus", "graph setting with no timeseries equivalent: Grafana drops it"),
        ("rows/0/panels/0/renderer", "graph setting with no timeseries equivalent: Grafana drops it"),
    ]


# --- singlestat -> stat/gauge: SingleStatBaseOptions.ts, StatMigrations.ts, GaugeMigrations.ts ----------


def singlestat(**settings) -> dict:
    return {"id": 1, "type": "singlestat", "title": "s", "span": 12, "targets": [{"expr": "up"}], **settings}


def migrated_singlestat(**settings) -> dict:
    return panel(normalized(old(singlestat(**settings))), "s")


def test_singlestat_thresholds_colors_unit_decimals_and_reducer() -> None:
    p = migrated_singlestat(
        format="percentunit",
        decimals=0,
        valueName="current",
        thresholds="0.5, 0.8",
        colors=["green", "orange", "red"],
        nullText="n/a",
        prefix="$",
        postfix="!",
    )
    assert p["type"] == "stat"
    assert p["fieldConfig"]["defaults"] == {
        "unit": "percentunit",
        "noValue": "n/a",
        "decimals": 0,
        "thresholds": {
            "mode": "absolute",
            "steps": [
                {"value": None, "color": "green"},
                {"value": 0.5, "color": "orange"},
                {"value": 0.8, "color": "red"},
            ],
        },
    }
    assert p["options"]["reduceOptions"] == {"calcs": ["lastNotNull"]}
    assert (p["options"]["graphMode"], p["options"]["colorMode"]) == ("none", "none")
    notes = {n.path for n in normalize_dashboard(old(singlestat(prefix="$", postfix="!"))).notes}
    assert notes == {"rows/0/panels/0/prefix", "rows/0/panels/0/postfix"}
    # an unknown valueName falls back to the mean; "name" shows the series name
    assert migrated_singlestat(valueName="name")["options"]["reduceOptions"] == {"calcs": ["mean"]}
    assert migrated_singlestat(valueName="name")["options"]["textMode"] == "name"


def test_singlestat_sparkline_and_colouring() -> None:
    area = migrated_singlestat(sparkline={"show": True, "lineColor": "blue"})
    assert area["options"]["graphMode"] == "area"
    assert area["fieldConfig"]["defaults"]["color"] == {"mode": "fixed", "fixedColor": "blue"}
    assert migrated_singlestat(colorBackground=True)["options"]["colorMode"] == "background"
    assert migrated_singlestat(colorValue=True)["options"]["colorMode"] == "value"


def test_singlestat_value_and_range_maps_become_mappings() -> None:
    values = migrated_singlestat(
        valueMaps=[{"value": "1", "op": "=", "text": "UP"}, {"value": "null", "op": "=", "text": "none"}],
        thresholds="1",
        colors=["red", "green"],
    )
    assert values["fieldConfig"]["defaults"]["mappings"] == [
        {"type": "value", "options": {"1": {"text": "UP"}}},
        {"type": "special", "options": {"match": "null", "result": {"text": "none"}}},
    ]
    ranges = migrated_singlestat(
        mappingType=2,
        rangeMaps=[{"from": "0", "to": "10", "text": "5"}],
        thresholds="4",
        colors=["red", "green"],
    )
    assert ranges["fieldConfig"]["defaults"]["mappings"] == [
        {"type": "range", "options": {"from": 0, "to": 10, "result": {"text": "5", "color": "green"}}}
    ]


def test_singlestat_with_a_gauge_becomes_a_gauge() -> None:
    p = migrated_singlestat(
        format="percent",
        gauge={
            "show": True,
            "minValue": 0,
            "maxValue": 100,
            "thresholdMarkers": True,
            "thresholdLabels": False,
        },
    )
    assert p["type"] == "gauge"
    assert (p["fieldConfig"]["defaults"]["min"], p["fieldConfig"]["defaults"]["max"]) == (0, 100)
    assert p["options"] == {
        "reduceOptions": {"calcs": ["mean"]},
        "orientation": "horizontal",
        "showThresholdMarkers": True,
        "showThresholdLabels": False,
    }


# --- table: public/app/plugins/panel/table/migrations.ts tablePanelChangedHandler ------------------------


def test_old_tables_become_tables_with_styles_as_overrides() -> None:
    table = {
        "id": 1,
        "type": "table",
        "title": "t",
        "span": 12,
        "transform": "timeseries_aggregations",
        "columns": [{"text": "Avg", "value": "avg"}, {"text": "Current", "value": "current"}],
        "styles": [
            {
                "pattern": "/.*/",
                "unit": "short",
                "decimals": 2,
                "align": "auto",
                "thresholds": [],
                "colorMode": None,
                "type": "number",
            },
            {
                "pattern": "Value",
                "alias": "Rate",
                "unit": "reqps",
                "colorMode": "cell",
                "thresholds": ["10", "20"],
                "colors": ["green", "orange", "red"],
                "type": "number",
            },
            {"pattern": "Time", "type": "hidden"},
        ],
    }
    normal = normalize_dashboard(old(table))
    p = panel(normal.data, "t")
    assert p["type"] == "table"  # a schemaVersion 14 table with styles was the old table (schemaVersion 24)
    assert p["transformations"] == [
        {"id": "reduce", "options": {"reducers": ["mean", "lastNotNull"], "includeTimeField": False}}
    ]
    assert p["fieldConfig"]["defaults"] == {"unit": "short", "decimals": 2, "custom": {"align": "auto"}}
    assert p["fieldConfig"]["overrides"][0] == {
        "matcher": {"id": "byName", "options": "Value"},
        "properties": [
            {"id": "displayName", "value": "Rate"},
            {"id": "unit", "value": "reqps"},
            {"id": "custom.cellOptions", "value": {"type": "color-background"}},
            {"id": "custom.align", "value": "auto"},  # schemaVersion 22 set every style's align to auto
            {
                "id": "thresholds",
                "value": {
                    "mode": "absolute",
                    "steps": [
                        {"color": "green", "value": None},
                        {"color": "orange", "value": 10},
                        {"color": "red", "value": 20},
                    ],
                },
            },
        ],
    }
    assert "rows/0/panels/0/styles/2/type" in {n.path for n in normal.notes}


# --- the rest of DashboardMigrator.ts ------------------------------------------------------------------


def test_hidden_targets_stay_hidden_and_datasource_names_become_references() -> None:
    board = old(
        graph(lines=True, datasource="$datasource", targets=[{"expr": "up", "refId": "A", "hide": True}]),
    )
    board["templating"] = {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]}
    p = panel(normalized(board), "g")
    assert p["targets"][0]["hide"] is True
    assert p["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
    assert p["targets"][0]["datasource"] == {"type": "prometheus", "uid": "${datasource}"}  # schemaVersion 36


def test_schema_version_is_current_and_old_variable_keys_go() -> None:
    board = old(version=16)
    board["refresh"] = False
    board["templating"] = {
        "list": [
            {
                "name": "job",
                "type": "query",
                "query": "label_values(job)",
                "refresh": 0,
                "useTags": False,
                "tagsQuery": "",
                "options": [{"text": "a"}],
            }
        ]
    }
    result = normalized(board)
    assert result["schemaVersion"] == SCHEMA_VERSION
    assert result["refresh"] == ""  # schemaVersion 40: refresh is a string
    assert result["templating"]["list"][0] == {
        "name": "job",
        "type": "query",
        "query": "label_values(job)",
        "refresh": 1,
        "options": [],
    }


# --- what every source hands in ------------------------------------------------------------------------


def test_the_api_envelope_and_grafanas_additions_are_stripped() -> None:
    board = {
        "uid": "u",
        "title": "T",
        "schemaVersion": SCHEMA_VERSION,
        "panels": [],
        "tags": ["a", MARKER_TAG],
        "annotations": {"list": [BUILT_IN_ANNOTATION]},
    }
    live = {
        "dashboard": {**board, "id": 7, "version": 12, "iteration": 1700000000, "gnetId": 1860},
        "meta": {"folderUid": "ops", "version": 12},
    }
    result = normalize_dashboard(live)
    assert result.data == {**board, "tags": ["a"]} and result.folder == "ops"
    assert normalize_dashboard(board).data == {**board, "tags": ["a"]}


def test_the_built_in_annotation_query_is_added_where_missing_and_nulls_go() -> None:
    # DashboardModel.addBuiltInAnnotationQuery: every dashboard Grafana holds has it, first
    board = {
        "uid": "u",
        "schemaVersion": SCHEMA_VERSION,
        "annotations": {"list": [{"name": "deploys"}]},
        "panels": [{"id": 1, "type": "text", "title": "t", "timeFrom": None, "repeat": None}],
    }
    result = normalized(board)
    # an annotation query without an icon colour draws its events in Grafana's fallback colour
    assert result["annotations"]["list"] == [BUILT_IN_ANNOTATION, {"name": "deploys", "iconColor": "gray"}]
    assert result["panels"][0] == {"id": 1, "type": "text", "title": "t"}


def test_an_export_for_sharing_uses_the_datasource_variable() -> None:
    export = {
        "__inputs": [
            {"name": "DS_PROM", "label": "Prometheus", "type": "datasource", "pluginId": "prometheus"}
        ],
        "__requires": [{"type": "panel", "id": "timeseries"}],
        "uid": "x",
        "title": "X",
        "schemaVersion": SCHEMA_VERSION,
        "panels": [
            {
                "id": 1,
                "type": "timeseries",
                "title": "p",
                "datasource": {"type": "prometheus", "uid": "${DS_PROM}"},
            }
        ],
    }
    result = normalized(export)
    assert "__inputs" not in result and "__requires" not in result
    assert result["panels"][0]["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
    variable = result["templating"]["list"][0]
    assert (variable["name"], variable["type"], variable["query"]) == (
        "datasource",
        "datasource",
        "prometheus",
    )


def test_every_built_dashboard_is_a_fixed_point() -> None:
    built = sorted((ROOT / "build" / "dashboards").rglob("*.json"))
    assert built
    for path in built:
        board = json.loads(path.read_text())
        result = normalize_dashboard(board)
        assert result.data == board, path.name
        assert not result.notes, path.name


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_DASHBOARDS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_corpus_dashboard_normalizes_once_and_for_all(path: Path) -> None:
    once = normalize_dashboard(json.loads(path.read_text()))
    twice = normalize_dashboard(once.data)
    assert twice.data == once.data and not twice.notes
    assert "rows" not in once.data and once.data["schemaVersion"] >= SCHEMA_VERSION
    kinds = {p.get("type") for top in once.data["panels"] for p in [top, *top.get("panels", [])]}
    assert not kinds & LEGACY_TYPES


def _findings(paths: list[Path]) -> list[tuple[str, str, str, str]]:
    """Check name, level, dashboard and panel title, and message of each finding."""
    found = lint_bundle(load_paths(paths).bundle, is_project=False)
    return sorted((f.check, str(f.level), f.subject, f.message) for f in found)


@needs_corpus
def test_lint_on_a_legacy_dashboard_equals_lint_on_its_migrated_form(tmp_path: Path) -> None:
    legacy = CORPUS / "coredns" / "dashboards" / "coredns.json"
    raw = json.loads(legacy.read_text())
    kinds = {p.get("type") for row in raw["rows"] for p in row["panels"]}
    assert {"graph", "singlestat"} <= kinds  # the old rows layout, old panels
    migrated = tmp_path / "coredns.json"
    migrated.write_text(json.dumps(parse_dashboard(legacy.read_text(), str(legacy)).data, indent=2))
    before, after = _findings([legacy]), _findings([migrated])
    assert before and before == after


def test_an_old_text_panel_keeps_its_content_as_options() -> None:
    text = {"id": 1, "type": "text", "title": "t", "span": 12, "content": "# Hi", "mode": "text"}
    assert panel(normalized(old(text)), "t")["options"] == {"content": "# Hi", "mode": "markdown"}


# Why a normalized corpus dashboard can still fail Grafana's published schema (grafana_schema_check.py):
# each is something Grafana itself keeps as it is when it opens and saves a dashboard.
SCHEMA_GAPS = {
    "is a required property": "the schema requires every option default (a link's icon, a legend's placement, "
    "a stat's text mode, ...); Grafana writes a default only once the option is edited",
    "None is not of type": "null fields (timeFrom, repeat, allValue, label) that Grafana keeps as saved",
    "Additional properties are not allowed": "keys Grafana keeps as saved: query-editor keys (step, legendLink), "
    "the nullValueMode its own graph migration writes, the dashboard's style and hideControls, keys of other "
    "panel types",
    "is not of type 'object'": "a variable naming its datasource ('$datasource'): Grafana keeps the name",
    "/targets/": "query fields the input already had: once a target names its panel's datasource (schemaVersion "
    "36, as Grafana does) the check reads it as a Prometheus query",
    "'match': None": "a special value mapping matching null (it matches nothing): Grafana keeps it as saved",
}


def _schema_problems(board: dict) -> list[str]:
    sys.path.insert(0, str(TOOLS))
    try:
        from grafana_schema_check import check_dashboard
    finally:
        sys.path.remove(str(TOOLS))
    return check_dashboard(board)


@needs_corpus
@pytest.mark.skipif(
    not (TOOLS / "grafana_schema_check.py").is_file(), reason="no ../shared/tools schema check"
)
def test_normalized_corpus_dashboards_fail_the_schema_only_where_grafana_would_too() -> None:
    valid = 0
    for path in CORPUS_DASHBOARDS:
        data = json.loads(path.read_text())
        problems = _schema_problems(normalized(data))
        valid += not problems
        board = data.get("dashboard", data)
        in_rows = [p for row in board.get("rows") or [] for p in row.get("panels") or []]
        before = _schema_problems({**board, "panels": [*(board.get("panels") or []), *in_rows]})
        inherited = {p.split(": ", 1)[1] for p in before}
        unexplained = [
            p
            for p in problems
            if not any(gap in p for gap in SCHEMA_GAPS) and p.split(": ", 1)[1] not in inherited
        ]
        assert not unexplained, f"{path}: {unexplained[:3]}"
    print(f"{valid}/{len(CORPUS_DASHBOARDS)} normalized corpus dashboards pass Grafana's schema")


# --- rules: one normalizer (toolkit/bundle/rules.py) for files, Prometheus' API and a ruler ----------------


def test_live_rule_groups_are_normalized_as_rule_files_are() -> None:
    from toolkit.sources.files import parse_rule_file
    from toolkit.sources.live import rule_group_entry

    text = (
        "groups:\n  - name: api\n    interval: 1m\n    rules:\n"
        "      - alert: Down\n        expr: up == 0\n        for: 5m\n"
        "        labels: {team: a, severity: page}\n        annotations: {summary: down}\n"
    )
    from_file = parse_rule_file(text, "api.yml")[0]
    served = {
        "name": "api",
        "file": "/etc/prometheus/api.yml",
        "interval": 60,
        "rules": [
            {
                "type": "alerting",
                "name": "Down",
                "query": "up == 0",
                "duration": 300,
                "labels": {"severity": "page", "team": "a"},
                "annotations": {"summary": "down"},
            },
        ],
    }
    live = rule_group_entry(served, from_file.source)
    assert live.to_data() == from_file.to_data() and live.file == from_file.file


def test_a_rulers_groups_are_normalized_as_rule_files_are(ruler_double) -> None:
    from toolkit.clients.ruler import Ruler
    from toolkit.clients.transport import Transport
    from toolkit.sources.live import ruler_groups

    ruler = Ruler(ruler_double.url, Transport(backoff=0.01, backoff_max=0.05), tenant="t")
    ruler.set_group(
        "api",
        {
            "name": "api",
            "interval": "60s",
            "rules": [
                {
                    "alert": "Down",
                    "expr": " up == 0 ",
                    "for": "300s",
                    "labels": {"team": "a", "severity": "page"},
                }
            ],
        },
    )
    (group,) = ruler_groups(ruler)
    assert (group.file, group.name, group.options) == ("api.yml", "api", {"interval": "1m"})
    assert group.rules[0].data == {
        "alert": "Down",
        "expr": "up == 0",
        "for": "5m",
        "labels": {"severity": "page", "team": "a"},
    }


# --- the older DashboardMigrator.ts steps: panel links (19-21), graph tooltip (14), multi selection (23) ---


def test_old_panel_links_and_data_link_variables_are_rewritten() -> None:
    links = [
        {"url": "http://mylink.com", "keepTime": True, "title": "test"},
        {"url": "http://mylink.com?existingParam", "params": "customParam", "title": "test"},
        {"url": "http://mylink.com?existingParam", "includeVars": True, "title": "test"},
        {"dashboard": "my other dashboard", "title": "test"},
    ]
    text = {  # Grafana's fixture is a text panel; the text plugin has no dataLinks option (it would go, noted)
        "id": 1,
        "type": "grafana-clock-panel",
        "title": "t",
        "links": links,
        "options": {"dataLinks": [{"url": "http://x?s=${__series_name}&l=${__series.labels.a}"}]},
    }
    result = panel(normalized({"schemaVersion": 16, "panels": [text]}), "t")
    # the expectations of DashboardMigrator.test.ts "when migrating panel links"
    assert [link["url"] for link in result["links"]] == [
        "http://mylink.com?$__url_time_range",
        "http://mylink.com?existingParam&customParam",
        "http://mylink.com?existingParam&$__all_variables",
        "dashboard/db/my-other-dashboard",
    ]
    assert result["options"]["dataLinks"][0]["url"] == "http://x?s=${__series.name}&l=${__field.labels.a}"


def test_shared_crosshair_and_single_value_selections() -> None:
    board = {
        "schemaVersion": 12,
        "sharedCrosshair": True,
        "panels": [],
        "templating": {
            "list": [
                {
                    "name": "a",
                    "type": "custom",
                    "multi": False,
                    "current": {"value": ["value"], "text": ["text"]},
                },
                {
                    "name": "b",
                    "type": "custom",
                    "multi": True,
                    "current": {"value": ["value"], "text": ["text"]},
                },
            ]
        },
    }
    result = normalized(board)
    assert result["graphTooltip"] == 1 and "sharedCrosshair" not in result
    assert [v["current"] for v in result["templating"]["list"]] == [
        {"value": "value", "text": "text"},
        {"value": ["value"], "text": ["text"]},
    ]


def test_keys_grafanas_dashboard_model_does_not_keep_are_dropped_with_a_note() -> None:
    # DashboardModel holds a fixed set of properties; its save model has no others
    result = normalize_dashboard(
        {
            "schemaVersion": 14,
            "rows": [],
            "style": "dark",
            "hideControls": False,
            "originalTitle": "Old",
            "title": "New",
        }
    )
    assert (
        "style" not in result.data
        and "originalTitle" not in result.data
        and "hideControls" not in result.data
    )
    assert [(n.path, n.reason) for n in result.notes] == [
        ("style", "not a dashboard property Grafana keeps: it drops it when it saves"),
        ("originalTitle", "not a dashboard property Grafana keeps: it drops it when it saves"),
    ]


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    if path:
        yield path


def test_no_shape_of_input_breaks_the_normalizer() -> None:
    """Every value of an old dashboard replaced, in turn, by each wrong type: never an exception."""
    legacy = old(
        graph(
            lines=True,
            yaxes=[{"format": "s", "show": True}, {"format": "short"}],
            aliasColors={"a": "red"},
            seriesOverrides=[{"alias": "a", "yaxis": 2, "dashes": True, "pointradius": 1}],
            legend={"show": True, "values": True, "avg": True},
            tooltip={"shared": True, "sort": 1},
            thresholds=[{"value": 1, "op": "gt", "colorMode": "custom", "fillColor": "red"}],
            timeRegions=[{"from": "08:00", "to": "09:00", "fill": True, "colorMode": "red"}],
            links=[{"dashboard": "x", "keepTime": True}],
        ),
        singlestat(
            thresholds="1,2",
            colors=["a", "b", "c"],
            valueMaps=[{"value": "1", "text": "one"}],
            gauge={"show": True, "minValue": 0},
            sparkline={"show": True},
        ),
        {
            "id": 3,
            "type": "table",
            "title": "t",
            "transform": "timeseries_aggregations",
            "columns": [{"value": "avg"}],
            "styles": [
                {
                    "pattern": "/.*/",
                    "thresholds": ["1"],
                    "colors": ["a"],
                    "colorMode": "cell",
                    "align": "left",
                }
            ],
        },
        version=14,
        height="200px",
        showTitle=True,
        title="r",
    )
    legacy["templating"] = {
        "list": [{"name": "v", "type": "query", "multi": False, "current": {"value": ["a"]}}]
    }
    wrong = [None, "x", -1, 2.5, True, [], {}, ["a"], {"a": 1}]
    tried = 0
    for path in list(_leaves(legacy)):
        for value in wrong:
            changed = json.loads(json.dumps(legacy))
            target = changed
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
            again = normalize_dashboard(normalize_dashboard(changed).data)
            assert isinstance(again.data["panels"], list)
            tried += 1
    assert tried > 900


def test_graph_time_regions_become_annotations_and_a_hidden_time_axis_an_override() -> None:
    board = old(
        graph(
            lines=True,
            xaxis={"show": False, "mode": "time"},
            timeRegions=[
                {
                    "from": "08:00",
                    "to": "10:00",
                    "fromDayOfWeek": 1,
                    "fill": True,
                    "colorMode": "custom",
                    "fillColor": "#abc",
                },
                {"from": "12:00", "line": True, "colorMode": "red"},
            ],
        )
    )
    result = normalized(board)
    regions = [a for a in result["annotations"]["list"] if not a.get("builtIn")]
    # graphToTimeseriesOptions: one Grafana-datasource annotation per region, filtered to the panel
    assert [(a["name"], a["iconColor"], a["target"]["timeRegion"]) for a in regions] == [
        ("T1", "#abc", {"fromDayOfWeek": 1, "from": "08:00", "to": "10:00", "timezone": "utc"}),
        ("T2", "white", {"from": "12:00", "timezone": "utc"}),
    ]
    assert regions[0]["filter"] == {"exclude": False, "ids": [1]}
    assert panel(result, "g")["fieldConfig"]["overrides"] == [
        {
            "matcher": {"id": "byType", "options": "time"},
            "properties": [{"id": "custom.axisPlacement", "value": "hidden"}],
        }
    ]


def test_graph_lower_than_thresholds() -> None:
    thresholds = [
        {"value": 10, "op": "lt", "colorMode": "critical"},
        {"value": 20, "op": "lt", "colorMode": "warning"},
    ]
    steps = migrated_graph(lines=True, thresholds=thresholds)["fieldConfig"]["defaults"]["thresholds"][
        "steps"
    ]
    # an "lt" threshold colours what is below it; the next "lt" one's colour continues up to it
    assert steps == [
        {"color": "red", "value": None},
        {"color": "orange", "value": 10},
        {"color": "transparent", "value": 20},
    ]


def test_old_value_mappings_of_current_panels_are_upgraded() -> None:
    stat = {
        "id": 1,
        "type": "stat",
        "title": "s",
        "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4},
        "fieldConfig": {
            "defaults": {
                "mappings": [
                    {"id": 0, "type": 1, "value": "1", "text": "up"},
                    {"id": 1, "type": 1, "value": "0", "text": "down"},
                    {"id": 2, "type": 2, "from": "2", "to": "9", "text": "many"},
                ]
            },
            "overrides": [],
        },
    }
    result = panel(normalized({"schemaVersion": 27, "panels": [stat]}), "s")
    # DashboardMigrator upgradeValueMappings (schemaVersion 30): value maps merged into one, first
    assert result["fieldConfig"]["defaults"]["mappings"] == [
        {"type": "value", "options": {"1": {"text": "up"}, "0": {"text": "down"}}},
        {"type": "range", "options": {"from": 2, "to": 9, "result": {"text": "many"}}},
    ]


def test_rows_are_saved_as_current_grafana_saves_them() -> None:
    # dashboard-scene gridRowToSaveModel: type, id, title, gridPos, collapsed (a boolean), panels, repeat
    row = {
        "id": 9,
        "type": "row",
        "title": "r",
        "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1},
        "datasource": "$ds",
        "targets": [{"refId": "A"}],
        "titleSize": "h6",
    }
    normal = normalize_dashboard({"schemaVersion": SCHEMA_VERSION, "panels": [row]})
    assert normal.data["panels"] == [
        {
            "id": 9,
            "type": "row",
            "title": "r",
            "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1},
            "collapsed": False,
            "panels": [],
        }
    ]
    assert [n.path for n in normal.notes] == ["panels/0/datasource", "panels/0/targets", "panels/0/titleSize"]


def test_a_groups_labels_limit_and_ruler_keys_are_kept() -> None:
    from toolkit.sources.files import parse_rule_file
    from toolkit.sources.live import rule_group_entry

    text = (
        "groups:\n  - name: g\n    limit: 10\n    interval: 60s\n    source_tenants: [a, b]\n"
        "    labels: {team: x, env: prod}\n    rules:\n      - record: a:b\n        expr: up\n"
    )
    (group,) = parse_rule_file(text, "g.yml")
    assert group.options == {
        "interval": "1m",
        "limit": 10,
        "labels": {"env": "prod", "team": "x"},
        "source_tenants": ["a", "b"],
    }
    served = {
        "name": "g",
        "file": "g.yml",
        "interval": 30,
        "limit": 5,
        "rules": [{"type": "recording", "name": "a:b", "query": "up"}],
    }
    assert rule_group_entry(served, group.source).options == {"interval": "30s", "limit": 5}


def test_importing_a_group_with_labels_carries_them(tmp_path: Path) -> None:
    from tests.test_import import project, run_import
    from toolkit.sources.code import load_project

    root = project(tmp_path)
    source = tmp_path / "g.yml"
    source.write_text(
        "groups:\n  - name: g\n    labels: {team: x}\n    rules:\n      - record: job:up:sum\n"
        "        expr: sum by (job) (up)\n"
    )
    result = run_import(root, "rules", str(source))
    assert result.exit_code == 0, result.output
    group = next(g for g in load_project(root).bundle.rule_groups if g.name == "g")
    assert group.to_data()["labels"] == {"team": "x"}  # RuleGroup(labels=...), as Prometheus 3 reads it


def test_keys_current_grafana_does_not_save_go_with_a_note() -> None:
    """What the current save model has no place for goes, noted with its path; set values only."""
    board = {
        "schemaVersion": 39,
        "panels": [
            {
                "id": 1,
                "type": "timeseries",
                "title": "t",
                "nullPointMode": "null",
                "yaxes": [],
                "datasource": {"type": "prometheus", "uid": "p"},
                "targets": [{"expr": "up", "refId": "A", "step": 30}],
                "fieldConfig": {"defaults": {"nullValueMode": "null", "unitScale": True}, "overrides": []},
            },
            {
                "id": 2,
                "type": "text",
                "title": "n",
                "targets": [{"expr": "up"}],
                "options": {"mode": "markdown"},
            },
            {"id": 3, "type": "dashlist", "title": "d", "tags": ["a"], "options": {}},
            {
                "id": 4,
                "type": "table",
                "title": "x",
                "options": {"footer": {"fields": "", "show": False}, "enablePagination": True},
                "transformations": [{"id": "merge"}],
                "fieldConfig": {"defaults": {"custom": {"cellOptions": {"type": "auto"}}}, "overrides": []},
            },
        ],
        "templating": {"list": [{"name": "v", "type": "query", "useTags": True, "current": {}}]},
        "annotations": {"list": [{"name": "a", "enable": True, "iconColor": "red", "showIn": 2}]},
        "timepicker": {"collapse": False, "enable": True, "refresh_intervals": ["5s"]},
    }
    result = normalize_dashboard(board)
    assert result.data["timepicker"] == {"refresh_intervals": ["5s"]}
    panels = result.data["panels"]
    assert "nullPointMode" not in panels[0] and panels[0]["targets"][0] == {"expr": "up", "refId": "A"}
    assert panels[0]["fieldConfig"]["defaults"] == {}
    assert "targets" not in panels[1]
    assert panels[2]["options"] == {"tags": ["a"]} and "tags" not in panels[2]
    assert panels[3]["options"] == {"footer": {"show": False, "reducer": [], "enablePagination": True}}
    assert panels[3]["transformations"] == [{"id": "merge", "options": {}}]
    assert panels[3]["fieldConfig"]["defaults"]["custom"] == {}
    assert result.data["templating"]["list"][0] == {"name": "v", "type": "query"}
    assert "showIn" not in result.data["annotations"]["list"][1]
    noted = {n.path for n in result.notes}
    assert {
        "panels/0/nullPointMode",
        "panels/0/targets/0/step",
        "panels/0/fieldConfig/defaults/nullValueMode",
        "panels/0/fieldConfig/defaults/unitScale",
        "panels/1/targets",
        "panels/3/fieldConfig/defaults/custom/cellOptions",
        "templating/list/0/useTags",
        "annotations/list/0/showIn",
        "timepicker/enable",
    } <= noted
    assert "panels/0/yaxes" not in noted  # empty: nothing was set


def _table(custom: dict, overrides: object) -> dict:
    config = {"defaults": {"custom": custom}, "overrides": overrides}
    return {"schemaVersion": 39, "panels": [{"type": "table", "title": "t", "fieldConfig": config}]}


@pytest.mark.parametrize(
    "cell", [{"type": "color-text"}, {"type": "json-view"}, {"type": "gauge", "mode": "basic"}]
)
def test_cell_options_the_schema_cannot_tell_apart_become_the_first_override_for_every_field(
    cell: dict,
) -> None:
    """The schema's oneOf of cell options: each branch takes any cell type, so these match several. Grafana
    applies the defaults and then the overrides in order: as the first override, for every field (the name
    matcher's own default pattern), they display the same, and the panel's own overrides still win."""
    own = {"matcher": {"id": "byName", "options": "Value"}, "properties": [{"id": "unit", "value": "s"}]}
    result = normalize_dashboard(_table({"cellOptions": cell, "align": "auto"}, [own]))
    config = result.data["panels"][0]["fieldConfig"]
    assert config["defaults"]["custom"] == {"align": "auto"}
    assert config["overrides"] == [
        {
            "matcher": {"id": "byRegexp", "options": "/.*/"},
            "properties": [{"id": "custom.cellOptions", "value": cell}],
        },
        own,
    ]
    [note] = [n for n in result.notes if n.path == "panels/0/fieldConfig/defaults/custom/cellOptions"]
    assert "first override, for every field" in note.reason and "oneOf" in note.reason
    if (TOOLS / "grafana_schema_check.py").is_file():

        def about_cells(board: dict) -> list[str]:
            return [p for p in _schema_problems(board) if "cellOptions" in p or "overrides" in p]

        assert about_cells(_table({"cellOptions": cell}, [])) != []  # as given, the schema refuses it
        assert about_cells(result.data) == []


def test_cell_options_the_schema_holds_stay_and_overrides_that_are_no_list_are_kept() -> None:
    unique = {"type": "color-background", "mode": "gradient", "applyToRow": False}
    config = normalized(_table({"cellOptions": unique}, []))["panels"][0]["fieldConfig"]
    assert config == {"defaults": {"custom": {"cellOptions": unique}}, "overrides": []}
    result = normalize_dashboard(_table({"cellOptions": {"type": "color-text"}}, {"not": "a list"}))
    config = result.data["panels"][0]["fieldConfig"]  # nothing to put the override in: left as given
    assert config == {
        "defaults": {"custom": {"cellOptions": {"type": "color-text"}}},
        "overrides": {"not": "a list"},
    }


def test_a_stacking_mode_grafana_has_no_name_for_is_written_as_the_normal_stacking_it_draws() -> None:
    """``getStackingGroups`` stacks every mode but ``none`` (as ``normal``): 'value' is drawn stacked."""
    custom = {"stacking": {"mode": "value", "group": "A"}, "fillOpacity": 100}
    board = {
        "schemaVersion": 39,
        "panels": [{"type": "timeseries", "title": "t", "fieldConfig": {"defaults": {"custom": custom}}}],
    }
    result = normalize_dashboard(board)
    assert result.data["panels"][0]["fieldConfig"]["defaults"]["custom"]["stacking"] == {
        "mode": "normal",
        "group": "A",
    }
    [note] = [n for n in result.notes if n.path == "panels/0/fieldConfig/defaults/custom/stacking/mode"]
    assert "'value'" in note.reason and "written as 'normal'" in note.reason
    for mode in ("none", "normal", "percent"):
        kept = {"stacking": {"mode": mode}}
        board["panels"][0]["fieldConfig"]["defaults"]["custom"] = kept
        assert normalized(board)["panels"][0]["fieldConfig"]["defaults"]["custom"] == kept


def test_heatmap_axis_bounds_given_as_the_text_of_a_number_are_that_number() -> None:
    y_axis = {"min": "0", "max": "2.5", "unit": "ms"}
    board = {"schemaVersion": 39, "panels": [{"type": "heatmap", "title": "h", "options": {"yAxis": y_axis}}]}
    result = normalize_dashboard(board)
    assert result.data["panels"][0]["options"]["yAxis"] == {"min": 0, "max": 2.5, "unit": "ms"}
    assert {"panels/0/options/yAxis/min", "panels/0/options/yAxis/max"} <= {n.path for n in result.notes}
    for text in ("auto", "Infinity", "nan", ""):  # no finite number: left as given
        board["panels"][0]["options"]["yAxis"] = {"min": text}
        assert normalized(board)["panels"][0]["options"]["yAxis"] == {"min": text}


def test_thresholds_are_held_as_grafana_validates_them() -> None:
    """``fixThresholds``: absolute unless said, the first step the base (null, minus infinity)."""
    steps = [{"color": "green"}, {"color": "red", "value": 80}]
    board = {
        "schemaVersion": 39,
        "panels": [
            {"type": "stat", "title": "s", "fieldConfig": {"defaults": {"thresholds": {"steps": steps}}}}
        ],
    }
    thresholds = normalized(board)["panels"][0]["fieldConfig"]["defaults"]["thresholds"]
    assert thresholds == {"mode": "absolute", "steps": [{"color": "green", "value": None}, steps[1]]}


def test_a_null_mode_goes_as_the_plugin_loads() -> None:
    """``nullValueMode`` of any mode is no field config option: Grafana removes it (noted)."""
    defaults = {"nullValueMode": "null as zero", "unit": "s"}
    board = {
        "schemaVersion": 39,
        "panels": [{"type": "stat", "title": "s", "fieldConfig": {"defaults": defaults}}],
    }
    result = normalize_dashboard(board)
    assert result.data["panels"][0]["fieldConfig"]["defaults"] == {"unit": "s"}
    assert [n.path for n in result.notes] == ["panels/0/fieldConfig/defaults/nullValueMode"]
