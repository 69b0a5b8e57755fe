"""Service level objectives as code: SLI recordings, meta rules and multi-window burn-rate alerts.

The generated rules use Sloth's names and labels (``slo:sli_error:ratio_rate5m`` labelled ``sloth_id``,
``sloth_service``, ``sloth_slo``, ``sloth_window``), so dashboards built for Sloth keep working. The
burn-rate alerts follow the Google SRE workbook's multi-window, multi-burn-rate policy by default; the
factors and windows are data, and ``toolkit.yaml`` may choose another table or define its own::

    slo:
      policy: simple            # workbook (default) or simple, or a name under policies
      policies:
        strict:
          - {severity: critical, factor: 10, long: 1h, short: 5m}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from toolkit.alert_tests import check_selector
from toolkit.durations import canonical_duration, duration_seconds
from toolkit.errors import DefinitionError, SettingsError
from toolkit.locations import SourceLocation, caller_location
from toolkit.rules import AlertRule, RecordingRule, RuleGroup, Severity
from toolkit.settings import Settings

SLI_WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
SLO_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
IDENTITY = ("sloth_id", "sloth_service", "sloth_slo")


@dataclass(frozen=True)
class BurnWindow:
    """Alert at ``severity`` when the error budget burns faster than ``factor`` on both windows."""

    severity: Severity
    factor: float
    long: str
    short: str


POLICIES: dict[str, tuple[BurnWindow, ...]] = {
    "workbook": (
        BurnWindow(Severity.CRITICAL, 14.4, "1h", "5m"),
        BurnWindow(Severity.CRITICAL, 6, "6h", "30m"),
        BurnWindow(Severity.WARNING, 3, "1d", "2h"),
        BurnWindow(Severity.WARNING, 1, "3d", "6h"),
    ),
    "simple": (
        BurnWindow(Severity.CRITICAL, 10, "1h", "5m"),
        BurnWindow(Severity.WARNING, 2, "6h", "30m"),
    ),
}


@dataclass(frozen=True)
class Ratio:
    """An SLI from two counters: the events that went wrong and all events (series selectors)."""

    errors: str
    total: str

    def error_ratio(self, window: str) -> str:
        """PromQL for the share of bad events over ``window`` (0 when no error series exists yet)."""
        return f"(sum(rate({self.errors}[{window}])) or vector(0)) / sum(rate({self.total}[{window}]))"

    def selectors(self) -> tuple[str, ...]:
        """The series selectors the SLI reads."""
        return (self.errors, self.total)


@dataclass(frozen=True)
class Latency:
    """An SLI from a histogram: events slower than the bucket ``le`` (seconds) went wrong.

    ``metric`` is the histogram's name without ``_bucket``; ``selector`` its label matchers. Whole
    numbers match both spellings that client libraries use for ``le`` (``2`` and ``2.0``).
    """

    metric: str
    le: float
    selector: str = ""

    def bucket(self, le_matcher: str) -> str:
        """The bucket series selector with the given ``le`` matcher."""
        matchers = ", ".join(m for m in (self.selector, le_matcher) if m)
        return f"{self.metric}_bucket{{{matchers}}}"

    def error_ratio(self, window: str) -> str:
        """PromQL for the share of events slower than ``le`` over ``window``."""
        spelled = f"{self.le:g}"
        le = f'le=~"{spelled}|{self.le:.1f}"' if float(self.le).is_integer() else f'le="{spelled}"'
        fast = f"sum(rate({self.bucket(le)}[{window}]))"
        every = f"sum(rate({self.selectors()[0]}[{window}]))"
        return f"1 - {fast} / {every}"

    def selectors(self) -> tuple[str, ...]:
        """The series selectors the SLI reads."""
        return (self.bucket('le="+Inf"'),)


def _check_sli(where: SourceLocation, what: str, sli: Ratio | Latency) -> None:
    if not isinstance(sli, Ratio | Latency):
        raise DefinitionError(f"{what}: sli must be Ratio(errors=..., total=...) or Latency(...)", where)
    for selector in sli.selectors():
        try:
            check_selector(selector)
        except ValueError as error:
            raise DefinitionError(f"{what}: {selector!r} is not a series selector: {error}", where) from None
    if isinstance(sli, Latency) and not sli.le > 0:
        raise DefinitionError(f"{what}: Latency le must be a bucket bound above 0, not {sli.le!r}", where)


@dataclass(frozen=True)
class SLO:
    """An objective: ``objective`` percent of ``sli``'s events are good over the rolling ``window``.

    ``name`` is lower-case with dashes (``requests-availability``); the SLO's id is
    ``<service>-<name>``. ``alert`` names the burn-rate alert (default: the id in CamelCase plus
    ``BudgetBurn``).
    """

    name: str
    service: str
    objective: float
    sli: Ratio | Latency
    window: str = "30d"
    description: str = ""
    alert: str | None = None
    team: str | None = None
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = self.source or caller_location()
        object.__setattr__(self, "source", where)
        for key in ("name", "service"):
            if not isinstance(getattr(self, key), str) or not SLO_NAME.match(getattr(self, key)):
                raise DefinitionError(
                    f"SLO {key} {getattr(self, key)!r} must be lower-case letters, digits and dashes, e.g. 'api'",
                    where,
                )
        what = f"SLO {self.id}"
        if not isinstance(self.objective, int | float) or not 0 < self.objective < 100:
            raise DefinitionError(
                f"{what}: objective {self.objective!r} must be a percentage between 0 and 100, e.g. 99.9",
                where,
            )
        try:
            object.__setattr__(self, "window", canonical_duration(self.window))
        except ValueError as error:
            raise DefinitionError(f"{what}: window {error}", where) from None
        _check_sli(where, what, self.sli)
        alert = self.alert or "".join(part.capitalize() for part in self.id.split("-")) + "BudgetBurn"
        object.__setattr__(self, "alert", alert)

    @property
    def id(self) -> str:
        """``<service>-<name>``, the ``sloth_id`` label of every generated series."""
        return f"{self.service}-{self.name}"

    @property
    def error_budget(self) -> float:
        """The share of events allowed to go wrong, e.g. 0.001 for 99.9%."""
        return round(1 - self.objective / 100, 10)

    def labels(self) -> dict[str, str]:
        """The identity labels of every generated series."""
        return dict(zip(IDENTITY, (self.id, self.service, self.name), strict=True))

    def matchers(self) -> str:
        """Label matchers selecting this SLO's series."""
        return ", ".join(f'{k}="{v}"' for k, v in self.labels().items())


