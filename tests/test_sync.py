"""toolkit sync against the Grafana double (or a real Grafana with GRAFANA_URL), and real Prometheus and
Alertmanager processes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from grafana_client import GrafanaApi

from tests.sample_project import REPO
from tests.servers.processes import get_json, wait_until
from toolkit.bundle import Bundle, RuleEntry, RuleGroupEntry
from toolkit.cli import main
from toolkit.contexts import Context
from toolkit.project import load_project
from toolkit.sources.live import MARKER_TAG
from toolkit.sync.http import Transport
from toolkit.sync.run import SyncOptions, run_sync

BUNDLE = load_project(REPO).bundle


def grafana_only(grafana) -> Context:
    return Context(name="test", grafana_url=grafana.url, grafana_auth=grafana.token)


def options(**changes) -> SyncOptions:
    return dataclasses.replace(
        SyncOptions(only=("grafana",), revision="test-rev", transport=Transport(backoff=0.01)), **changes
    )


def with_title(bundle: Bundle, uid: str, title: str) -> Bundle:
    boards = tuple(
        dataclasses.replace(b, data={**b.data, "title": title}) if b.uid == uid else b
        for b in bundle.dashboards
    )
    return dataclasses.replace(bundle, dashboards=boards)


def kinds(report) -> dict[str, int]:
    counts: dict[str, int] = {}
    for action in report.plan.actions:
        counts[action.action] = counts.get(action.action, 0) + 1
    return counts


def test_create_unchanged_update_and_prune_leaving_unmanaged_alone(grafana) -> None:
    context = grafana_only(grafana)
    first = run_sync(BUNDLE, context, options())
    assert first.ok and kinds(first) == {"create": len(BUNDLE.dashboards)}
    api = GrafanaApi.from_url(grafana.url, credential=grafana.token)
    stored = api.dashboard.get_dashboard("api")["dashboard"]
    assert MARKER_TAG in stored["tags"]
    versions = api.dashboard_versions.get_dashboard_versions_by_uid("api")
    versions = versions["versions"] if isinstance(versions, dict) else versions
    assert versions[0]["message"].startswith("toolkit sync test-rev sha256:")

    writes = grafana.double.writes if grafana.double else None
    second = run_sync(BUNDLE, context, options())
    assert second.ok and kinds(second) == {"unchanged": len(BUNDLE.dashboards)} and second.outcomes == []
    if grafana.double:
        assert grafana.double.writes == writes

    third = run_sync(with_title(BUNDLE, "api", "API service"), context, options())
    assert third.ok and kinds(third)["update"] == 1
    assert api.dashboard.get_dashboard("api")["dashboard"]["title"] == "API service"

    api.dashboard.update_dashboard(
        {"dashboard": {"uid": "hand-made", "title": "Hand made", "panels": []}, "folderUid": "platform"}
    )
    fewer = dataclasses.replace(BUNDLE, dashboards=tuple(b for b in BUNDLE.dashboards if b.uid != "users"))
    pruned = run_sync(fewer, context, options(prune=True))
    assert pruned.ok and [a.uid for a in pruned.plan.actions if a.action == "delete"] == ["users"]
    remaining = {h["uid"] for h in api.search.search_dashboards(type_="dash-db")}
    assert "users" not in remaining and "hand-made" in remaining


def test_a_dashboard_edited_in_the_ui_is_refused_then_forced(grafana) -> None:
    context = grafana_only(grafana)
    assert run_sync(BUNDLE, context, options()).ok
    api = GrafanaApi.from_url(grafana.url, credential=grafana.token)
    live = api.dashboard.get_dashboard("cost")["dashboard"]
    api.dashboard.update_dashboard(
        {"dashboard": {**live, "title": "Cost (Alice)"}, "folderUid": "platform", "message": "tweak"}
    )
    refused = run_sync(BUNDLE, context, options())
    assert not refused.ok
    conflict = next(a for a in refused.plan.actions if a.uid == "cost")
    assert conflict.action == "conflict" and "edited outside the toolkit" in conflict.reason
    assert '~ renamed from "Cost (Alice)" to "LLM cost"' in conflict.detail
    assert api.dashboard.get_dashboard("cost")["dashboard"]["title"] == "Cost (Alice)"
    forced = run_sync(BUNDLE, context, options(force=True))
    assert forced.ok and api.dashboard.get_dashboard("cost")["dashboard"]["title"] == "LLM cost"


def test_a_race_is_settled_by_version(grafana, monkeypatch) -> None:
    from toolkit.sync import grafana as sync_grafana

    context = grafana_only(grafana)
    assert run_sync(BUNDLE, context, options()).ok
    api = GrafanaApi.from_url(grafana.url, credential=grafana.token)
    planned = sync_grafana.plan_grafana

    def plan_then_someone_saves(*args, **kwargs):
        plan = planned(*args, **kwargs)
        live = api.dashboard.get_dashboard("api")["dashboard"]
        api.dashboard.update_dashboard(
            {"dashboard": {**live, "title": "Other writer"}, "folderUid": "platform"}
        )
        return plan

    monkeypatch.setattr("toolkit.sync.run.plan_grafana", plan_then_someone_saves)
    report = run_sync(with_title(BUNDLE, "api", "Mine"), context, options())
    failed = [o for o in report.outcomes if not o.ok]
    assert [o.action.uid for o in failed] == ["api"]
    assert "version-mismatch" in failed[0].message
    assert api.dashboard.get_dashboard("api")["dashboard"]["title"] == "Other writer"


def test_a_dry_run_writes_nothing(grafana_double) -> None:
    context = Context(name="t", grafana_url=grafana_double.url, grafana_auth=grafana_double.token)
    report = run_sync(BUNDLE, context, options(dry_run=True))
    assert report.ok and kinds(report) == {"create": len(BUNDLE.dashboards)}
    assert grafana_double.writes == 0 and grafana_double.dashboards == {}


def test_retries_after_503s_and_dropped_connections(grafana_double) -> None:
    context = Context(name="t", grafana_url=grafana_double.url, grafana_auth=grafana_double.token)
    grafana_double.fail_next(3, 503)
    grafana_double.drop_next(2)
    report = run_sync(BUNDLE, context, options())
    assert report.ok, report.failures
    assert set(grafana_double.dashboards) == {b.uid for b in BUNDLE.dashboards}


def test_a_partial_failure_converges_on_rerun(grafana_double, monkeypatch) -> None:
    context = Context(name="t", grafana_url=grafana_double.url, grafana_auth=grafana_double.token)
    flaky = options(transport=Transport(retries=0, workers=1))
    from toolkit.sync import grafana as sync_grafana

    real_apply = sync_grafana._apply_one
    calls = {"n": 0}

    def fail_some(api, action, message, ctx):
        calls["n"] += 1
        if calls["n"] % 3 == 0:
            grafana_double.fail_next(1, 500)
        return real_apply(api, action, message, ctx)

    monkeypatch.setattr(sync_grafana, "_apply_one", fail_some)
    first = run_sync(BUNDLE, context, flaky)
    monkeypatch.setattr(sync_grafana, "_apply_one", real_apply)
    assert not first.ok and any(not o.ok for o in first.outcomes)
    second = run_sync(BUNDLE, context, options())
    assert second.ok and set(grafana_double.dashboards) == {b.uid for b in BUNDLE.dashboards}
    assert kinds(run_sync(BUNDLE, context, options())) == {"unchanged": len(BUNDLE.dashboards)}


def test_the_token_never_appears_in_output(grafana_double, tmp_path: Path) -> None:
    secret = grafana_double.token
    grafana_double.fail_next(1, 400)
    env = {"GRAFANA_URL": grafana_double.url, "GRAFANA_TOKEN": secret}
    result = CliRunner().invoke(main, ["--project", str(REPO), "sync", "--only", "grafana"], env=env)
    assert result.exit_code == 1
    assert secret not in result.output and "error: grafana" in result.output
    wrong = CliRunner().invoke(
        main,
        ["--project", str(REPO), "sync", "--only", "grafana"],
        env={**env, "GRAFANA_TOKEN": "wrong-" + secret},
    )
    assert wrong.exit_code == 1 and secret not in wrong.output and "Unauthorized" in wrong.output


def test_cli_dry_run_prints_the_plan_and_summary(grafana_double) -> None:
    env = {"GRAFANA_URL": grafana_double.url, "GRAFANA_TOKEN": grafana_double.token}
    result = CliRunner().invoke(
        main, ["--project", str(REPO), "sync", "--only", "grafana", "--dry-run"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "create    api" in result.output
    assert f"grafana       {len(BUNDLE.dashboards)} create" in result.output
    assert grafana_double.writes == 0


def rule_bundle(threshold: str = "0") -> Bundle:
    rule = RuleEntry(
        {
            "alert": "TargetDown",
            "expr": f"up == {threshold}",
            "for": "1m",
            "labels": {"severity": "critical", "team": "t"},
        },
        source=None,
    )
    group = RuleGroupEntry(name="test-alerts", file="test-alerts.yml", rules=(rule,), source=None)
    return Bundle(rule_groups=(group,))


def prometheus_context(server, rules: Path) -> Context:
    return Context(name="t", prometheus_url=server.url, prometheus_rules_dir=str(rules))


@pytest.mark.servers
def test_rules_are_validated_written_reloaded_and_verified(prometheus_factory, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    server = prometheus_factory(rule_files_dir=rules)
    report = run_sync(rule_bundle(), prometheus_context(server, rules), options(only=("prometheus",)))
    assert report.ok, report.failures
    assert report.files["prometheus"].written == ("test-alerts.yml",)
    groups = get_json(f"{server.url}/api/v1/rules")["data"]["groups"]
    assert [g["name"] for g in groups] == ["test-alerts"]
    again = run_sync(rule_bundle(), prometheus_context(server, rules), options(only=("prometheus",)))
    assert again.files["prometheus"].written == () and again.files["prometheus"].unchanged == (
        "test-alerts.yml",
    )


@pytest.mark.servers
def test_a_bad_rule_file_never_reaches_prometheus(prometheus_factory, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    server = prometheus_factory(rule_files_dir=rules)
    assert run_sync(rule_bundle(), prometheus_context(server, rules), options(only=("prometheus",))).ok
    before = (rules / "test-alerts.yml").read_bytes()
    report = run_sync(rule_bundle("(0"), prometheus_context(server, rules), options(only=("prometheus",)))
    assert "rules rejected by promtool, nothing written" in report.failures["prometheus"]
    assert (rules / "test-alerts.yml").read_bytes() == before


@pytest.mark.servers
def test_a_failed_reload_is_rolled_back(prometheus_factory, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    server = prometheus_factory(rule_files_dir=rules)
    context = prometheus_context(server, rules)
    assert run_sync(rule_bundle(), context, options(only=("prometheus",))).ok
    before = (rules / "test-alerts.yml").read_bytes()
    config = server.folder / "prometheus.yml"
    config.write_text(config.read_text() + "\nnot_a_prometheus_key: true\n")
    report = run_sync(rule_bundle("1"), context, options(only=("prometheus",)))
    assert (
        "reload failed" in report.failures["prometheus"]
        and "previous files were restored" in report.failures["prometheus"]
    )
    assert (rules / "test-alerts.yml").read_bytes() == before
    served = get_json(f"{server.url}/api/v1/rules")["data"]["groups"][0]["rules"][0]["query"]
    assert served == "up == 0"


@pytest.mark.servers
def test_alertmanager_config_is_validated_written_and_reloaded(alertmanager_factory, tmp_path: Path) -> None:
    built = (REPO / "build" / "alertmanager" / "alertmanager.yml").read_text()
    first = built.replace("repeat_interval: 4h", "repeat_interval: 3h")
    server = alertmanager_factory(first)
    config = server.folder / "alertmanager.yml"
    context = Context(name="t", alertmanager_url=server.url, alertmanager_config_file=str(config))
    report = run_sync(BUNDLE, context, options(only=("alertmanager",)))
    assert report.ok, report.failures
    assert config.read_text() == built
    running = yaml.safe_load(get_json(f"{server.url}/api/v2/status")["config"]["original"])
    assert running["route"]["repeat_interval"] == "4h"


@pytest.mark.servers
def test_end_to_end_an_alert_fires_and_is_routed_to_its_receiver(
    prometheus_factory, alertmanager_factory, metrics_exporter, webhook_receiver, tmp_path: Path
) -> None:
    routing = {
        "route": {
            "receiver": "default",
            "group_by": ["alertname"],
            "group_wait": "1s",
            "group_interval": "1s",
            "routes": [{"receiver": "finance", "matchers": ['category="cost"']}],
        },
        "receivers": [
            {"name": "default", "webhook_configs": [{"url": f"{webhook_receiver.url}/default"}]},
            {"name": "finance", "webhook_configs": [{"url": f"{webhook_receiver.url}/finance"}]},
        ],
    }
    alertmanager = alertmanager_factory("route: {receiver: x}\nreceivers: [{name: x}]\n")
    rules = tmp_path / "rules"
    cost = 'llm_cost_usd_total{provider="openai",model="gpt-4o",agent="support",service="api"}'
    metrics_exporter.text = f"# TYPE llm_cost_usd_total counter\n{cost} 0\n"
    prometheus = prometheus_factory(
        rule_files_dir=rules,
        scrape_targets=[metrics_exporter.address],
        alertmanager=alertmanager.url.removeprefix("http://"),
    )
    context = Context(
        name="e2e",
        prometheus_url=prometheus.url,
        prometheus_rules_dir=str(rules),
        alertmanager_url=alertmanager.url,
        alertmanager_config_file=str(alertmanager.folder / "alertmanager.yml"),
    )
    bundle = dataclasses.replace(BUNDLE, dashboards=(), alertmanager=routing)
    report = run_sync(bundle, context, options(only=("prometheus", "alertmanager")))
    assert report.ok, report.failures
    wait_until(
        lambda: get_json(f"{prometheus.url}/api/v1/query?query=llm_cost_usd_total")["data"]["result"],
        what="a scrape",
    )
    metrics_exporter.text = f"# TYPE llm_cost_usd_total counter\n{cost} 1000\n"
    notified = wait_until(
        lambda: webhook_receiver.alerts("/finance"), timeout=60, what="the cost alert at the finance receiver"
    )
    names = {alert["labels"]["alertname"] for alert in notified}
    assert "DailyCostHigh" in names
    assert all(alert["labels"]["category"] == "cost" for alert in notified)
    assert not webhook_receiver.alerts("/default")


def test_ruler_mode_writes_by_namespace_skips_unchanged_and_prunes(ruler_double) -> None:
    context = Context(name="mimir", ruler_url=ruler_double.url, ruler_tenant="team-a")
    report = run_sync(BUNDLE, context, options(only=("ruler",)))
    assert report.ok, report.failures
    stored = ruler_double.rules["team-a"]
    assert set(stored) == {g.file.removesuffix(".yml") for g in BUNDLE.rule_groups}
    assert stored["system-alerts"]["system-alerts"]["rules"][0]["alert"] == "HighCPUUsage"
    writes = ruler_double.writes
    again = run_sync(BUNDLE, context, options(only=("ruler",)))
    assert again.files["ruler"].written == () and ruler_double.writes == writes
    fewer = dataclasses.replace(
        BUNDLE, rule_groups=tuple(g for g in BUNDLE.rule_groups if g.name != "slo-meta-api-errors")
    )
    stored["elsewhere"] = {"foreign": {"name": "foreign", "rules": []}}
    pruned = run_sync(fewer, context, options(only=("ruler",), prune=True))
    assert pruned.files["ruler"].removed == ("slo-api-errors/slo-meta-api-errors",)
    assert "foreign" in stored["elsewhere"]
    ruler_double.fail_next(2, 503)
    assert run_sync(BUNDLE, context, options(only=("ruler",))).ok
