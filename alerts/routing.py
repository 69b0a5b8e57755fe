"""The routing policy: who hears about which alert, and what silences what."""

from __future__ import annotations

from toolkit.alertmanager import (
    AlertmanagerConfig,
    InhibitRule,
    PagerDutyConfig,
    Receiver,
    Route,
    SlackConfig,
)
from toolkit.settings import Settings


def config(settings: Settings) -> AlertmanagerConfig:
    """critical pages (PagerDuty and the critical channel); cost, security, warning and info go to
    their Slack channels; everything else to the default channel.

    A critical alert silences warning and info alerts of the same name and job; ServiceDown silences
    every other alert of its job; an exceeded quota silences the warning that it was almost exceeded."""
    alerting = settings.section("alerting")
    slack = alerting["slack"]
    channels = slack["channels"]

    def slack_receiver(name: str) -> Receiver:
        return Receiver(f"slack-{name}", slack=[SlackConfig(channels[name], slack["api_url_file"])])

    receivers = [
        Receiver("pagerduty", pagerduty=[PagerDutyConfig(alerting["pagerduty"]["routing_key_file"])]),
        *(slack_receiver(name) for name in ("critical", "warning", "cost", "security", "info", "default")),
    ]
    routes = [
        Route("pagerduty", matchers=['severity="critical"'], continue_=True),
        Route("slack-cost", matchers=['category="cost"']),
        Route("slack-security", matchers=['category="security"']),
        Route("slack-critical", matchers=['severity="critical"']),
        Route("slack-warning", matchers=['severity="warning"']),
        Route(
            "slack-info",
            matchers=['severity="info"'],
            repeat_interval=alerting.get("info_repeat_interval", "24h"),
        ),
    ]
    return AlertmanagerConfig(
        route=Route(
            "slack-default",
            routes=routes,
            group_by=alerting.get("group_by", ["alertname", "job"]),
            group_wait="30s",
            group_interval="5m",
            repeat_interval=alerting.get("repeat_interval", "4h"),
        ),
        receivers=receivers,
        inhibit_rules=[
            InhibitRule(
                source_matchers=['severity="critical"'],
                target_matchers=['severity=~"warning|info"'],
                equal=["alertname", "job"],
            ),
            InhibitRule(
                source_matchers=['alertname="ServiceDown"'],
                target_matchers=['alertname!="ServiceDown"'],
                equal=["job"],
            ),
            InhibitRule(
                source_matchers=['alertname="QuotaExceeded"'],
                target_matchers=['alertname="QuotaAlmostExceeded"'],
                equal=["provider", "period"],
            ),
        ],
    )