def burn_policy(settings: Settings) -> tuple[BurnWindow, ...]:
    """The burn-rate table chosen in settings (``slo.policy``), default the SRE workbook's."""
    section = settings.section("slo")
    tables = {
        **POLICIES,
        **{
            name: tuple(
                BurnWindow(Severity(w["severity"]), float(w["factor"]), w["long"], w["short"]) for w in rows
            )
            for name, rows in (section.get("policies") or {}).items()
        },
    }
    name = section.get("policy", "workbook")
    if name not in tables:
        raise SettingsError(
            f"slo.policy {name!r} is not a policy: use one of {', '.join(sorted(tables))}",
            SourceLocation(str(settings.path)),
        )
    return tables[name]


def _windows(policy: Sequence[BurnWindow]) -> list[str]:
    wanted = {canonical_duration(w) for w in SLI_WINDOWS}
    wanted |= {canonical_duration(w) for row in policy for w in (row.long, row.short)}
    return sorted(wanted, key=duration_seconds)


def _sli_rules(slo: SLO, windows: Sequence[str]) -> list[RecordingRule]:
    where = slo.source
    rules = [
        RecordingRule(
            f"slo:sli_error:ratio_rate{window}",
            slo.sli.error_ratio(window),
            labels={**slo.labels(), "sloth_window": window},
            source=where,
        )
        for window in windows
    ]
    five = f"slo:sli_error:ratio_rate5m{{{slo.matchers()}}}"
    rules.append(
        RecordingRule(
            f"slo:sli_error:ratio_rate{slo.window}",
            f"sum_over_time({five}[{slo.window}]) / ignoring (sloth_window) count_over_time({five}[{slo.window}])",
            labels={**slo.labels(), "sloth_window": slo.window},
            source=where,
        )
    )
    return rules


