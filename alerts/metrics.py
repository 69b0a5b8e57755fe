"""The metric contract: every metric the dashboards and alerts may query, with type, labels and unit.

The build writes it to build/metrics.md; lint checks queries against it.
"""

from __future__ import annotations

from toolkit.metrics import Metric, MetricType

C, G, H = MetricType.COUNTER, MetricType.GAUGE, MetricType.HISTOGRAM

PLATFORM = (
    Metric(
        "http_requests_total", C, "HTTP requests served.", ("job", "method", "route", "status"), "requests"
    ),
    Metric("http_request_duration_seconds", H, "HTTP request latency.", ("job", "route", "le"), "seconds"),
    Metric("http_requests_in_progress", G, "HTTP requests being served now.", ("job", "route"), "requests"),
    Metric(
        "llm_requests_total",
        C,
        "LLM API requests, by outcome (status success|error).",
        ("provider", "model", "agent", "status"),
        "requests",
    ),
    Metric(
        "llm_request_duration_seconds", H, "LLM API request latency.", ("provider", "model", "le"), "seconds"
    ),
    Metric(
        "llm_tokens_total",
        C,
        "LLM tokens used (type prompt|completion).",
        ("provider", "model", "type"),
        "tokens",
    ),
    Metric("llm_cost_usd_total", C, "LLM spend.", ("provider", "model", "agent", "service"), "USD"),
    Metric(
        "agent_executions_total",
        C,
        "Agent executions (status success|failure).",
        ("agent", "status"),
        "executions",
    ),
    Metric("agent_execution_duration_seconds", H, "Agent execution time.", ("agent", "le"), "seconds"),
    Metric(
        "agent_quality_score",
        G,
        "RAGAS quality score of an agent's answers.",
        ("agent", "metric"),
        "ratio 0-1",
    ),
    Metric(
        "jobs_processed_total",
        C,
        "Background jobs finished (status completed|failed).",
        ("queue", "status"),
        "jobs",
    ),
    Metric("job_duration_seconds", H, "Background job run time.", ("queue", "le"), "seconds"),
    Metric("queue_depth", G, "Jobs waiting in a queue.", ("queue",), "jobs"),
    Metric(
        "worker_last_heartbeat_timestamp_seconds",
        G,
        "When a worker last reported alive.",
        ("worker",),
        "unix seconds",
    ),
    Metric("scheduler_jobs_scheduled_total", C, "Jobs the scheduler started.", (), "jobs"),
    Metric(
        "scheduler_execution_lag_seconds",
        H,
        "Delay between a job's scheduled and actual start.",
        ("le",),
        "seconds",
    ),
    Metric("users_active", G, "Distinct active users over a window (window 1h|1d).", ("window",), "users"),
    Metric("user_sessions_active", G, "Open user sessions.", (), "sessions"),
    Metric("user_session_duration_seconds", H, "Length of finished user sessions.", ("le",), "seconds"),
    Metric("user_queries_total", C, "User queries, by product feature.", ("feature",), "queries"),
    Metric("auth_failures_total", C, "Failed authentication attempts.", ("reason",), "attempts"),
    Metric(
        "quota_violations_total", C, "Requests refused for exceeding a client quota.", ("client",), "requests"
    ),
    Metric("http_client_requests_total", C, "Requests received per API client.", ("client",), "requests"),
    Metric(
        "quota_used",
        G,
        "Provider quota used in the period (period daily|monthly).",
        ("provider", "period"),
        "units",
    ),
    Metric(
        "quota_limit",
        G,
        "Provider quota for the period (period daily|monthly).",
        ("provider", "period"),
        "units",
    ),
)


def _exporter(name: str, *metrics: tuple[str, MetricType, str, tuple[str, ...], str]) -> tuple[Metric, ...]:
    return tuple(
        Metric(m, kind, text, labels, unit, exporter=name) for m, kind, text, labels, unit in metrics
    )


EXPORTERS = (
    *_exporter(
        "prometheus",
        ("up", G, "1 when the last scrape of the target succeeded.", ("job", "instance"), "boolean"),
        ("ALERTS", G, "Alerts pending or firing.", ("alertname", "alertstate", "severity"), "boolean"),
    ),
    *_exporter(
        "node_exporter",
        ("node_cpu_seconds_total", C, "CPU time per mode.", ("instance", "cpu", "mode"), "seconds"),
        ("node_memory_MemAvailable_bytes", G, "Memory available to start new work.", ("instance",), "bytes"),
        ("node_memory_MemTotal_bytes", G, "Total memory.", ("instance",), "bytes"),
        (
            "node_filesystem_avail_bytes",
            G,
            "Filesystem space available.",
            ("instance", "mountpoint", "fstype"),
            "bytes",
        ),
        ("node_filesystem_size_bytes", G, "Filesystem size.", ("instance", "mountpoint", "fstype"), "bytes"),
        ("node_network_receive_bytes_total", C, "Bytes received.", ("instance", "device"), "bytes"),
        ("node_network_transmit_bytes_total", C, "Bytes sent.", ("instance", "device"), "bytes"),
        ("node_load1", G, "One-minute load average.", ("instance",), "processes"),
    ),
    *_exporter(
        "postgres_exporter",
        ("pg_up", G, "1 when the exporter can reach Postgres.", ("instance",), "boolean"),
        (
            "pg_stat_activity_count",
            G,
            "Connections by state.",
            ("instance", "datname", "state"),
            "connections",
        ),
        ("pg_settings_max_connections", G, "The max_connections setting.", ("instance",), "connections"),
        (
            "pg_stat_activity_max_tx_duration",
            G,
            "Age of the oldest open transaction.",
            ("instance", "datname", "state"),
            "seconds",
        ),
        (
            "pg_stat_database_xact_commit",
            C,
            "Transactions committed.",
            ("instance", "datname"),
            "transactions",
        ),
        (
            "pg_stat_database_xact_rollback",
            C,
            "Transactions rolled back.",
            ("instance", "datname"),
            "transactions",
        ),
        ("pg_stat_database_deadlocks", C, "Deadlocks detected.", ("instance", "datname"), "deadlocks"),
        ("pg_database_size_bytes", G, "Database size on disk.", ("instance", "datname"), "bytes"),
    ),
    *_exporter(
        "redis_exporter",
        ("redis_up", G, "1 when the exporter can reach Redis.", ("instance",), "boolean"),
        ("redis_keyspace_hits_total", C, "Key lookups that found the key.", ("instance",), "lookups"),
        ("redis_keyspace_misses_total", C, "Key lookups that missed.", ("instance",), "lookups"),
        ("redis_memory_used_bytes", G, "Memory Redis uses.", ("instance",), "bytes"),
        ("redis_memory_max_bytes", G, "The maxmemory setting (0: unlimited).", ("instance",), "bytes"),
        ("redis_connected_clients", G, "Connected clients.", ("instance",), "clients"),
        ("redis_commands_processed_total", C, "Commands processed.", ("instance",), "commands"),
    ),
    *_exporter(
        "blackbox_exporter",
        ("probe_success", G, "1 when the probe succeeded.", ("instance",), "boolean"),
        ("probe_duration_seconds", G, "How long the probe took.", ("instance",), "seconds"),
    ),
    *_exporter(
        "cadvisor",
        (
            "container_cpu_usage_seconds_total",
            C,
            "CPU time used by a container.",
            ("name", "instance"),
            "seconds",
        ),
        (
            "container_memory_working_set_bytes",
            G,
            "Working-set memory of a container.",
            ("name", "instance"),
            "bytes",
        ),
    ),
)

METRICS = PLATFORM + EXPORTERS
