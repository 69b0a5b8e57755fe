"""Host and service availability alerts (node_exporter, Prometheus' up, blackbox probes)."""

from __future__ import annotations

from toolkit.alert_tests import AlertTest, counter, gauge
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


def tests(settings: Settings) -> list[AlertTest]:
    """A firing and a quiet case for every system alert, just over and just under its threshold."""
    busy = settings.threshold("cpu_busy_ratio")
    used = settings.threshold("memory_used_ratio")
    free = settings.threshold("disk_free_ratio")
    node = {"job": "node", "instance": "n1:9100"}
    on_node = '{job="node", instance="n1:9100"}'
    cpu = 'node_cpu_seconds_total{job="node", instance="n1:9100", cpu="0", mode="idle"}'
    memory = {
        "node_memory_MemTotal_bytes": gauge(1000),
        "node_memory_MemAvailable_bytes": gauge(1000 * (1 - used - 0.02)),
    }
    quiet_memory = {**memory, "node_memory_MemAvailable_bytes": gauge(1000 * (1 - used + 0.02))}
    disk = '{job="node", instance="n1:9100", mountpoint="/data", fstype="ext4"}'
    tmpfs = '{job="node", instance="n1:9100", mountpoint="/run", fstype="tmpfs"}'
    return [
        AlertTest(
            "HighCPUUsage",
            {cpu: counter(1 - busy - 0.05)},
            fires_at="10m",
            quiet_at="4m",
            labels=node,
        ),
        AlertTest("HighCPUUsage", {cpu: counter(1 - busy + 0.05)}, quiet_at="30m"),
        AlertTest(
            "HighMemoryUsage",
            {f"{k}{on_node}": v for k, v in memory.items()},
            fires_at="6m",
            quiet_at="4m",
            labels=node,
        ),
        AlertTest(
            "HighMemoryUsage",
            {f"{k}{on_node}": v for k, v in quiet_memory.items()},
            quiet_at="30m",
        ),
        AlertTest(
            "LowDiskSpace",
            {
                f"node_filesystem_size_bytes{disk}": gauge(1000),
                f"node_filesystem_avail_bytes{disk}": gauge(1000 * (free - 0.01)),
            },
            fires_at="6m",
            quiet_at="4m",
            labels={**node, "mountpoint": "/data", "fstype": "ext4"},
        ),
        AlertTest(
            "LowDiskSpace",
            {
                f"node_filesystem_size_bytes{disk}": gauge(1000),
                f"node_filesystem_avail_bytes{disk}": gauge(1000 * (free + 0.01)),
                f"node_filesystem_size_bytes{tmpfs}": gauge(1000),
                f"node_filesystem_avail_bytes{tmpfs}": gauge(0),
            },
            quiet_at="30m",
        ),
        AlertTest(
            "ServiceDown",
            {'up{job="api", instance="api:8000"}': "1 1 0x10"},
            fires_at="4m",
            quiet_at="2m",
            labels={"job": "api", "instance": "api:8000"},
        ),
        AlertTest(
            "ServiceDown", {'up{job="api", instance="api:8000"}': "1x10 0 1x10"}, quiet_at=["11m", "13m"]
        ),
        AlertTest(
            "EndpointDown",
            {'probe_success{job="blackbox", instance="https://acme.example"}': "1 1 0x10"},
            fires_at="5m",
            quiet_at="3m",
            labels={"job": "blackbox", "instance": "https://acme.example"},
        ),
        AlertTest(
            "EndpointDown",
            {'probe_success{job="blackbox", instance="https://acme.example"}': "1x5 0 1x10"},
            quiet_at=["6m", "8m"],
        ),
    ]
