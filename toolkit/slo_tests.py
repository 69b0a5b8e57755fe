"""Standard proofs of an SLO's generated rules, as promtool tests with synthetic traffic.

For each SLO: a 20x budget burn pages within the time the burn-rate policy implies; a 2x burn opens
only a ticket; a healthy service (half the budget) stays silent; and after a known outage the
budget-remaining rule gives the expected value. Expected times are computed from the policy, so the
proofs follow ``slo.policy`` in settings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from toolkit.alert_tests import AlertTest, ExprTest, RuleTest
from toolkit.durations import duration_seconds
from toolkit.errors import DefinitionError
from toolkit.locations import caller_location
from toolkit.rules import Severity
from toolkit.settings import Settings
from toolkit.slo import SLO, BurnWindow, Latency, burn_policy

HEALTHY_MINUTES = 240
EVENTS_PER_MINUTE = 600
OUTAGE_MINUTES = 15
REMAINING_AT_MINUTES = 600


def _values(segments: Sequence[tuple[float, int]]) -> str:
    """promtool values of a counter growing by ``per_minute`` for ``minutes``, segment after segment."""
    parts, total = ["0"], 0.0
    for per_minute, minutes in segments:
        first = total + per_minute
        parts.append(f"{first:g}+{per_minute:g}x{minutes - 1}")
        total = first + per_minute * (minutes - 1)
    return " ".join(parts)


def _series(slo: SLO, good: str, bad: str, ratios: Sequence[tuple[float, int]]) -> dict[str, str]:
    """Input series: ``ratios`` are (share of bad events, minutes) after a healthy history."""
    segments = [(0.0, HEALTHY_MINUTES), *ratios]
    good_values = _values([(EVENTS_PER_MINUTE * (1 - r), m) for r, m in segments])
    if isinstance(slo.sli, Latency):
        return {good: good_values, bad: _values([(EVENTS_PER_MINUTE, m) for _, m in segments])}
    return {good: good_values, bad: _values([(EVENTS_PER_MINUTE * r, m) for r, m in segments])}


def _labels(labels: dict[str, str]) -> str:
    return "{" + ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"


def _first_alert_minute(rows: Sequence[BurnWindow], burn: float) -> int | None:
    """Minutes after the burn starts until a row's windows both exceed their factor, in the rate model."""

    def ratio(window: str, minutes: int) -> float:
        length = duration_seconds(window) / 60
        return burn * min(minutes, length) / min(length, HEALTHY_MINUTES + minutes)

    for minute in range(1, 7 * 24 * 60):
        if any(ratio(r.short, minute) > r.factor and ratio(r.long, minute) > r.factor for r in rows):
            return minute
    return None


def slo_tests(slo: SLO, settings: Settings, good: str = "", bad: str = "") -> list[RuleTest]:
    """The four proofs for ``slo``: page on 20x, ticket only on 2x, silence when healthy, budget left.

    ``good`` and ``bad`` are input series (plain label matchers, no regexps) counting good and bad
    events of a Ratio SLI; a Latency SLI derives its buckets itself.
    """
    where = caller_location()
    if isinstance(slo.sli, Latency):
        good = good or slo.sli.bucket(f'le="{slo.sli.le:g}"')
        bad = bad or slo.sli.selectors()[0]
    if not good or not bad:
        raise DefinitionError(f"tests of SLO {slo.id}: give good= and bad= series of its Ratio SLI", where)
    policy = burn_policy(settings)
    critical = [r for r in policy if r.severity == Severity.CRITICAL]
    warning = [r for r in policy if r.severity == Severity.WARNING]
    budget = slo.error_budget
    labels = slo.labels()
    tests: list[RuleTest] = []
    horizon = 8 * 60

    page_burn = min(20.0, 1 / budget)
    page = _first_alert_minute(critical, page_burn)
    if page is not None:
        tests.append(
            AlertTest(
                slo.alert,
                _series(slo, good, bad, [(page_burn * budget, horizon)]),
                fires_at=f"{HEALTHY_MINUTES + math.ceil(page * 1.15) + 2}m",
                quiet_at=f"{HEALTHY_MINUTES - 5}m",
                labels={**labels, "severity": Severity.CRITICAL.value},
                source=where,
            )
        )
    floor, ceiling = min(r.factor for r in warning), min((r.factor for r in critical), default=math.inf)
    ticket_burn = 2.0 if floor < 2 < ceiling else (floor + min(ceiling, floor * 2)) / 2
    ticket = _first_alert_minute(warning, ticket_burn)
    if ticket is not None:
        at = f"{HEALTHY_MINUTES + math.ceil(ticket * 1.15) + 2}m"
        traffic = _series(slo, good, bad, [(ticket_burn * budget, horizon)])
        tests += [
            AlertTest(
                slo.alert, traffic, fires_at=at, labels={**labels, "severity": "warning"}, source=where
            ),
            ExprTest(
                slo.alert,
                f'ALERTS{{alertname="{slo.alert}", severity="critical"}}',
                traffic,
                at=at,
                expected={},
                source=where,
            ),
        ]
    tests.append(
        AlertTest(
            slo.alert,
            _series(slo, good, bad, [(0.5 * budget, horizon)]),
            quiet_at=[f"{HEALTHY_MINUTES + m}m" for m in (60, 360)],
            source=where,
        )
    )
    outage_burn = min(20.0, 1 / budget)
    expected = 1 - outage_burn * OUTAGE_MINUTES / REMAINING_AT_MINUTES
    selector = f"slo:period_error_budget_remaining:ratio{{{slo.matchers()}}}"
    tests.append(
        ExprTest(
            slo.alert,
            f"round({selector}, 0.05)",
            _series(slo, good, bad, [(outage_burn * budget, OUTAGE_MINUTES), (0.0, horizon)]),
            at=f"{REMAINING_AT_MINUTES}m",
            expected={_labels({**labels, "sloth_window": slo.window}): round(expected / 0.05) * 0.05},
            source=where,
        )
    )
    return tests
