"""LLM agents: success rate, latency percentiles, failures and errors, tokens, RAGAS quality scores."""

from __future__ import annotations

from toolkit.panels import (
    DashboardDef,
    Link,
    Query,
    Variable,
    crit_warn_ok,
    dashboard,
    percentiles,
    row,
    timeseries,
    warn_crit,
)
from toolkit.settings import Settings

UID = "agent"


def build(settings: Settings) -> DashboardDef:
    """The ``agent`` dashboard."""
    floor = settings.threshold("agent_success_ratio")
    p95 = settings.threshold("agent_p95_latency_seconds")
    failure_rate = settings.threshold("agent_failure_rate")
    runs = 'agent_executions_total{agent=~"$agent"}'
    succeeded = 'agent_executions_total{agent=~"$agent", status="success"}'
    failed = 'agent_executions_total{agent=~"$agent", status="failure"}'
    buckets = 'sum by (agent, le) (rate(agent_execution_duration_seconds_bucket{agent=~"$agent"}[$__rate_interval]))'
    return dashboard(
        settings,
        uid=UID,
        title="Agents",
        description="How well the LLM agents work: success, speed, failures, tokens and answer quality.",
        tags=["agents", "llm"],
        links=[Link("executive", "Executive overview"), Link("cost", "LLM cost")],
        variables=[
            Variable("agent", "label_values(agent_executions_total, agent)"),
            Variable("provider", "label_values(llm_requests_total, provider)"),
        ],
        rows=[
            row(
                "Success and speed",
                timeseries(
                    "Success rate by agent",
                    Query(
                        f"sum by (agent) (rate({succeeded}[$__rate_interval])) "
                        f"/ sum by (agent) (rate({runs}[$__rate_interval]))",
                        "{{agent}}",
                    ),
                    unit="percentunit",
                    description="Share of executions that succeeded; the alert fires below the red line.",
                    thresholds=crit_warn_ok(floor, (1 + floor) / 2),
                    min=0,
                    max=1,
                ),
                timeseries(
                    "Latency percentiles",
                    percentiles(buckets, legend="{{agent}}"),
                    unit="s",
                    description="Execution time percentiles per agent; the p95 alert threshold is dashed.",
                    thresholds=warn_crit(p95 * 0.8, p95),
                ),
            ),
            row(
                "Failures",
                timeseries(
                    "Failures per second by agent",
                    Query(f"sum by (agent) (rate({failed}[$__rate_interval]))", "{{agent}}"),
                    unit="ops",
                    description="Failed executions per second; the failure-spike alert threshold is dashed.",
                    thresholds=warn_crit(failure_rate / 2, failure_rate),
                ),
                timeseries(
                    "LLM errors by provider and model",
                    Query(
                        'sum by (provider, model) (rate(llm_requests_total{provider=~"$provider", status="error"}[$__rate_interval]))',
                        "{{provider}} {{model}}",
                    ),
                    unit="reqps",
                    description="LLM requests that returned an error, the usual reason agents fail.",
                ),
            ),
            row(
                "Tokens and quality",
                timeseries(
                    "Token usage by model",
                    Query(
                        'sum by (model, type) (rate(llm_tokens_total{provider=~"$provider"}[$__rate_interval]))',
                        "{{model}} {{type}}",
                    ),
                    unit="short",
                    description="Tokens per second, prompt and completion apart.",
                    stack=True,
                ),
                timeseries(
                    "RAGAS quality scores",
                    Query(
                        'avg by (agent, metric) (agent_quality_score{agent=~"$agent"})',
                        "{{agent}} {{metric}}",
                    ),
                    unit="percentunit",
                    description="Answer quality per agent and RAGAS metric (faithfulness, relevancy…), 0 to 1.",
                    thresholds=crit_warn_ok(0.6, 0.8),
                    min=0,
                    max=1,
                ),
            ),
        ],
    )
