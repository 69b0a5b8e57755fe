"""LLM spend alerts against the budgets in settings (category cost: they go to the finance channel)."""

from __future__ import annotations

from toolkit.alert_tests import AlertTest, counter
from toolkit.rules import AlertRule, RecordingRule, RuleGroup, Severity
from toolkit.settings import Settings

SPEND_1H = ":llm_cost_usd:increase1h"
SPEND_1D = ":llm_cost_usd:increase1d"
COST = "cost"
SMOOTHED = {
    "alerts/for": "spend over an hour, a day or 30 days is already smoothed; a for would only delay it"
}


def groups(settings: Settings) -> list[RuleGroup]:
    """The ``llm.rules`` recording group and the ``cost-alerts`` group."""
    budget = settings.budget
    spike = settings.threshold("cost_spike_factor")
    return [
        RuleGroup(
            "llm.rules",
            [
                RecordingRule(SPEND_1H, "sum(increase(llm_cost_usd_total[1h]))"),
                RecordingRule(SPEND_1D, "sum(increase(llm_cost_usd_total[1d]))"),
            ],
        ),
        RuleGroup(
            "cost-alerts",
            [
                AlertRule(
                    name="DailyCostHigh",
                    expr=f"{SPEND_1D} > {budget('daily_usd'):g}",
                    severity=Severity.WARNING,
                    category=COST,
                    lint_ignore=SMOOTHED,
                    summary="LLM spend over the last 24 hours is above the daily budget.",
                    description=f"The last 24 hours cost {{{{ $value | humanize }}}} USD; the budget is {budget('daily_usd'):g} USD.",
                ),
                AlertRule(
                    name="HourlyCostHigh",
                    expr=f"{SPEND_1H} > {budget('hourly_usd'):g}",
                    severity=Severity.WARNING,
                    category=COST,
                    lint_ignore=SMOOTHED,
                    summary="LLM spend over the last hour is above the hourly budget.",
                    description=f"The last hour cost {{{{ $value | humanize }}}} USD; the budget is {budget('hourly_usd'):g} USD.",
                ),
                AlertRule(
                    name="CostSpike",
                    expr=f"sum(increase(llm_cost_usd_total[1h])) > {spike:g} * sum(increase(llm_cost_usd_total[1h] offset 1d))",
                    severity=Severity.WARNING,
                    category=COST,
                    lint_ignore=SMOOTHED,
                    summary="LLM spend is rising fast.",
                    description=f"The last hour cost {{{{ $value | humanize }}}} USD, over {spike:g}x the same hour yesterday.",
                ),
                AlertRule(
                    name="MonthlyBudgetExceeded",
                    expr=f"sum(increase(llm_cost_usd_total[30d])) > {budget('monthly_usd'):g}",
                    severity=Severity.CRITICAL,
                    category=COST,
                    lint_ignore=SMOOTHED,
                    summary="LLM spend over the last 30 days is above the monthly budget.",
                    description=f"The last 30 days cost {{{{ $value | humanize }}}} USD; the budget is {budget('monthly_usd'):g} USD.",
                ),
            ],
        ),
    ]


def tests(settings: Settings) -> list[AlertTest]:
    """A firing and a quiet case for every cost alert, just over and just under its budget."""
    hourly = settings.budget("hourly_usd")
    daily = settings.budget("daily_usd")
    monthly = settings.budget("monthly_usd")
    spike = settings.threshold("cost_spike_factor")
    spend = 'llm_cost_usd_total{provider="openai", model="gpt-4o", agent="support", service="api"}'
    day = 24 * 60

    def yesterday_then_today(factor: float) -> dict[str, str]:
        base = 1 / 60
        return {
            spend: f"{counter(base, day)} {day * base * 60 + base * 60 * factor:g}+{base * 60 * factor:g}x120"
        }

    def jump(total: float) -> dict[str, str]:
        return {spend: f"0x10 {total:g}x120"}

    return [
        AlertTest(
            "HourlyCostHigh", {spend: counter(hourly * 1.2 / 3600, 120)}, fires_at="70m", quiet_at="30m"
        ),
        AlertTest("HourlyCostHigh", {spend: counter(hourly * 0.8 / 3600, 180)}, quiet_at=["60m", "120m"]),
        AlertTest(
            "DailyCostHigh", {spend: counter(daily * 1.2 / 86400, day + 60)}, fires_at="25h", quiet_at="12h"
        ),
        AlertTest("DailyCostHigh", {spend: counter(daily * 0.8 / 86400, day + 60)}, quiet_at="25h"),
        AlertTest("CostSpike", yesterday_then_today(spike * 1.5), fires_at="25h30m", quiet_at="23h"),
        AlertTest("CostSpike", yesterday_then_today(spike * 0.75), quiet_at=["25h", "25h30m"]),
        AlertTest("MonthlyBudgetExceeded", jump(monthly * 1.1), fires_at="1h", quiet_at="5m"),
        AlertTest("MonthlyBudgetExceeded", jump(monthly * 0.9), quiet_at="1h"),
    ]
