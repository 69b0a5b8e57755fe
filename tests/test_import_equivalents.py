"""Values outside Grafana's published schema that Grafana reads as a schema value: the normalizer (which the
import reads through) writes them as that value, or unsets them where Grafana reads them as unset, and
notes each with its JSON path; values Grafana's readers disagree on stay as they are."""

from __future__ import annotations

from toolkit.bundle.dashboards import SCHEMA_VERSION, normalize_dashboard

PROMETHEUS = {"type": "prometheus", "uid": "prom"}


def normalize(*panels: dict, version: int = SCHEMA_VERSION, annotations: list | None = None):
    board = {"uid": "u", "title": "T", "schemaVersion": version, "panels": list(panels)}
    if annotations is not None:
        board["annotations"] = {"list": annotations}
    return normalize_dashboard(board)


def noted(result) -> dict[str, str]:
    return {note.path: note.reason for note in result.notes}


def test_a_prometheus_format_other_than_table_or_heatmap_is_a_time_series() -> None:
    targets = [
        {"refId": "A", "expr": "up", "format": "timeseries"},
        {"refId": "B", "expr": "up", "format": ""},
        {"refId": "C", "expr": "up", "format": "table"},
        {"refId": "D", "expr": "", "format": "table", "intervalFactor": ""},
        {"refId": "E", "expr": "up", "intervalFactor": ""},
    ]
    panel = {"id": 1, "type": "timeseries", "datasource": PROMETHEUS, "targets": targets}
    result = normalize(panel)
    got = result.data["panels"][0]["targets"]
    assert [t.get("format") for t in got] == ["time_series", None, "table", "table", None]
    assert "intervalFactor" not in got[3]  # a query without an expression is not run
    assert got[4]["intervalFactor"] == ""  # a run query with it fails in the backend: kept, not hidden
    notes = noted(result)
    assert "written as 'time_series'" in notes["panels/0/targets/0/format"]
    assert {"panels/0/targets/1/format", "panels/0/targets/3/intervalFactor"} <= set(notes)
    assert "panels/0/targets/4/intervalFactor" not in notes


def test_heatmap_tooltip_show_becomes_its_mode_and_legend_keys_it_does_not_read_go() -> None:
    shown = {"tooltip": {"show": True, "yHistogram": False}, "legend": {"show": True, "showLegend": True}}
    hidden = {"tooltip": {"show": False}, "legend": {"show": False}}
    result = normalize(
        {"id": 1, "type": "heatmap", "options": shown}, {"id": 2, "type": "heatmap", "options": hidden}
    )
    first, second = (p["options"] for p in result.data["panels"])
    assert first["tooltip"] == {"mode": "single", "yHistogram": False}
    assert first["legend"] == {"show": True}
    assert second["tooltip"] == {"mode": "none"}
    assert {"panels/0/options/tooltip/show", "panels/0/options/legend/showLegend"} <= set(noted(result))


def test_geomap_tooltip_mode_other_than_none_shows_details() -> None:
    result = normalize({"id": 1, "type": "geomap", "options": {"tooltip": {"mode": "multi"}}})
    assert result.data["panels"][0]["options"]["tooltip"] == {"mode": "details"}
    assert "panels/0/options/tooltip/mode" in noted(result)


def test_table_custom_keys_the_table_does_not_have_go_and_an_unknown_alignment_is_auto() -> None:
    custom = {"align": "null", "inspect": False, "drawStyle": "line", "stacking": {"mode": "none"}}
    result = normalize({"id": 1, "type": "table", "fieldConfig": {"defaults": {"custom": custom}}})
    assert result.data["panels"][0]["fieldConfig"]["defaults"]["custom"] == {
        "align": "auto",
        "inspect": False,
    }
    notes = noted(result)
    assert {
        "panels/0/fieldConfig/defaults/custom/drawStyle",
        "panels/0/fieldConfig/defaults/custom/align",
    } <= set(notes)
    # a time series keeps the same keys: they are its own options
    kept = normalize({"id": 1, "type": "timeseries", "fieldConfig": {"defaults": {"custom": dict(custom)}}})
    assert kept.data["panels"][0]["fieldConfig"]["defaults"]["custom"]["drawStyle"] == "line"


def test_no_value_zero_is_unset_as_the_display_processor_reads_it_and_other_numbers_are_text() -> None:
    result = normalize(
        {"id": 1, "type": "stat", "fieldConfig": {"defaults": {"noValue": 0}}},
        {"id": 2, "type": "stat", "fieldConfig": {"defaults": {"noValue": 5}}},
        {"id": 3, "type": "stat", "fieldConfig": {"defaults": {"noValue": "n/a"}}},
    )
    defaults = [p["fieldConfig"]["defaults"] for p in result.data["panels"]]
    assert [d.get("noValue") for d in defaults] == [None, "5", "n/a"]
    assert {"panels/0/fieldConfig/defaults/noValue", "panels/1/fieldConfig/defaults/noValue"} <= set(
        noted(result)
    )


