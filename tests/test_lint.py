"""toolkit lint: every check fires on a seeded mistake and stays quiet on the fix; reports and exits."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.sample_project import REPO, make_project
from tests.servers.processes import get_json, wait_until
from toolkit.cli import main
from toolkit.lint.docs import checks_section, example_findings
from toolkit.lint.engine import lint_bundle, settings_options
from toolkit.lint.examples import EXAMPLES
from toolkit.lint.findings import Level
from toolkit.lint.registry import CHECKS
from toolkit.sources.code import load_project
from toolkit.sources.files import load_paths

GOOD_ALERT = {
    "alert": "HighErrorRate",
    "expr": 'sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05',
    "for": "5m",
    "labels": {"severity": "critical", "team": "platform"},
    "annotations": {
        "summary": "Errors.",
        "description": "{{ $labels.job }} fails {{ $value | humanizePercentage }}.",
        "runbook_url": "https://runbooks/x",
    },
}


def alert(**changes) -> dict:
    rule = json.loads(json.dumps(GOOD_ALERT))
    for key, value in changes.items():
        if value is None:
            rule.pop(key, None)
        else:
            rule[key] = value
    return rule


def rules_file(*rules: dict, name: str = "api-alerts") -> str:
    return yaml.safe_dump({"groups": [{"name": name, "rules": list(rules)}]}, sort_keys=False)


def panel(**changes) -> dict:
    base = {
        "id": 1,
        "type": "timeseries",
        "title": "Requests",
        "description": "Requests per second.",
        "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "fieldConfig": {"defaults": {"unit": "reqps"}, "overrides": []},
        "targets": [{"refId": "A", "expr": "sum(rate(http_requests_total[$__rate_interval]))"}],
    }
    base.update(changes)
    return base


def dashboard_file(*panels: dict, **changes) -> str:
    board = {
        "uid": "api",
        "title": "API",
        "schemaVersion": 41,
        "panels": list(panels) or [panel()],
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]},
    }
    board.update(changes)
    return json.dumps(board, indent=2)


# check -> (file name, content that triggers it, content that does not)
CASES = {
    "promql/syntax": (
        "d.json",
        dashboard_file(panel(targets=[{"refId": "A", "expr": "sum(rate(x_total[5m]) > 1"}])),
        dashboard_file(),
    ),
    "promql/rate": (
        "r.yml",
        rules_file(alert(expr="sum(rate(sum(x_total)[5m:])) > 1")),
        rules_file(alert(expr="sum(rate(x_total[5m])) > 1")),
    ),
    "promql/counter": ("r.yml", rules_file(alert(expr="http_requests_total > 100")), rules_file(alert())),
    "promql/histogram": (
        "r.yml",
        rules_file(alert(expr="histogram_quantile(0.9, sum by (job) (rate(x_bucket[5m]))) > 1")),
        rules_file(alert(expr="histogram_quantile(0.9, sum by (job, le) (rate(x_bucket[5m]))) > 1")),
    ),
    "promql/aggregate": (
        "r.yml",
        rules_file(alert(expr="sum(rate(errors_total[5m])) > 1")),
        rules_file(alert(expr="sum by (job) (rate(errors_total[5m])) > 1")),
    ),
    "promql/fragile": (
        "r.yml",
        rules_file(alert(expr="topk(3, sum by (job) (rate(x_total[5m]))) > 1")),
        rules_file(alert(expr="sum by (job) (rate(x_total[5m])) > 1")),
    ),
    "promql/regexp": (
        "r.yml",
        rules_file(alert(expr='sum by (job) (rate(x_total{job=~"^api$"}[5m])) > 1')),
        rules_file(alert(expr='sum by (job) (rate(x_total{job=~"api|web"}[5m])) > 1')),
    ),
    "alerts/for": (
        "r.yml",
        rules_file(alert(expr="absent(up{job='api'})", **{"for": "30s"})),
        rules_file(alert(expr="absent(up{job='api'})", **{"for": "5m"})),
    ),
    "alerts/humanize": (
        "r.yml",
        rules_file(alert(annotations={**GOOD_ALERT["annotations"], "description": "{{ $value }} errors"})),
        rules_file(alert()),
    ),
    "promql/impossible": (
        "r.yml",
        rules_file(alert(expr="count(up{job='api'} == 1) == 0")),
        rules_file(alert(expr="count(up{job='api'} == 1) < 2")),
    ),
    "promql/absent": (
        "r.yml",
        rules_file(alert(expr="absent(sum(up{job='api'}))", **{"for": "5m"})),
        rules_file(alert(expr="absent(up{job='api'})", **{"for": "5m"})),
    ),
    "alerts/comparison": (
        "r.yml",
        rules_file(alert(expr="sum by (job) (rate(x_total[5m]))")),
        rules_file(alert()),
    ),
    "alerts/template": (
        "r.yml",
        rules_file(alert(annotations={**GOOD_ALERT["annotations"], "description": "{{ $labels.job fails"})),
        rules_file(alert()),
    ),
    "alerts/annotation": (
        "r.yml",
        rules_file(alert(annotations={"summary": "Errors."})),
        rules_file(alert()),
    ),
    "rule/label": ("r.yml", rules_file(alert(labels={"severity": "page", "team": "x"})), rules_file(alert())),
    "rule/name": ("r.yml", rules_file(alert(alert="high_error_rate")), rules_file(alert())),
    "rule/duplicate": ("r.yml", rules_file(alert(), alert()), rules_file(alert())),
    "rule/dependency": (
        "r.yml",
        rules_file(alert(expr="job:errors:ratio_rate5m > 0.05")),
        rules_file(
            {"record": "job:errors:ratio_rate5m", "expr": "sum by (job) (rate(e_total[5m]))"},
            alert(expr="job:errors:ratio_rate5m > 0.05"),
        ),
    ),
    "lint/ignore": (
        "r.yml",
        rules_file(alert()).replace(
            "HighErrorRate\n", "HighErrorRate # toolkit lint ignore promql/rgexp: r\n"
        ),
        rules_file(alert()).replace(
            "HighErrorRate\n", "HighErrorRate # toolkit lint ignore promql/regexp: r\n"
        ),
    ),
    "dashboard/uid": ("d.json", dashboard_file(uid="has spaces/and slashes"), dashboard_file()),
    "panel/units": ("d.json", dashboard_file(panel(fieldConfig={"defaults": {}})), dashboard_file()),
    "panel/description": ("d.json", dashboard_file(panel(description="")), dashboard_file()),
    "panel/datasource": ("d.json", dashboard_file(panel(datasource="Prometheus")), dashboard_file()),
    "panel/targets": ("d.json", dashboard_file(panel(targets=[])), dashboard_file()),
    "target/rate-interval": (
        "d.json",
        dashboard_file(panel(targets=[{"refId": "A", "expr": "sum(rate(http_requests_total[5m]))"}])),
        dashboard_file(),
    ),
    "template/datasource": ("d.json", dashboard_file(templating={"list": []}), dashboard_file()),
    "template/promql": (
        "d.json",
        dashboard_file(
            templating={
                "list": [
                    {"name": "datasource", "type": "datasource"},
                    {"name": "job", "type": "query", "query": "label_values(up{job=, job)"},
                ]
            }
        ),
        dashboard_file(
            templating={
                "list": [
                    {"name": "datasource", "type": "datasource"},
                    {"name": "job", "type": "query", "query": "label_values(up, job)"},
                ]
            }
        ),
    ),
    "dashboard/grid": (
        "d.json",
        dashboard_file(panel(), panel(id=2, title="Other", gridPos={"x": 6, "y": 0, "w": 12, "h": 8})),
        dashboard_file(panel(), panel(id=2, title="Other", gridPos={"x": 12, "y": 0, "w": 12, "h": 8})),
    ),
}
PROJECT_ONLY = {"alerts/untested", "metrics/catalogue", "dashboard/links", "routes/uncovered"}
LIVE_ONLY = {"promql/series", "promql/range", "alerts/count", "promql/matching"}
LOADER = {"rule/load", "source/read", "source/skipped"}  # tested in test_lint_parity.py
POLICY = {
    "rule/for",
    "rule/reject",
    "rule/report",
    "promql/selector",
    "promql/keep",
    "group/interval",
}  # by example


def findings_for(tmp_path: Path, name: str, content: str, check: str, conventions: bool = True):
    path = tmp_path / name
    path.write_text(content)
    loaded = load_paths([path])
    assert loaded.errors == []
    return [
        f for f in lint_bundle(loaded.bundle, is_project=False, conventions=conventions) if f.check == check
    ]


def test_every_registered_check_has_a_case() -> None:
    assert set(CASES) | PROJECT_ONLY | LIVE_ONLY | LOADER | POLICY == set(CHECKS)
    assert {name for name, registered in CHECKS.items() if registered.loader} == LOADER


@pytest.mark.parametrize("check", sorted(CASES))
def test_a_check_fires_on_its_mistake_and_is_quiet_on_the_fix(tmp_path: Path, check: str) -> None:
    name, bad, good = CASES[check]
    fired = findings_for(tmp_path, name, bad, check)
    assert fired, f"{check} did not fire"
    assert all(f.location.path.endswith(name) and f.location.line >= 1 for f in fired)
    assert findings_for(tmp_path, name, good, check) == []


def test_grafana_variables_and_macros_do_not_break_parsing(tmp_path: Path) -> None:
    expr = 'sum by (job) (rate(http_requests_total{job=~"$job", instance=~"${instance:regex}"}[$__rate_interval])) / $__range_s'
    content = dashboard_file(panel(targets=[{"refId": "A", "expr": expr}]))
    assert findings_for(tmp_path, "d.json", content, "promql/syntax") == []
    assert findings_for(tmp_path, "d.json", content, "promql/regexp") == []


def project_findings(root: Path):
    project = load_project(root)
    return lint_bundle(project.bundle, is_project=True, scrape_interval=project.settings.scrape_interval)


def test_project_only_checks_fire_on_the_project(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "alerts" / "__init__.py").write_text(
        "from alerts import basic\n\nRULE_GROUPS = (basic.groups,)\nMETRICS = ()\n"
    )
    checks = {f.check for f in project_findings(root)}
    assert "alerts/untested" in checks
    links = root / "dashboards" / "overview.py"
    links.write_text(
        links.read_text()
        .replace("rows=[", 'links=[Link("nowhere", "Nowhere")],\n        rows=[')
        .replace("import dashboard,", "import Link, dashboard,")
    )
    assert "dashboard/links" in {f.check for f in project_findings(root)}


def test_metrics_outside_the_catalogue_are_reported_for_the_project(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "alerts" / "metrics.py").write_text(
        "from toolkit.metrics import Metric\n\nMETRICS = (Metric('up', 'gauge', 'Scrape ok.'),)\n"
    )
    (root / "alerts" / "__init__.py").write_text(
        "from alerts import basic, metrics\n\nRULE_GROUPS = (basic.groups,)\nMETRICS = metrics.METRICS\n"
    )
    found = [f for f in project_findings(root) if f.check == "metrics/catalogue"]
    assert [f.message.split()[0] for f in found] == ["http_requests_total"]
    assert found[0].location.path == "dashboards/overview.py"


def test_the_projects_own_definitions_have_no_finding() -> None:
    findings = [f for f in project_findings(REPO) if not f.suppressed]
    assert findings == []


def test_suppressions_need_and_show_a_reason() -> None:
    suppressed = [f for f in project_findings(REPO) if f.suppressed]
    assert suppressed and all(f.check == "alerts/for" for f in suppressed)


# alert name -> (expression, for, the check its mistake trips)
SEEDED = {
    "Errors": ("errors_total > 5", "5m", "promql/counter"),
    "Flappy": ("sum by (job) (rate(errors_total[5m])) > 1", None, "alerts/for"),
    "Anchored": ('sum by (job) (rate(errors_total{job=~"^api$"}[5m])) > 1', "5m", "promql/regexp"),
    "LostJob": ("sum(rate(errors_total[5m])) > 1", "5m", "promql/aggregate"),
    "NoLe": (
        "histogram_quantile(0.9, sum by (job) (rate(latency_seconds_bucket[5m]))) > 1",
        "5m",
        "promql/histogram",
    ),
    "Fragile": ("topk(3, sum by (job) (rate(errors_total[5m]))) > 1", "5m", "promql/fragile"),
    "Missing": ("job:errors:rate5m > 1", "5m", "rule/dependency"),
}
SEEDED_CHECKS = {check for _, _, check in SEEDED.values()}


def _seeded_yaml() -> str:
    rules = ""
    for name, (expr, for_, _) in SEEDED.items():
        rules += f"      - alert: {name}\n        expr: '{expr}'\n" + (
            f"        for: {for_}\n" if for_ else ""
        )
        rules += "        labels: {severity: critical, team: platform}\n"
        rules += "        annotations: {summary: S., description: '{{ $labels.job }} errs', runbook_url: x}\n"
    return "groups:\n  - name: test-alerts\n    rules:\n" + rules


def _seeded_python() -> str:
    rules = ""
    for name, (expr, for_, _) in SEEDED.items():
        rules += f"                AlertRule(\n                    name={name!r},\n                    expr={expr!r},\n"
        rules += f"                    for_={for_!r},\n" if for_ else ""
        rules += '                    severity=Severity.CRITICAL,\n                    summary="S.",\n'
        rules += '                    description="{{ $labels.job }} errs",\n                ),\n'
    return rules


def test_the_same_mistakes_are_found_at_their_lines_in_yaml_and_in_python(tmp_path: Path) -> None:
    yaml_rules = tmp_path / "rules.yml"
    yaml_rules.write_text(_seeded_yaml())
    yaml_lines = yaml_rules.read_text().splitlines()
    foreign = lint_bundle(load_paths([yaml_rules]).bundle, is_project=False, conventions=True)
    field = {"alerts/for": "      - alert: {name}"}  # no for: reported at the alert's name
    assert {(f.subject, f.check, f.location.line) for f in foreign if f.check in SEEDED_CHECKS} == {
        (name, check, yaml_lines.index(field.get(check, "      - alert: {name}").format(name=name)) + 2)
        if check != "alerts/for"
        else (name, check, yaml_lines.index(f"      - alert: {name}") + 1)
        for name, (_, _, check) in SEEDED.items()
    }, "each at its expr: line (the line under the alert's name)"
    (tmp_path / "p").mkdir()
    root = make_project(tmp_path / "p")
    basic = root / "alerts" / "basic.py"
    text = basic.read_text().replace(
        "                )\n            ],", "                ),\n" + _seeded_python() + "            ],"
    )
    basic.write_text(text)
    python_lines = text.splitlines()
    python = project_findings(root)
    assert {(f.subject, f.check, str(f.location)) for f in python if f.check in SEEDED_CHECKS} == {
        (name, check, f"alerts/basic.py:{python_lines.index(f'                    name={name!r},')}")
        for name, (_, _, check) in SEEDED.items()
    }, "each at its AlertRule( line, the one above name="


def run(*args: str, cwd: Path = REPO):
    return CliRunner().invoke(main, ["--project", str(cwd), *args])


def test_cli_reports_path_line_level_message_check_and_source(tmp_path: Path) -> None:
    path = tmp_path / "r.yml"
    path.write_text(rules_file(alert(expr="http_requests_total > 100")))
    result = run("lint", str(path))
    assert result.exit_code == 0, "a counter judged by its name is a warning"
    result = run("lint", "--fail-on", "warning", str(path))
    assert f"{path}:5:11: warning: http_requests_total is a counter (judged by its name" in result.output
    assert "(promql/counter)\n    expr: http_requests_total > 100" in result.output


def test_fail_on_and_formats(tmp_path: Path) -> None:
    path = tmp_path / "r.yml"
    path.write_text(rules_file(alert(**{"for": None})))
    assert run("lint", str(path)).exit_code == 0
    assert run("lint", "--format", "json", str(path)).output == "[]\n", "clean: an empty list"
    assert run("lint", "--fail-on", "warning", "--conventions", str(path)).exit_code == 1
    listed = json.loads(run("lint", "--format", "json", "--conventions", str(path)).output)
    assert listed[0]["check"] == "alerts/for" and listed[0]["line"] == 4
    path.write_text(rules_file(alert(expr="rate(x_total[5m]) + http_requests_total > 9")))
    column = path.read_text().splitlines()[4].index("http_requests_total") + 1
    listed = json.loads(run("lint", "--format", "json", str(path)).output)
    assert (listed[0]["check"], listed[0]["line"], listed[0]["column"]) == ("promql/counter", 5, column)
    assert run("lint", "--format", "github", str(path)).output.startswith(
        f"::warning file={path},line=5,col={column},title=promql/counter::"
    )


def imported_modules(*args: str, cwd: Path = REPO) -> set[str]:
    """The modules ``toolkit ARGS`` imports, from ``python -X importtime`` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "toolkit", *args], capture_output=True, text=True, cwd=cwd
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return {
        line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")
    }


