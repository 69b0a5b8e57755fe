"""toolkit import dashboard(s): Grafana JSON in any export form to helper-based modules that build back
to the same dashboard; what is not carried is listed; bad input is an error at the input's line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.sample_project import make_project
from toolkit.bundle.migrate import BUILT_IN_ANNOTATION
from toolkit.cli import main
from toolkit.lint.engine import lint_bundle
from toolkit.sources.code import load_project
from toolkit.sources.files import load_paths

# --- dashboards -------------------------------------------------------------------------------------

REPO_BUILD = Path(__file__).resolve().parent.parent / "build" / "dashboards"


def run_import(root: Path, *args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["--project", str(root), "import", *args], env=env)


def project(tmp_path: Path) -> Path:
    (tmp_path / "project").mkdir(parents=True)
    return make_project(tmp_path / "project")


def built(root: Path, uid: str) -> dict:
    board = next(b for b in load_project(root).bundle.dashboards if b.uid == uid)
    return board.data


def view(board: dict) -> list:
    """What the round trip must keep: panels (title, type, layout, queries, unit, thresholds) and variables."""
    panels = []
    for panel in board["panels"]:
        for p in [panel, *panel.get("panels", [])]:
            defaults = (p.get("fieldConfig") or {}).get("defaults") or {}
            steps = ((defaults.get("thresholds") or {}).get("steps")) or [{"color": "green", "value": None}]
            panels.append(
                (
                    p.get("title"),
                    p.get("type"),
                    p.get("gridPos"),
                    [(t.get("expr"), t.get("legendFormat", "")) for t in p.get("targets") or []],
                    defaults.get("unit", ""),
                    [(s.get("color"), s.get("value")) for s in steps],
                    p.get("repeat"),
                    (p.get("libraryPanel") or {}).get("uid"),
                    len((p.get("fieldConfig") or {}).get("overrides") or []),
                )
            )
    variables = [
        (v["name"], v["type"], v.get("query"))
        for v in (board.get("templating") or {}).get("list") or []
        if v.get("type") != "datasource"
    ]
    return [sorted(panels, key=lambda p: (p[2]["y"], p[2]["x"], p[0])), variables]


@pytest.mark.parametrize("uid", sorted(p.stem for p in REPO_BUILD.glob("*.json")))
def test_importing_a_built_dashboard_rebuilds_it_byte_for_byte(tmp_path: Path, uid: str) -> None:
    root = project(tmp_path)
    original = json.loads((REPO_BUILD / f"{uid}.json").read_text())
    source = tmp_path / f"{uid}.json"
    source.write_text(json.dumps({**original, "uid": f"{uid}_copy"}))
    result = run_import(root, "dashboard", str(source))
    assert result.exit_code == 0, result.output
    assert built(root, f"{uid}_copy") == {**original, "uid": f"{uid}_copy"}


MODERN = {
    "uid": "modern",
    "title": "Modern",
    "schemaVersion": 39,
    "panels": [
        {
            "id": 1,
            "type": "row",
            "title": "Overview",
            "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1},
            "collapsed": False,
            "panels": [],
        },
        {
            "id": 2,
            "type": "timeseries",
            "title": "Requests",
            "gridPos": {"x": 0, "y": 1, "w": 12, "h": 8},
            "datasource": {"type": "prometheus", "uid": "${DS_PROM}"},
            "fieldConfig": {
                "defaults": {
                    "unit": "reqps",
                    "thresholds": {
                        "mode": "absolute",
                        "steps": [{"color": "green", "value": None}, {"color": "red", "value": 100}],
                    },
                },
                "overrides": [],
            },
            "targets": [
                {
                    "refId": "A",
                    "expr": "sum by (job) (rate(http_requests_total[$__rate_interval]))",
                    "legendFormat": "{{job}}",
                }
            ],
        },
        {
            "id": 3,
            "type": "stat",
            "title": "Status",
            "gridPos": {"x": 12, "y": 1, "w": 6, "h": 4},
            "fieldConfig": {
                "defaults": {
                    "unit": "none",
                    "mappings": [{"type": "value", "options": {"1": {"text": "UP"}}}],
                },
                "overrides": [],
            },
            "targets": [{"refId": "A", "expr": "up"}],
        },
        {
            "id": 4,
            "type": "timeseries",
            "title": "Per job",
            "repeat": "job",
            "gridPos": {"x": 18, "y": 1, "w": 6, "h": 8},
            "fieldConfig": {
                "defaults": {"unit": "s"},
                "overrides": [
                    {
                        "matcher": {"id": "byName", "options": "p99"},
                        "properties": [{"id": "color", "value": {"mode": "fixed", "fixedColor": "red"}}],
                    }
                ],
            },
            "targets": [
                {
                    "refId": "A",
                    "expr": 'histogram_quantile(0.99, sum by (le) (rate(x_bucket{job="$job"}[$__rate_interval])))',
                    "legendFormat": "p99",
                }
            ],
        },
        {
            "id": 5,
            "type": "row",
            "title": "Details",
            "gridPos": {"x": 0, "y": 9, "w": 24, "h": 1},
            "collapsed": True,
            "panels": [
                {
                    "id": 6,
                    "type": "text",
                    "title": "Notes",
                    "gridPos": {"x": 0, "y": 10, "w": 24, "h": 3},
                    "options": {"content": "Read me", "mode": "markdown"},
                },
                {
                    "id": 7,
                    "libraryPanel": {"uid": "lib-1", "name": "Shared"},
                    "title": "Shared",
                    "gridPos": {"x": 0, "y": 13, "w": 12, "h": 8},
                },
            ],
        },
    ],
    "templating": {
        "list": [
            {"name": "DS_PROM", "type": "datasource", "query": "prometheus"},
            {
                "name": "job",
                "type": "query",
                "query": "label_values(up, job)",
                "multi": True,
                "includeAll": True,
                "datasource": {"type": "prometheus", "uid": "${DS_PROM}"},
            },
            {"name": "window", "type": "custom", "query": "5m,1h", "options": []},
        ]
    },
    "links": [{"title": "Home", "url": "/d/home", "type": "link"}],
}


def share_export(board: dict) -> dict:
    text = json.dumps(board).replace("${DS_PROM}", "${DS_PROMETHEUS}")
    return {
        "__inputs": [{"name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus"}],
        "__requires": [],
        **json.loads(text),
    }


@pytest.mark.parametrize(
    ("form", "wrap"),
    [
        ("bare", lambda b: b),
        ("envelope", lambda b: {"dashboard": b, "meta": {"folderUid": "x"}}),
        ("shared", share_export),
    ],
)
def test_modern_dashboards_round_trip_in_every_export_form(tmp_path: Path, form: str, wrap) -> None:
    root = project(tmp_path)
    source = tmp_path / "modern.json"
    source.write_text(json.dumps(wrap(MODERN)))
    result = run_import(root, "dashboard", str(source))
    assert result.exit_code == 0, result.output
    assert view(built(root, "modern")) == view(MODERN)
    for carried in ("'Shared' (None) carried raw: a library panel",):
        assert carried in result.output
    assert ": not carried: " not in result.output and "variable window" not in result.output
    module = (root / "dashboards" / "modern.py").read_text()
    assert 'CustomVariable("window", "5m,1h")' in module  # typed; Grafana makes its options from the values
    assert "stat(" in module and '"mappings"' in module  # typed, with what stat() does not model as extra
    assert "timeseries(" in module and '"overrides"' in module
    assert 'text("Notes", "Read me", description="", width=24, height=3)' in module
    assert built(root, "modern")["links"][0]["url"] == "/d/home"


OLD = {
    "uid": "old",
    "title": "Old",
    "schemaVersion": 14,
    "rows": [
        {
            "title": "Traffic",
            "height": "250px",
            "panels": [
                {
                    "id": 1,
                    "type": "graph",
                    "title": "Requests",
                    "span": 6,
                    "yaxes": [{"format": "reqps"}, {"format": "short"}],
                    "targets": [{"expr": "sum(rate(http_requests_total[5m]))", "legendFormat": "all"}],
                },
                {
                    "id": 2,
                    "type": "singlestat",
                    "title": "Errors",
                    "span": 6,
                    "format": "percentunit",
                    "thresholds": "0.01,0.05",
                    "colors": ["green", "orange", "red"],
                    "targets": [{"expr": "sum(rate(errors_total[5m])) / sum(rate(http_requests_total[5m]))"}],
                },
            ],
        },
        {
            "title": "Saturation",
            "height": 300,
            "collapse": True,
            "panels": [
                {
                    "id": 3,
                    "type": "singlestat",
                    "title": "CPU",
                    "span": 12,
                    "format": "percent",
                    "gauge": {"show": True},
                    "targets": [{"expr": "avg(rate(node_cpu_seconds_total[5m]))"}],
                },
            ],
        },
    ],
}


def test_old_rows_graphs_and_singlestats_are_migrated_and_round_trip(tmp_path: Path) -> None:
    from toolkit.bundle.dashboards import normalize_dashboard

    root = project(tmp_path)
    source = tmp_path / "old.json"
    source.write_text(json.dumps(OLD))
    result = run_import(root, "dashboard", str(source))
    assert result.exit_code == 0, result.output
    board = built(root, "old")
    assert view(board) == view(normalize_dashboard(OLD).data)
    kinds = {
        p["title"]: (p["type"], p["gridPos"])
        for top in board["panels"]
        for p in [top, *top.get("panels", [])]
    }
    # Grafana's upgradeToGridLayout (DashboardMigrator.ts): 250px is ceil(250 / (30 + 8)) = 7 grid rows,
    # span 6 of 12 is 12 of 24 columns; the collapsed row of 300px starts after the first (1 + 7).
    assert kinds["Requests"] == ("timeseries", {"x": 0, "y": 1, "w": 12, "h": 7})
    assert kinds["Errors"] == ("stat", {"x": 12, "y": 1, "w": 12, "h": 7})
    assert kinds["CPU"] == ("gauge", {"x": 0, "y": 9, "w": 24, "h": 8})
    errors = next(p for p in board["panels"] if p["title"] == "Errors")
    assert [s["value"] for s in errors["fieldConfig"]["defaults"]["thresholds"]["steps"]] == [
        None,
        0.01,
        0.05,
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "invalid JSON"), ('{"title": "x"}', "not a dashboard"), ("[1, 2]", "not a dashboard")],
)
def test_bad_dashboard_input_writes_nothing(tmp_path: Path, content: str, message: str) -> None:
    root = project(tmp_path)
    source = tmp_path / "bad.json"
    source.write_text(content)
    result = run_import(root, "dashboard", str(source))
    assert result.exit_code == 2 and message in result.output and "bad.json:1" in result.output
    assert sorted(p.name for p in (root / "dashboards").glob("*.py")) == ["__init__.py", "overview.py"]


@pytest.mark.parametrize(
    ("board", "message", "line"),
    [
        ('{\n  "title": "x",\n  "panels": {"a": 1}\n}', "'panels' must be a list, not dict", 3),
        (
            '{\n  "panels": [\n    {"title": "p", "targets": "up"}\n  ]\n}',
            "'targets' must be a list, not str",
            3,
        ),
        ('{\n  "panels": [],\n  "templating": {"list": [5]}\n}', "a variable must be an object", 3),
        (
            '{"uid": "../../../evil", "panels": []}',
            "dashboard uid '../../../evil' is not one Grafana accepts",
            1,
        ),
    ],
)
def test_malformed_dashboards_name_the_file_and_line_and_exit_2(
    tmp_path: Path, board: str, message: str, line: int
) -> None:
    root = project(tmp_path)
    source = tmp_path / "bad.json"
    source.write_text(board)
    result = run_import(root, "dashboard", str(source))
    assert result.exit_code == 2, result.output
    assert f"bad.json:{line}: " in result.output and message in result.output, result.output
    assert "Traceback" not in result.output and "nothing was written" in result.output
    assert sorted(p.name for p in (root / "dashboards").glob("*.py")) == ["__init__.py", "overview.py"]
    assert not list((tmp_path / "project").rglob("evil*"))


@pytest.mark.parametrize("name", ["class", "my-board", "2fast"])
def test_an_invalid_dashboard_module_name_is_a_clear_error(tmp_path: Path, name: str) -> None:
    root = project(tmp_path)
    source = tmp_path / "modern.json"
    source.write_text(json.dumps(MODERN))
    result = run_import(root, "dashboard", str(source), "--name", name)
    assert result.exit_code == 2 and f"--name {name!r}" in result.output and "Traceback" not in result.output


def test_a_colliding_dashboard_name_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    source = tmp_path / "overview.json"
    source.write_text(json.dumps({**MODERN, "uid": "overview"}))
    result = run_import(root, "dashboard", str(source), "--name", "overview")
    assert result.exit_code == 2 and "dashboards/overview.py exists: choose another --name" in result.output


def test_import_from_grafana(tmp_path: Path, grafana_double) -> None:
    from grafana_client import GrafanaApi

    api = GrafanaApi.from_url(grafana_double.url, credential=grafana_double.token)
    api.dashboard.update_dashboard({"dashboard": {**MODERN, "uid": "live"}})
    root = project(tmp_path)
    env = {"GRAFANA_URL": grafana_double.url, "GRAFANA_TOKEN": grafana_double.token}
    result = run_import(root, "dashboard", "--from-grafana", "live", "--name", "from_live", env=env)
    assert result.exit_code == 0, result.output
    assert view(built(root, "live")) == view(MODERN)


def test_import_a_whole_grafana_or_one_folder(tmp_path: Path, grafana_double) -> None:
    from grafana_client import GrafanaApi

    api = GrafanaApi.from_url(grafana_double.url, credential=grafana_double.token)
    api.folder.create_folder("Platform", uid="platform")
    api.dashboard.update_dashboard(
        {"dashboard": {**MODERN, "uid": "one", "title": "One"}, "folderUid": "platform"}
    )
    api.dashboard.update_dashboard({"dashboard": {**OLD, "uid": "two", "title": "Two"}})
    env = {"GRAFANA_URL": grafana_double.url, "GRAFANA_TOKEN": grafana_double.token}
    root = project(tmp_path / "folder")
    result = run_import(root, "dashboard", "--from-grafana", "--all", "--folder", "platform", env=env)
    assert result.exit_code == 0, result.output
    assert view(built(root, "one")) == view({**MODERN, "uid": "one"})
    assert next(b for b in load_project(root).bundle.dashboards if b.uid == "one").folder == "platform"
    assert "dashboards/two.py" not in result.output
    root = project(tmp_path / "all")
    result = run_import(root, "dashboard", "--from-grafana", "--all", env=env)
    assert result.exit_code == 0, result.output
    assert {"one", "two"} <= {b.uid for b in load_project(root).bundle.dashboards}
    assert "wrote dashboards/one.py" in result.output and "wrote dashboards/two.py" in result.output


def test_a_folder_of_dashboards_imports_all_or_nothing(tmp_path: Path) -> None:
    root = project(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "a.json").write_text(json.dumps(MODERN))
    (exports / "b.json").write_text(json.dumps(OLD))
    (exports / "c.json").write_text('{"panels": 5}')
    result = run_import(root, "dashboards", str(exports))
    assert result.exit_code == 2 and "c.json:1: " in result.output, result.output
    assert sorted(p.name for p in (root / "dashboards").glob("*.py")) == ["__init__.py", "overview.py"]
    (exports / "c.json").unlink()
    result = run_import(root, "dashboards", str(exports))
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (root / "dashboards").glob("*.py")) == [
        "__init__",
        "modern",
        "old",
        "overview",
    ]


SILENT = {
    "uid": "silent",
    "title": "Silent losses",
    "schemaVersion": 39,
    "time": {"from": "now-1h", "to": "now-5m"},
    "annotations": {
        "list": [
            dict(BUILT_IN_ANNOTATION),
            {
                "name": "Deploys",
                "enable": True,
                "iconColor": "blue",
                "expr": "changes(build_info[5m]) > 0",
                "datasource": {"type": "prometheus", "uid": "${datasource}"},
            },
        ]
    },
    "panels": [
        {
            "id": 1,
            "type": "stat",
            "title": "Free",
            "interval": "1m",
            "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4},
            "fieldConfig": {
                "defaults": {
                    "unit": "percent",
                    "decimals": 2,
                    "thresholds": {
                        "mode": "percentage",
                        "steps": [{"color": "red", "value": None}, {"color": "green", "value": 20}],
                    },
                },
                "overrides": [],
            },
            "targets": [
                {"refId": "A", "expr": "node_memory_MemAvailable_bytes", "interval": "30s"},
                {"refId": "B", "expr": "node_memory_MemTotal_bytes", "hide": True},
            ],
        },
        {
            "id": 2,
            "type": "table",
            "title": "Targets",
            "gridPos": {"x": 6, "y": 0, "w": 18, "h": 8},
            "fieldConfig": {"defaults": {"unit": "none"}, "overrides": []},
            "transformations": [{"id": "organize", "options": {"excludeByName": {"Time": True}}}],
            "targets": [{"refId": "A", "expr": "up", "instant": True, "format": "table"}],
        },
    ],
    "templating": {
        "list": [
            {
                "name": "host",
                "type": "query",
                "query": "label_values(up, instance)",
                "regex": "/([^:]+):.*/",
                "allValue": ".*",
                "current": {"text": "db1", "value": "db1"},
                "hide": 1,
                "includeAll": True,
                "multi": False,
                "datasource": {"type": "prometheus", "uid": "${datasource}"},
            }
        ]
    },
}


def test_the_silent_losses_are_carried(tmp_path: Path) -> None:
    root = project(tmp_path)
    source = tmp_path / "silent.json"
    source.write_text(json.dumps(SILENT))
    result = run_import(root, "dashboard", str(source))
    assert result.exit_code == 0, result.output
    assert ": not carried: " not in result.output, result.output
    board = built(root, "silent")
    host = next(v for v in board["templating"]["list"] if v["name"] == "host")
    assert (host["regex"], host["allValue"], host["current"], host["hide"]) == (
        "/([^:]+):.*/",
        ".*",
        {"text": "db1", "value": "db1"},
        1,
    )
    assert board["annotations"]["list"][1]["name"] == "Deploys"
    assert "refresh" not in board and board["time"] == {"from": "now-1h", "to": "now-5m"}
    free = board["panels"][0]
    defaults = free["fieldConfig"]["defaults"]
    assert (defaults["decimals"], defaults["thresholds"]["mode"], free["interval"]) == (2, "percentage", "1m")
    assert [t.get("interval") for t in free["targets"]] == ["30s", None]
    assert [bool(t.get("hide")) for t in free["targets"]] == [False, True]
    assert board["panels"][1]["transformations"] == SILENT["panels"][1]["transformations"]
    module = (root / "dashboards" / "silent_losses.py").read_text()
    assert "Variable(\n" in module or "Variable(" in module
    assert 'regex="/([^:]+):.*/"' in module and 'all_value=".*"' in module and "hide=1" in module
    assert "table(" in module and 'interval="30s"' in module and "hidden=True" in module


def test_an_imported_dashboard_lints_as_clean_as_its_input(tmp_path: Path) -> None:
    root = project(tmp_path)
    source = tmp_path / "modern.json"
    source.write_text(json.dumps(MODERN))
    assert run_import(root, "dashboard", str(source)).exit_code == 0
    before = {f.check for f in lint_bundle(load_paths([source]).bundle, is_project=False)}
    imported = [b for b in load_project(root).bundle.dashboards if b.uid == "modern"]
    after = {
        f.check
        for f in lint_bundle(type(load_project(root).bundle)(dashboards=tuple(imported)), is_project=False)
    }
    assert after <= before


@pytest.mark.parametrize("command", ["rules", "dashboard", "dashboards"])
def test_every_import_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, ["import", command, "-h"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_progress_shows_on_a_terminal_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import time

    from toolkit.commands import import_

    items = list(range(5))
    assert list(import_._progress(items, "x")) == items  # CliRunner's stderr is no terminal: no bar
    shown = []

    class Terminal:
        def isatty(self) -> bool:
            return True

        def write(self, text: str) -> None:
            shown.append(text)

        def flush(self) -> None:
            pass

    monkeypatch.setattr(sys, "stderr", Terminal())
    monkeypatch.delenv("CI", raising=False)
    slowly = []
    for item in import_._progress(items, "importing"):
        slowly.append(item)
        time.sleep(0.3)  # the line shows from the first second on
    assert slowly == items and "importing" in "".join(shown)


def test_generated_dashboard_modules_pass_ruff_as_written(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (make setup installs the dev tools)")
    root = project(tmp_path)
    shutil.copy(Path(__file__).resolve().parent.parent / "pyproject.toml", root)  # this repository's rules
    for name, board in (("modern", MODERN), ("old", OLD), ("silent", SILENT)):
        (tmp_path / f"{name}.json").write_text(json.dumps(board))
    result = run_import(
        root, "dashboards", *(str(tmp_path / f"{n}.json") for n in ("modern", "old", "silent"))
    )
    assert result.exit_code == 0, result.output
    modules = [p for p in (root / "dashboards").glob("*.py") if p.stem not in ("__init__", "overview")]
    assert len(modules) == 3
    for check in (["check"], ["format", "--check"]):
        done = subprocess.run([ruff, *check, *map(str, modules)], cwd=root, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_name_with_many_inputs_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    for name in ("a", "b"):
        (tmp_path / f"{name}.yml").write_text("groups: []\n")
    result = CliRunner().invoke(
        main,
        [
            "--project",
            str(root),
            "import",
            "rules",
            str(tmp_path / "a.yml"),
            str(tmp_path / "b.yml"),
            "--name",
            "x",
        ],
    )
    assert result.exit_code == 2 and "--name names one module" in result.output


def test_a_panel_a_helper_refuses_is_carried_raw(tmp_path: Path) -> None:
    root = project(tmp_path)
    wide = {**MODERN, "panels": [{**MODERN["panels"][1], "gridPos": {"x": 0, "y": 0, "w": 30, "h": 8}}]}
    source = tmp_path / "wide.json"
    source.write_text(json.dumps(wide))
    result = run_import(root, "dashboard", str(source))
    assert result.exit_code == 0, result.output
    assert "panel 0 'Requests' (timeseries) carried raw: the timeseries() helper refuses it" in result.output
    assert built(root, "modern")["panels"][0]["gridPos"]["w"] == 30


def test_an_error_in_what_the_import_builds_points_at_the_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import toolkit.sources.code
    from toolkit.errors import DefinitionError
    from toolkit.locations import SourceLocation

    def refuse(definition):
        raise DefinitionError("a rule of the build", SourceLocation("<generated>", 3))

    monkeypatch.setattr(toolkit.sources.code, "_dashboard_entry", refuse)
    root = project(tmp_path)
    source = tmp_path / "modern.json"
    source.write_text(json.dumps(MODERN))
    result = run_import(root, "dashboard", str(source))
    assert result.exit_code == 2, result.output
    assert f"{source}:1: the imported dashboard does not build: a rule of the build" in result.output
    assert "<generated>" not in result.output


def test_a_dashboard_import_stopped_by_sigterm_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import signal

    import toolkit.sources.code

    root = project(tmp_path)
    registry = (root / "dashboards" / "__init__.py").read_text()
    (tmp_path / "modern.json").write_text(json.dumps(MODERN))
    monkeypatch.setattr(
        toolkit.sources.code, "load_project", lambda root: os.kill(os.getpid(), signal.SIGTERM)
    )
    result = run_import(root, "dashboard", str(tmp_path / "modern.json"))
    assert result.exit_code == 143, result.output
    assert sorted(p.name for p in (root / "dashboards").glob("*.py")) == ["__init__.py", "overview.py"]
    assert (root / "dashboards" / "__init__.py").read_text() == registry


def test_what_the_input_leaves_unset_keeps_grafanas_defaults(tmp_path: Path) -> None:
    root = project(tmp_path)
    bare = {
        "uid": "bare",
        "title": "Bare",
        "panels": [
            {
                "type": "timeseries",
                "title": "Rate",
                "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
                "targets": [{"refId": "A", "expr": "rate(x[5m])"}],
            },
            {
                "type": "gauge",
                "title": "Used",
                "gridPos": {"x": 12, "y": 0, "w": 6, "h": 8},
                "targets": [{"refId": "A", "expr": "used_ratio"}],
            },
        ],
    }
    (tmp_path / "bare.json").write_text(json.dumps(bare))
    result = run_import(root, "dashboard", str(tmp_path / "bare.json"))
    assert result.exit_code == 0, result.output
    assert "added by the helper" not in result.output, result.output
    rate, used = built(root, "bare")["panels"]
    assert rate["options"]["legend"]["displayMode"] == "list" and rate["options"]["legend"]["calcs"] == []
    custom = rate["fieldConfig"]["defaults"]["custom"]
    assert (custom["fillOpacity"], rate["fieldConfig"]["defaults"]["color"]["mode"]) == (0, "palette-classic")
    assert "min" not in used["fieldConfig"]["defaults"] and "max" not in used["fieldConfig"]["defaults"]


def test_a_singlestat_with_text_for_thresholds_imports_in_a_folder(tmp_path: Path) -> None:
    """ceph's pool-detail.json: a singlestat with ``thresholds: "current"`` (text where numbers belong,
    as in the "could not convert string to float: 'current'" failure of a bulk import) imports with the
    others of its folder; the thresholds that are no number are listed as not carried."""
    root = project(tmp_path)
    folder = tmp_path / "exports"
    folder.mkdir()
    odd = {
        "uid": "pool",
        "title": "Pool",
        "schemaVersion": 16,
        "panels": [
            {
                "id": 1,
                "type": "singlestat",
                "title": "Usage",
                "gridPos": {"x": 0, "y": 0, "w": 6, "h": 4},
                "thresholds": "current",
                "valueName": "current",
                "colors": ["green", "orange", "red"],
                "targets": [{"expr": "up", "refId": "A"}],
            }
        ],
    }
    (folder / "pool.json").write_text(json.dumps(odd))
    (folder / "plain.json").write_text(json.dumps({"uid": "plain", "title": "Plain", "panels": []}))
    result = run_import(root, "dashboards", str(folder))
    assert result.exit_code == 0, result.output
    assert "wrote dashboards/pool.py" in result.output and "wrote dashboards/plain.py" in result.output
    steps = built(root, "pool")["panels"][0]["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert steps[0]["value"] is None and all(
        isinstance(s.get("value"), (int, float, type(None))) for s in steps
    )


@pytest.mark.parametrize(
    ("text", "triple"),
    [
        ("sum(up)\nby (job)\n", True),
        ("sum(up) \nby (job)", False),  # a line ending in a space: ruff reports it inside the literal
        ("a\r\nb", False),
        ("a\n\tb", True),
        ('say "hi"\nnow', True),
    ],
)
def test_multi_line_text_is_triple_quoted_only_where_the_module_lints_clean(text: str, triple: bool) -> None:
    from toolkit.importer.pysource import string

    written = string(text)
    assert written.startswith('"""') is triple
    assert eval(written) == text  # our own literal, exact either way


