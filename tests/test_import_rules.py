"""toolkit import rules: typed Python from rule files and PrometheusRule manifests; whatever Prometheus
loads imports, round-trips by meaning, reads like hand-written code, and an import is all or nothing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.sample_project import make_project
from toolkit.cli import main
from toolkit.diff.promql_text import pretty
from toolkit.importer.batch import looks_like_rules
from toolkit.lint.engine import lint_bundle
from toolkit.sources.code import load_project
from toolkit.sources.files import load_paths, parse_rule_file

REPO = Path(__file__).resolve().parent.parent
RUFF = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))

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
        (g.name, dict(g.options), [{**r.data, "expr": pretty(r.data["expr"])} for r in g.rules])
        for g in groups
    ]


def project(tmp_path: Path) -> Path:
    (tmp_path / "project").mkdir(parents=True, exist_ok=True)
    return make_project(tmp_path / "project")


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(root), "import", "rules", *args])


def import_into(tmp_path: Path, name: str, content: str, *args: str):
    root = project(tmp_path)
    source = tmp_path / name
    source.write_text(content)
    return root, run(root, str(source), *args)


def imported_groups(root: Path) -> list:
    return [g for g in load_project(root).bundle.rule_groups if g.name != "test-alerts"]


def untouched(root: Path) -> bool:
    """The project's alerts/ is as make_project wrote it: no new module, no new bytecode, same registry."""
    modules = sorted(p.name for p in (root / "alerts").glob("*.py"))
    compiled = [
        p.name
        for p in (root / "alerts").glob("__pycache__/*.pyc")
        if not p.name.startswith(("__init__", "basic"))
    ]
    return (
        modules == ["__init__.py", "basic.py"]
        and not compiled
        and ((root / "alerts" / "__init__.py").read_text() == REGISTRY)
    )


REGISTRY = "from alerts import basic\n\nRULE_GROUPS = (basic.groups,)\n"


@pytest.mark.parametrize(("name", "content"), [("api.rules.yml", EVERY_FIELD), ("platform.yaml", MANIFEST)])
def test_import_then_build_round_trips(tmp_path: Path, name: str, content: str) -> None:
    root, result = import_into(tmp_path, name, content)
    assert result.exit_code == 0, result.output
    assert normalized(imported_groups(root)) == normalized(parse_rule_file(content, name))


def test_thresholds_become_constants_named_after_their_alert_and_comments_stay(tmp_path: Path) -> None:
    commented = EVERY_FIELD.replace(
        "  - name: worker-alerts",
        '  # Jobs team: "backlog" means queue_depth, see #42\n  - name: worker-alerts',
    )
    root, result = import_into(tmp_path, "api.rules.yml", commented)
    assert result.exit_code == 0, result.output
    module = (root / "alerts" / "api.py").read_text()
    assert "HIGH_ERROR_RATE = 0.05" in module and "QUEUE_BACKLOG = 100" in module
    assert "# Page when the API fails." in module and "# skip blips" in module
    assert '# Jobs team: "backlog" means queue_depth, see #42' in module
    assert module.index("# Jobs team") < module.index('"worker-alerts"')
    registry = (root / "alerts" / "__init__.py").read_text()  # one import statement, sorted, as ruff keeps it
    assert (
        registry
        == "from alerts import (\n    api,\n    basic,\n)\n\nRULE_GROUPS = (\n    basic.groups,\n    api.groups,\n)\n"
    )


SAME_NAME = """\
groups:
  - name: certificates
    rules:
      - alert: CertificateExpiry
        expr: probe_ssl_earliest_cert_expiry - time() < 604800
        labels: {severity: warning, team: sre}
        annotations: {summary: s, description: d, runbook_url: r}
      - alert: CertificateExpiry
        expr: probe_ssl_earliest_cert_expiry - time() < 86400
        labels: {severity: critical, team: sre}
        annotations: {summary: s, description: d, runbook_url: r}
      - alert: NodeRAIDDegraded
        expr: node_md_disks{state="failed"} > 0
        labels: {severity: critical, team: sre}
        annotations: {summary: s, description: d, runbook_url: r}
"""


def test_lint_ignore_comments_become_lint_ignore(tmp_path: Path) -> None:
    content = (
        "groups:\n  - name: g\n    rules:\n      # toolkit lint ignore alerts/for: pages at once by design\n"
        "      - alert: Down\n        expr: up == 0\n"
        "        labels: {severity: critical, team: sre}\n        annotations: {summary: s, description: d, runbook_url: r}\n"
    )
    root, result = import_into(tmp_path, "down.yml", content)
    assert result.exit_code == 0, result.output
    (group,) = imported_groups(root)
    assert dict(group.rules[0].lint_ignore) == {"alerts/for": "pages at once by design"}


