"""Host and service availability alerts (node_exporter, Prometheus' up, blackbox probes)."""

from __future__ import annotations

from toolkit.rules import AlertRule, RuleGroup, Severity
from toolkit.settings import Settings

REAL_FILESYSTEMS = 'fstype!~"tmpfs|overlay|squashfs|ramfs|devtmpfs|autofs|nsfs|fuse.*", mountpoint!~"/(run|var/lib/docker)($|/.*)"'


def groups(settings: Settings) -> list[RuleGroup]:
    """The ``system-alerts`` group."""
    node = settings.selector("node")
    blackbox = settings.selector("blackbox")
    limit = settings.threshold
    return [
        RuleGroup(
            "system-alerts",
            [
                AlertRule(
                    name="HighCPUUsage",
                    expr=f'1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{{{node}, mode="idle"}}[5m])) '
                    f"> {limit('cpu_busy_ratio'):g}",
                    for_="5m",
                    severity=Severity.WARNING,
                    summary="CPU usage is high.",
                    description="{{ $labels.instance }} CPU is {{ $value | humanizePercentage }} busy.",
                ),
                AlertRule(
                    name="HighMemoryUsage",
                    expr=f"1 - node_memory_MemAvailable_bytes{{{node}}} / node_memory_MemTotal_bytes{{{node}}} "
                    f"> {limit('memory_used_ratio'):g}",
                    for_="5m",
                    severity=Severity.WARNING,
                    summary="Memory usage is high.",
                    description="{{ $labels.instance }} has used {{ $value | humanizePercentage }} of its memory.",
                ),
                AlertRule(
                    name="LowDiskSpace",
                    expr=f"node_filesystem_avail_bytes{{{node}, {REAL_FILESYSTEMS}}} "
                    f"/ node_filesystem_size_bytes{{{node}, {REAL_FILESYSTEMS}}} < {limit('disk_free_ratio'):g}",
                    for_="5m",
                    severity=Severity.WARNING,
                    summary="A filesystem is running out of space.",
                    description="{{ $labels.mountpoint }} on {{ $labels.instance }} has "
                    "{{ $value | humanizePercentage }} free.",
                ),
                AlertRule(
                    name="ServiceDown",
                    expr="up == 0",
                    for_="1m",
                    severity=Severity.CRITICAL,
                    summary="A scrape target is down.",
                    description="{{ $labels.job }} on {{ $labels.instance }} has not answered scrapes for a minute.",
                ),
                AlertRule(
                    name="EndpointDown",
                    expr=f"probe_success{{{blackbox}}} == 0",
                    for_="2m",
                    severity=Severity.CRITICAL,
                    summary="A probed endpoint is unreachable.",
                    description="The blackbox probe of {{ $labels.instance }} has failed for 2 minutes.",
                ),
            ],
        )
    ]
