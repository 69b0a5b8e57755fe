"""toolkit diff between two commits of a temporary git repository: exact reports per kind of change."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.sample_project import REPO
from tests.servers.processes import get_json, wait_until
from toolkit.cli import main
from toolkit.metrics import Metric, render_markdown
from toolkit.output.build import MARKER
from toolkit.output.svg import COLUMN, GRID, MARGIN, ROW_UNIT, render_svg


def _panel(pid: int, title: str, x: int, y: int, expr: str, unit: str = "reqps") -> dict:
    return {
        "id": pid,
        "type": "timeseries",
        "title": title,
        "description": f"{title}.",
        "gridPos": {"x": x, "y": y, "w": 12, "h": 8},
        "fieldConfig": {
            "defaults": {
                "unit": unit,
                "custom": {"stacking": {"group": "A", "mode": "none"}},
                "thresholds": {
                    "mode": "absolute",
                    "steps": [{"color": "green", "value": None}, {"color": "red", "value": 10}],
                },
            },
            "overrides": [],
        },
        "targets": [{"refId": "A", "expr": expr}],
    }


BASE_DASHBOARD = {
    "uid": "api",
    "title": "API",
    "refresh": "30s",
    "tags": ["api"],
    "time": {"from": "now-6h", "to": "now"},
    "panels": [
        {
            "id": 1,
            "type": "row",
            "title": "Traffic",
            "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1},
            "panels": [],
        },
        _panel(2, "Requests", 0, 1, "sum(rate(http_requests_total[$__rate_interval]))"),
        _panel(3, "Errors", 12, 1, 'sum(rate(http_requests_total{status=~"5.."}[$__rate_interval])) > 0'),
    ],
    "templating": {
        "list": [
            {"name": "datasource", "type": "datasource", "query": "prometheus"},
            {"name": "job", "type": "query", "query": "label_values(up, job)"},
        ]
    },
    "links": [{"title": "Executive", "url": "/d/executive", "type": "link"}],
}
BASE_RULES = {
    "groups": [
        {
            "name": "app-alerts",
            "interval": "1m",
            "labels": {"team": "platform"},
            "rules": [
                {
                    "record": "job:errors:ratio",
                    "expr": "sum by (job) (rate(errors_total[5m])) / sum by (job) (rate(requests_total[5m]))",
                },
                {
                    "alert": "HighErrorRate",
                    "expr": "job:errors:ratio > 0.05",
                    "for": "5m",
                    "labels": {"severity": "warning", "team": "platform"},
                    "annotations": {"summary": "Errors.", "description": "{{ $labels.job }} fails."},
                },
            ],
        }
    ]
}
BASE_ALERTMANAGER = {
    "global": {"resolve_timeout": "5m"},
    "route": {"receiver": "default", "routes": [{"receiver": "pager", "matchers": ['severity="critical"']}]},
    "receivers": [{"name": "default"}, {"name": "pager"}],
}


BASE_METRICS = (
    Metric("http_requests_total", "counter", "HTTP requests served.", labels=("job", "status")),
    Metric("errors_total", "counter", "Failed requests.", labels=("job",)),
)
BASE_TESTS = {
    "HighErrorRate.yml": {
        "rule_files": ["../app.yml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "name": "HighErrorRate at alerts/app.py:12",
                "interval": "1m",
                "input_series": [{"series": 'job:errors:ratio{job="api"}', "values": "0.1x20"}],
                "alert_rule_test": [{"eval_time": "10m", "alertname": "HighErrorRate", "exp_alerts": []}],
            }
        ],
    }
}


BASE_TEMPLATES = {
    "templates/platform.tmpl": '{{ define "slack.title" }}[{{ .Status }}] {{ .CommonLabels.alertname }}{{ end }}\n'
}


def write_build(
    root: Path,
    dashboards: dict,
    rules: dict,
    alertmanager: dict,
    metrics: tuple[Metric, ...] = BASE_METRICS,
    tests: dict = BASE_TESTS,
    templates: dict = BASE_TEMPLATES,
) -> None:
    build = root / "build"
    shutil.rmtree(build, ignore_errors=True)
    (build / "dashboards").mkdir(parents=True)
    (build / "prometheus").mkdir()
    (build / "alertmanager").mkdir()
    for uid, board in dashboards.items():
        (build / "dashboards" / f"{uid}.json").write_text(json.dumps(board, indent=2))
    (build / "prometheus" / "app.yml").write_text(yaml.safe_dump(rules, sort_keys=False))
    (build / "alertmanager" / "alertmanager.yml").write_text(yaml.safe_dump(alertmanager))
    (build / "prometheus" / "tests").mkdir()
    for name, test in tests.items():
        (build / "prometheus" / "tests" / name).write_text(yaml.safe_dump(test, sort_keys=False))
    (build / "metrics.md").write_text(render_markdown(metrics))
    for name, text in templates.items():
        (build / "alertmanager" / name).parent.mkdir(parents=True, exist_ok=True)
        (build / "alertmanager" / name).write_text(f"{{{{/* {MARKER} */}}}}\n{text}")


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args], cwd=root, check=True, capture_output=True
    )


def diff_after(
    tmp_path: Path,
    change: Callable[[dict, dict, dict], None],
    *args: str,
    metrics: tuple[Metric, ...] = BASE_METRICS,
    tests: dict = BASE_TESTS,
    templates: dict = BASE_TEMPLATES,
):
    """Commit the base build, apply ``change`` to copies, commit again (with ``metrics`` and ``tests``),
    and run toolkit diff HEAD~1 -> HEAD."""
    shutil.copy(REPO / "toolkit.yaml", tmp_path / "toolkit.yaml")
    git(tmp_path, "init", "-q", "-b", "main")
    write_build(tmp_path, {"api": BASE_DASHBOARD}, BASE_RULES, BASE_ALERTMANAGER)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    dashboards, rules, alertmanager = (
        {"api": copy.deepcopy(BASE_DASHBOARD)},
        copy.deepcopy(BASE_RULES),
        copy.deepcopy(BASE_ALERTMANAGER),
    )
    change(dashboards, rules, alertmanager)
    write_build(tmp_path, dashboards, rules, alertmanager, metrics, tests, templates)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "change")
    return CliRunner().invoke(
        main, ["--project", str(tmp_path), "diff", "--base", "HEAD~1", "--head", "HEAD", *args]
    )


def alert(rules: dict) -> dict:
    return rules["groups"][0]["rules"][1]


def reorder(d, r, a) -> None:
    board = d["api"]
    board["panels"] = [dict(reversed(list(p.items()))) for p in reversed(board["panels"])]
    board["panels"][0]["targets"][0]["expr"] = (
        'sum(  rate(http_requests_total{status=~"5.."}[$__rate_interval])  )>0'
    )
    alert(r)["expr"] = "job:errors:ratio   >   0.05"
    r["groups"][0]["rules"][1] = dict(reversed(list(alert(r).items())))


CASES = {
    "threshold": (
        lambda d, r, a: alert(r).update(expr="job:errors:ratio > 0.03"),
        "rule group app-alerts\n  ~ alert HighErrorRate: threshold moved from 0.05 to 0.03",
    ),
    "for and severity": (
        lambda d, r, a: alert(r).update(
            {"for": "10m", "labels": {"severity": "critical", "team": "platform"}}
        ),
        "rule group app-alerts\n  ~ alert HighErrorRate: for 5m -> 10m\n  ~ alert HighErrorRate: label severity warning -> critical",
    ),
    "alert expression": (
        lambda d, r, a: alert(r).update(expr="job:errors:ratio > 0.05 and on (job) up == 1"),
        "rule group app-alerts\n  ~ alert HighErrorRate: expression changed\n      - job:errors:ratio > 0.05\n"
        "      + job:errors:ratio > 0.05 and on (job) up == 1",
    ),
    "alert added and removed": (
        lambda d, r, a: r["groups"][0]["rules"].__setitem__(1, {**alert(r), "alert": "ErrorsHigh"}),
        "rule group app-alerts\n  + alert ErrorsHigh\n      + job:errors:ratio > 0.05\n  - alert HighErrorRate",
    ),
    "annotation": (
        lambda d, r, a: alert(r)["annotations"].update(description="{{ $labels.job }} fails a lot."),
        "rule group app-alerts\n  ~ alert HighErrorRate: annotation description {{ $labels.job }} fails. -> {{ $labels.job }} fails a lot.",
    ),
    "recording rule": (
        lambda d, r, a: r["groups"][0]["rules"][0].update(
            expr="sum by (job) (rate(errors_total[10m])) / sum by (job) (rate(requests_total[10m]))"
        ),
        "rule group app-alerts\n  ~ record job:errors:ratio: expression changed\n"
        "      - sum by (job) (rate(errors_total[5m])) / sum by (job) (rate(requests_total[5m]))\n"
        "      + sum by (job) (rate(errors_total[10m])) / sum by (job) (rate(requests_total[10m]))",
    ),
    "panel moved": (
        lambda d, r, a: d["api"]["panels"][2]["gridPos"].update(x=0, y=9),
        'dashboard api\n  ~ panel "Errors": moved from x=12,y=1 (12x8) to x=0,y=9 (12x8)',
    ),
    "panel added and removed": (
        lambda d, r, a: d["api"]["panels"].__setitem__(
            2,
            _panel(
                3,
                "Latency",
                12,
                1,
                "histogram_quantile(0.95, sum by (le) (rate(x_bucket[$__rate_interval])))",
                "s",
            ),
        ),
        'dashboard api\n  + panel "Latency" (timeseries) at x=12,y=1 (12x8)\n  - panel "Errors"',
    ),
    "unit and thresholds": (
        lambda d, r, a: d["api"]["panels"][1]["fieldConfig"]["defaults"].update(
            unit="ops",
            thresholds={
                "mode": "absolute",
                "steps": [{"color": "green", "value": None}, {"color": "red", "value": 20}],
            },
        ),
        'dashboard api\n  ~ panel "Requests": unit reqps -> ops\n  ~ panel "Requests": thresholds green@base, red@10 -> green@base, red@20',
    ),
    "query": (
        lambda d, r, a: d["api"]["panels"][1]["targets"][0].update(
            expr="sum by (job) (rate(http_requests_total[$__rate_interval]))"
        ),
        'dashboard api\n  ~ panel "Requests": query A changed\n      - sum(rate(http_requests_total[$__rate_interval]))\n'
        "      + sum by (job) (rate(http_requests_total[$__rate_interval]))",
    ),
    "variables and links": (
        lambda d, r, a: (
            d["api"]["templating"]["list"][1].update(query='label_values(up{env="prod"}, job)'),
            d["api"]["links"].append({"title": "Cost", "url": "/d/cost"}),
        ),
        'dashboard api\n  ~ variable $job: query label_values(up, job) -> query label_values(up{env="prod"}, job)\n  + link "Cost" -> /d/cost',
    ),
    "dashboard renamed, added, removed": (
        lambda d, r, a: (
            d["api"].update(title="API service"),
            d.update(cost={**copy.deepcopy(BASE_DASHBOARD), "uid": "cost", "title": "Cost"}),
        ),
        'dashboard api\n  ~ renamed from "API" to "API service"\ndashboard cost\n  + dashboard "Cost" with 2 panels',
    ),
    "dashboard removed": (lambda d, r, a: d.pop("api"), 'dashboard api\n  - dashboard "API"'),
    "routes and receivers": (
        lambda d, r, a: (
            a["route"]["routes"].append({"receiver": "finance", "matchers": ['category="cost"']}),
            a["receivers"].append({"name": "finance"}),
        ),
        'alertmanager\n  + receiver finance\n  ~ routes changed\n      + category="cost" -> finance',
    ),
}


def _stacked(d, r, a) -> None:
    d["api"]["panels"][1]["fieldConfig"]["defaults"]["custom"]["stacking"]["mode"] = "normal"


def _later_eval(test: dict) -> dict:
    test = copy.deepcopy(test)
    test["tests"][0]["alert_rule_test"][0]["eval_time"] = "15m"
    return test


FORMERLY_SILENT = {
    "dashboard refresh": (
        {"change": lambda d, r, a: d["api"].update(refresh="1m")},
        'dashboard api\n  ~ refresh "30s" -> "1m"',
    ),
    "dashboard tags": (
        {"change": lambda d, r, a: d["api"]["tags"].append("team-a")},
        "dashboard api\n  ~ tags: + team-a",
    ),
    "dashboard time range": (
        {"change": lambda d, r, a: d["api"]["time"].update({"from": "now-24h"})},
        'dashboard api\n  ~ time.from "now-6h" -> "now-24h"',
    ),
    "panel stacking": (
        {"change": _stacked},
        'dashboard api\n  ~ panel "Requests": fieldConfig.defaults.custom.stacking.mode "none" -> "normal"',
    ),
    "alertmanager resolve_timeout": (
        {"change": lambda d, r, a: a["global"].update(resolve_timeout="10m")},
        'alertmanager\n  ~ global.resolve_timeout "5m" -> "10m"',
    ),
    "rule group interval": (
        {"change": lambda d, r, a: r["groups"][0].update(interval="2m")},
        'rule group app-alerts\n  ~ interval "1m" -> "2m"',
    ),
    "rule group labels": (
        {"change": lambda d, r, a: r["groups"][0]["labels"].update(team="payments")},
        'rule group app-alerts\n  ~ labels.team "platform" -> "payments"',
    ),
    "alert test file": (
        {"tests": {"HighErrorRate.yml": _later_eval(BASE_TESTS["HighErrorRate.yml"])}},
        'alert tests\n  ~ HighErrorRate: cases[0].alert_rule_test[0].eval_time "10m" -> "15m"',
    ),
    "alertmanager template": (
        {
            "templates": {
                "templates/platform.tmpl": '{{ define "slack.title" }}{{ .CommonLabels.alertname }}{{ end }}\n'
            }
        },
        "alertmanager templates\n  ~ templates/platform.tmpl changed\n"
        '      - {{ define "slack.title" }}[{{ .Status }}] {{ .CommonLabels.alertname }}{{ end }}\n'
        '      + {{ define "slack.title" }}{{ .CommonLabels.alertname }}{{ end }}',
    ),
    "metrics.md": (
        {
            "metrics": (
                Metric(
                    "http_requests_total",
                    "counter",
                    "HTTP requests served.",
                    labels=("job", "status", "route"),
                ),
                Metric("errors_total", "counter", "Failed requests, by job.", labels=("job",)),
            )
        },
        'metrics\n  ~ metric errors_total: help "Failed requests." -> "Failed requests, by job."\n'
        '  ~ metric http_requests_total: labels[2] added: "route"',
    ),
}


@pytest.mark.parametrize("case", sorted(FORMERLY_SILENT))
def test_every_file_build_writes_is_compared_and_the_change_named(tmp_path: Path, case: str) -> None:
    how, expected = FORMERLY_SILENT[case]
    result = diff_after(
        tmp_path,
        how.get("change", lambda d, r, a: None),
        metrics=how.get("metrics", BASE_METRICS),
        tests=how.get("tests", BASE_TESTS),
        templates=how.get("templates", BASE_TEMPLATES),
    )
    assert (result.exit_code, result.output) == (1, expected + "\n")


def test_reordering_and_whitespace_are_no_difference(tmp_path: Path) -> None:
    result = diff_after(tmp_path, reorder)
    assert (result.exit_code, result.output) == (0, "no differences\n")


def test_renumbered_panels_are_matched_by_title_and_their_new_ids_reported_in_one_line(
    tmp_path: Path,
) -> None:
    def renumber(d, r, a) -> None:
        reorder(d, r, a)
        for n, panel in enumerate(d["api"]["panels"]):
            panel["id"] = 100 + n

    result = diff_after(tmp_path, renumber)
    assert (result.exit_code, result.output) == (
        1,
        'dashboard api\n  ~ panel ids: "Traffic" 1 -> 102, "Requests" 2 -> 101, "Errors" 3 -> 100\n',
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_change_is_reported_exactly(tmp_path: Path, case: str) -> None:
    change, expected = CASES[case]
    result = diff_after(tmp_path, change)
    assert result.exit_code == 1, result.output
    assert result.output == expected + "\n"


GOLDEN = """### toolkit diff