def test_group_labels_and_ruler_keys_are_carried(tmp_path: Path) -> None:
    content = (
        "groups:\n  - name: tenant-rules\n    labels: {team: sre, env: prod}\n"
        "    source_tenants: [a, b]\n    evaluation_delay: 1m\n    rules:\n"
        "      - record: job:up:sum\n        expr: sum by (job) (up)\n"
    )
    root, result = import_into(tmp_path, "tenants.yml", content)
    assert result.exit_code == 0, result.output
    module = (root / "alerts" / "tenants.py").read_text()
    assert (
        'labels={"env": "prod", "team": "sre"}' in module or 'labels={"team": "sre", "env": "prod"}' in module
    )
    assert 'extra={"source_tenants": ["a", "b"], "evaluation_delay": "1m"}' in module
    (group,) = imported_groups(root)
    assert group.to_data()["labels"] == {"env": "prod", "team": "sre"}
    assert (group.to_data()["source_tenants"], group.to_data()["evaluation_delay"]) == (["a", "b"], "1m")


def test_two_alerts_with_one_name_keep_their_own_thresholds(tmp_path: Path) -> None:
    root, result = import_into(tmp_path, "certs.yml", SAME_NAME)
    assert result.exit_code == 0, result.output
    module = (root / "alerts" / "certs.py").read_text()
    assert "CERTIFICATE_EXPIRY_WARNING = 604800" in module
    assert "CERTIFICATE_EXPIRY_CRITICAL = 86400" in module
    assert "NODE_RAID_DEGRADED = 0" in module
    built = {r.data["labels"]["severity"]: r.data["expr"] for g in imported_groups(root) for r in g.rules[:2]}
    assert built == {
        "warning": "probe_ssl_earliest_cert_expiry - time() < 604800",
        "critical": "probe_ssl_earliest_cert_expiry - time() < 86400",
    }


PROMETHEUS_ACCEPTS = """\
groups:
  - name: node_exporter
    rules:
      - alert: node_filesystem_almost_full
        expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.05
        labels: {severity: page}
      - record: instance:node_cpu:rate:sum
        expr: sum by (instance) (rate(node_cpu_seconds_total[5m]))
      - record: instance_cpu_seconds
        expr: sum by (instance) (node_cpu_seconds_total)
  - name: empty
    rules: []
"""


def test_whatever_prometheus_loads_imports_with_reasoned_waivers(tmp_path: Path) -> None:
    root, result = import_into(tmp_path, "nodeExporterRules.yaml", PROMETHEUS_ACCEPTS)
    assert result.exit_code == 0, result.output
    module = (root / "alerts" / "node_exporter_rules.py").read_text()
    assert normalized(imported_groups(root)) == normalized(parse_rule_file(PROMETHEUS_ACCEPTS, "x.yml"))
    assert {g.file for g in imported_groups(root)} == {"nodeExporterRules.yaml"}
    assert '"rule/name": NAME_AS_IMPORTED' in module and '"rule/label": LABELS_AS_IMPORTED' in module
    assert (
        "note: node_exporter_rules: node_filesystem_almost_full: the name is not CamelCase" in result.output
    )
    assert "severity 'page' is not critical, warning or info, no team label" in result.output
    assert (
        "note: node_exporter_rules: instance_cpu_seconds: the name is not level:metric:operations"
        in result.output
    )
    waived = {r.name: dict(r.lint_ignore) for g in imported_groups(root) for r in g.rules}
    assert set(waived["node_filesystem_almost_full"]) == {"rule/name", "rule/label", "alerts/annotation"}
    assert waived["instance:node_cpu:rate:sum"] == {}


def test_generated_modules_pass_ruff_as_written(tmp_path: Path) -> None:
    if not Path(RUFF).exists():
        pytest.skip("ruff is not installed (make setup installs the dev tools)")
    for name, content in (
        ("api.rules.yml", EVERY_FIELD),
        ("certs.yml", SAME_NAME),
        ("n.yml", PROMETHEUS_ACCEPTS),
    ):
        (tmp_path / name / "project").mkdir(parents=True)
        shutil.copy(REPO / "pyproject.toml", tmp_path / name / "project")  # this repository's ruff rules
        root, result = import_into(tmp_path / name, name, content)
        assert result.exit_code == 0, result.output
        module = next(p for p in (root / "alerts").glob("*.py") if p.stem not in ("__init__", "basic"))
        for check in (["check"], ["format", "--check"]):
            done = subprocess.run([RUFF, *check, str(module)], cwd=root, capture_output=True, text=True)
            assert done.returncode == 0, done.stdout + done.stderr