# what linting rule files never uses: each is imported where it is used, not at the top of a module on its path
NOT_FOR_RULE_FILES = {
    "toolkit.bundle.dashboards": "dashboard normalization",
    "toolkit.bundle.migrate": "legacy dashboard migration",
    "toolkit.bundle.notes": "dashboard normalization's notes",
    "toolkit.route_tests": "routing tests",
    "toolkit.testing.route_config": "routing tests",
    "toolkit.lint.live": "the --prometheus client",
    "toolkit.metrics": "the project's metric catalogue",
    "toolkit.rules": "the project's rule DSL",
    "sysconfig": "locating definitions in the project's Python",
}


def test_lint_imports_only_what_it_needs(tmp_path: Path) -> None:
    path = tmp_path / "r.yml"
    path.write_text(rules_file(alert()))
    on_files = imported_modules("lint", str(path))
    on_project = imported_modules("lint")
    assert "toolkit.lint.engine" in on_files and "toolkit.lint.engine" in on_project
    for heavy in ("grafana_client", "niquests", "requests", "urllib.request"):
        assert heavy not in on_files | on_project, heavy
    for unneeded in ("grafanalib", "jsonschema", "subprocess", "toolkit.sources.code", *NOT_FOR_RULE_FILES):
        assert unneeded not in on_files, (
            f"lint on rule files imports {unneeded} ({NOT_FOR_RULE_FILES.get(unneeded)})"
        )


