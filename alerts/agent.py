"""LLM agent alerts: success ratio, latency and failures per agent, and LLM providers failing outright."""

from __future__ import annotations

from toolkit.alert_tests import AlertTest, counter
from toolkit.rules import AlertRule, RecordingRule, RuleGroup, Severity
from toolkit.settings import Settings

EXECUTIONS = "agent:agent_executions:rate5m"
FAILURES = "agent:agent_execution_failures:rate5m"
SUCCESS_RATIO = "agent:agent_executions_success:ratio_rate5m"
P95_LATENCY = "agent:agent_execution_duration_seconds:p95_rate5m"


def groups(settings: Settings) -> list[RuleGroup]:
    """The ``agent.rules`` recording group and the ``agent-alerts`` group."""
    limit = settings.threshold
    return [
        RuleGroup(
            "agent.rules",
            [
                RecordingRule(EXECUTIONS, "sum by (agent) (rate(agent_executions_total[5m]))"),
                RecordingRule(
                    FAILURES, 'sum by (agent) (rate(agent_executions_total{status="failure"}[5m]))'
                ),
                RecordingRule(
                    SUCCESS_RATIO,
                    f'sum by (agent) (rate(agent_executions_total{{status="success"}}[5m])) / {EXECUTIONS}'
                    f" or {EXECUTIONS} * 0",
                ),
                RecordingRule(
                    P95_LATENCY,
                    "histogram_quantile(0.95, sum by (agent, le) (rate(agent_execution_duration_seconds_bucket[5m])))",
                ),
            ],
        ),
        RuleGroup(
            "agent-alerts",
            [
                AlertRule(
                    name="AgentSuccessRateLow",
                    expr=f"{SUCCESS_RATIO} < {limit('agent_success_ratio'):g}",
                    for_="15m",
                    severity=Severity.WARNING,
                    summary="An agent fails too many executions.",
                    description="Agent {{ $labels.agent }} succeeds in {{ $value | humanizePercentage }} of executions.",
                ),
                AlertRule(
                    name="AgentLatencyHigh",
                    expr=f"{P95_LATENCY} > {limit('agent_p95_latency_seconds'):g}",
                    for_="10m",
                    severity=Severity.WARNING,
                    summary="An agent is slow.",
                    description="95% of agent {{ $labels.agent }} executions finish within {{ $value | humanizeDuration }}.",
                ),
                AlertRule(
                    name="AgentFailureSpike",
                    expr=f"{FAILURES} > {limit('agent_failure_rate'):g}",
                    for_="5m",
                    severity=Severity.CRITICAL,
                    summary="An agent is failing many executions per second.",
                    description="Agent {{ $labels.agent }} fails {{ $value | humanize }} executions per second.",
                ),
                AlertRule(
                    name="AIServiceFailure",
                    expr='sum by (provider) (rate(llm_requests_total[5m])) > 0 unless sum by (provider) (rate(llm_requests_total{status="success"}[5m])) > 0',
                    for_="3m",
                    severity=Severity.CRITICAL,
                    summary="An LLM provider answers no request successfully.",
                    description="Requests to {{ $labels.provider }} keep arriving but none has succeeded for 3 minutes.",
                ),
            ],
        ),
    ]


def tests(settings: Settings) -> list[AlertTest]:
    """A firing and a quiet case for every agent alert, just over and just under its threshold."""
    success = settings.threshold("agent_success_ratio")
    p95 = settings.threshold("agent_p95_latency_seconds")
    failure_rate = settings.threshold("agent_failure_rate")
    agent = {"agent": "support"}

    def runs(per_second: float, success_ratio: float) -> dict[str, str]:
        series = 'agent_executions_total{{agent="support", status="{}"}}'
        return {
            series.format("success"): counter(per_second * success_ratio),
            series.format("failure"): counter(per_second * (1 - success_ratio)),
        }

    def latency(share_over: float) -> dict[str, str]:
        bucket = 'agent_execution_duration_seconds_bucket{{agent="support", le="{}"}}'
        return {
            bucket.format(1): counter(1 - share_over),
            bucket.format(f"{p95:g}"): counter(1 - share_over),
            bucket.format(f"{p95 * 6:g}"): counter(1),
            bucket.format("+Inf"): counter(1),
        }

    def llm(successes: str) -> dict[str, str]:
        series = 'llm_requests_total{{provider="openai", model="gpt-4o", agent="support", status="{}"}}'
        return {series.format("error"): counter(2), series.format("success"): successes}

    return [
        AlertTest(
            "AgentSuccessRateLow", runs(1, success - 0.05), fires_at="20m", quiet_at="10m", labels=agent
        ),
        AlertTest("AgentSuccessRateLow", runs(1, 0), fires_at="20m", labels=agent),
        AlertTest("AgentSuccessRateLow", runs(1, success + 0.05), quiet_at="60m"),
        AlertTest("AgentLatencyHigh", latency(0.2), fires_at="15m", quiet_at="8m", labels=agent),
        AlertTest("AgentLatencyHigh", latency(0.03), quiet_at="30m"),
        AlertTest(
            "AgentFailureSpike", runs(failure_rate * 1.5, 0), fires_at="12m", quiet_at="4m", labels=agent
        ),
        AlertTest("AgentFailureSpike", runs(failure_rate, 0.1), quiet_at="30m"),
        AlertTest(
            "AIServiceFailure",
            llm("0+60x5 300x30"),
            fires_at="15m",
            quiet_at="9m",
            labels={"provider": "openai"},
        ),
        AlertTest("AIServiceFailure", llm(counter(0.1)), quiet_at="30m"),
    ]
