"""status_history() and dashboard_list(): the options Grafana's published schema has for them
(statushistory, dashboardlist), schema-valid JSON, values checked at the caller's line."""

from __future__ import annotations

from typing import Any

import pytest

from tests.grafana_schemas import dashboard_errors, needs_schemas, options_errors
from tests.sample_project import REPO
from toolkit import units
from toolkit.errors import DefinitionError
from toolkit.panels import dashboard, dashboard_list, row, status_history
from toolkit.settings import load_settings
from toolkit.sources.grafanalib import grafanalib_json, modernize

SETTINGS = load_settings(REPO)


def build(*items: Any) -> dict[str, Any]:
    definition = dashboard(SETTINGS, uid="t", title="T", description="d", rows=[row("R", *items)])
    board, _ = modernize(grafanalib_json(definition.dashboard))
    return board


@needs_schemas
def test_status_history_builds_the_options_and_states_asked_for() -> None:
    board = build(
        status_history(
            "Up",
            "up",
            unit=units.NO_UNIT,
            description="Target state.",
            states={0: ("down", "red"), 1: ("up", "green")},
            show_value="never",
            column_width=0.5,
        )
    )
    panel = board["panels"][1]
    assert panel["type"] == "status-history"
    assert (panel["options"]["showValue"], panel["options"]["colWidth"], panel["options"]["rowHeight"]) == (
        "never",
        0.5,
        0.9,
    )
    assert panel["options"]["legend"]["showLegend"] is True  # the rest as Grafana saves it
    assert panel["fieldConfig"]["defaults"]["mappings"][0]["options"]["0"] == {
        "color": "red",
        "index": 0,
        "text": "down",
    }
    assert panel["fieldConfig"]["defaults"]["custom"] == {"fillOpacity": 70, "lineWidth": 1}
    assert options_errors(panel) == [] and dashboard_errors(board) == []


@needs_schemas
def test_dashboard_list_builds_every_option_of_the_schema() -> None:
    board = build(
        dashboard_list(
            "Related",
            query="Siddhi",
            tags=["kafka"],
            folder_uid="team-a",
            starred=False,
            search=True,
            headings=False,
            max_items=5,
            keep_time=True,
            include_vars=True,
        )
    )
    panel = board["panels"][1]
    assert panel["options"] == {
        "folderUID": "team-a",
        "includeVars": True,
        "keepTime": True,
        "maxItems": 5,
        "query": "Siddhi",
        "showFolderNames": True,
        "showHeadings": False,
        "showRecentlyViewed": False,
        "showSearch": True,
        "showStarred": False,
        "tags": ["kafka"],
    }
    assert "targets" not in panel and "datasource" not in panel  # it runs no queries
    assert options_errors(panel) == [] and dashboard_errors(board) == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: status_history("Up", "up", unit="short", description="d", column_width=2),
            r"panel 'Up': column_width must be within 0..1, got 2",
        ),
        (
            lambda: status_history("Up", "up", unit="short", description="d", show_value="sometimes"),
            r"panel 'Up': show_value must be one of 'auto', 'never', 'always', got str 'sometimes'",
        ),
        (lambda: dashboard_list("D", max_items=2.5), r"panel 'D': max_items must be a whole number, got 2.5"),
        (lambda: dashboard_list("D", starred=1), r"panel 'D': starred must be True or False, got int 1"),
        (
            lambda: dashboard_list("D", tags="kafka"),
            r"panel 'D': tags must be a list of strings, got 'kafka'",
        ),
        (lambda: dashboard_list("D", tags=[3]), r"panel 'D': tags\[0\] must be a string, got int 3"),
        (lambda: dashboard_list(""), r"title must not be empty"),
    ],
)
def test_a_value_outside_the_schema_fails_at_the_callers_line(make: Any, message: str) -> None:
    with pytest.raises(DefinitionError, match=message) as caught:
        make()
    assert caught.value.location is not None
    assert caught.value.location.path.endswith("test_visualizations_lists.py")
