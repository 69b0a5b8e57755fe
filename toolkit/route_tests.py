"""Typed tests of the routing policy, written beside it in ``alerts/`` and run on a real Alertmanager.

A :class:`RouteTest` gives one alert's labels (and optionally other alerts firing with it, and a time) and
states what Alertmanager must do with it: the receivers it reaches, in order; the labels of the group it
lands in; whether another alert inhibits it; which receivers are notified at that time, once time
intervals and inhibitions have had their say. A :class:`TemplateTest` states what a notification template
renders for an alert. ``toolkit test`` runs both (see :mod:`toolkit.testing.routes`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from toolkit.errors import DefinitionError
from toolkit.locations import SourceLocation, caller_location

LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def _labels(where: SourceLocation, what: str, labels: Mapping[str, str]) -> dict[str, str]:
    if not isinstance(labels, Mapping) or not labels:
        raise DefinitionError(
            f"{what}: labels must be a non-empty mapping, e.g. {{'alertname': 'ServiceDown'}}", where
        )
    for name, value in labels.items():
        if not isinstance(name, str) or not LABEL_NAME.match(name) or name.startswith("__"):
            raise DefinitionError(
                f"{what}: {name!r} is not a label name (letters, digits, _; no leading __)", where
            )
        if not isinstance(value, str) or not value:
            raise DefinitionError(
                f"{what}: label {name} must have a non-empty string value, not {value!r}", where
            )
    if "alertname" not in labels:
        raise DefinitionError(f"{what}: give the alert an alertname label", where)
    return dict(sorted(labels.items()))


def _names(where: SourceLocation, what: str, key: str, names: Sequence[str] | None) -> tuple[str, ...] | None:
    if names is None:
        return None
    if isinstance(names, str) or not all(isinstance(n, str) and n for n in names):
        raise DefinitionError(f"{what}: {key} is a list of receiver names, e.g. ['slack-warning']", where)
    return tuple(names)


def _instant(where: SourceLocation, what: str, at: str | datetime | None) -> datetime | None:
    if at is None:
        return None
    try:
        moment = at if isinstance(at, datetime) else datetime.fromisoformat(at)
    except (TypeError, ValueError):
        raise DefinitionError(
            f"{what}: at={at!r} is not an ISO 8601 time: write e.g. '2026-12-01T03:00:00+01:00'", where
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise DefinitionError(
            f"{what}: at={at!r} has no UTC offset, so its hour is ambiguous: write e.g. '2026-12-01T03:00:00+01:00'",
            where,
        )
    return moment


@dataclass(frozen=True)
class RouteTest:
    """What Alertmanager must do with an alert carrying ``labels``; every expectation left None is not checked.

    - ``receivers``: the receivers the alert reaches, in the routing tree's order (``continue`` shows as
      more than one).
    - ``group_labels``: the labels of the group the alert lands in on every route it reaches (the values of
      ``group_by``).
    - ``firing``: other alerts firing at the same time (label mappings), e.g. the one that should inhibit it;
      ``inhibited``: whether one of them inhibits it.
    - ``at``: the time (ISO 8601 with a UTC offset, or an aware datetime) at which time intervals are judged;
      ``notified``: the receivers that get a notification then (after inhibition, ``mute_time_intervals``
      and ``active_time_intervals``), in route order. ``notified`` needs ``at``.
    """

    name: str
    labels: Mapping[str, str]
    receivers: Sequence[str] | None = None
    group_labels: Mapping[str, str] | None = None
    firing: Sequence[Mapping[str, str]] = ()
    inhibited: bool | None = None
    at: str | datetime | None = None
    notified: Sequence[str] | None = None
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = self.source or caller_location()
        object.__setattr__(self, "source", where)
        if not isinstance(self.name, str) or not self.name.strip():
            raise DefinitionError("route test needs a name that says what it proves", where)
        what = f"route test {self.name!r}"
        object.__setattr__(self, "labels", _labels(where, what, self.labels))
        object.__setattr__(self, "receivers", _names(where, what, "receivers", self.receivers))
        object.__setattr__(self, "notified", _names(where, what, "notified", self.notified))
        if self.group_labels is not None:
            object.__setattr__(self, "group_labels", dict(sorted(self.group_labels.items())))
        firing = tuple(_labels(where, f"{what}, firing alert", labels) for labels in self.firing)
        if self.labels in firing or len({tuple(labels.items()) for labels in firing}) < len(firing):
            raise DefinitionError(
                f"{what}: two alerts have the same labels, so Alertmanager would keep one: make them differ",
                where,
            )
        object.__setattr__(self, "firing", firing)
        if self.inhibited and not firing:
            raise DefinitionError(f"{what}: inhibited=True needs the inhibiting alert in firing=[...]", where)
        object.__setattr__(self, "at", _instant(where, what, self.at))
        if self.notified is not None and self.at is None:
            raise DefinitionError(
                f"{what}: notified depends on the time of day when routes have time intervals: give at=...",
                where,
            )
        expectations = (self.receivers, self.group_labels, self.inhibited, self.notified)
        if all(expectation is None for expectation in expectations):
            raise DefinitionError(
                f"{what}: state what must happen: receivers, group_labels, inhibited or notified", where
            )


@dataclass(frozen=True)
class TemplateTest:
    """``text`` (e.g. ``'{{ template "slack.title" . }}'``) rendered with the project's notification templates
    for a firing alert with ``labels`` (and ``annotations``) must give ``expected``."""

    name: str
    text: str
    expected: str
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = self.source or caller_location()
        object.__setattr__(self, "source", where)
        if not isinstance(self.name, str) or not self.name.strip():
            raise DefinitionError("template test needs a name that says what it proves", where)
        what = f"template test {self.name!r}"
        if not isinstance(self.text, str) or "{{" not in self.text:
            raise DefinitionError(
                f"{what}: text must use a template, e.g. '{{{{ template \"slack.title\" . }}}}'", where
            )
        if not isinstance(self.expected, str):
            raise DefinitionError(f"{what}: expected must be the rendered text", where)
        object.__setattr__(self, "labels", _labels(where, what, self.labels))
        object.__setattr__(self, "annotations", dict(sorted(self.annotations.items())))


NotificationTest = RouteTest | TemplateTest
