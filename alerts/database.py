"""Postgres and Redis alerts (postgres_exporter, redis_exporter)."""

from __future__ import annotations

from toolkit.alert_tests import AlertTest, counter, gauge
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
                    description="{{ $labels.instance }} has {{ $value | humanize }} connections.",
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


def tests(settings: Settings) -> list[AlertTest]:
    """A firing and a quiet case for every database alert, just over and just under its threshold."""
    connections = settings.threshold("postgres_connections")
    longest = settings.threshold("postgres_longest_transaction_seconds")
    hit_ratio = settings.threshold("redis_hit_ratio")
    pg = {"job": "postgres", "instance": "pg:9187"}
    on_pg = '{job="postgres", instance="pg:9187"}'
    redis = {"job": "redis", "instance": "redis:9121"}
    on_redis = '{job="redis", instance="redis:9121"}'

    def cache(ratio: float) -> dict[str, str]:
        return {
            f"redis_keyspace_hits_total{on_redis}": counter(100 * ratio),
            f"redis_keyspace_misses_total{on_redis}": counter(100 * (1 - ratio)),
        }

    def activity(total: float) -> dict[str, str]:
        return {
            f'pg_stat_activity_count{{job="postgres", instance="pg:9187", state="{state}"}}': gauge(total / 2)
            for state in ("active", "idle")
        }

    return [
        AlertTest("PostgresDown", {f"pg_up{on_pg}": "1 1 0x10"}, fires_at="4m", quiet_at="2m", labels=pg),
        AlertTest("PostgresDown", {f"pg_up{on_pg}": "1x5 0 1x10"}, quiet_at=["6m", "8m"]),
        AlertTest(
            "PostgresHighConnections", activity(connections + 2), fires_at="6m", quiet_at="4m", labels=pg
        ),
        AlertTest("PostgresHighConnections", activity(connections), quiet_at="30m"),
        AlertTest(
            "PostgresSlowQueries",
            {f"pg_stat_activity_max_tx_duration{on_pg}": gauge(longest + 1)},
            fires_at="3m",
            quiet_at="1m",
            labels=pg,
        ),
        AlertTest(
            "PostgresSlowQueries",
            {f"pg_stat_activity_max_tx_duration{on_pg}": gauge(longest)},
            quiet_at="30m",
        ),
        AlertTest(
            "RedisDown", {f"redis_up{on_redis}": "1 1 0x10"}, fires_at="4m", quiet_at="2m", labels=redis
        ),
        AlertTest("RedisDown", {f"redis_up{on_redis}": "1x5 0 1x10"}, quiet_at=["6m", "8m"]),
        AlertTest("LowCacheHitRate", cache(hit_ratio - 0.05), fires_at="20m", quiet_at="10m", labels=redis),
        AlertTest("LowCacheHitRate", cache(hit_ratio + 0.05), quiet_at="60m"),
    ]