def _meta_rules(slo: SLO) -> list[RecordingRule]:
    where, labels, match = slo.source, slo.labels(), slo.matchers()
    on = f"on ({', '.join(IDENTITY)}) group_left"
    budget = f"slo:error_budget:ratio{{{match}}}"
    days = duration_seconds(slo.window) / 86400
    return [
        RecordingRule("slo:objective:ratio", f"vector({slo.objective / 100:g})", labels=labels, source=where),
        RecordingRule("slo:error_budget:ratio", f"vector({slo.error_budget:g})", labels=labels, source=where),
        RecordingRule("slo:time_period:days", f"vector({days:g})", labels=labels, source=where),
        RecordingRule(
            "slo:current_burn_rate:ratio",
            f"slo:sli_error:ratio_rate5m{{{match}}} / {on} {budget}",
            labels=labels,
            source=where,
        ),
        RecordingRule(
            "slo:period_burn_rate:ratio",
            f"slo:sli_error:ratio_rate{slo.window}{{{match}}} / {on} {budget}",
            labels=labels,
            source=where,
        ),
        RecordingRule(
            "slo:period_error_budget_remaining:ratio",
            f"1 - slo:period_burn_rate:ratio{{{match}}}",
            labels=labels,
            source=where,
        ),
    ]


def _alerts(slo: SLO, policy: Sequence[BurnWindow]) -> list[AlertRule]:
    match = slo.matchers()
    alerts = []
    for severity in (Severity.CRITICAL, Severity.WARNING):
        rows = [row for row in policy if row.severity == severity]
        if not rows:
            continue
        clauses = [
            " and ".join(
                f"max without (sloth_window) (slo:sli_error:ratio_rate{canonical_duration(w)}{{{match}}} "
                f"> {row.factor:g} * {slo.error_budget:g})"
                for w in (row.short, row.long)
            )
            for row in rows
        ]
        speeds = " or ".join(
            f"{row.factor:g}x over {canonical_duration(row.long)} and {canonical_duration(row.short)}"
            for row in rows
        )
        alerts.append(
            AlertRule(
                name=slo.alert,
                expr=" or ".join(f"({clause})" for clause in clauses),
                severity=severity,
                team=slo.team,
                labels={"sloth_severity": "page" if severity == Severity.CRITICAL else "ticket"},
                summary=f"The {slo.service} {slo.name} SLO is burning its error budget too fast.",
                description=f"{slo.objective:g}% over {slo.window}: the error budget burns at over {speeds}; "
                "the error ratio is {{ $value | humanizePercentage }}.",
                lint_ignore={
                    "alerts/for": "the burn-rate windows smooth the signal; the short window ends the alert soon after recovery"
                },
                source=slo.source,
            )
        )
    return alerts


def slo_groups(slos: Sequence[SLO], settings: Settings) -> list[RuleGroup]:
    """Three groups per SLO (SLI recordings, meta recordings, alerts) in the file ``slo-<id>.yml``."""
    policy = burn_policy(settings)
    windows = _windows(policy)
    groups = []
    seen: dict[str, SLO] = {}
    for slo in slos:
        if slo.id in seen:
            raise DefinitionError(
                f"SLO {slo.id} is defined twice: at {seen[slo.id].source} and here; rename one", slo.source
            )
        seen[slo.id] = slo
        file = f"slo-{slo.id}.yml"
        groups += [
            RuleGroup(f"slo-sli-{slo.id}", _sli_rules(slo, windows), file=file, source=slo.source),
            RuleGroup(f"slo-meta-{slo.id}", _meta_rules(slo), file=file, source=slo.source),
            RuleGroup(f"slo-alerts-{slo.id}", _alerts(slo, policy), file=file, source=slo.source),
        ]
    return groups


def burn_windows(settings: Settings) -> Mapping[Severity, tuple[BurnWindow, ...]]:
    """The chosen policy's rows by severity, for dashboards that draw the thresholds."""
    policy = burn_policy(settings)
    return {severity: tuple(r for r in policy if r.severity == severity) for severity in Severity}
