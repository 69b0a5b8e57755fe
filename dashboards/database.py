"""Postgres and Redis: connections, transactions, size, deadlocks; memory, clients, hit rate, commands."""

from __future__ import annotations

from toolkit.panels import (
    DashboardDef,
    Link,
    Query,
    Variable,
    crit_warn_ok,
    dashboard,
    row,
    timeseries,
    warn_crit,
)
from toolkit.settings import Settings

UID = "database"


def build(settings: Settings) -> DashboardDef:
    """The ``database`` dashboard."""
    pg = settings.selector("postgres") + ', instance=~"$instance"'
    redis = settings.selector("redis")
    max_connections = settings.threshold("postgres_connections")
    slow = settings.threshold("postgres_longest_transaction_seconds")
    hits = f"sum by (instance) (rate(redis_keyspace_hits_total{{{redis}}}[$__rate_interval]))"
    misses = f"sum by (instance) (rate(redis_keyspace_misses_total{{{redis}}}[$__rate_interval]))"
    return dashboard(
        settings,
        uid=UID,
        title="Databases",
        description="Postgres and Redis health and load.",
        tags=["database"],
        links=[Link("executive", "Executive overview")],
        variables=[Variable("instance", f"label_values(pg_up{{{settings.selector('postgres')}}}, instance)")],
        rows=[
            row(
                "Postgres",
                timeseries(
                    "Connections against max",
                    [
                        Query(
                            f"sum by (instance) (pg_stat_activity_count{{{pg}}})", "{{instance}} connections"
                        ),
                        Query(f"max by (instance) (pg_settings_max_connections{{{pg}}})", "{{instance}} max"),
                    ],
                    unit="short",
                    description="Open connections against the server's max_connections.",
                    thresholds=warn_crit(max_connections * 0.8, max_connections),
                ),
                timeseries(
                    "Transactions",
                    [
                        Query(
                            f"sum by (instance) (rate(pg_stat_database_xact_commit{{{pg}}}[$__rate_interval]))",
                            "commits",
                        ),
                        Query(
                            f"sum by (instance) (rate(pg_stat_database_xact_rollback{{{pg}}}[$__rate_interval]))",
                            "rollbacks",
                        ),
                    ],
                    unit="ops",
                    description="Committed and rolled-back transactions per second.",
                ),
                timeseries(
                    "Slowest transaction",
                    Query(f"max by (instance) (pg_stat_activity_max_tx_duration{{{pg}}})", "{{instance}}"),
                    unit="s",
                    description="Age of the longest running transaction.",
                    thresholds=warn_crit(slow / 2, slow),
                    width=8,
                ),
                timeseries(
                    "Database size",
                    Query(f"sum by (datname) (pg_database_size_bytes{{{pg}}})", "{{datname}}"),
                    unit="bytes",
                    description="On-disk size of each database.",
                    width=8,
                ),
                timeseries(
                    "Deadlocks",
                    Query(
                        f"sum by (datname) (rate(pg_stat_database_deadlocks{{{pg}}}[$__rate_interval]))",
                        "{{datname}}",
                    ),
                    unit="ops",
                    description="Deadlocks detected per second.",
                    width=8,
                ),
            ),
            row(
                "Redis",
                timeseries(
                    "Memory used",
                    Query(f"sum by (instance) (redis_memory_used_bytes{{{redis}}})", "{{instance}}"),
                    unit="bytes",
                    description="Memory Redis has allocated.",
                    width=6,
                ),
                timeseries(
                    "Connected clients",
                    Query(f"sum by (instance) (redis_connected_clients{{{redis}}})", "{{instance}}"),
                    unit="short",
                    description="Client connections open to Redis.",
                    width=6,
                ),
                timeseries(
                    "Cache hit rate",
                    Query(f"{hits} / ({hits} + {misses})", "{{instance}}"),
                    unit="percentunit",
                    description="Share of key lookups served from cache.",
                    thresholds=crit_warn_ok(settings.threshold("redis_hit_ratio"), 0.8),
                    min=0,
                    max=1,
                    width=6,
                ),
                timeseries(
                    "Commands",
                    Query(
                        f"sum by (instance) (rate(redis_commands_processed_total{{{redis}}}[$__rate_interval]))",
                        "{{instance}}",
                    ),
                    unit="ops",
                    description="Commands processed per second.",
                    width=6,
                ),
            ),
        ],
    )
