"""The generated ``slo`` dashboard: per objective, the SLI, budget left, burn rates and alert state."""

from __future__ import annotations

from collections.abc import Sequence

from toolkit.durations import duration_seconds
from toolkit.panels import (
    DashboardDef,
    Link,
    Query,
    Row,
    crit_warn_ok,
    dashboard,
    row,
    stat,
    thresholds,
    timeseries,
)
from toolkit.settings import Settings
from toolkit.slo import SLO, burn_policy


def _slo_row(slo: SLO, settings: Settings) -> Row:
    match = slo.matchers()
    objective = slo.objective / 100
    policy = burn_policy(settings)
    windows = sorted({w for r in policy for w in (r.long, r.short)}, key=duration_seconds)
    factors = sorted({r.factor for r in policy})
    burn = [
        Query(f"slo:sli_error:ratio_rate{w}{{{match}}} / {slo.error_budget:g}", legend=w) for w in windows
    ]
    return row(
        f"{slo.service} {slo.name}: {slo.objective:g}% over {slo.window}",
        stat(
            "SLI (5m)",
            f"1 - slo:sli_error:ratio_rate5m{{{match}}}",
            unit="percentunit",
            description=f"Share of good events over the last 5 minutes. {slo.description}".strip(),
            thresholds=crit_warn_ok(objective, objective),
            decimals=3,
        ),
        stat(
            f"Error budget left ({slo.window})",
            f"slo:period_error_budget_remaining:ratio{{{match}}}",
            unit="percentunit",
            description=f"Share of the {slo.window} error budget not yet spent; below 0 the objective is missed.",
            thresholds=crit_warn_ok(0, 0.25),
        ),
        stat(
            "Burn-rate alerts firing",
            f'count(ALERTS{{alertname="{slo.alert}", alertstate="firing"}}) or vector(0)',
            unit="short",
            description=f"Firing {slo.alert} alerts: critical pages, warning opens a ticket.",
            thresholds=thresholds(("red", 1)),
            graph=False,
        ),
        stat(
            "Objective",
            f"slo:objective:ratio{{{match}}}",
            unit="percentunit",
            description=f"The target share of good events over {slo.window}.",
            graph=False,
        ),
        timeseries(
            "SLI over time",
            [
                Query(f"1 - slo:sli_error:ratio_rate5m{{{match}}}", legend="5m"),
                Query(f"1 - slo:sli_error:ratio_rate1h{{{match}}}", legend="1h"),
            ],
            unit="percentunit",
            description="Share of good events over 5 minutes and over an hour, against the objective.",
            thresholds=crit_warn_ok(objective, objective),
        ),
        timeseries(
            "Burn rate",
            burn,
            unit="short",
            description="How many times faster than sustainable the budget burns, per window; the dashed "
            "lines are the alerting factors.",
            thresholds=thresholds(*((("orange" if f < max(factors) else "red"), f) for f in factors)),
        ),
    )


def slo_dashboard(
    settings: Settings, slos: Sequence[SLO], *, uid: str = "slo", links: Sequence[Link] = ()
) -> DashboardDef:
    """One row per SLO, with the burn-rate windows and factors of the policy in settings."""
    return dashboard(
        settings,
        uid=uid,
        title="Service level objectives",
        description="Per objective: the SLI, the error budget left, burn rates against the alerting "
        "factors, and whether its burn-rate alerts fire.",
        tags=["slo"],
        links=links,
        rows=[_slo_row(slo, settings) for slo in slos],
    )
