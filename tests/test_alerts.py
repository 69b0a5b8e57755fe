"""The alert catalogue: exact defaults, valid for promtool and amtool, routed right, and proven by tests."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.sample_project import REPO
from toolkit.cli import main
from toolkit.clients.promtools import check_alertmanager_config, check_rules, route_receivers
from toolkit.output.build import render
from toolkit.sources.code import load_project

# name: (group, for, severity, category) exactly as the platform's design sets them.
CATALOGUE = {
    "HighCPUUsage": ("system-alerts", "5m", "warning", None),
    "HighMemoryUsage": ("system-alerts", "5m", "warning", None),
    "LowDiskSpace": ("system-alerts", "5m", "warning", None),
    "ServiceDown": ("system-alerts", "1m", "critical", None),
    "EndpointDown": ("system-alerts", "2m", "critical", None),
    "PostgresDown": ("database-alerts", "1m", "critical", None),
    "PostgresHighConnections": ("database-alerts", "5m", "warning", None),
    "PostgresSlowQueries": ("database-alerts", "2m", "warning", None),
    "RedisDown": ("database-alerts", "1m", "critical", None),
    "LowCacheHitRate": ("database-alerts", "15m", "warning", None),
    "HighErrorRate": ("application-alerts", "5m", "critical", None),
    "SlowAPIResponses": ("application-alerts", "10m", "warning", None),
    "HighRequestRate": ("application-alerts", "5m", "warning", None),
    "DailyCostHigh": ("cost-alerts", None, "warning", "cost"),
    "HourlyCostHigh": ("cost-alerts", None, "warning", "cost"),
    "CostSpike": ("cost-alerts", None, "warning", "cost"),
    "MonthlyBudgetExceeded": ("cost-alerts", None, "critical", "cost"),
    "AgentSuccessRateLow": ("agent-alerts", "15m", "warning", None),
    "AgentLatencyHigh": ("agent-alerts", "10m", "warning", None),
    "AgentFailureSpike": ("agent-alerts", "5m", "critical", None),
    "AIServiceFailure": ("agent-alerts", "3m", "critical", None),
    "SuspiciousClientActivity": ("security-alerts", "5m", "warning", "security"),
    "HighAuthFailureRate": ("security-alerts", "5m", "warning", "security"),
    "QuotaViolations": ("security-alerts", "5m", "warning", "security"),
    "WorkerDown": ("worker-alerts", None, "critical", None),
    "HighQueueDepth": ("worker-alerts", "10m", "warning", None),
    "HighJobFailureRate": ("worker-alerts", "5m", "warning", None),
    "SchedulerLagHigh": ("worker-alerts", "10m", "warning", None),
    "QuotaAlmostExceeded": ("worker-alerts", "5m", "warning", None),
    "QuotaExceeded": ("worker-alerts", "1m", "critical", None),
}

SLO_ALERTS = {
    "ApiAvailabilityBudgetBurn",
    "ApiLatencyBudgetBurn",
    "ApiErrorsBudgetBurn",
    "WorkerAvailabilityBudgetBurn",
    "WorkerLatencyBudgetBurn",
    "SchedulerPunctualityBudgetBurn",
}

# alert labels -> the receivers Alertmanager must notify, one case per route of the policy.
ROUTES = [
    (
        {"alertname": "ServiceDown", "severity": "critical", "team": "platform"},
        ["pagerduty", "slack-critical"],
    ),
    ({"alertname": "HighCPUUsage", "severity": "warning", "team": "platform"}, ["slack-warning"]),
    ({"alertname": "DailyCostHigh", "severity": "warning", "category": "cost"}, ["slack-cost"]),
    (
        {"alertname": "MonthlyBudgetExceeded", "severity": "critical", "category": "cost"},
        ["pagerduty", "slack-cost"],
    ),
    ({"alertname": "HighAuthFailureRate", "severity": "warning", "category": "security"}, ["slack-security"]),
    ({"alertname": "DeployFinished", "severity": "info", "team": "platform"}, ["slack-info"]),
    ({"alertname": "Watchdog", "team": "platform"}, ["slack-default"]),
]


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--project", str(root), *args])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's project rendered into a temporary build folder."""
    out = tmp_path_factory.mktemp("build")
    for path, content in render(load_project(REPO).bundle).items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(content)
    return out