def test_linting_a_dashboard_imports_the_dashboard_machinery(tmp_path: Path) -> None:
    """Where it is used (so the test above sees an import that comes back to the rule files' path)."""
    path = tmp_path / "board.json"
    path.write_text(json.dumps({"uid": "b", "title": "B", "panels": []}))
    assert {"toolkit.bundle.dashboards", "toolkit.bundle.migrate"} <= imported_modules("lint", str(path))


def test_every_check_is_documented_with_an_example_that_fires_and_one_that_is_quiet() -> None:
    assert set(EXAMPLES) == set(CHECKS)
    for name in sorted(set(CHECKS) - LIVE_ONLY):
        assert {f.check for f in example_findings(name)} == {name}, name
        assert example_findings(name, quiet=True) == [], name
    assert checks_section() in (REPO / "docs" / "lint.md").read_text(), "run python -m toolkit.lint.docs"


def test_level_order() -> None:
    assert Level.INFO < Level.WARNING < Level.BUG < Level.FATAL


@pytest.mark.servers
def test_live_checks_against_a_real_prometheus(tmp_path: Path, prometheus_factory, metrics_exporter) -> None:
    metrics_exporter.text = (
        '# TYPE queue_depth gauge\nqueue_depth{queue="default"} 3\n'
        '# TYPE jobs_processed_total counter\njobs_processed_total{queue="default",status="completed"} 10\n'
        '# TYPE pg_stat_activity_count gauge\npg_stat_activity_count{datname="app"} 7\n'
    )
    server = prometheus_factory(scrape_targets=[metrics_exporter.address])
    wait_until(
        lambda: "queue_depth" in get_json(f"{server.url}/api/v1/label/__name__/values")["data"],
        what="a scrape",
    )
    wait_until(lambda: get_json(f"{server.url}/api/v1/metadata")["data"].get("queue_depth"), what="metadata")
    path = tmp_path / "r.yml"
    path.write_text(
        rules_file(
            alert(alert="Deep", expr='sum by (job) (queue_depth{queue="default"}) > 100'),
            alert(alert="Typo", expr='sum by (job) (queue_depht{queue="default"}) > 100'),
            alert(alert="BadLabel", expr='sum by (job) (queue_depth{quuee="default"}) > 100'),
            alert(alert="RateOfGauge", expr="sum by (job) (rate(queue_depth[5m])) > 1"),
            alert(alert="Processed", expr="sum by (job) (rate(jobs_processed_total[5m])) > 1"),
            alert(alert="Connections", expr="max by (job) (pg_stat_activity_count) > 100"),
            alert(alert="RawCounter", expr="max by (job) (jobs_processed_total) > 100"),
            alert(alert="LongAgo", expr="sum by (job) (increase(jobs_processed_total[30d])) > 100"),
            alert(alert="Busy", expr='queue_depth{queue="default"} > 1', **{"for": None}),
            alert(alert="NoPairs", expr="queue_depth / jobs_processed_total > 1"),
            alert(alert="Pairs", expr="queue_depth / on (queue) jobs_processed_total > 1"),
        )
    )
    live = lint_bundle(load_paths([path]).bundle, is_project=False, prometheus=server.url)
    assert lint_bundle(load_paths([path]).bundle, is_project=False, prometheus=server.url, jobs=2) == live
    found = {(f.subject, f.check) for f in live}
    assert ("Typo", "promql/series") in found
    assert ("BadLabel", "promql/series") in found
    assert ("RateOfGauge", "promql/rate") in found
    assert ("RawCounter", "promql/counter") in found
    assert ("LongAgo", "promql/range") in found, "the server keeps 15d"
    assert ("NoPairs", "promql/matching") in found, "status is only on the right"
    assert [s for s, c in found if c == "promql/matching"] == ["NoPairs"]
    counts = {f.subject: f.message for f in live if f.check == "alerts/count"}
    assert counts["Deep"].startswith("would have fired 0 times over the last day"), "3 is not over 100"
    assert counts["Deep"].endswith("(0 series matched)")
    assert (
        counts["Busy"].startswith("would have fired 1 time over the last day")
        and "(1 series matched)" in counts["Busy"]
    )
    assert not any(c == "promql/range" and s != "LongAgo" for s, c in found)
    assert not any(s in ("Deep", "Processed") and c in ("promql/series", "promql/rate") for s, c in found)
    assert ("Connections", "promql/counter") not in found, "the server says it is a gauge"
    levels = {(f.subject, f.check): f.level for f in live}
    assert levels[("RawCounter", "promql/counter")] == Level.BUG, "confirmed by the metadata"
    assert levels[("RateOfGauge", "promql/rate")] == Level.BUG
    offline = {
        (f.subject, f.check): f.level for f in lint_bundle(load_paths([path]).bundle, is_project=False)
    }
    assert not {c for _, c in offline} & {"promql/series", "promql/rate"}
    assert offline[("RawCounter", "promql/counter")] == Level.WARNING, "without a server, a guess by its name"
    assert ("Connections", "promql/counter") not in offline, "a _count name alone is no evidence"


