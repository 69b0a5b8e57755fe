"""Executive overview: platform health, users, LLM cost, agent success and what is alerting now."""

from __future__ import annotations

from toolkit.panels import (
    DashboardDef,
    Link,
    Query,
    crit_warn_ok,
    dashboard,
    row,
    stat,
    table,
    timeseries,
    warn_crit,
)
from toolkit.settings import Settings

UID = "executive"


def build(settings: Settings) -> DashboardDef:
    """The ``executive`` dashboard."""
    api = settings.selector("api")
    error_limit = settings.threshold("http_error_ratio")
    success_floor = settings.threshold("agent_success_ratio")
    requests = f"sum(rate(http_requests_total{{{api}}}[$__rate_interval]))"
    errors = f'sum(rate(http_requests_total{{{api}, status=~"5.."}}[$__rate_interval]))'
    agent_runs = "sum(rate(agent_executions_total[$__rate_interval]))"
    agent_ok = 'sum(rate(agent_executions_total{status="success"}[$__rate_interval]))'
    return dashboard(
        settings,
        uid=UID,
        title="Executive overview",
        description="Platform health, users, LLM cost and agent quality at a glance.",
        tags=["overview"],
        links=[
            Link("cost", "LLM cost"),
            Link("agent", "Agents"),
            Link("worker", "Workers and scheduler"),
            Link("api", "API"),
            Link("database", "Databases"),
            Link("system", "System"),
            Link("users", "Users"),
            Link("slo", "Service level objectives"),
        ],
        rows=[
            row(
                "Platform health",
                stat(
                    "Targets up",
                    "avg(up)",
                    unit="percentunit",
                    description="Share of scrape targets that answer; below 100% something is down.",
                    thresholds=crit_warn_ok(0.9, 0.99),
                ),
                stat(
                    "API error rate",
                    f"{errors} / {requests}",
                    unit="percentunit",
                    description="Share of API requests answered with a 5xx status.",
                    thresholds=warn_crit(error_limit / 5, error_limit),
                ),
                stat(
                    "Active users (1d)",
                    'max(users_active{window="1d"})',
                    unit="short",
                    description="Distinct users active in the last day.",
                ),
                stat(
                    "Active sessions",
                    "sum(user_sessions_active)",
                    unit="short",
                    description="User sessions open now.",
                ),
            ),
            row(
                "Cost",
                stat(
                    "LLM cost, last 24h",
                    "sum(increase(llm_cost_usd_total[1d]))",
                    unit="currencyUSD",
                    description="LLM spend over the last 24 hours, against the daily budget.",
                    thresholds=warn_crit(settings.budget("daily_usd") * 0.8, settings.budget("daily_usd")),
                    width=12,
                ),
                stat(
                    "LLM cost, last 30d",
                    "sum(increase(llm_cost_usd_total[30d]))",
                    unit="currencyUSD",
                    description="LLM spend over the last 30 days, against the monthly budget.",
                    thresholds=warn_crit(
                        settings.budget("monthly_usd") * 0.8, settings.budget("monthly_usd")
                    ),
                    width=12,
                ),
            ),
            row(
                "Agents and alerts",
                timeseries(
                    "Agent success rate",
                    Query(f"{agent_ok} / {agent_runs}", "success rate"),
                    unit="percentunit",
                    description="Share of agent executions that succeeded.",
                    thresholds=crit_warn_ok(success_floor, (1 + success_floor) / 2),
                    min=0,
                    max=1,
                ),
                table(
                    "Alerts firing",
                    'sort_desc(count by (alertname, severity) (ALERTS{alertstate="firing"}))',
                    unit="short",
                    description="Alerts firing now, by name and severity.",
                    width=12,
                ),
            ),
        ],
    )
