"""Hosts and containers: CPU, memory, disk and network per node; CPU and memory per container."""

from __future__ import annotations

from alerts.system import REAL_FILESYSTEMS
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

UID = "system"


def build(settings: Settings) -> DashboardDef:
    """The ``system`` dashboard."""
    node = settings.selector("node") + ', instance=~"$instance"'
    busy = settings.threshold("cpu_busy_ratio")
    used = settings.threshold("memory_used_ratio")
    free = settings.threshold("disk_free_ratio")
    return dashboard(
        settings,
        uid=UID,
        title="System",
        description="Host resources per node and container resources, from node_exporter and cAdvisor.",
        tags=["system"],
        links=[Link("executive", "Executive overview")],
        variables=[
            Variable("instance", f"label_values(node_load1{{{settings.selector('node')}}}, instance)")
        ],
        rows=[
            row(
                "Nodes",
                timeseries(
                    "CPU busy",
                    Query(
                        f'1 - avg by (instance) (rate(node_cpu_seconds_total{{{node}, mode="idle"}}[$__rate_interval]))',
                        "{{instance}}",
                    ),
                    unit="percentunit",
                    description="Share of CPU time not idle, per node; the alert threshold is dashed.",
                    thresholds=warn_crit(busy * 0.9, busy),
                    min=0,
                    max=1,
                ),
                timeseries(
                    "Memory used",
                    Query(
                        f"1 - node_memory_MemAvailable_bytes{{{node}}} / node_memory_MemTotal_bytes{{{node}}}",
                        "{{instance}}",
                    ),
                    unit="percentunit",
                    description="Share of memory not available to new work, per node.",
                    thresholds=warn_crit(used * 0.9, used),
                    min=0,
                    max=1,
                ),
                timeseries(
                    "Disk free",
                    Query(
                        f"node_filesystem_avail_bytes{{{node}, {REAL_FILESYSTEMS}}} "
                        f"/ node_filesystem_size_bytes{{{node}, {REAL_FILESYSTEMS}}}",
                        "{{instance}} {{mountpoint}}",
                    ),
                    unit="percentunit",
                    description="Share of each real filesystem still free; the alert fires below the red line.",
                    thresholds=crit_warn_ok(free, free * 2),
                    min=0,
                    max=1,
                ),
                timeseries(
                    "Network traffic",
                    [
                        Query(
                            f'sum by (instance) (rate(node_network_receive_bytes_total{{{node}, device!="lo"}}[$__rate_interval]))',
                            "{{instance}} in",
                        ),
                        Query(
                            f'sum by (instance) (rate(node_network_transmit_bytes_total{{{node}, device!="lo"}}[$__rate_interval]))',
                            "{{instance}} out",
                        ),
                    ],
                    unit="Bps",
                    description="Bytes per second received and sent per node, loopback excluded.",
                ),
            ),
            row(
                "Containers",
                timeseries(
                    "Container CPU",
                    Query(
                        'sum by (name) (rate(container_cpu_usage_seconds_total{name!=""}[$__rate_interval]))',
                        "{{name}}",
                    ),
                    unit="short",
                    description="CPU cores used per container.",
                ),
                timeseries(
                    "Container memory",
                    Query('sum by (name) (container_memory_working_set_bytes{name!=""})', "{{name}}"),
                    unit="bytes",
                    description="Working-set memory per container.",
                ),
            ),
        ],
    )
