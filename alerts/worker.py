"""Background worker, scheduler and provider quota alerts."""

from __future__ import annotations

from toolkit.alert_tests import AlertTest, counter, gauge
from toolkit.rules import AlertRule, RecordingRule, RuleGroup, Severity
from toolkit.settings import Settings

JOBS = "queue:jobs_processed:rate5m"
FAILURE_RATIO = "queue:jobs_processed_failed:ratio_rate5m"
QUOTA_RATIO = "provider_period:quota_used:ratio"


def groups(settings: Settings) -> list[RuleGroup]:
    """The ``worker.rules`` recording group and the ``worker-alerts`` group."""
    worker = settings.selector("worker")
    scheduler = settings.selector("scheduler")
    limit = settings.threshold
    return [
        RuleGroup(
            "worker.rules",
            [
                RecordingRule(JOBS, f"sum by (queue) (rate(jobs_processed_total{{{worker}}}[5m]))"),
                RecordingRule(
                    FAILURE_RATIO,
                    f'sum by (queue) (rate(jobs_processed_total{{{worker}, status="failed"}}[5m])) / {JOBS}',
                ),
                RecordingRule(
                    QUOTA_RATIO,
                    "sum by (provider, period) (quota_used) / sum by (provider, period) (quota_limit)",
                ),
            ],
        ),
        RuleGroup(
            "worker-alerts",
            [
                AlertRule(
                    name="WorkerDown",
                    expr=f"time() - max by (worker) (max_over_time(worker_last_heartbeat_timestamp_seconds{{{worker}}}[1h])) "
                    f"> {limit('worker_heartbeat_max_age_seconds'):g}",
                    severity=Severity.CRITICAL,
                    summary="A worker has stopped sending heartbeats.",
                    lint_ignore={"alerts/for": "the heartbeat age threshold is the wait"},
                    description="Worker {{ $labels.worker }} last sent a heartbeat {{ $value | humanizeDuration }} ago.",
                ),
                AlertRule(
                    name="HighQueueDepth",
                    expr=f"max by (queue) (queue_depth{{{worker}}}) > {limit('queue_depth'):g}",
                    for_="10m",
                    severity=Severity.WARNING,
                    summary="Jobs are piling up in a queue.",
                    description="Queue {{ $labels.queue }} holds {{ $value | humanize }} jobs.",
                ),
                AlertRule(
                    name="HighJobFailureRate",
                    expr=f"{FAILURE_RATIO} > {limit('job_failure_ratio'):g}",
                    for_="5m",
                    severity=Severity.WARNING,
                    summary="Many jobs of a queue fail.",
                    description="{{ $value | humanizePercentage }} of queue {{ $labels.queue }} jobs fail.",
                ),
                AlertRule(
                    name="SchedulerLagHigh",
                    expr=f"histogram_quantile(0.95, sum by (le) (rate(scheduler_execution_lag_seconds_bucket{{{scheduler}}}[5m]))) "
                    f"> {limit('scheduler_p95_lag_seconds'):g}",
                    for_="10m",
                    severity=Severity.WARNING,
                    summary="Scheduled jobs start late.",
                    description="95% of scheduled jobs start within {{ $value | humanizeDuration }} of their time.",
                ),
                AlertRule(
                    name="QuotaAlmostExceeded",
                    expr=f"{QUOTA_RATIO} > {limit('quota_warning_ratio'):g}",
                    for_="5m",
                    severity=Severity.WARNING,
                    summary="A provider quota is almost used up.",
                    description="{{ $labels.provider }} has used {{ $value | humanizePercentage }} of its {{ $labels.period }} quota.",
                ),
                AlertRule(
                    name="QuotaExceeded",
                    expr=f"{QUOTA_RATIO} >= {limit('quota_exceeded_ratio'):g}",
                    for_="1m",
                    severity=Severity.CRITICAL,
                    summary="A provider quota is used up.",
                    description="{{ $labels.provider }} has used {{ $value | humanizePercentage }} of its {{ $labels.period }} quota.",
                ),
            ],
        ),
    ]


def tests(settings: Settings) -> list[AlertTest]:
    """A firing and a quiet case for every worker alert, just over and just under its threshold."""
    max_age = settings.threshold("worker_heartbeat_max_age_seconds")
    depth = settings.threshold("queue_depth")
    failure_ratio = settings.threshold("job_failure_ratio")
    lag = settings.threshold("scheduler_p95_lag_seconds")
    warning = settings.threshold("quota_warning_ratio")
    exceeded = settings.threshold("quota_exceeded_ratio")
    heartbeat = 'worker_last_heartbeat_timestamp_seconds{job="worker", worker="w1"}'
    queue_depth = 'queue_depth{job="worker", queue="default"}'
    stop = 10

    def jobs(failed: float) -> dict[str, str]:
        series = 'jobs_processed_total{{job="worker", queue="default", status="{}"}}'
        return {
            series.format("completed"): counter(10 * (1 - failed)),
            series.format("failed"): counter(10 * failed),
        }

    def scheduler_lag(share_over: float) -> dict[str, str]:
        bucket = 'scheduler_execution_lag_seconds_bucket{{job="scheduler", le="{}"}}'
        return {
            bucket.format(1): counter(1 - share_over),
            bucket.format(f"{lag:g}"): counter(1 - share_over),
            bucket.format(f"{lag * 4:g}"): counter(1),
            bucket.format("+Inf"): counter(1),
        }

    def quota(ratio: float) -> dict[str, str]:
        return {
            'quota_used{provider="openai", period="daily"}': gauge(1000 * ratio),
            'quota_limit{provider="openai", period="daily"}': gauge(1000),
        }

    quota_labels = {"provider": "openai", "period": "daily"}
    quiet_minutes = int(max_age // 60) - 1
    return [
        AlertTest(
            "WorkerDown",
            {heartbeat: f"0+60x{stop} _x60"},
            fires_at=f"{stop + int(max_age // 60) + 1}m",
            quiet_at=f"{stop + quiet_minutes}m",
            labels={"worker": "w1"},
        ),
        AlertTest("WorkerDown", {heartbeat: "0+60x60"}, quiet_at="60m"),
        AlertTest(
            "HighQueueDepth",
            {queue_depth: gauge(depth + 1)},
            fires_at="12m",
            quiet_at="8m",
            labels={"queue": "default"},
        ),
        AlertTest("HighQueueDepth", {queue_depth: gauge(depth)}, quiet_at="30m"),
        AlertTest(
            "HighJobFailureRate",
            jobs(failure_ratio * 1.5),
            fires_at="8m",
            quiet_at="4m",
            labels={"queue": "default"},
        ),
        AlertTest("HighJobFailureRate", jobs(failure_ratio * 0.8), quiet_at="30m"),
        AlertTest("SchedulerLagHigh", scheduler_lag(0.2), fires_at="15m", quiet_at="8m"),
        AlertTest("SchedulerLagHigh", scheduler_lag(0.03), quiet_at="30m"),
        AlertTest(
            "QuotaAlmostExceeded",
            quota((warning + exceeded) / 2),
            fires_at="6m",
            quiet_at="4m",
            labels=quota_labels,
        ),
        AlertTest("QuotaAlmostExceeded", quota(warning - 0.01), quiet_at="30m"),
        AlertTest("QuotaExceeded", quota(exceeded), fires_at="2m", quiet_at="0m", labels=quota_labels),
        AlertTest("QuotaExceeded", quota(exceeded - 0.01), quiet_at="30m"),
    ]
