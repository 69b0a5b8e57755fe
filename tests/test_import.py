"""toolkit import rules: typed Python from rule files and PrometheusRule manifests, round-tripping."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.sample_project import make_project
from toolkit.cli import main
from toolkit.diff.promql_text import pretty
from toolkit.lint.engine import lint_bundle
from toolkit.project import load_project
from toolkit.sources.files import load_paths, parse_rule_file

EVERY_FIELD = """\
groups:
  - name: api-alerts
    interval: 30s
    limit: 50
    query_offset: 1m
    rules:
      # Page when the API fails.
      - alert: HighErrorRate
        expr: sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05
        for: 5m  # skip blips
        keep_firing_for: 10m
        labels:
          severity: critical
          team: api
          tier: "1"
        annotations:
          summary: API errors
          description: "{{ $labels.job }} fails {{ $value | humanizePercentage }} of requests"
          runbook_url: https://runbooks.example/HighErrorRate
          dashboard: https://grafana.example/d/api?var-job={{ $labels.job }}
      - record: job:http_requests:rate5m
        expr: |
          sum by (job) (
            rate(http_requests_total[5m])
          )
        labels:
          source: api
  - name: worker-alerts
    rules:
      - alert: QueueBacklog
        expr: max by (queue) (queue_depth) >= 100
        for: 10m
        labels: {severity: warning, team: jobs, category: capacity}
        annotations: {summary: Backlog, description: "{{ $labels.queue }} holds {{ $value | humanize }} jobs", runbook_url: "https://runbooks.example/QueueBacklog"}
"""

MANIFEST = """\
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: platform
spec:
  groups:
    - name: node-alerts
      rules:
        - alert: NodeDown
          expr: up{job="node"} == 0
          for: 2m
          labels: {severity: critical, team: sre}
          annotations: {summary: Node down, description: "{{ $labels.instance }} is down", runbook_url: "https://runbooks.example/NodeDown"}
"""


def normalized(groups) -> list:
    """Groups as comparable data: expressions as parsed (prettified) PromQL."""
    return [
        (
            g.name,
            dict(g.options),
            [{**r.data, "expr": pretty(r.data["expr"])} for r in g.rules],
        )
        for g in groups
    ]


def import_into(tmp_path: Path, name: str, content: str, *args: str):
    root = make_project(tmp_path / "project") if (tmp_path / "project").mkdir() is None else None
    source = tmp_path / name
    source.write_text(content)
    result = CliRunner().invoke(main, ["--project", str(root), "import", "rules", str(source), *args])
    return root, result


@pytest.mark.parametrize(("name", "content"), [("api.rules.yml", EVERY_FIELD), ("platform.yaml", MANIFEST)])
def test_import_then_build_round_trips(tmp_path: Path, name: str, content: str) -> None:
    root, result = import_into(tmp_path, name, content)
    assert result.exit_code == 0, result.output
    project = load_project(root)
    imported = [g for g in project.bundle.rule_groups if g.name != "test-alerts"]
    assert normalized(imported) == normalized(parse_rule_file(content, name))


def test_thresholds_become_constants_and_comments_stay(tmp_path: Path) -> None:
    root, result = import_into(tmp_path, "api.rules.yml", EVERY_FIELD)
    assert result.exit_code == 0, result.output
    module = (root / "alerts" / "api.py").read_text()
    assert "HIGH_ERROR_RATE_THRESHOLD = 0.05" in module and "QUEUE_BACKLOG_THRESHOLD = 100" in module
    assert "# Page when the API fails." in module and "# skip blips" in module
    assert "from alerts import api" in (root / "alerts" / "__init__.py").read_text()
    compile(module, "api.py", "exec")


def test_the_import_lints_as_clean_as_its_input(tmp_path: Path) -> None:
    root, result = import_into(tmp_path, "api.rules.yml", EVERY_FIELD)
    assert result.exit_code == 0
    before = {f.check for f in lint_bundle(load_paths([tmp_path / "api.rules.yml"]).bundle, is_project=False)}
    project = load_project(root)
    imported = type(project.bundle)(
        rule_groups=tuple(g for g in project.bundle.rule_groups if g.name != "test-alerts")
    )
    after = {f.check for f in lint_bundle(imported, is_project=False)}
    assert after <= before


def test_what_the_model_adds_is_reported(tmp_path: Path) -> None:
    bare = "groups:\n  - name: g\n    rules:\n      - alert: Bare\n        expr: up == 0\n"
    _, result = import_into(tmp_path, "bare.yml", bare)
    assert result.exit_code == 0, result.output
    assert (
        "note: Bare: severity None is not one of critical, warning, info; set warning, review it"
        in result.output
    )
    assert "note: Bare: no team label; the build adds alerting.default_team" in result.output
    assert "note: Bare: no runbook_url" in result.output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.yml", "groups: [\n", "invalid YAML"),
        ("notrules.yml", "scrape_configs: []\n", "not a rule file: expected a top-level 'groups:' list"),
        (
            "snake.yml",
            "groups:\n  - name: g\n    rules:\n      - alert: high_errors\n        expr: up == 0\n",
            "is not CamelCase",
        ),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    root, result = import_into(tmp_path, name, content)
    assert result.exit_code == 1 and message in result.output
    assert sorted(p.name for p in (root / "alerts").glob("*.py")) == ["__init__.py", "basic.py"]
    assert (
        "basic" in (root / "alerts" / "__init__.py").read_text()
        and name.split(".")[0] not in (root / "alerts" / "__init__.py").read_text()
    )


def test_a_name_that_collides_is_refused(tmp_path: Path) -> None:
    root, result = import_into(tmp_path, "basic.yml", MANIFEST)
    assert result.exit_code == 1 and "alerts/basic.py exists: choose another --name" in result.output
    registry = (root / "alerts" / "__init__.py").read_text()
    again = CliRunner().invoke(
        main, ["--project", str(root), "import", "rules", str(tmp_path / "basic.yml"), "--name", "platform"]
    )
    assert again.exit_code == 0, again.output
    assert yaml.safe_load((tmp_path / "basic.yml").read_text())["kind"] == "PrometheusRule"
    assert registry != (root / "alerts" / "__init__.py").read_text()
