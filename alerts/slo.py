"""The platform's service level objectives, and promtool tests proving their generated math."""

from __future__ import annotations

from toolkit.alert_tests import RuleTest
from toolkit.rules import RuleGroup
from toolkit.settings import Settings
from toolkit.slo import SLO, Latency, Ratio, slo_groups
from toolkit.slo_tests import slo_tests


def objectives(settings: Settings) -> list[SLO]:
    """The design's objectives, against the metric contract."""
    api, worker, scheduler = (settings.selector(name) for name in ("api", "worker", "scheduler"))
    return [
        SLO(
            "availability",
            "api",
            99.9,
            Ratio(
                errors=f'http_requests_total{{{api}, status=~"5.."}}', total=f"http_requests_total{{{api}}}"
            ),
            description="API requests answered without a server error.",
        ),
        SLO(
            "latency",
            "api",
            95,
            Latency("http_request_duration_seconds", le=2, selector=api),
            description="API requests answered within 2 seconds.",
        ),
        SLO(
            "errors",
            "api",
            99.5,
            Ratio(
                errors=f'http_requests_total{{{api}, status=~"5..|429"}}',
                total=f"http_requests_total{{{api}}}",
            ),
            description="API requests neither failed nor throttled.",
        ),
        SLO(
            "availability",
            "worker",
            99.5,
            Ratio(
                errors=f'jobs_processed_total{{{worker}, status="failed"}}',
                total=f"jobs_processed_total{{{worker}}}",
            ),
            description="Jobs completed rather than failed.",
        ),
        SLO(
            "latency",
            "worker",
            95,
            Latency("job_duration_seconds", le=300, selector=worker),
            description="Jobs done within 5 minutes.",
        ),
        SLO(
            "punctuality",
            "scheduler",
            99,
            Latency("scheduler_execution_lag_seconds", le=300, selector=scheduler),
            description="Scheduled jobs started within 5 minutes of their time.",
        ),
    ]


def groups(settings: Settings) -> list[RuleGroup]:
    """SLI, meta and burn-rate alert groups for every objective."""
    return slo_groups(objectives(settings), settings)


def tests(settings: Settings) -> list[RuleTest]:
    """The standard proofs of every objective: page at 20x burn, ticket at 2x, quiet, budget left."""
    slos = {slo.id: slo for slo in objectives(settings)}
    requests = 'http_requests_total{{job="api", method="GET", route="/v1/chat", status="{}"}}'
    jobs = 'jobs_processed_total{{job="worker", queue="default", status="{}"}}'
    return [
        *slo_tests(slos["api-availability"], settings, good=requests.format(200), bad=requests.format(503)),
        *slo_tests(slos["api-errors"], settings, good=requests.format(200), bad=requests.format(429)),
        *slo_tests(
            slos["worker-availability"], settings, good=jobs.format("completed"), bad=jobs.format("failed")
        ),
        *(
            test
            for id in ("api-latency", "worker-latency", "scheduler-punctuality")
            for test in slo_tests(slos[id], settings)
        ),
    ]