| | added | removed | changed |
| --- | ---: | ---: | ---: |
| dashboard api | 0 | 0 | 1 |
| rule group app-alerts | 0 | 0 | 1 |

<details><summary><b>dashboard api</b> (1 change)</summary>

Layout: [before](PREVIEWS/api.before.svg) · [after](PREVIEWS/api.after.svg)

- `~` panel "Errors": moved from x=12,y=1 (12x8) to x=0,y=9 (12x8)

</details>

<details><summary><b>rule group app-alerts</b> (1 change)</summary>

- `~` alert HighErrorRate: threshold moved from 0.05 to 0.03

</details>
"""


def test_markdown_report_matches_the_golden_text_and_writes_previews(tmp_path: Path) -> None:
    previews = tmp_path / "previews"

    def change(d, r, a) -> None:
        d["api"]["panels"][2]["gridPos"].update(x=0, y=9)
        alert(r).update(expr="job:errors:ratio > 0.03")

    result = diff_after(tmp_path, change, "--format", "markdown", "--previews", str(previews))
    assert result.exit_code == 1
    assert result.output == GOLDEN.replace("PREVIEWS", previews.as_posix())
    after = ET.parse(previews / "api.after.svg").getroot()
    marked = [g for g in after.iter("{http://www.w3.org/2000/svg}g") if g.get("data-title") == "Errors"]
    assert marked[0].find("{http://www.w3.org/2000/svg}rect").get("stroke") == "#ff9830"


def test_json_format_and_bad_revision(tmp_path: Path) -> None:
    result = diff_after(
        tmp_path, lambda d, r, a: alert(r).update(expr="job:errors:ratio > 0.03"), "--format", "json"
    )
    assert json.loads(result.output) == [
        {
            "section": "rule group app-alerts",
            "kind": "~",
            "text": "alert HighErrorRate: threshold moved from 0.05 to 0.03",
            "detail": [],
        }
    ]
    bad = CliRunner().invoke(main, ["--project", str(tmp_path), "diff", "--base", "no-such-rev"])
    assert bad.exit_code == 2 and "no-such-rev" in bad.output


def test_the_svg_draws_each_panel_at_its_grid_position() -> None:
    board = json.loads((REPO / "build" / "dashboards" / "api.json").read_text())
    root = ET.fromstring(render_svg(board))
    ns = "{http://www.w3.org/2000/svg}"
    drawn = {
        g.get("data-title"): g.find(f"{ns}rect") for g in root.iter(f"{ns}g") if g.get("class") == "panel"
    }
    panels = [p for p in board["panels"] if p["type"] != "row"]
    assert len(drawn) == len({p["title"] for p in panels})
    for panel in panels:
        pos, rect = panel["gridPos"], drawn[panel["title"]]
        if sum(1 for p in panels if p["title"] == panel["title"]) > 1:
            continue
        assert float(rect.get("x")) == MARGIN + pos["x"] * COLUMN + 2
        assert float(rect.get("y")) == MARGIN + 30 + pos["y"] * ROW_UNIT + 2
        assert float(rect.get("width")) == pos["w"] * COLUMN - 4
        assert float(rect.get("height")) == pos["h"] * ROW_UNIT - 4
    assert int(root.get("width")) == GRID * COLUMN + 2 * MARGIN


def test_render_command_writes_every_dashboard(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--project", str(REPO), "render", "--all", str(tmp_path)])
    assert result.exit_code == 0
    assert {p.stem for p in tmp_path.glob("*.svg")} == {
        p.stem for p in (REPO / "build" / "dashboards").glob("*.json")
    }
    for path in tmp_path.glob("*.svg"):
        ET.parse(path)


@pytest.mark.servers
def test_live_drift_against_the_grafana_double_and_real_servers(
    tmp_path: Path, grafana_double, prometheus_factory, alertmanager_factory
) -> None:
    from grafana_client import GrafanaApi

    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(REPO / "build", root / "build")
    rules = tmp_path / "rules"
    rules.mkdir()
    for path in (REPO / "build" / "prometheus").glob("*.yml"):
        text = path.read_text()
        if path.name == "application-alerts.yml":
            assert "> 0.05" in text
            text = text.replace("> 0.05", "> 0.07")
        (rules / path.name).write_text(text)
    server = prometheus_factory(rule_files_dir=rules)
    wait_until(
        lambda: len(get_json(f"{server.url}/api/v1/rules")["data"]["groups"]) >= 10, what="rules to load"
    )

    served = (REPO / "build" / "alertmanager" / "alertmanager.yml").read_text()
    assert "repeat_interval: 1d" in served
    alertmanager = alertmanager_factory(served.replace("repeat_interval: 1d", "repeat_interval: 12h"))

    api = GrafanaApi.from_url(grafana_double.url, credential=grafana_double.token)
    api.folder.create_folder("Platform", uid="platform")
    for uid in ("api", "users"):
        board = json.loads((REPO / "build" / "dashboards" / f"{uid}.json").read_text())
        if uid == "api":
            moved = next(p for p in board["panels"] if p["title"] == "Requests per second")
            moved["gridPos"] = {**moved["gridPos"], "y": moved["gridPos"]["y"] + 40}
        api.dashboard.update_dashboard(
            {"dashboard": board, "folderUid": "platform", "overwrite": True, "message": "seed"}
        )

    settings = (REPO / "toolkit.yaml").read_text().split("\ncontexts:")[0]
    (root / "toolkit.yaml").write_text(
        settings
        + f"\ncontexts:\n  test:\n    grafana: {{url: '{grafana_double.url}'}}\n    prometheus: {{url: '{server.url}'}}\n"
        f"    alertmanager: {{url: '{alertmanager.url}'}}\n"
    )
    result = CliRunner().invoke(
        main,
        ["--project", str(root), "diff", "--live", "--context", "test"],
        env={"GRAFANA_TOKEN": grafana_double.token},
    )
    assert result.exit_code == 1, result.output
    out = result.output
    assert (
        'dashboard api\n  ~ panel "Requests per second": moved from x=0,y=41 (6x4) to x=0,y=1 (6x4)\n' in out
    )
    assert "dashboard users" not in out
    assert (
        "rule group application-alerts\n  ~ alert HighErrorRate: threshold moved from 0.07 to 0.05\n" in out
    )
    assert out.count("rule group ") == 1, "every other group matches what Prometheus serves"
    assert (
        "alertmanager\n  ~ routes changed\n" in out
        and "repeat_interval=12h" in out
        and "repeat_interval=1d" in out
    )
    assert grafana_double.token not in out


def test_path_level_changes_reach_markdown_json_and_the_svg_previews(tmp_path: Path) -> None:
    previews = tmp_path / "previews"

    def change(d, r, a) -> None:
        _stacked(d, r, a)
        d["api"].update(refresh="1m")

    result = diff_after(tmp_path, change, "--format", "markdown", "--previews", str(previews))
    assert result.exit_code == 1
    assert (
        '- `~` panel "Requests": fieldConfig.defaults.custom.stacking.mode "none" -> "normal"\n'
        in result.output
    )
    assert '- `~` refresh "30s" -> "1m"\n' in result.output
    after = ET.parse(previews / "api.after.svg").getroot()
    strokes = {
        g.get("data-title"): g.find("{http://www.w3.org/2000/svg}rect").get("stroke")
        for g in after.iter("{http://www.w3.org/2000/svg}g")
        if g.get("class") == "panel"
    }
    assert strokes == {"Requests": "#ff9830", "Errors": "#34373f"}
    (tmp_path / "again").mkdir()
    as_json = diff_after(tmp_path / "again", change, "--format", "json")
    assert [c["text"] for c in json.loads(as_json.output)] == [
        'panel "Requests": fieldConfig.defaults.custom.stacking.mode "none" -> "normal"',
        'refresh "30s" -> "1m"',
    ]


def test_metrics_md_and_alert_tests_read_back_as_the_build_wrote_them(tmp_path: Path) -> None:
    from toolkit.sources.built_extras import read_metrics
    from toolkit.sources.code import load_project
    from toolkit.sources.files import SourceError
    from toolkit.sources.git import WORKING_TREE, load_build

    built = load_project(REPO).bundle
    metrics = (
        *built.metrics,
        Metric("odd_total", "counter", "Pipes | in help.", ("a",), "s", "node_exporter"),
    )
    assert set(read_metrics(render_markdown(metrics), "build/metrics.md")) == set(metrics)
    read = load_build(REPO, WORKING_TREE).bundle.rule_tests
    assert [(t.subject, t.data) for t in read] == sorted(
        ((t.subject, t.data) for t in built.rule_tests), key=lambda s: s[0].replace(":", "_")
    )
    with pytest.raises(SourceError, match="not a row of the metric table") as error:
        read_metrics("# Metric contract\n\n| `x` | counter | broken |\n", "build/metrics.md")
    assert str(error.value.location) == "build/metrics.md:3"


CAPPED = {
    "name": "capped",
    "interval": "1m",
    "limit": 10,
    "query_offset": "30s",
    "labels": {"team": "platform"},
    "rules": [
        {"alert": "Down", "expr": "up == 0", "for": "5m", "labels": {"severity": "critical"}},
        {"record": "job:up:sum", "expr": "sum by (job) (up)", "labels": {"team": "own"}},
    ],
}


def _as_prometheus_3_loads(group: dict, limit: int) -> dict:
    """What Prometheus 3 makes of ``group``: its labels on each rule (a rule's own label wins); the
    installed Prometheus (2.42) refuses a group's labels and query_offset, so it is given this instead."""
    rules = [{**rule, "labels": {**group["labels"], **rule.get("labels", {})}} for rule in group["rules"]]
    return {"name": group["name"], "interval": group["interval"], "limit": limit, "rules": rules}


@pytest.mark.servers
def test_live_rule_groups_compare_limit_and_labels_and_name_what_the_api_does_not_serve(
    tmp_path: Path, prometheus_factory
) -> None:
    root = tmp_path / "project"
    (root / "build" / "prometheus").mkdir(parents=True)
    (root / "build" / "prometheus" / "capped.yml").write_text(yaml.safe_dump({"groups": [CAPPED]}))
    rules = tmp_path / "rules"
    rules.mkdir()
    served = rules / "capped.yml"
    served.write_text(yaml.safe_dump({"groups": [_as_prometheus_3_loads(CAPPED, limit=10)]}))
    server = prometheus_factory(rule_files_dir=rules)

    def limit() -> int | None:
        groups = get_json(f"{server.url}/api/v1/rules")["data"]["groups"]
        return groups[0].get("limit") if groups else None

    wait_until(lambda: limit() == 10, what="the rules to load")
    settings = (REPO / "toolkit.yaml").read_text().split("\ncontexts:")[0]
    (root / "toolkit.yaml").write_text(
        settings + f"\ncontexts:\n  test:\n    prometheus: {{url: '{server.url}'}}\n"
    )
    argv = ["--project", str(root), "diff", "--live", "--context", "test"]
    same = CliRunner().invoke(main, argv)
    assert (same.exit_code, same.stdout) == (0, "no differences\n"), same.output
    assert same.stderr == (
        "note: query_offset of rule group(s) capped cannot be compared live: Prometheus' /api/v1/rules "
        "does not serve it\n"
    )

    served.write_text(yaml.safe_dump({"groups": [_as_prometheus_3_loads(CAPPED, limit=20)]}))
    urllib.request.urlopen(urllib.request.Request(f"{server.url}/-/reload", method="POST"), timeout=5)
    wait_until(lambda: limit() == 20, what="the rules to reload")
    changed = CliRunner().invoke(main, argv)
    assert (changed.exit_code, changed.stdout) == (1, "rule group capped\n  ~ limit 20 -> 10\n"), (
        changed.output
    )


def test_only_files_that_differ_are_read_and_dashboards_are_matched_by_uid_across_files(
    tmp_path: Path,
) -> None:
    shutil.copy(REPO / "toolkit.yaml", tmp_path / "toolkit.yaml")
    git(tmp_path, "init", "-q", "-b", "main")
    cost = {**copy.deepcopy(BASE_DASHBOARD), "uid": "cost", "title": "Cost"}
    write_build(tmp_path, {"api": BASE_DASHBOARD, "cost": cost}, BASE_RULES, BASE_ALERTMANAGER)
    boards = tmp_path / "build" / "dashboards"
    (boards / "broken.json").write_text("{not json")  # unchanged on both sides: holds no difference
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    (boards / "api.json").unlink()  # the api dashboard moves to another file (untracked), renamed
    (boards / "service.json").write_text(json.dumps({**BASE_DASHBOARD, "title": "API service"}))
    (boards / "cost.json").write_text(json.dumps({**cost, "uid": "spend"}))  # the same file, another uid

    result = CliRunner().invoke(main, ["--project", str(tmp_path), "diff", "--base", "HEAD"])
    assert (result.exit_code, result.output) == (
        1,
        'dashboard api\n  ~ renamed from "API" to "API service"\n'
        'dashboard cost\n  - dashboard "Cost"\n'
        'dashboard spend\n  + dashboard "Cost" with 2 panels\n',
    )

    (boards / "copy.json").write_text(json.dumps({**BASE_DASHBOARD, "title": "Copy"}))
    twice = CliRunner().invoke(main, ["--project", str(tmp_path), "diff", "--base", "HEAD"])
    assert twice.exit_code == 2
    assert f'dashboard uid "api" is also that of {boards / "copy.json"}' in twice.output
    assert "Grafana keeps one dashboard per uid" in twice.output