def test_syntax_findings_give_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "r.yml"
    path.write_text(
        "groups:\n  - name: g\n    rules:\n      - alert: X\n        expr: |\n          sum by (job) (up)\n"
        '            / sum(rate(x_total{job="a"}[5m]) > 1\n'
    )
    (problem,) = findings_for(tmp_path, "r.yml", path.read_text(), "promql/syntax")
    assert (str(problem.location), problem.column, problem.level) == (f"{path}:7", 18, Level.FATAL)
    assert problem.message == 'group "g", rule 1, "X": could not parse expression: unclosed left parenthesis'
    board = dashboard_file(panel(targets=[{"refId": "A", "expr": "sum(rate(x_total[5m]) > 1"}]))
    (found,) = findings_for(tmp_path, "d.json", board, "promql/syntax")
    assert found.level == Level.BUG, "Grafana keeps a dashboard whose query fails"
    assert board.splitlines()[found.location.line - 1].strip().startswith('"expr": "sum(rate(')


def test_usage_errors_exit_2_and_say_the_fix(tmp_path: Path) -> None:
    result = run("lint", "--check", "promql/nope", str(tmp_path))
    assert result.exit_code == 2
    assert "unknown check(s): promql/nope; see toolkit lint --list-checks" in result.output
    assert run("lint", "--format", "xml", str(tmp_path)).exit_code == 2


