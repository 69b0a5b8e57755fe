"""The API: request rate, latency percentiles, errors, requests in progress, the slowest and most failing routes."""

from __future__ import annotations

from toolkit.panels import (
    DashboardDef,
    Link,
    Query,
    Variable,
    dashboard,
    percentiles,
    row,
    stat,
    table,
    timeseries,
    warn_crit,
)
from toolkit.settings import Settings

UID = "api"


def build(settings: Settings) -> DashboardDef:
    """The ``api`` dashboard."""
    api = settings.selector("api") + ', instance=~"$instance"'
    error_ratio = settings.threshold("http_error_ratio")
    p95 = settings.threshold("http_p95_latency_seconds")
    request_rate = settings.threshold("http_request_rate")
    requests = f"http_requests_total{{{api}}}"
    errors = f'http_requests_total{{{api}, status=~"5.."}}'
    buckets = f"sum by (le) (rate(http_request_duration_seconds_bucket{{{api}}}[$__rate_interval]))"
    by_route = f"sum by (route, le) (rate(http_request_duration_seconds_bucket{{{api}}}[$__rate_interval]))"
    return dashboard(
        settings,
        uid=UID,
        title="API",
        description="Traffic, latency and errors of the API, overall and per route.",
        tags=["api"],
        links=[Link("executive", "Executive overview"), Link("slo", "Service level objectives")],
        variables=[Variable("instance", f"label_values(up{{{settings.selector('api')}}}, instance)")],
        rows=[
            row(
                "Golden signals",
                stat(
                    "Requests per second",
                    f"sum(rate({requests}[$__rate_interval]))",
                    unit="reqps",
                    description="Requests served per second, against the high-request-rate alert threshold.",
                    thresholds=warn_crit(request_rate * 0.8, request_rate),
                ),
                stat(
                    "Error rate",
                    f"sum(rate({errors}[$__rate_interval])) / sum(rate({requests}[$__rate_interval]))",
                    unit="percentunit",
                    description="Share of requests answered with a 5xx status, against the alert threshold.",
                    thresholds=warn_crit(error_ratio / 2, error_ratio),
                ),
                stat(
                    "p95 latency",
                    f"histogram_quantile(0.95, {buckets})",
                    unit="s",
                    description="95% of requests finish within this time; the alert fires above the red line.",
                    thresholds=warn_crit(p95 / 2, p95),
                ),
                stat(
                    "Requests in progress",
                    f"sum(http_requests_in_progress{{{api}}})",
                    unit="short",
                    description="Requests being served right now.",
                ),
                timeseries(
                    "Request rate by status",
                    Query(f"sum by (status) (rate({requests}[$__rate_interval]))", "{{status}}"),
                    unit="reqps",
                    description="Requests per second by HTTP status.",
                    stack=True,
                ),
                timeseries(
                    "Latency percentiles",
                    percentiles(buckets, (0.5, 0.9, 0.95, 0.99)),
                    unit="s",
                    description="Request latency percentiles; the p95 alert threshold is dashed.",
                    thresholds=warn_crit(p95 / 2, p95),
                ),
                timeseries(
                    "Error rate",
                    Query(
                        f"sum(rate({errors}[$__rate_interval])) / sum(rate({requests}[$__rate_interval]))",
                        "5xx share",
                    ),
                    unit="percentunit",
                    description="Share of requests answered with a 5xx status over time.",
                    thresholds=warn_crit(error_ratio / 2, error_ratio),
                    min=0,
                ),
                timeseries(
                    "Requests in progress",
                    Query(f"sum by (route) (http_requests_in_progress{{{api}}})", "{{route}}"),
                    unit="short",
                    description="Concurrent requests by route.",
                    stack=True,
                ),
            ),
            row(
                "Routes",
                table(
                    "Slowest routes (p95)",
                    Query(f"topk(10, histogram_quantile(0.95, {by_route}))", instant=True, table=True),
                    unit="s",
                    description="The ten routes with the highest 95th-percentile latency now.",
                    thresholds=warn_crit(p95 / 2, p95),
                    width=12,
                ),
                table(
                    "Routes with most errors",
                    Query(
                        f"topk(10, sum by (route) (rate({errors}[$__rate_interval])))",
                        instant=True,
                        table=True,
                    ),
                    unit="reqps",
                    description="The ten routes answering most 5xx responses per second now.",
                    width=12,
                ),
            ),
        ],
    )
