"""Background workers and the scheduler: throughput, queues, failures, durations, heartbeats, lag."""

from __future__ import annotations

from toolkit.panels import (
    DashboardDef,
    Link,
    Query,
    Variable,
    dashboard,
    percentiles,
    row,
    table,
    timeseries,
    warn_crit,
)
from toolkit.settings import Settings

UID = "worker"


def build(settings: Settings) -> DashboardDef:
    """The ``worker`` dashboard."""
    worker = settings.selector("worker")
    scheduler = settings.selector("scheduler")
    jobs = f'jobs_processed_total{{{worker}, queue=~"$queue"}}'
    failed = f'jobs_processed_total{{{worker}, queue=~"$queue", status="failed"}}'
    depth = settings.threshold("queue_depth")
    failure_ratio = settings.threshold("job_failure_ratio")
    max_age = settings.threshold("worker_heartbeat_max_age_seconds")
    lag = settings.threshold("scheduler_p95_lag_seconds")
    durations = f'sum by (queue, le) (rate(job_duration_seconds_bucket{{{worker}, queue=~"$queue"}}[$__rate_interval]))'
    lags = f"sum by (le) (rate(scheduler_execution_lag_seconds_bucket{{{scheduler}}}[$__rate_interval]))"
    return dashboard(
        settings,
        uid=UID,
        title="Workers and scheduler",
        description="Background jobs per queue, queue depth, failures, durations, worker heartbeats and "
        "scheduler lag.",
        tags=["workers"],
        links=[Link("executive", "Executive overview")],
        variables=[Variable("queue", f"label_values(jobs_processed_total{{{worker}}}, queue)")],
        rows=[
            row(
                "Throughput and queues",
                timeseries(
                    "Jobs processed per queue",
                    Query(f"sum by (queue, status) (rate({jobs}[$__rate_interval]))", "{{queue}} {{status}}"),
                    unit="ops",
                    description="Jobs finished per second, completed and failed.",
                    stack=True,
                ),
                timeseries(
                    "Queue depth",
                    Query(f'max by (queue) (queue_depth{{{worker}, queue=~"$queue"}})', "{{queue}}"),
                    unit="short",
                    description="Jobs waiting per queue; the queue-depth alert threshold is dashed.",
                    thresholds=warn_crit(depth * 0.8, depth),
                ),
                timeseries(
                    "Failure rate per queue",
                    Query(
                        f"sum by (queue) (rate({failed}[$__rate_interval])) "
                        f"/ sum by (queue) (rate({jobs}[$__rate_interval]))",
                        "{{queue}}",
                    ),
                    unit="percentunit",
                    description="Share of jobs that failed; the alert threshold is dashed.",
                    thresholds=warn_crit(failure_ratio / 2, failure_ratio),
                    min=0,
                ),
                timeseries(
                    "Job duration percentiles",
                    percentiles(durations, legend="{{queue}}"),
                    unit="s",
                    description="How long jobs run, per queue.",
                ),
            ),
            row(
                "Workers and scheduler",
                table(
                    "Heartbeat age per worker",
                    Query(
                        f"time() - max by (worker) (worker_last_heartbeat_timestamp_seconds{{{worker}}})",
                        instant=True,
                        table=True,
                    ),
                    unit="s",
                    description="Seconds since each worker last reported; past the red line it counts as down.",
                    thresholds=warn_crit(max_age / 2, max_age),
                    width=8,
                ),
                timeseries(
                    "Scheduler lag p95",
                    Query(f"histogram_quantile(0.95, {lags})", "p95 lag"),
                    unit="s",
                    description="How late scheduled jobs start, 95th percentile; the alert threshold is dashed.",
                    thresholds=warn_crit(lag / 2, lag),
                    width=8,
                ),
                timeseries(
                    "Jobs scheduled",
                    Query(
                        f"sum(rate(scheduler_jobs_scheduled_total{{{scheduler}}}[$__rate_interval]))",
                        "scheduled",
                    ),
                    unit="ops",
                    description="Jobs the scheduler starts per second.",
                    width=8,
                ),
            ),
        ],
    )