def test_a_missing_path_is_one_finding(tmp_path: Path) -> None:
    result = run("lint", str(tmp_path / "nope.yml"))
    assert (result.exit_code, result.output.splitlines()[0]) == (
        1,
        f"{tmp_path / 'nope.yml'}: fatal: no such file or directory (source/read)",
    )


def test_the_example_at_the_top_of_docs_lint_md_is_what_lint_says(tmp_path: Path, monkeypatch) -> None:
    text = (REPO / "docs" / "lint.md").read_text()
    rules = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    shown = text.split("$ toolkit lint rules.yml\n", 1)[1].split("$ echo", 1)[0]
    (tmp_path / "rules.yml").write_text(rules)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["lint", "rules.yml"])
    assert result.exit_code == 1
    assert result.output == shown


def test_a_password_in_the_prometheus_url_is_never_printed(tmp_path: Path) -> None:
    path = tmp_path / "r.yml"
    path.write_text(rules_file(alert()))
    result = run("lint", "--prometheus", "http://admin:s3cret-pw@127.0.0.1:9/", str(path))
    assert result.exit_code != 0, "the server cannot be reached"
    assert "s3cret-pw" not in result.output and "http://***@127.0.0.1:9/" in result.output


def test_policies_in_toolkit_yaml_apply_to_the_project(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    settings = root / "toolkit.yaml"
    settings.write_text(
        settings.read_text()
        + "lint:\n  policies:\n    min_for: 1h\n    labels: {severity: critical, owner: '.+'}\n"
    )
    project = load_project(root)
    found = lint_bundle(project.bundle, is_project=True, **settings_options(project.settings, root))
    checks = {(f.check, f.message.split(":")[0]) for f in found}
    assert ("rule/for", "for") in checks
    assert ("rule/label", "no owner label") in checks
    settings.write_text(settings.read_text().replace("min_for: 1h", "min_for: soon"))
    result = run("lint", cwd=root)
    assert result.exit_code == 2 and "toolkit.yaml" in result.output and "min_for" in result.output


def test_a_projects_lint_section_applies_to_foreign_files_in_it(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    path = root / "legacy.yml"
    path.write_text(rules_file(alert(alert="high_error_rate")))
    assert "(rule/name)" not in run("lint", "--fail-on", "info", str(path), cwd=root).output
    settings = root / "toolkit.yaml"
    settings.write_text(settings.read_text() + "lint:\n  conventions: true\n  policies: {min_for: 1h}\n")
    result = run("lint", str(path), cwd=root)
    assert "(rule/name)" in result.output and "(rule/for)" in result.output


def test_firing_spells_count_runs_that_last_the_for() -> None:
    from toolkit.lint.rule_checks import firing_spells

    minute = [0.0, 60.0, 120.0, 600.0, 660.0, 1200.0]
    assert firing_spells(minute, 60.0, 0.0) == 3
    assert firing_spells(minute, 60.0, 60.0) == 2, "the lone point at 1200 lasts no minute"
    assert firing_spells(minute, 60.0, 120.0) == 1
    assert firing_spells([], 60.0, 0.0) == 0


def test_a_finding_points_at_its_own_matcher_not_at_a_longer_name_holding_it(tmp_path: Path) -> None:
    expr = 'sum(increase(tasks_failed_total{\n  queue_name!~"None",\n  name!~"None"\n}[10m])) > 0\n'
    rules = tmp_path / "r.yml"
    block = "".join(f"          {line}\n" for line in expr.splitlines())
    rules.write_text(
        f"groups:\n  - name: tasks\n    rules:\n      - alert: TasksFailing\n        expr: |\n{block}"
    )
    board = tmp_path / "d.json"
    query = f'{expr} or haproxy_frontend_up{{proxy=~"frontend"}}'
    board.write_text(dashboard_file(panel(targets=[{"refId": "A", "expr": query}])))
    found = {
        (Path(item["path"]).name, item["message"].split()[0], item["line"], item["column"])
        for item in json.loads(run("lint", "--format", "json", str(rules), str(board)).output)
        if item["check"] == "promql/regexp"
    }
    rule_lines = rules.read_text().splitlines()
    board_line = next(n + 1 for n, line in enumerate(board.read_text().splitlines()) if '"expr"' in line)
    board_text = board.read_text().splitlines()[board_line - 1]

    def value_at(text: str, matcher: str) -> int:
        """The 1-based column of the value of ``matcher`` (written whole, not inside a longer name)."""
        return re.search(rf"(?<![\w]){re.escape(matcher)}", text).end() + 1

    assert found == {
        ("r.yml", 'queue_name!~"None"', 7, value_at(rule_lines[6], 'queue_name!~"')),
        ("r.yml", 'name!~"None"', 8, value_at(rule_lines[7], 'name!~"')),
        ("d.json", 'queue_name!~"None"', board_line, value_at(board_text, 'queue_name!~\\"')),
        ("d.json", 'name!~"None"', board_line, value_at(board_text, ' name!~\\"')),
        ("d.json", 'proxy=~"frontend"', board_line, value_at(board_text, 'proxy=~\\"')),
    }


def test_the_same_matcher_written_twice_is_reported_where_each_is_written(tmp_path: Path) -> None:
    """Each written matcher is a place to edit: the second of two equal matchers gets its own finding at its
    own line, not the first one's again (which merged them into one)."""
    expr = 'sum(rate(a_total{\n  job=~"^api"\n}[5m]))\n/\nsum(rate(b_total{\n  job=~"^api"\n}[5m])) > 1\n'
    block = "".join(f"          {line}\n" for line in expr.splitlines())
    rules = tmp_path / "r.yml"
    rules.write_text(f"groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: |\n{block}")
    found = [
        (item["line"], item["column"])
        for item in json.loads(run("lint", "--format", "json", str(rules)).output)
        if item["check"] == "promql/regexp"
    ]
    lines = rules.read_text().splitlines()
    written = [(n + 1, line.index('"^api"') + 2) for n, line in enumerate(lines) if '"^api"' in line]
    assert found == written and len(found) == 2


def test_a_heatmaps_unit_is_its_y_axis_unit(tmp_path: Path) -> None:
    """The heatmap takes no unit from the field config (current Grafana offers it no standard options but
    links): its unit is the y axis' (``options.yAxis.unit``), the buckets' bound."""

    def heatmap(**changes) -> str:
        return dashboard_file(panel(**{"type": "heatmap", "fieldConfig": {"defaults": {}}, **changes}))

    assert findings_for(tmp_path, "y.json", heatmap(options={"yAxis": {"unit": "s"}}), "panel/units") == []
    for given in ({}, {"options": {"yAxis": {"unit": " "}}}, {"fieldConfig": {"defaults": {"unit": "s"}}}):
        found = findings_for(tmp_path, "n.json", heatmap(**given), "panel/units")
        assert [f.message for f in found] == ["no unit: set one (e.g. short, percentunit, s, bytes, reqps)"]


def test_a_minified_dashboard_shows_the_query_around_the_finding_not_the_whole_file(tmp_path: Path) -> None:
    """A dashboard saved as one line of JSON: each finding shows the part of that line around its column,
    not the whole file once per finding."""
    broken = panel(id=7, targets=[{"refId": "A", "expr": "sum(rate(http_requests_total[5m])"}])
    padding = [panel(id=n, title=f"Filler {n}", description="x" * 400) for n in range(20, 40)]
    board = json.loads(dashboard_file(*padding, broken))
    path = tmp_path / "minified.json"
    path.write_text(json.dumps(board, separators=(",", ":")))
    assert len(path.read_text().splitlines()) == 1 and len(path.read_text()) > 10_000
    result = run("lint", str(path))
    shown = [line for line in result.output.splitlines() if line.startswith("    ")]
    finding = next(line for line in result.output.splitlines() if "promql/syntax" in line)
    assert finding.startswith(f"{path}:1:") and shown
    assert all(len(line) <= 4 + 3 + 240 + 3 for line in shown)
    assert any("sum(rate(http_requests_total[5m])" in line for line in shown)
