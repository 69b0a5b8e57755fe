"""Alertmanager routing as typed objects: routes, receivers, inhibition rules, time intervals and
notification templates.

Secrets are never inline: the receiver types have no field that could hold one. Slack's webhook URL and
PagerDuty's routing key are read by Alertmanager from files (``api_url_file``, ``routing_key_file``);
a webhook's bearer token comes from ``credentials_file`` and a secret webhook URL from ``url_file``.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.clients.urls import redact_url, url_secret
from toolkit.durations import canonical_duration
from toolkit.errors import DefinitionError
from toolkit.locations import SourceLocation, caller_location

MATCHER = re.compile(r'^[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)"[^"]*"$')
CLOCK = re.compile(r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")
WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
TEMPLATE_FILE = re.compile(r"^[a-zA-Z0-9_][a-zA-Z0-9_.-]*\.tmpl$")
TEMPLATES_DIR = "templates"


def _located(obj: Any) -> SourceLocation:
    where = obj.source or caller_location()
    object.__setattr__(obj, "source", where)
    return where


def _check_matchers(where: SourceLocation, what: str, matchers: Sequence[str]) -> tuple[str, ...]:
    for matcher in matchers:
        if not isinstance(matcher, str) or not MATCHER.match(matcher):
            raise DefinitionError(
                f'{what}: matcher {matcher!r} is not label<op>"value": write e.g. \'severity="critical"\'',
                where,
            )
    return tuple(matchers)


def _check_file(where: SourceLocation, what: str, path: str | None) -> None:
    if path is not None and not (isinstance(path, str) and path.startswith("/")):
        raise DefinitionError(
            f"{what}: {path!r} must be an absolute path to a file holding the secret", where
        )


def _check_unique(where: SourceLocation, what: str, names: Sequence[str]) -> None:
    for name in sorted({n for n in names if names.count(n) > 1}):
        raise DefinitionError(f"{what} {name!r} is defined twice: give each {what} its own name", where)


@dataclass(frozen=True)
class SlackConfig:
    """Post to a Slack channel; the webhook URL is read from ``api_url_file``; ``title`` and ``text``
    override Alertmanager's default message (e.g. ``'{{ template "slack.title" . }}'``)."""

    channel: str
    api_url_file: str
    send_resolved: bool = True
    title: str | None = None
    text: str | None = None
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        _check_file(_located(self), f"slack config for {self.channel}", self.api_url_file)

    def to_data(self) -> dict[str, Any]:
        """The ``slack_configs`` entry; ``title`` and ``text`` (Go templates) only when set."""
        data = {
            "api_url_file": self.api_url_file,
            "channel": self.channel,
            "send_resolved": self.send_resolved,
        }
        for key in ("text", "title"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


@dataclass(frozen=True)
class PagerDutyConfig:
    """Page through PagerDuty's Events API v2; the routing key is read from ``routing_key_file``."""

    routing_key_file: str
    send_resolved: bool = True
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        _check_file(_located(self), "pagerduty config", self.routing_key_file)

    def to_data(self) -> dict[str, Any]:
        """The ``pagerduty_configs`` entry."""
        return {"routing_key_file": self.routing_key_file, "send_resolved": self.send_resolved}


@dataclass(frozen=True)
class EmailConfig:
    """Send mail through an unauthenticated relay ``smarthost`` (host:port)."""

    to: str
    from_: str
    smarthost: str
    require_tls: bool = True
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        _located(self)

    def to_data(self) -> dict[str, Any]:
        """The ``email_configs`` entry."""
        return {
            "from": self.from_,
            "require_tls": self.require_tls,
            "smarthost": self.smarthost,
            "to": self.to,
        }


@dataclass(frozen=True)
class WebhookConfig:
    """POST alerts to ``url``, or to the URL Alertmanager reads from ``url_file`` when the URL itself is a
    secret (``url_file`` needs Alertmanager 0.26 or later); a bearer token, if any, is read from
    ``credentials_file``. A ``url`` that carries a secret (a password, a token in the query, a Slack or
    Discord webhook path) is refused: the built config is committed and shown in reviews."""

    url: str | None = None
    credentials_file: str | None = None
    send_resolved: bool = True
    url_file: str | None = None
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = _located(self)
        if (self.url is None) == (self.url_file is None):
            raise DefinitionError("webhook config: give url or url_file (one of them)", where)
        if self.url is not None:
            if not isinstance(self.url, str) or not re.match(r"^https?://[^/?#]+", self.url):
                raise DefinitionError(f"webhook url {self.url!r} must be an http(s):// URL", where)
            secret = url_secret(self.url)
            if secret:
                raise DefinitionError(
                    f"webhook url {redact_url(self.url)}: carries {secret}, which would be written into "
                    "build/ and shown in reviews: put the URL in a file Alertmanager reads (url_file=) "
                    "or a bearer token in credentials_file=",
                    where,
                )
        _check_file(where, "webhook url_file", self.url_file)
        _check_file(where, f"webhook {self.url or self.url_file}", self.credentials_file)

    def to_data(self) -> dict[str, Any]:
        """The ``webhook_configs`` entry."""
        data: dict[str, Any] = {"send_resolved": self.send_resolved}
        if self.url is not None:
            data["url"] = self.url
        else:
            data["url_file"] = self.url_file
        if self.credentials_file:
            data["http_config"] = {"authorization": {"credentials_file": self.credentials_file}}
        return data


@dataclass(frozen=True)
class Receiver:
    """A named destination with one or more integrations."""

    name: str
    slack: Sequence[SlackConfig] = ()
    pagerduty: Sequence[PagerDutyConfig] = ()
    email: Sequence[EmailConfig] = ()
    webhook: Sequence[WebhookConfig] = ()
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = _located(self)
        if not self.name:
            raise DefinitionError("receiver needs a name", where)
        for key in ("slack", "pagerduty", "email", "webhook"):
            object.__setattr__(self, key, tuple(getattr(self, key)))

    def to_data(self) -> dict[str, Any]:
        """The ``receivers`` entry."""
        data: dict[str, Any] = {"name": self.name}
        for key in ("email", "pagerduty", "slack", "webhook"):
            configs = getattr(self, key)
            if configs:
                data[f"{key}_configs"] = [config.to_data() for config in configs]
        return data


def _range(text: str, member: Any, what: str) -> tuple[int, int]:
    """``text`` (``a`` or ``a:b``) as an inclusive range of ``member`` values; ValueError on a bad one."""
    parts = text.split(":") if isinstance(text, str) else [text]
    if len(parts) > 2 or not all(parts):
        raise ValueError(f"{what} {text!r} is not a value or a range 'a:b'")
    begin, end = (member(part) for part in (parts * 2)[:2])
    if begin > end and not (begin < 0 < end):
        raise ValueError(f"{what} range {text!r} ends before it starts")
    return begin, end


def _weekday(text: str) -> int:
    if text.lower() not in WEEKDAYS:
        raise ValueError(f"{text!r} is not a weekday: write e.g. 'monday' or 'monday:friday'")
    return WEEKDAYS.index(text.lower())


def _month(text: str) -> int:
    if text.lower() in MONTHS:
        return MONTHS.index(text.lower()) + 1
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    raise ValueError(f"{text!r} is not a month: write e.g. 'january', '1' or 'january:march'")


def _day_of_month(text: str) -> int:
    day = int(text) if re.match(r"^-?[0-9]+$", text) else 0
    if day == 0 or not -31 <= day <= 31:
        raise ValueError(f"{text!r} is not a day of the month: use 1 to 31, or -1 (the last day) to -31")
    return day


def _year(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a year: write e.g. '2026' or '2026:2027'")
    return int(text)


@dataclass(frozen=True)
class TimePeriod:
    """A span of time Alertmanager matches: every field given must hold, and within a field any entry.

    ``times`` are ``(start, end)`` clock times ``HH:MM``, end excluded (``24:00`` is the end of the day);
    ``weekdays``, ``days_of_month`` (negative counts from the month's end), ``months`` and ``years`` take
    a value or an inclusive range ``a:b``. ``location`` is an IANA time zone; without it Alertmanager
    uses UTC.
    """

    times: Sequence[tuple[str, str]] = ()
    weekdays: Sequence[str] = ()
    days_of_month: Sequence[str] = ()
    months: Sequence[str] = ()
    years: Sequence[str] = ()
    location: str | None = None
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = _located(self)
        for key in ("times", "weekdays", "days_of_month", "months", "years"):
            object.__setattr__(self, key, tuple(getattr(self, key)))
        try:
            for start, end in self.times:
                if not (CLOCK.match(start) and CLOCK.match(end)) or start >= end:
                    raise ValueError(
                        f"times ({start!r}, {end!r}) must be HH:MM clock times, start before end"
                    )
            checks = (
                (self.weekdays, _weekday, "weekday"),
                (self.days_of_month, _day_of_month, "day of month"),
                (self.months, _month, "month"),
                (self.years, _year, "year"),
            )
            for values, member, what in checks:
                for value in values:
                    _range(value, member, what)
        except (TypeError, ValueError) as error:
            raise DefinitionError(f"time period: {error}", where) from None
        if self.location is not None:
            try:
                zoneinfo.ZoneInfo(self.location)
            except (ValueError, zoneinfo.ZoneInfoNotFoundError):
                raise DefinitionError(
                    f"time period: location {self.location!r} is not an IANA time zone: write e.g. 'Europe/Berlin'",
                    where,
                ) from None

    def to_data(self) -> dict[str, Any]:
        """The entry under a ``time_intervals`` item."""
        data: dict[str, Any] = {}
        if self.times:
            data["times"] = [{"start_time": start, "end_time": end} for start, end in self.times]
        for key in ("weekdays", "days_of_month", "months", "years"):
            if getattr(self, key):
                data[key] = list(getattr(self, key))
        if self.location:
            data["location"] = self.location
        return data


@dataclass(frozen=True)
class TimeInterval:
    """A named set of time periods, for routes' ``mute_time_intervals`` and ``active_time_intervals``."""

    name: str
    periods: Sequence[TimePeriod]
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = _located(self)
        if not self.name:
            raise DefinitionError("time interval needs a name", where)
        object.__setattr__(self, "periods", tuple(self.periods))
        if not self.periods:
            raise DefinitionError(f"time interval {self.name!r}: give at least one TimePeriod", where)

    def to_data(self) -> dict[str, Any]:
        """The ``time_intervals`` entry."""
        return {"name": self.name, "time_intervals": [period.to_data() for period in self.periods]}


@dataclass(frozen=True)
class NotificationTemplate:
    """A Go template file for notifications (``{{ define "name" }}...{{ end }}``), written by the build to
    ``alertmanager/templates/<file>`` and listed in the config's ``templates``."""

    file: str
    text: str
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = _located(self)
        if not isinstance(self.file, str) or not TEMPLATE_FILE.match(self.file):
            raise DefinitionError(
                f"template file {self.file!r} must be a plain file name ending in .tmpl, e.g. 'slack.tmpl'",
                where,
            )
        if "{{" not in self.text or "define" not in self.text:
            raise DefinitionError(
                f'template {self.file}: define named templates, e.g. {{{{ define "slack.title" }}}}...{{{{ end }}}}',
                where,
            )

    @classmethod
    def from_file(cls, path: Path | str) -> NotificationTemplate:
        """The template in the file at ``path`` (kept beside the routing policy), under the file's name."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise DefinitionError(
                f"cannot read template {path}: {error.strerror}", caller_location()
            ) from None
        return cls(path.name, text, source=caller_location())

    @property
    def path(self) -> str:
        """Where the build writes it, relative to the config file's folder (as Alertmanager resolves it)."""
        return f"{TEMPLATES_DIR}/{self.file}"


@dataclass(frozen=True)
class Route:
    """A routing-tree node: alerts matching ``matchers`` go to ``receiver`` unless a child route takes them."""

    receiver: str
    matchers: Sequence[str] = ()
    routes: Sequence[Route] = ()
    group_by: Sequence[str] | None = None
    group_wait: str | None = None
    group_interval: str | None = None
    repeat_interval: str | None = None
    continue_: bool = False
    mute_time_intervals: Sequence[str] = ()
    active_time_intervals: Sequence[str] = ()
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = _located(self)
        what = f"route to {self.receiver}"
        object.__setattr__(self, "matchers", _check_matchers(where, what, self.matchers))
        object.__setattr__(self, "routes", tuple(self.routes))
        for key in ("mute_time_intervals", "active_time_intervals"):
            names = getattr(self, key)
            if isinstance(names, str):
                raise DefinitionError(f"{what}: {key} is a list of interval names, e.g. [{names!r}]", where)
            object.__setattr__(self, key, tuple(names))
        for key in ("group_wait", "group_interval", "repeat_interval"):
            value = getattr(self, key)
            if value is not None:
                try:
                    object.__setattr__(self, key, canonical_duration(value))
                except ValueError as error:
                    raise DefinitionError(f"{what}: {key} {error}", where) from None

    def walk(self) -> list[Route]:
        """This route and every route below it, depth first."""
        return [self] + [node for child in self.routes for node in child.walk()]

    def to_data(self) -> dict[str, Any]:
        """The ``route`` mapping."""
        data: dict[str, Any] = {"receiver": self.receiver}
        if self.matchers:
            data["matchers"] = list(self.matchers)
        if self.group_by is not None:
            data["group_by"] = list(self.group_by)
        for key in ("group_wait", "group_interval", "repeat_interval"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.continue_:
            data["continue"] = True
        for key in ("mute_time_intervals", "active_time_intervals"):
            if getattr(self, key):
                data[key] = list(getattr(self, key))
        if self.routes:
            data["routes"] = [route.to_data() for route in self.routes]
        return data


@dataclass(frozen=True)
class InhibitRule:
    """Mute alerts matching ``target_matchers`` while one matching ``source_matchers`` fires,
    when both have equal values for the ``equal`` labels."""

    source_matchers: Sequence[str]
    target_matchers: Sequence[str]
    equal: Sequence[str] = ()
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = _located(self)
        for key in ("source_matchers", "target_matchers"):
            object.__setattr__(self, key, _check_matchers(where, "inhibit rule", getattr(self, key)))
        object.__setattr__(self, "equal", tuple(self.equal))

    def to_data(self) -> dict[str, Any]:
        """The ``inhibit_rules`` entry."""
        data: dict[str, Any] = {
            "source_matchers": list(self.source_matchers),
            "target_matchers": list(self.target_matchers),
        }
        if self.equal:
            data["equal"] = list(self.equal)
        return data


@dataclass(frozen=True)
class AlertmanagerConfig:
    """A whole ``alertmanager.yml``: the routing tree, its receivers and inhibition rules."""

    route: Route
    receivers: Sequence[Receiver]
    inhibit_rules: Sequence[InhibitRule] = ()
    resolve_timeout: str = "5m"
    time_intervals: Sequence[TimeInterval] = ()
    templates: Sequence[NotificationTemplate] = ()
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = _located(self)
        names = [receiver.name for receiver in self.receivers]
        _check_unique(where, "receiver", names)
        for route in self.route.walk():
            if route.receiver not in names:
                known = ", ".join(sorted(names))
                raise DefinitionError(
                    f"route sends to unknown receiver {route.receiver!r}: define it (receivers: {known})",
                    route.source,
                )
        object.__setattr__(self, "receivers", tuple(self.receivers))
        object.__setattr__(self, "inhibit_rules", tuple(self.inhibit_rules))
        object.__setattr__(self, "time_intervals", tuple(self.time_intervals))
        object.__setattr__(self, "templates", tuple(self.templates))
        _check_unique(where, "time interval", [interval.name for interval in self.time_intervals])
        _check_unique(where, "template file", [template.file for template in self.templates])
        intervals = {interval.name for interval in self.time_intervals}
        for route in self.route.walk():
            for name in (*route.mute_time_intervals, *route.active_time_intervals):
                if name not in intervals:
                    known = ", ".join(sorted(intervals)) or "none"
                    raise DefinitionError(
                        f"route to {route.receiver} names unknown time interval {name!r}: define it in "
                        f"time_intervals (intervals: {known})",
                        route.source,
                    )

    def to_data(self) -> dict[str, Any]:
        """The configuration as data for ``alertmanager.yml``."""
        data: dict[str, Any] = {
            "global": {"resolve_timeout": canonical_duration(self.resolve_timeout)},
            "route": self.route.to_data(),
            "receivers": [receiver.to_data() for receiver in sorted(self.receivers, key=lambda r: r.name)],
        }
        if self.inhibit_rules:
            data["inhibit_rules"] = [rule.to_data() for rule in self.inhibit_rules]
        if self.time_intervals:
            data["time_intervals"] = [interval.to_data() for interval in self.time_intervals]
        if self.templates:
            data["templates"] = [template.path for template in self.templates]
        return data

    def template_files(self) -> dict[str, str]:
        """The template files' texts by path relative to the config file's folder."""
        return {template.path: template.text for template in self.templates}
