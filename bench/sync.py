"""``toolkit sync`` of 200 dashboards to the Grafana double with 20 ms latency per request, beside a
sequential baseline doing one GET and one POST per dashboard (what the Python uploaders do), and the
write count of a no-op sync. Targets: at most 0.25x the baseline's time, zero writes."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from grafana_client import GrafanaApi
from grafana_client.client import GrafanaClientError

from toolkit.bundle import Bundle, DashboardEntry
from toolkit.contexts import Context
from toolkit.source import SourceLocation
from toolkit.sync.run import SyncOptions, run_sync

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.doubles.grafana import GrafanaDouble  # noqa: E402  (the double lives with the tests)

DASHBOARDS, LATENCY = 200, 0.02


def _bundle() -> Bundle:
    boards = []
    for n in range(DASHBOARDS):
        data = {
            "uid": f"bench-{n}",
            "title": f"Bench {n}",
            "panels": [
                {
                    "id": p,
                    "type": "timeseries",
                    "title": f"P{p}",
                    "gridPos": {"x": 0, "y": p * 8, "w": 24, "h": 8},
                }
                for p in range(1, 21)
            ],
            "schemaVersion": 41,
        }
        boards.append(DashboardEntry(f"bench-{n}", data, SourceLocation("bench"), folder="bench"))
    return Bundle(dashboards=tuple(boards))


def _baseline(double: GrafanaDouble, bundle: Bundle) -> float:
    api = GrafanaApi.from_url(double.url, credential=double.token)
    api.folder.create_folder("Bench", uid="bench")
    started = time.perf_counter()
    for entry in bundle.dashboards:
        with contextlib.suppress(GrafanaClientError):
            api.dashboard.get_dashboard(entry.uid)
        api.dashboard.update_dashboard({"dashboard": entry.data, "folderUid": "bench", "overwrite": True})
    return time.perf_counter() - started


def main() -> None:
    """Print the sync time beside the sequential baseline, and the no-op sync's writes."""
    bundle = _bundle()
    base = GrafanaDouble()
    base.latency = LATENCY
    baseline = _baseline(base, bundle)
    base.close()
    double = GrafanaDouble()
    double.latency = LATENCY
    context = Context(name="bench", grafana_url=double.url, grafana_auth=double.token)
    options = SyncOptions(only=("grafana",), revision="bench", folder_titles={"bench": "Bench"})
    started = time.perf_counter()
    report = run_sync(bundle, context, options)
    took = time.perf_counter() - started
    writes = double.writes
    started = time.perf_counter()
    run_sync(bundle, context, options)
    noop = time.perf_counter() - started
    noop_writes = double.writes - writes
    double.close()
    assert report.ok, report.failures
    print(
        f"   {DASHBOARDS} dashboards, {LATENCY * 1000:.0f} ms per request:  sync {took:.2f} s   sequential GET+POST baseline {baseline:.2f} s"
        f"   ratio {took / baseline:.2f}x (target <= 0.25x)\n"
        f"   no-op sync: {noop:.2f} s, {noop_writes} writes (target 0)"
    )
