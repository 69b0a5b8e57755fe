"""``toolkit sync`` (Grafana only) of the benchmark's dashboards, through the library as the CLI calls it.

``python -m bench.peers.sync_toolkit URL DASHBOARDS``; token from ``BENCH_GRAFANA_TOKEN``. Prints, as its
last line, JSON with the seconds spent in the sync itself and its writes.
"""

from __future__ import annotations

import json
import os
import sys
import time

from bench.workloads import board
from toolkit.bundle import Bundle, DashboardEntry
from toolkit.contexts import Context
from toolkit.source import SourceLocation
from toolkit.sync.run import SyncOptions, run_sync


def main() -> None:
    url, count = sys.argv[1], int(sys.argv[2])
    entries = [
        DashboardEntry(f"bench-{n:05d}", board(n), SourceLocation("bench"), folder="bench")
        for n in range(count)
    ]
    bundle = Bundle(dashboards=tuple(entries))
    context = Context(name="bench", grafana_url=url, grafana_auth=os.environ["BENCH_GRAFANA_TOKEN"])
    options = SyncOptions(only=("grafana",), revision="bench", folder_titles={"bench": "Bench"})
    started = time.perf_counter()
    report = run_sync(bundle, context, options)
    seconds = time.perf_counter() - started
    if not report.ok:
        sys.exit(f"sync failed: {report.failures}")
    writes = sum(1 for outcome in report.outcomes if outcome.ok)
    print(json.dumps({"seconds": seconds, "writes": writes}))


if __name__ == "__main__":
    main()