def test_without_ruff_the_module_is_valid_python_that_lints_clean(tmp_path: Path) -> None:
    from toolkit.importer.rules import import_rules

    source = import_rules(PROMETHEUS_ACCEPTS, "n.yml", "Imported.", module="n").source
    compile(source, "n.py", "exec")
    if Path(RUFF).exists():
        done = subprocess.run(
            [RUFF, "check", "--stdin-filename", "n.py", "-"],
            input=source,
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout


def test_the_import_lints_as_clean_as_its_input(tmp_path: Path) -> None:
    root, result = import_into(tmp_path, "api.rules.yml", EVERY_FIELD)
    assert result.exit_code == 0
    before = {f.check for f in lint_bundle(load_paths([tmp_path / "api.rules.yml"]).bundle, is_project=False)}
    imported = type(load_project(root).bundle)(rule_groups=tuple(imported_groups(root)))
    after = {f.check for f in lint_bundle(imported, is_project=False)}
    assert after <= before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.yml", "groups: [\n", "broken.yml:2: invalid YAML"),
        ("notrules.yml", "scrape_configs: []\n", "notrules.yml:1: not a rule file"),
        (
            "nolist.yml",
            "groups:\n  - name: g\n    rules: 5\n",
            "nolist.yml:3: rule group g: 'rules' must be a list",
        ),
        (
            "promql.yml",
            "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(rate(x[5m])\n",
            "promql.yml:4: alert A: expr is not valid PromQL",
        ),
        (
            "labels.yml",
            "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        labels: [a]\n",
            'labels.yml:6: group "g", rule 1, "A": field labels: cannot unmarshal !!seq',  # Prometheus' words
        ),
        (
            "limit.yml",
            "groups:\n  - name: g\n    limit: many\n    rules: []\n",
            "limit.yml:2: rule group g: limit 'many'",
        ),
        (
            "record.yml",
            'groups:\n  - name: g\n    rules:\n      - record: a{b="c"}\n        expr: up\n',
            'record.yml:4: group "g", rule 1, "a{b="c"}": braces present in the recording rule name',
        ),
    ],
)
def test_bad_input_names_the_input_line_exits_2_and_writes_nothing(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    root, result = import_into(tmp_path, name, content)
    assert result.exit_code == 2, result.output
    assert message in result.output and "nothing was written" in result.output
    assert "alerts/" not in result.output.split("nothing was written")[0].replace(str(tmp_path), "")
    assert untouched(root)


def test_a_number_as_an_alert_name_is_its_text_as_prometheus_reads_it(tmp_path: Path) -> None:
    root, result = import_into(
        tmp_path, "n.yml", "groups:\n  - name: g\n    rules:\n      - alert: 5\n        expr: up == 0\n"
    )
    assert result.exit_code == 0, result.output
    assert [r.name for g in imported_groups(root) for r in g.rules] == ["5"]


@pytest.mark.parametrize("name", ["class", "9lives", "my-rules", "_private"])
def test_an_invalid_module_name_is_a_clear_error(tmp_path: Path, name: str) -> None:
    root, result = import_into(tmp_path, "api.yml", MANIFEST, "--name", name)
    assert result.exit_code == 2 and f"--name {name!r}" in result.output, result.output
    assert "Traceback" not in result.output and untouched(root)


def test_a_name_that_collides_is_refused(tmp_path: Path) -> None:
    root, result = import_into(tmp_path, "basic.yml", MANIFEST)
    assert result.exit_code == 2 and "alerts/basic.py exists: choose another --name" in result.output
    again = run(root, str(tmp_path / "basic.yml"), "--name", "platform")
    assert again.exit_code == 0, again.output
    assert yaml.safe_load((tmp_path / "basic.yml").read_text())["kind"] == "PrometheusRule"


def _fail_while_loading(monkeypatch: pytest.MonkeyPatch, failure) -> None:
    import toolkit.sources.code

    real = toolkit.sources.code.load_project
    calls = {"n": 0}

    def load(root: Path):
        calls["n"] += 1
        if calls["n"] > 1:  # the first load finds the rule files taken; the second proves the import
            failure()
        return real(root)

    monkeypatch.setattr(toolkit.sources.code, "load_project", load)


def _raise(error: BaseException):
    def fail() -> None:
        raise error

    return fail


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (_raise(KeyboardInterrupt()), 130),
        (lambda: os.kill(os.getpid(), signal.SIGINT), 130),
        (lambda: os.kill(os.getpid(), signal.SIGTERM), 143),
        (_raise(RuntimeError("crash")), 2),  # the error boundary: an internal error, in one line
    ],
    ids=["ctrl-c", "sigint", "sigterm", "crash"],
)
def test_an_interrupted_or_crashed_import_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure, code: int
) -> None:
    root = project(tmp_path)
    (tmp_path / "api.yml").write_text(EVERY_FIELD)
    _fail_while_loading(monkeypatch, failure)
    result = run(root, str(tmp_path / "api.yml"))
    assert result.exit_code == code, result.output
    assert untouched(root)