def test_data_link_keys_a_data_link_does_not_have_go() -> None:
    link = {"title": "t", "url": "/d/x", "type": "dashboard", "datasource": "prom", "targetBlank": True}
    override = {
        "matcher": {"id": "byName", "options": "a"},
        "properties": [{"id": "links", "value": [dict(link)]}],
    }
    config = {"defaults": {"links": [link]}, "overrides": [override]}
    result = normalize({"id": 1, "type": "stat", "fieldConfig": config})
    got = result.data["panels"][0]["fieldConfig"]
    assert got["defaults"]["links"] == [{"title": "t", "url": "/d/x", "targetBlank": True}]
    assert got["overrides"][0]["properties"][0]["value"] == [
        {"title": "t", "url": "/d/x", "targetBlank": True}
    ]
    assert "panels/0/fieldConfig/defaults/links/0/type" in noted(result)


def test_an_empty_max_data_points_is_unset() -> None:
    result = normalize(
        {"id": 1, "type": "logs", "maxDataPoints": ""}, {"id": 2, "type": "logs", "maxDataPoints": 9}
    )
    assert "maxDataPoints" not in result.data["panels"][0]
    assert result.data["panels"][1]["maxDataPoints"] == 9
    assert "panels/0/maxDataPoints" in noted(result)


def test_an_annotation_datasource_name_saved_after_version_36_becomes_its_reference() -> None:
    query = {"name": "a", "enable": True, "iconColor": "red", "datasource": "-- Grafana --"}
    named = {"name": "b", "enable": True, "iconColor": "red", "datasource": "$ds"}
    result = normalize(annotations=[query, named, {"name": "c", "datasource": "default", "iconColor": "red"}])
    listed = result.data["annotations"]["list"]
    assert listed[1]["datasource"] == {"type": "grafana", "uid": "-- Grafana --"}
    assert listed[2]["datasource"] == {"uid": "${ds}"}
    assert listed[3]["datasource"] == "default"
    assert {"annotations/list/0/datasource", "annotations/list/1/datasource"} <= set(noted(result))


def test_a_selection_holding_option_objects_goes_as_grafana_selects_as_if_none_were_stored() -> None:
    option = {"selected": False, "text": "a", "value": "a"}
    variables = [
        {"name": "all", "type": "query", "includeAll": True, "current": {"text": option, "value": option}},
        {"name": "one", "type": "query", "current": {"text": [option], "value": [option]}},
        {"name": "kept", "type": "query", "current": {"text": "a", "value": "a"}},
    ]
    board = {"uid": "u", "title": "T", "schemaVersion": SCHEMA_VERSION, "templating": {"list": variables}}
    result = normalize_dashboard(board)
    got = result.data["templating"]["list"]
    assert ["current" in v for v in got] == [False, False, True]
    notes = noted(result)
    assert "selects All" in notes["templating/list/0/current"]
    assert "selects its first option" in notes["templating/list/1/current"]
    assert "templating/list/2/current" not in notes


def test_special_mappings_matching_no_special_value_and_unknown_matcher_keys_go() -> None:
    mappings = [
        {"type": "special", "options": {"match": None, "result": {"text": "N/A"}}},
        {"type": "special", "options": {"match": "null", "result": {"text": "none"}}},
        {"type": "special", "options": {"result": {"text": "N/A"}}},
        {"type": "value", "options": {"1": {"text": "up"}}},
    ]
    overrides = [
        {"matcher": {"id": "byName", "options": "x", "unit": "s", "scope": "series"}, "properties": []}
    ]
    panel = {
        "id": 1,
        "type": "stat",
        "fieldConfig": {"defaults": {"mappings": mappings}, "overrides": overrides},
    }
    result = normalize(panel)
    config = result.data["panels"][0]["fieldConfig"]
    assert [m["type"] for m in config["defaults"]["mappings"]] == ["special", "value"]
    assert config["defaults"]["mappings"][0]["options"]["match"] == "null"
    assert config["overrides"][0]["matcher"] == {"id": "byName", "options": "x", "scope": "series"}
    notes = noted(result)
    assert {"panels/0/fieldConfig/defaults/mappings/0", "panels/0/fieldConfig/defaults/mappings/2"} <= set(
        notes
    )
    assert "panels/0/fieldConfig/overrides/0/matcher/unit" in notes
