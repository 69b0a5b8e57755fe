"""Alertmanager routing as typed objects: routes, receivers and inhibition rules.

Secrets are never inline: the receiver types have no field that could hold one. Slack's webhook URL and
PagerDuty's routing key are read by Alertmanager from files (``api_url_file``, ``routing_key_file``);
a webhook's bearer token comes from ``credentials_file`` and a secret webhook URL from ``url_file``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from toolkit.durations import canonical_duration
from toolkit.errors import DefinitionError
from toolkit.source import SourceLocation, caller_location
from toolkit.urls import redact_url, url_secret

MATCHER = re.compile(r'^[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)"[^"]*"$')


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


@dataclass(frozen=True)
class SlackConfig:
    """Post to a Slack channel; the webhook URL is read from ``api_url_file``."""

    channel: str
    api_url_file: str
    send_resolved: bool = True
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        _check_file(_located(self), f"slack config for {self.channel}", self.api_url_file)

    def to_data(self) -> dict[str, Any]:
        """The ``slack_configs`` entry."""
        return {
            "api_url_file": self.api_url_file,
            "channel": self.channel,
            "send_resolved": self.send_resolved,
        }


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
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = _located(self)
        what = f"route to {self.receiver}"
        object.__setattr__(self, "matchers", _check_matchers(where, what, self.matchers))
        object.__setattr__(self, "routes", tuple(self.routes))
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
    source: SourceLocation = field(default=None, compare=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        where = _located(self)
        names = [receiver.name for receiver in self.receivers]
        for name in {n for n in names if names.count(n) > 1}:
            raise DefinitionError(
                f"receiver {name!r} is defined twice: give each receiver its own name", where
            )
        for route in self.route.walk():
            if route.receiver not in names:
                known = ", ".join(sorted(names))
                raise DefinitionError(
                    f"route sends to unknown receiver {route.receiver!r}: define it (receivers: {known})",
                    route.source,
                )
        object.__setattr__(self, "receivers", tuple(self.receivers))
        object.__setattr__(self, "inhibit_rules", tuple(self.inhibit_rules))

    def to_data(self) -> dict[str, Any]:
        """The configuration as data for ``alertmanager.yml``."""
        data: dict[str, Any] = {
            "global": {"resolve_timeout": canonical_duration(self.resolve_timeout)},
            "route": self.route.to_data(),
            "receivers": [receiver.to_data() for receiver in sorted(self.receivers, key=lambda r: r.name)],
        }
        if self.inhibit_rules:
            data["inhibit_rules"] = [rule.to_data() for rule in self.inhibit_rules]
        return data