def test_an_unwritable_registry_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import toolkit.importer.install as install

    root = project(tmp_path)
    (tmp_path / "api.yml").write_text(EVERY_FIELD)
    real = os.replace

    def refuse(source, target) -> None:
        if Path(target).name == "__init__.py":
            raise PermissionError(13, "Permission denied", str(target))
        real(source, target)

    monkeypatch.setattr(install.os, "replace", refuse)
    result = run(root, str(tmp_path / "api.yml"))
    assert result.exit_code == 2 and "Permission denied" in result.output, result.output
    assert untouched(root)


def test_a_folder_imports_one_module_per_file_all_or_nothing(tmp_path: Path) -> None:
    root = project(tmp_path)
    folder = tmp_path / "legacy"
    (folder / "ceph").mkdir(parents=True)
    (folder / "ceph" / "alerts.yaml").write_text(SAME_NAME)
    (folder / "api.rules.yml").write_text(EVERY_FIELD)
    (folder / "tests.yml").write_text("rule_files: [api.rules.yml]\ntests: []\n")  # a promtool test: skipped
    (folder / "broken.yml").write_text(
        "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up ==\n"
    )
    result = run(root, str(folder))
    assert result.exit_code == 2 and "broken.yml:4" in result.output and untouched(root)
    (folder / "broken.yml").unlink()
    result = run(root, str(folder))
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (root / "alerts").glob("*.py")) == [
        "__init__",
        "api",
        "basic",
        "ceph_alerts",
    ]
    assert {g.file for g in imported_groups(root)} == {"api.rules.yml", "alerts.yaml"}
    assert "skipped" in result.output and "tests.yml" in result.output


def test_live_rules_from_a_real_prometheus(tmp_path: Path, prometheus_factory) -> None:
    rules = tmp_path / "served"
    rules.mkdir()
    (rules / "certs.yml").write_text(SAME_NAME)
    (rules / "api.yml").write_text(EVERY_FIELD.replace("    query_offset: 1m\n", ""))  # Prometheus 2.42
    server = prometheus_factory(rule_files_dir=rules)
    root = project(tmp_path)
    result = run(root, "--from-prometheus", server.url)
    assert result.exit_code == 0, result.output
    assert "Prometheus reports every group's evaluation interval" in result.output
    assert {g.file for g in imported_groups(root)} == {
        "certs.yml",
        "api.yml",
    } and "is taken" not in result.output
    served = {g.name: g for g in parse_rule_file(SAME_NAME, "certs.yml")}
    served.update({g.name: g for g in parse_rule_file(EVERY_FIELD, "api.yml")})
    for group in imported_groups(root):
        assert [(r.name, pretty(r.data["expr"]), r.data.get("labels")) for r in group.rules] == [
            (r.name, pretty(r.data["expr"]), r.data.get("labels")) for r in served[group.name].rules
        ]
    again = CliRunner().invoke(  # the context's Prometheus (here from the environment)
        main,
        ["--project", str(project(tmp_path / "ctx")), "import", "rules", "--from-prometheus"],
        env={"PROMETHEUS_URL": server.url},
    )
    assert again.exit_code == 0 and "wrote alerts/certs.py" in again.output, again.output


def test_live_rules_from_a_ruler(tmp_path: Path, ruler_double) -> None:
    for group in yaml.safe_load(SAME_NAME)["groups"]:
        ruler_double.rules.setdefault("team-a", {}).setdefault("platform", {})[group["name"]] = group
    root = project(tmp_path)
    env = {"RULER_URL": ruler_double.url, "RULER_TENANT": "team-a"}
    result = CliRunner().invoke(main, ["--project", str(root), "import", "rules", "--from-ruler"], env=env)
    assert result.exit_code == 0, result.output
    assert normalized(imported_groups(root)) == normalized(parse_rule_file(SAME_NAME, "platform.yml"))
    assert {g.file for g in imported_groups(root)} == {"platform.yml"} and "is taken" not in result.output


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("groups:\n  - name: g\n", True),
        ("apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups: []\n", True),
        ("\n\n   groups :\n", True),
        ("\t groups:\n", True),
        ("\n" * 50_000 + "spec:\n    groups: []\n", True),  # the blank lines are read once, not once each
        ("mygroups: 1\n", False),
        ("x: groups: 1\n", False),
        ("groups-of: 1\n", False),
        ("\n" * 50_000 + "route: {}\n", False),
        ("rule_files: [a.yml]\ntests: []\ngroups: []\n", False),  # a promtool test file
    ],
)
def test_a_file_found_in_a_folder_is_a_rule_file_when_it_has_a_groups_key(text: str, rules: bool) -> None:
    """``groups:`` at any indentation: a PrometheusRule manifest's is under ``spec:``."""
    assert looks_like_rules(text) is rules