def modules(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.glob("*/*.py"))


@pytest.mark.parametrize("refused_by", ["chmod", "scandir"])
@pytest.mark.parametrize(
    ("command", "name", "content"), [("rules", "a.yml", "groups: []\n"), ("dashboards", "a.json", "{}")]
)
def test_a_folder_that_cannot_be_listed_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refused_by: str, command: str, name: str, content: str
) -> None:
    """A folder the importer cannot list is an error with the folder and the reason (it was passed over in
    silence): exit 2, nothing written. As root, chmod does not stop listing, so the refusal is simulated too."""
    root = project(tmp_path)
    locked = tmp_path / "in" / "locked"
    locked.mkdir(parents=True)
    (locked / name).write_text(content)
    (tmp_path / "in" / name).write_text(content)
    before = modules(root)
    if refused_by == "chmod":
        locked.chmod(0)
        if os.access(locked, os.R_OK):
            locked.chmod(0o755)
            pytest.skip("chmod 000 does not stop this user (root) from listing a folder")
    else:
        real_scandir = os.scandir

        def refusing(folder):
            if str(folder) == str(locked):
                raise PermissionError(13, "Permission denied")
            return real_scandir(folder)

        monkeypatch.setattr(os, "scandir", refusing)
    try:
        result = run_import(root, command, str(tmp_path / "in"))
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 2, result.output
    assert f"{locked}: cannot list this folder: Permission denied\nnothing was written" in result.output
    assert modules(root) == before
