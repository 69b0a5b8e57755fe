"""The routing policy: who hears about which alert, when, and what silences what; and its tests."""

from __future__ import annotations

from pathlib import Path

from toolkit.alertmanager import (
    AlertmanagerConfig,
    InhibitRule,
    NotificationTemplate,
    PagerDutyConfig,
    Receiver,
    Route,
    SlackConfig,
    TimeInterval,
    TimePeriod,
)
from toolkit.route_tests import NotificationTest, RouteTest, TemplateTest
from toolkit.settings import Settings

TEMPLATES = Path(__file__).parent / "templates"
# Info alerts are context, not calls to action: they post during working hours only (UTC; set your team's
# zone, e.g. "Europe/Berlin"). Outside them Alertmanager holds the notification and sends it at the first
# group_interval flush once working hours start, if the alert still fires.
WORKING_HOURS = "working-hours"
NIGHT = "2026-12-01T03:00:00+00:00"  # a Tuesday, 03:00 UTC
WORKDAY = "2026-12-01T10:00:00+00:00"  # the same Tuesday, 10:00 UTC


def config(settings: Settings) -> AlertmanagerConfig:
    """critical pages (PagerDuty and the critical channel); cost, security, warning and info go to
    their Slack channels (info during working hours only); everything else to the default channel.

    A critical alert silences warning and info alerts of the same name and job; ServiceDown silences
    every other alert of its job; an exceeded quota silences the warning that it was almost exceeded."""
    alerting = settings.section("alerting")
    slack = alerting["slack"]
    channels = slack["channels"]

    def slack_receiver(name: str) -> Receiver:
        message = SlackConfig(
            channels[name],
            slack["api_url_file"],
            title='{{ template "slack.title" . }}',
            text='{{ template "slack.text" . }}',
        )
        return Receiver(f"slack-{name}", slack=[message])

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
            active_time_intervals=[WORKING_HOURS],
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
        time_intervals=[
            TimeInterval(
                WORKING_HOURS,
                [TimePeriod(times=[("08:00", "18:00")], weekdays=["monday:friday"], location="UTC")],
            ),
        ],
        templates=[NotificationTemplate.from_file(TEMPLATES / "slack.tmpl")],
    )


def tests(settings: Settings) -> list[NotificationTest]:
    """What the policy must do, proved on a real Alertmanager by ``toolkit test``."""
    group_by = settings.section("alerting").get("group_by", ["alertname", "job"])

    def alert(name: str, severity: str, **labels: str) -> dict[str, str]:
        return {"alertname": name, "severity": severity, "job": "api", **labels}

    def group(labels: dict[str, str]) -> dict[str, str]:
        return {key: labels[key] for key in group_by if key in labels}

    service_down = alert("ServiceDown", "critical")
    slow = alert("SlowAPIResponses", "warning")
    burn = "ApiAvailabilityBudgetBurn"  # an SLO's page (critical) and ticket (warning) share the name
    quota = {"provider": "openai", "period": "daily", "job": "worker"}
    almost = alert("QuotaAlmostExceeded", "warning", **quota)
    exceeded = alert("QuotaExceeded", "critical", **quota)
    budget = alert("DailyCostHigh", "warning", category="cost")
    cost_critical = alert("MonthlyBudgetExceeded", "critical", category="cost")
    info = alert("ApiTrafficLow", "info")
    return [
        RouteTest(
            "critical pages PagerDuty and posts to the critical channel",
            service_down,
            receivers=["pagerduty", "slack-critical"],
            group_labels=group(service_down),
        ),
        RouteTest(
            "a critical alert pages at night too",
            service_down,
            at=NIGHT,
            notified=["pagerduty", "slack-critical"],
        ),
        RouteTest(
            "warning goes to the warnings channel",
            slow,
            receivers=["slack-warning"],
            group_labels=group(slow),
        ),
        RouteTest("cost warning goes to finance", budget, receivers=["slack-cost"]),
        RouteTest(
            "cost critical pages and goes to finance", cost_critical, receivers=["pagerduty", "slack-cost"]
        ),
        RouteTest(
            "security goes to the security channel",
            alert("HighAuthFailureRate", "warning", category="security"),
            receivers=["slack-security"],
        ),
        RouteTest("info goes to the info channel", info, receivers=["slack-info"], group_labels=group(info)),
        RouteTest("info does not post at night", info, at=NIGHT, notified=[]),
        RouteTest("info posts in working hours", info, at=WORKDAY, notified=["slack-info"]),
        RouteTest(
            "an alert without severity goes to the default channel",
            {"alertname": "Watchdog"},
            receivers=["slack-default"],
            group_labels={"alertname": "Watchdog"},
        ),
        RouteTest(
            "ServiceDown inhibits the same job's warnings",
            slow,
            firing=[service_down],
            inhibited=True,
            at=WORKDAY,
            notified=[],
        ),
        RouteTest(
            "ServiceDown leaves other jobs' warnings alone",
            alert("SlowAPIResponses", "warning", job="worker"),
            firing=[service_down],
            inhibited=False,
        ),
        RouteTest(
            "a critical alert inhibits its own warning",
            alert(burn, "warning"),
            firing=[alert(burn, "critical")],
            inhibited=True,
        ),
        RouteTest("QuotaExceeded inhibits QuotaAlmostExceeded", almost, firing=[exceeded], inhibited=True),
        RouteTest(
            "QuotaExceeded of another provider does not inhibit",
            almost,
            firing=[{**exceeded, "provider": "anthropic"}],
            inhibited=False,
        ),
        TemplateTest(
            "the Slack title names the alert and its job",
            '{{ template "slack.title" . }}',
            "[FIRING:1] SlowAPIResponses (api)",
            labels=slow,
        ),
    ]
