"""The typed rule model rejects bad definitions with exact, located messages."""

from __future__ import annotations

import re

import pytest

from toolkit.alert_tests import AlertTest
from toolkit.errors import DefinitionError
from toolkit.rules import AlertRule, RecordingRule, RuleGroup, Severity


def alert(**changes) -> AlertRule:
    fields = dict(
        name="ServiceDown",
        expr="up == 0",
        for_="1m",
        severity=Severity.CRITICAL,
        summary="A target is down.",
        description="{{ $labels.job }} is down.",
    )
    return AlertRule(**{**fields, **changes})


def error_of(make) -> str:
    with pytest.raises(DefinitionError) as caught:
        make()
    return str(caught.value)


def test_an_invalid_alert_name_is_refused_at_the_defining_line() -> None:
    message = error_of(lambda: alert(name="service_down"))
    assert message.endswith(
        "alert name 'service_down' is not CamelCase: name it <Component><Symptom> with letters and digits, "
        "e.g. 'PostgresDown' (or waive rule/name in lint_ignore with the reason)"
    )
    assert re.match(r"\S*tests/test_rules\.py:\d+: alert name", message)


def test_house_conventions_are_waivable_because_prometheus_accepts_the_rule() -> None:
    waived = {"rule/name": "imported", "rule/label": "imported", "alerts/annotation": "imported"}
    rule = alert(name="service down!", severity=None, team="", summary="", runbook_url="", lint_ignore=waived)
    assert rule.to_data("sre", "https://runbooks/x") == {
        "alert": "service down!",
        "expr": "up == 0",
        "for": "1m",
        "labels": {},
        "annotations": {"description": "{{ $labels.job }} is down."},
    }
    assert alert(severity="page", lint_ignore={"rule/label": "imported"}).to_data("sre", "u")["labels"] == {
        "severity": "page",
        "team": "sre",
    }
    assert "unknown severity 'page'" in error_of(lambda: alert(severity="page"))
    assert "team is empty" in error_of(lambda: alert(team=""))
    assert "runbook_url is empty" in error_of(lambda: alert(runbook_url=""))
    assert "alert name '' is not valid" in error_of(lambda: alert(name="", lint_ignore=waived))


def test_a_bad_duration_names_the_key_and_the_fix() -> None:
    assert error_of(lambda: alert(for_="5 minutes")).endswith(
        "alert ServiceDown: for '5 minutes' is not a Prometheus duration: "
        "use a number and a unit (ms, s, m, h, d, w, y), e.g. '5m' or '1h30m'"
    )


def test_an_unknown_severity_lists_the_allowed_ones() -> None:
    assert error_of(lambda: alert(severity="page")).endswith(
        "alert ServiceDown: unknown severity 'page': use one of critical, warning, info"
    )


def test_summary_and_description_are_required() -> None:
    assert error_of(lambda: alert(summary=" ")).endswith(
        "alert ServiceDown: summary is required: give a static one-sentence summary"
    )


def test_invalid_promql_is_refused() -> None:
    assert "alert ServiceDown: expr is not valid PromQL" in error_of(lambda: alert(expr="up ==="))


def test_a_recording_rule_name_must_be_level_metric_operations() -> None:
    assert error_of(lambda: RecordingRule("http_requests_rate5m", "rate(http_requests_total[5m])")).endswith(
        "recording rule name 'http_requests_rate5m' is not level:metric:operations: e.g. 'job:http_requests:rate5m' "
        "(or waive rule/name in lint_ignore with the reason)"
    )
    assert RecordingRule(":llm_cost_usd:increase1h", "sum(increase(llm_cost_usd_total[1h]))").name
    waived = {"rule/name": "imported as it was"}
    assert RecordingRule("http_requests_rate5m", "up", lint_ignore=waived).name == "http_requests_rate5m"
    assert "is not a metric name Prometheus accepts" in error_of(
        lambda: RecordingRule('strawberry{flavor="sweet"}', "up", lint_ignore=waived)
    )


def test_durations_are_canonical_and_objects_frozen() -> None:
    rule = alert(for_="300s")
    assert rule.for_ == "5m"
    with pytest.raises(AttributeError):
        rule.name = "Other"  # type: ignore[misc]


def test_an_empty_group_and_any_rule_file_name_are_accepted_as_prometheus_does() -> None:
    group = RuleGroup("empty", [], file="nodeExporter.yaml")
    assert (group.rules, group.file) == ((), "nodeExporter.yaml")
    assert "must be a file name" in error_of(lambda: RuleGroup("g", [], file="../evil.yml"))
    assert "must be a file name" in error_of(lambda: RuleGroup("g", [], file="rules.txt"))


def test_an_alert_test_needs_promtool_notation_and_an_expectation() -> None:
    assert "are not promtool notation" in error_of(
        lambda: AlertTest("ServiceDown", {"up": "one two"}, fires_at="1m")
    )
    assert error_of(lambda: AlertTest("ServiceDown", {"up": "0x5"})).endswith(
        "test of alert ServiceDown: say when it must fire (fires_at) or stay quiet (quiet_at)"
    )


def test_a_webhook_url_carrying_a_token_is_refused_with_url_file_as_the_fix() -> None:
    from toolkit.alertmanager import WebhookConfig

    with pytest.raises(DefinitionError) as caught:
        WebhookConfig("https://hooks.slack.com/services/T0/B0/secretpart")
    message = str(caught.value)
    assert "secretpart" not in message
    assert "webhook url https://hooks.slack.com/services/***: carries a secret in the path" in message
    assert "url_file=" in message and "tests/test_rules.py:" in message.split(": ")[0]


def test_a_secret_webhook_url_is_read_from_a_file() -> None:
    from toolkit.alertmanager import WebhookConfig

    assert WebhookConfig(url_file="/etc/alertmanager/secrets/hook-url").to_data() == {
        "send_resolved": True,
        "url_file": "/etc/alertmanager/secrets/hook-url",
    }
    with pytest.raises(DefinitionError, match="give url or url_file"):
        WebhookConfig()
