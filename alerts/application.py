"""HTTP service alerts: error ratio, latency and request rate per job, over shared recording rules."""

from __future__ import annotations

from toolkit.alert_tests import AlertTest, counter
from toolkit.rules import AlertRule, RecordingRule, RuleGroup, Severity
from toolkit.settings import Settings

REQUESTS = "job:http_requests:rate5m"
ERRORS = "job:http_request_errors:rate5m"
ERROR_RATIO = "job:http_request_errors:ratio_rate5m"
LATENCY_BUCKETS = "job_le:http_request_duration_seconds_bucket:rate5m"
P95_LATENCY = "job:http_request_duration_seconds:p95_rate5m"


def groups(settings: Settings) -> list[RuleGroup]:
    """The ``http.rules`` recording group and the ``application-alerts`` group."""
    limit = settings.threshold
    return [
        RuleGroup(
            "http.rules",
            [
                RecordingRule(REQUESTS, "sum by (job) (rate(http_requests_total[5m]))"),
                RecordingRule(ERRORS, 'sum by (job) (rate(http_requests_total{status=~"5.."}[5m]))'),
                RecordingRule(ERROR_RATIO, f"{ERRORS} / {REQUESTS}"),
                RecordingRule(
                    LATENCY_BUCKETS, "sum by (job, le) (rate(http_request_duration_seconds_bucket[5m]))"
                ),
                RecordingRule(P95_LATENCY, f"histogram_quantile(0.95, {LATENCY_BUCKETS})"),
            ],
        ),
        RuleGroup(
            "application-alerts",
            [
                AlertRule(
                    name="HighErrorRate",
                    expr=f"{ERROR_RATIO} > {limit('http_error_ratio'):g}",
                    for_="5m",
                    severity=Severity.CRITICAL,
                    summary="A service answers many requests with server errors.",
                    description="{{ $labels.job }} answers {{ $value | humanizePercentage }} of requests with 5xx.",
                ),
                AlertRule(
                    name="SlowAPIResponses",
                    expr=f"{P95_LATENCY} > {limit('http_p95_latency_seconds'):g}",
                    for_="10m",
                    severity=Severity.WARNING,
                    summary="A service responds slowly.",
                    description="95% of {{ $labels.job }} requests finish within {{ $value | humanizeDuration }}.",
                ),
                AlertRule(
                    name="HighRequestRate",
                    expr=f"{REQUESTS} > {limit('http_request_rate'):g}",
                    for_="5m",
                    severity=Severity.WARNING,
                    summary="A service receives an unusual number of requests.",
                    description="{{ $labels.job }} receives {{ $value | humanize }} requests per second.",
                ),
            ],
        ),
    ]


def tests(settings: Settings) -> list[AlertTest]:
    """A firing and a quiet case for every application alert, just over and just under its threshold."""
    error_ratio = settings.threshold("http_error_ratio")
    p95 = settings.threshold("http_p95_latency_seconds")
    rate = settings.threshold("http_request_rate")
    api = {"job": "api"}

    def traffic(per_second: float, error_ratio: float) -> dict[str, str]:
        return {
            'http_requests_total{job="api", method="GET", route="/v1/chat", status="200"}': counter(
                per_second * (1 - error_ratio)
            ),
            'http_requests_total{job="api", method="GET", route="/v1/chat", status="503"}': counter(
                per_second * error_ratio
            ),
        }

    def latency(share_over: float) -> dict[str, str]:
        """10 req/s; ``share_over`` of them take longer than the p95 threshold."""
        bucket = 'http_request_duration_seconds_bucket{{job="api", route="/v1/chat", le="{}"}}'
        return {
            bucket.format(0.5): counter(10 * (1 - share_over) * 0.5),
            bucket.format(f"{p95:g}"): counter(10 * (1 - share_over)),
            bucket.format(f"{p95 * 4:g}"): counter(10),
            bucket.format("+Inf"): counter(10),
        }

    return [
        AlertTest("HighErrorRate", traffic(10, error_ratio * 1.5), fires_at="8m", quiet_at="4m", labels=api),
        AlertTest("HighErrorRate", traffic(10, error_ratio * 0.8), quiet_at="30m"),
        AlertTest("SlowAPIResponses", latency(0.2), fires_at="15m", quiet_at="8m", labels=api),
        AlertTest("SlowAPIResponses", latency(0.03), quiet_at="30m"),
        AlertTest("HighRequestRate", traffic(rate * 1.2, 0), fires_at="12m", quiet_at="4m", labels=api),
        AlertTest("HighRequestRate", traffic(rate * 0.9, 0), quiet_at="30m"),
    ]