def rules_by_alert(built: Path) -> dict[str, tuple[str, dict]]:
    found = {}
    for path in sorted((built / "prometheus").glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                if "alert" in rule and not group["name"].startswith("slo-"):
                    found[rule["alert"]] = (group["name"], rule)
    return found


def test_the_catalogue_has_exactly_the_designed_alerts_and_defaults(built: Path) -> None:
    found = rules_by_alert(built)
    assert sorted(found) == sorted(CATALOGUE)
    for name, (group, for_, severity, category) in CATALOGUE.items():
        rule_group, rule = found[name]
        assert (rule_group, rule.get("for"), rule["labels"]["severity"], rule["labels"].get("category")) == (
            group,
            for_,
            severity,
            category,
        ), name
        assert rule["labels"]["team"] == "platform"
        assert rule["annotations"]["runbook_url"] == f"https://runbooks.acme.example/alerts/{name}"


def test_every_threshold_comes_from_the_settings(built: Path) -> None:
    found = rules_by_alert(built)
    assert found["HighCPUUsage"][1]["expr"].endswith("> 0.8")
    assert found["MonthlyBudgetExceeded"][1]["expr"].endswith("> 5000")
    assert found["PostgresSlowQueries"][1]["expr"].endswith("> 30")
    assert found["QuotaExceeded"][1]["expr"].endswith(">= 1")


def test_promtool_accepts_every_rule_file(built: Path) -> None:
    files = sorted((built / "prometheus").glob("*.yml"))
    assert len(files) >= 7
    check_rules(files)


def test_amtool_accepts_the_alertmanager_config(built: Path) -> None:
    check_alertmanager_config(built / "alertmanager" / "alertmanager.yml")


@pytest.mark.parametrize(("labels", "receivers"), ROUTES, ids=[labels["alertname"] for labels, _ in ROUTES])
def test_every_route_reaches_its_receivers(built: Path, labels: dict[str, str], receivers: list[str]) -> None:
    assert route_receivers(built / "alertmanager" / "alertmanager.yml", labels) == receivers


def test_inhibitions_silence_duplicates_and_the_victims_of_a_down_service(built: Path) -> None:
    config = yaml.safe_load((built / "alertmanager" / "alertmanager.yml").read_text())
    inhibitions = {tuple(rule["source_matchers"]): rule for rule in config["inhibit_rules"]}
    assert inhibitions[('severity="critical"',)]["equal"] == ["alertname", "job"]
    service_down = inhibitions[('alertname="ServiceDown"',)]
    assert (service_down["target_matchers"], service_down["equal"]) == (['alertname!="ServiceDown"'], ["job"])


def test_no_secret_is_inline(built: Path) -> None:
    text = (built / "alertmanager" / "alertmanager.yml").read_text()
    assert "api_url_file:" in text and "routing_key_file:" in text
    assert "hooks.slack.com" not in text and "routing_key:" not in text


def test_every_alert_has_a_firing_and_a_quiet_case() -> None:
    bundle = load_project(REPO).bundle
    firing, quiet = set(), set()
    for entry in bundle.rule_tests:
        if entry.data.get("promql_expr_test"):
            firing.add(entry.subject)
        if any(not case["exp_alerts"] for case in entry.data.get("alert_rule_test", [])):
            quiet.add(entry.subject)
    alerts = set(CATALOGUE) | SLO_ALERTS
    assert firing == alerts
    assert quiet == alerts


def test_toolkit_test_passes_every_alert_and_writes_junit(tmp_path: Path) -> None:
    junit = tmp_path / "report" / "alerts.xml"
    result = run(REPO, "test", "--junit", str(junit))
    assert result.exit_code == 0, result.output
    alerts = set(CATALOGUE) | SLO_ALERTS
    routes = {test.name for test in load_project(REPO).bundle.route_tests}
    assert f"{len(alerts) + len(routes)} passed, 0 failed" in result.output
    suite = ET.parse(junit).getroot()
    assert (suite.get("tests"), suite.get("failures")) == (str(len(alerts) + len(routes)), "0")
    assert {case.get("name") for case in suite} == alerts | routes


def test_a_broken_threshold_fails_naming_the_alert_and_the_time(tmp_path: Path) -> None:
    for name in ("toolkit.yaml", "alerts", "dashboards"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, tmp_path / name)
    system = tmp_path / "alerts" / "system.py"
    source = system.read_text()
    assert "{limit('cpu_busy_ratio'):g}" in source
    system.write_text(source.replace("{limit('cpu_busy_ratio'):g}", "{limit('cpu_busy_ratio') + 0.1:g}"))
    result = run(tmp_path, "test", "HighCPUUsage")
    assert result.exit_code == 1
    assert "FAIL  alert HighCPUUsage at eval time 10m (tests at alerts/system.py:" in result.output
    assert "0 passed, 1 failed" in result.output


def test_a_missing_promtool_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run(REPO, "test")
    assert result.exit_code == 2
    assert (
        "promtool is not installed: run `make setup`, or on Debian/Ubuntu: apt-get install" in result.output
    )


def test_an_unknown_subject_is_a_usage_error() -> None:
    result = run(REPO, "test", "NoSuchAlert")
    assert result.exit_code == 2
    assert "no tests for: NoSuchAlert" in result.output
