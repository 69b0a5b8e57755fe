"""LLM cost: burn rate, spend by provider, model, agent and service, budgets, month-end projection, tokens."""

from __future__ import annotations

from toolkit.panels import (
    DashboardDef,
    Link,
    Query,
    Variable,
    dashboard,
    row,
    stat,
    timeseries,
    warn_crit,
)
from toolkit.settings import Settings

UID = "cost"


def build(settings: Settings) -> DashboardDef:
    """The ``cost`` dashboard."""
    hourly, daily, monthly = (settings.budget(b) for b in ("hourly_usd", "daily_usd", "monthly_usd"))
    spend = 'llm_cost_usd_total{provider=~"$provider"}'
    per_hour = f"sum(rate({spend}[$__rate_interval])) * 3600"

    def spend_by(label: str) -> str:
        return f"sum by ({label}) (rate({spend}[$__rate_interval])) * 3600"

    return dashboard(
        settings,
        uid=UID,
        title="LLM cost",
        description="What the platform spends on LLM providers, where, and whether it stays within budget.",
        tags=["cost", "llm"],
        links=[Link("executive", "Executive overview"), Link("agent", "Agents")],
        variables=[Variable("provider", "label_values(llm_cost_usd_total, provider)")],
        rows=[
            row(
                "Burn rate and budgets",
                stat(
                    "Burn rate now",
                    per_hour,
                    unit="currencyUSD",
                    description="Current spend rate in USD per hour, against the hourly budget.",
                    thresholds=warn_crit(hourly * 0.8, hourly),
                ),
                stat(
                    "Spent today (24h)",
                    f"sum(increase({spend}[1d]))",
                    unit="currencyUSD",
                    description="Spend over the last 24 hours, against the daily budget.",
                    thresholds=warn_crit(daily * 0.8, daily),
                ),
                stat(
                    "Spent this month (30d)",
                    f"sum(increase({spend}[30d]))",
                    unit="currencyUSD",
                    description="Spend over the last 30 days, against the monthly budget.",
                    thresholds=warn_crit(monthly * 0.8, monthly),
                ),
                stat(
                    "Month-end projection",
                    f"predict_linear(sum(increase({spend}[30d]))[1d:1h], "
                    "86400 * scalar(days_in_month() - day_of_month()))",
                    unit="currencyUSD",
                    description="30-day spend as predict_linear extends the last day's trend to the end of "
                    "the month, against the monthly budget.",
                    thresholds=warn_crit(monthly * 0.8, monthly),
                ),
                timeseries(
                    "Burn rate against the hourly budget",
                    Query(per_hour, "USD per hour"),
                    unit="currencyUSD",
                    description="Spend rate in USD per hour; the dashed lines are the hourly budget.",
                    thresholds=warn_crit(hourly * 0.8, hourly),
                    width=12,
                ),
                timeseries(
                    "30-day spend and its linear projection",
                    [
                        Query(f"sum(increase({spend}[30d]))", "last 30 days"),
                        Query(
                            f"predict_linear(sum(increase({spend}[30d]))[1d:1h], 86400 * 30)",
                            "projected in 30 days",
                        ),
                    ],
                    unit="currencyUSD",
                    description="Rolling 30-day spend and where predict_linear puts it 30 days on, against "
                    "the monthly budget.",
                    thresholds=warn_crit(monthly * 0.8, monthly),
                    width=12,
                ),
            ),
            row(
                "Where the money goes",
                *(
                    timeseries(
                        f"Spend by {label}",
                        Query(spend_by(label), f"{{{{{label}}}}}"),
                        unit="currencyUSD",
                        description=f"Spend rate in USD per hour, by {label}.",
                        stack=True,
                        width=12,
                    )
                    for label in ("provider", "model", "agent", "service")
                ),
            ),
            row(
                "Tokens",
                timeseries(
                    "Tokens by model",
                    Query(
                        'sum by (model, type) (rate(llm_tokens_total{provider=~"$provider"}[$__rate_interval]))',
                        "{{model}} {{type}}",
                    ),
                    unit="short",
                    description="Tokens per second by model, prompt and completion apart.",
                    stack=True,
                    width=24,
                ),
            ),
        ],
    )
