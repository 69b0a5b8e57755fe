"""Postgres and Redis alerts (postgres_exporter, redis_exporter)."""

from __future__ import annotations

from toolkit.rules import AlertRule, RuleGroup, Severity
from toolkit.settings import Settings


def groups(settings: Settings) -> list[RuleGroup]:
    """The ``database-alerts`` group."""
    postgres = settings.selector("postgres")
    redis = settings.selector("redis")
    limit = settings.threshold
    hits = f"sum by (job, instance) (rate(redis_keyspace_hits_total{{{redis}}}[5m]))"
    misses = f"sum by (job, instance) (rate(redis_keyspace_misses_total{{{redis}}}[5m]))"
    return [
        RuleGroup(
            "database-alerts",
            [
                AlertRule(
                    name="PostgresDown",
                    expr=f"pg_up{{{postgres}}} == 0",
                    for_="1m",
                    severity=Severity.CRITICAL,
                    summary="Postgres is down.",
                    description="postgres_exporter on {{ $labels.instance }} cannot reach Postgres.",
                ),
                AlertRule(
                    name="PostgresHighConnections",
                    expr=f"sum by (job, instance) (pg_stat_activity_count{{{postgres}}}) "
                    f"> {limit('postgres_connections'):g}",
                    for_="5m",
                    severity=Severity.WARNING,
                    summary="Postgres has many open connections.",
                    description="{{ $labels.instance }} has {{ $value }} connections.",
                ),
                AlertRule(
                    name="PostgresSlowQueries",
                    expr=f"max by (job, instance) (pg_stat_activity_max_tx_duration{{{postgres}}}) "
                    f"> {limit('postgres_longest_transaction_seconds'):g}",
                    for_="2m",
                    severity=Severity.WARNING,
                    summary="A Postgres transaction has been running for long.",
                    description="The longest transaction on {{ $labels.instance }} has run for "
                    "{{ $value | humanizeDuration }}.",
                ),
                AlertRule(
                    name="RedisDown",
                    expr=f"redis_up{{{redis}}} == 0",
                    for_="1m",
                    severity=Severity.CRITICAL,
                    summary="Redis is down.",
                    description="redis_exporter on {{ $labels.instance }} cannot reach Redis.",
                ),
                AlertRule(
                    name="LowCacheHitRate",
                    expr=f"{hits} / ({hits} + {misses}) < {limit('redis_hit_ratio'):g}",
                    for_="15m",
                    severity=Severity.WARNING,
                    summary="The Redis cache hit rate is low.",
                    description="Redis on {{ $labels.instance }} answers {{ $value | humanizePercentage }} "
                    "of lookups from cache.",
                ),
            ],
        )
    ]
