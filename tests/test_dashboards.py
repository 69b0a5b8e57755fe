"""The dashboard catalogue: eight dashboards plus slo, each with units, descriptions, $__rate_interval,
a datasource variable, typed datasource refs and links; the build refuses panels that break the rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.sample_project import REPO, make_project
from toolkit.bundle import DashboardEntry
from toolkit.errors import DefinitionError
from toolkit.lint.dashboard_checks import house_rule_findings
from toolkit.locations import SourceLocation
from toolkit.sources.code import load_project

BUILT = sorted((REPO / "build" / "dashboards").glob("*.json"))
DASHBOARDS = {"executive", "cost", "agent", "worker", "database", "api", "system", "users", "slo"}


def panels(board: dict) -> list[dict]:
    found = []
    for panel in board["panels"]:
        found.append(panel)
        found += panel.get("panels", [])
    return [p for p in found if p["type"] != "row"]


def test_every_designed_dashboard_is_built_with_its_module_name_as_uid() -> None:
    assert {path.stem for path in BUILT} == DASHBOARDS
    for path in BUILT:
        assert json.loads(path.read_text())["uid"] == path.stem
        assert (REPO / "dashboards" / f"{path.stem}.py").exists()


@pytest.mark.parametrize("path", BUILT, ids=[p.stem for p in BUILT])
def test_a_built_dashboard_keeps_the_house_rules(path: Path) -> None:
    board = json.loads(path.read_text())
    assert house_rule_findings(DashboardEntry(path.stem, board, SourceLocation(str(path)))) == []
    variables = board["templating"]["list"]
    assert variables[0]["name"] == "datasource" and variables[0]["type"] == "datasource"
    for panel in panels(board):
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == {"type": "prometheus", "uid": "${datasource}"}
    assert any(p["type"] == "row" for p in board["panels"]), "group panels in rows"


def test_the_executive_dashboard_links_to_every_other_and_they_link_back() -> None:
    boards = {path.stem: json.loads(path.read_text()) for path in BUILT}
    linked = {link["url"].removeprefix("/d/") for link in boards["executive"]["links"]}
    assert linked == DASHBOARDS - {"executive"}
    for uid in DASHBOARDS - {"executive"}:
        assert "/d/executive" in {link["url"] for link in boards[uid]["links"]}, uid


def test_thresholds_come_from_the_settings() -> None:
    cost = json.loads((REPO / "build/dashboards/cost.json").read_text())
    daily = next(p for p in panels(cost) if p["title"] == "Spent today (24h)")
    steps = [s["value"] for s in daily["fieldConfig"]["defaults"]["thresholds"]["steps"]]
    assert steps == [None, 160, 200]
    assert any("predict_linear" in t["expr"] for p in panels(cost) for t in p["targets"])


BAD_PANELS = {
    "no unit": (
        'unit="reqps"',
        'unit=""',
        "no unit: set one (e.g. short, percentunit, s, bytes, reqps) (panel/units)",
    ),
    "no description": (
        'description="Requests per second."',
        'description=" "',
        "no description: say what it shows and how to read it (panel/description)",
    ),
    "fixed rate window": (
        "[$__rate_interval]",
        "[5m]",
        "rate(...[5m]): use [$__rate_interval], which follows the zoom and the scrape interval (target/rate-interval)",
    ),
}


@pytest.mark.parametrize(("old", "new", "message"), BAD_PANELS.values(), ids=list(BAD_PANELS))
def test_the_build_refuses_a_panel_that_breaks_a_rule(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    root = make_project(tmp_path)
    module = root / "dashboards" / "overview.py"
    source = module.read_text()
    assert old in source
    module.write_text(source.replace(old, new, 1))
    with pytest.raises(DefinitionError) as caught:
        load_project(root)
    text = str(caught.value)
    assert text.startswith("dashboards/overview.py:")
    assert "dashboard 'overview', panel 'Requests': " in text and message in text
    assert "or waive it with lint_ignore=" in text


def _with_panel(root: Path, old: str, new: str) -> None:
    module = root / "dashboards" / "overview.py"
    source = module.read_text()
    assert old in source
    module.write_text(source.replace(old, new, 1))


def test_the_build_and_lint_agree_that_a_text_panel_needs_no_unit(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    _with_panel(root, "import dashboard, row", "import dashboard, row, text")
    _with_panel(
        root, "        rows=[", '        rows=[text("Read me", "# Hello", description="How to read it."),'
    )
    entry = load_project(root).bundle.dashboard("overview")
    assert entry is not None and entry.data["panels"][0]["type"] == "text"
    assert house_rule_findings(entry) == []


def test_a_house_rule_waived_in_lint_ignore_does_not_stop_the_build(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    _with_panel(root, "[$__rate_interval]", "[5m]")
    _with_panel(
        root,
        "        rows=[",
        '        lint_ignore={"target/rate-interval": "5m on purpose"},\n        rows=[',
    )
    entry = load_project(root).bundle.dashboard("overview")
    assert entry is not None
    [finding] = house_rule_findings(entry)
    assert (finding.check, finding.suppressed) == ("target/rate-interval", "5m on purpose")
    assert str(finding.location).startswith("dashboards/overview.py:")


def test_a_house_rule_disabled_in_the_settings_does_not_stop_the_build(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    _with_panel(root, 'unit="reqps"', 'unit=""')
    settings = root / "toolkit.yaml"
    settings.write_text(settings.read_text() + "\nlint:\n  disabled:\n    panel/units: we chart raw counts\n")
    assert load_project(root).bundle.dashboard("overview") is not None
