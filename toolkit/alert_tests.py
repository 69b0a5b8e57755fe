"""Typed alert tests, written beside the alerts they prove, emitted as promtool unit-test files.

An :class:`AlertTest` feeds synthetic series (promtool notation: ``0+10x100``, ``_``, ``stale``) and states
when its alert must fire and when it must stay quiet. An :class:`ExprTest` states the value a PromQL
expression (a recording rule, say) must have at a time. The build writes one promtool test file per alert
under ``build/prometheus/tests/``; ``toolkit test`` runs them with promtool.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import promql_parser

from toolkit import promql
from toolkit.durations import canonical_duration
from toolkit.errors import DefinitionError
from toolkit.locations import SourceLocation, caller_location
from toolkit.rules import AlertRule

SERIES_VALUES = re.compile(r"^(\s*(_|stale|-?[0-9.e+]+([+-][0-9.e+]+)?(x[0-9]+)?|_x[0-9]+)\s*)+$")


def check_selector(text: str) -> None:
    """Raise ValueError unless ``text`` is a plain series selector such as ``up{job="api"}``."""
    if not isinstance(promql.parse(text), promql_parser.VectorSelector):
        raise ValueError("give a metric name and label matchers only, e.g. 'up{job=\"api\"}'")


def counter(per_second: float, minutes: int = 60, start: float = 0) -> str:
    """promtool values of a counter growing ``per_second`` for ``minutes`` at a 1m interval."""
    return f"{start:g}+{per_second * 60:g}x{minutes}"


def gauge(value: float, minutes: int = 60) -> str:
    """promtool values of a gauge holding ``value`` for ``minutes`` at a 1m interval."""
    return f"{value:g}x{minutes}"


def _interval(where: SourceLocation, what: str, value: str) -> str:
    try:
        return canonical_duration(value)
    except ValueError as error:
        raise DefinitionError(f"{what}: interval {error}", where) from None


def _times(where: SourceLocation, what: str, value: str | Sequence[str] | None) -> tuple[str, ...]:
    values = (value,) if isinstance(value, str) else tuple(value or ())
    try:
        return tuple(canonical_duration(v) for v in values)
    except ValueError as error:
        raise DefinitionError(f"{what}: evaluation time {error}", where) from None


def _series(where: SourceLocation, what: str, series: Mapping[str, str]) -> dict[str, str]:
    if not series:
        raise DefinitionError(f"{what}: give at least one input series", where)
    for selector, values in series.items():
        try:
            check_selector(selector)
        except ValueError as error:
            raise DefinitionError(
                f"{what}: series {selector!r} is not a series selector: {error}", where
            ) from None
        if not isinstance(values, str) or not SERIES_VALUES.match(values):
            raise DefinitionError(
                f"{what}: values {values!r} of {selector} are not promtool notation, e.g. '0+10x30' or '1x20 _x5 stale'",
                where,
            )
    return dict(series)


@dataclass(frozen=True)
class AlertTest:
    """Series that must make ``alert`` fire at each of ``fires_at`` and keep it quiet at each of ``quiet_at``.

    ``labels`` are the labels the firing alert carries from the series (its own labels, such as severity
    and team, are added); ``annotations``, when given, must match the expanded annotations exactly.
    Where several rules share the alert's name, ``labels`` must say which (e.g. ``{"severity": "critical"}``);
    a firing case then checks that rule only, while a quiet case checks that no rule of the name fires.
    """

    alert: str | AlertRule
    series: Mapping[str, str]
    fires_at: str | Sequence[str] | None = None
    quiet_at: str | Sequence[str] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] | None = None
    interval: str = "1m"
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = self.source or caller_location()
        object.__setattr__(self, "source", where)
        name = self.alert.name if isinstance(self.alert, AlertRule) else self.alert
        object.__setattr__(self, "alert", name)
        what = f"test of alert {name}"
        object.__setattr__(self, "series", _series(where, what, self.series))
        object.__setattr__(self, "fires_at", _times(where, what, self.fires_at))
        object.__setattr__(self, "quiet_at", _times(where, what, self.quiet_at))
        if not self.fires_at and not self.quiet_at:
            raise DefinitionError(f"{what}: say when it must fire (fires_at) or stay quiet (quiet_at)", where)
        object.__setattr__(self, "interval", _interval(where, what, self.interval))

    def to_promtool(self, rule_labels: Mapping[str, str]) -> dict[str, Any]:
        """The promtool ``tests`` entry, given the labels the alerting rule itself adds."""
        expected = {**rule_labels, **self.labels}
        alert_tests = [{"eval_time": t, "alertname": self.alert, "exp_alerts": []} for t in self.quiet_at]
        expr_tests = []
        own = ", ".join(f'{k}="{v}"' for k, v in sorted({"alertname": self.alert, **rule_labels}.items()))
        for time in self.fires_at:
            firing = {"alertname": self.alert, "alertstate": "firing", **expected}
            labels = ", ".join(f'{k}="{v}"' for k, v in sorted(firing.items()))
            expr_tests.append(
                {
                    "expr": f'ALERTS{{{own}, alertstate="firing"}}',
                    "eval_time": time,
                    "exp_samples": [{"labels": f"ALERTS{{{labels}}}", "value": 1}],
                }
            )
            if self.annotations is not None:
                exp = {
                    "exp_labels": dict(sorted(expected.items())),
                    "exp_annotations": dict(sorted(self.annotations.items())),
                }
                alert_tests.append({"eval_time": time, "alertname": self.alert, "exp_alerts": [exp]})
        entry: dict[str, Any] = {
            "name": f"{self.alert} at {self.source}",
            "interval": self.interval,
            "input_series": [{"series": s, "values": v} for s, v in self.series.items()],
        }
        if alert_tests:
            entry["alert_rule_test"] = sorted(
                alert_tests, key=lambda t: (t["eval_time"], len(t["exp_alerts"]))
            )
        if expr_tests:
            entry["promql_expr_test"] = expr_tests
        return entry


@dataclass(frozen=True)
class ExprTest:
    """At ``at``, ``expr`` over ``series`` must give exactly ``expected`` (series labels -> value).

    ``name`` says what is proven, e.g. the recording rule's name; labels are written as promtool does,
    e.g. ``{'{job="api"}': 0.5}`` or ``{'slo:sli_error:ratio_rate5m{slo="x"}': 0.01}``.
    """

    name: str
    expr: str
    series: Mapping[str, str]
    at: str
    expected: Mapping[str, float]
    interval: str = "1m"
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = self.source or caller_location()
        object.__setattr__(self, "source", where)
        what = f"expression test {self.name}"
        try:
            promql.parse(self.expr)
        except ValueError as error:
            raise DefinitionError(f"{what}: expr is not valid PromQL: {error}", where) from None
        object.__setattr__(self, "series", _series(where, what, self.series))
        object.__setattr__(self, "at", _times(where, what, self.at)[0])
        object.__setattr__(self, "interval", _interval(where, what, self.interval))

    def to_promtool(self) -> dict[str, Any]:
        """The promtool ``tests`` entry."""
        return {
            "name": f"{self.name} at {self.source}",
            "interval": self.interval,
            "input_series": [{"series": s, "values": v} for s, v in self.series.items()],
            "promql_expr_test": [
                {
                    "expr": self.expr,
                    "eval_time": self.at,
                    "exp_samples": [
                        {"labels": labels, "value": value} for labels, value in self.expected.items()
                    ],
                }
            ],
        }


RuleTest = AlertTest | ExprTest
