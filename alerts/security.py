"""Security alerts: noisy clients, authentication failures and quota violations (category security)."""

from __future__ import annotations

from toolkit.alert_tests import AlertTest, counter
from toolkit.rules import AlertRule, RuleGroup, Severity
from toolkit.settings import Settings

SECURITY = "security"


def groups(settings: Settings) -> list[RuleGroup]:
    """The ``security-alerts`` group."""
    limit = settings.threshold
    return [
        RuleGroup(
            "security-alerts",
            [
                AlertRule(
                    name="SuspiciousClientActivity",
                    expr=f"sum by (client) (rate(http_client_requests_total[5m])) > {limit('client_request_rate'):g}",
                    for_="5m",
                    severity=Severity.WARNING,
                    category=SECURITY,
                    summary="One client sends an unusual number of requests.",
                    description="Client {{ $labels.client }} sends {{ $value | humanize }} requests per second.",
                ),
                AlertRule(
                    name="HighAuthFailureRate",
                    expr=f"sum(rate(auth_failures_total[5m])) > {limit('auth_failure_rate'):g}",
                    for_="5m",
                    severity=Severity.WARNING,
                    category=SECURITY,
                    summary="Many authentication attempts fail.",
                    description="{{ $value | humanize }} authentication failures per second.",
                ),
                AlertRule(
                    name="QuotaViolations",
                    expr=f"sum(rate(quota_violations_total[5m])) > {limit('quota_violation_rate'):g}",
                    for_="5m",
                    severity=Severity.WARNING,
                    category=SECURITY,
                    summary="Clients exceed their quotas often.",
                    description="{{ $value | humanize }} quota violations per second.",
                ),
            ],
        )
    ]


def tests(settings: Settings) -> list[AlertTest]:
    """A firing and a quiet case for every security alert, just over and just under its threshold."""
    client_rate = settings.threshold("client_request_rate")
    auth_rate = settings.threshold("auth_failure_rate")
    violations = settings.threshold("quota_violation_rate")
    client = 'http_client_requests_total{{client="{}"}}'
    auth = 'auth_failures_total{{reason="{}"}}'
    quota = 'quota_violations_total{{client="{}"}}'
    return [
        AlertTest(
            "SuspiciousClientActivity",
            {client.format("c1"): counter(client_rate * 1.2), client.format("c2"): counter(1)},
            fires_at="12m",
            quiet_at="4m",
            labels={"client": "c1"},
        ),
        AlertTest(
            "SuspiciousClientActivity",
            {
                client.format("c1"): counter(client_rate * 0.6),
                client.format("c2"): counter(client_rate * 0.6),
            },
            quiet_at="30m",
        ),
        AlertTest(
            "HighAuthFailureRate",
            {
                auth.format("bad_password"): counter(auth_rate * 0.6),
                auth.format("expired"): counter(auth_rate * 0.6),
            },
            fires_at="12m",
            quiet_at="4m",
        ),
        AlertTest(
            "HighAuthFailureRate", {auth.format("bad_password"): counter(auth_rate * 0.9)}, quiet_at="30m"
        ),
        AlertTest(
            "QuotaViolations", {quota.format("c1"): counter(violations * 1.2)}, fires_at="12m", quiet_at="4m"
        ),
        AlertTest("QuotaViolations", {quota.format("c1"): counter(violations * 0.9)}, quiet_at="30m"),
    ]
