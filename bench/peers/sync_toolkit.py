"""``toolkit sync`` (Grafana only) of dashboard files, read and normalized by the toolkit's file source and
synced through the library as the CLI does: one file at a time, each dashboard packed for the plan
(:class:`~toolkit.sync.grafana.WantedDashboard`) and its tree of dicts dropped, as the CLI does with the
project's dashboards.

``python -m bench.peers.sync_toolkit URL FOLDER``; token from ``BENCH_GRAFANA_TOKEN``. Prints, as its last
line, JSON with the seconds spent in the sync itself (not in reading the files), its writes and the
number of concurrent requests it made (its workers).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from toolkit.bundle import Bundle
from toolkit.clients.contexts import Context
from toolkit.sources.files import parse_dashboard
from toolkit.sync.grafana import WantedDashboard
from toolkit.sync.run import SyncOptions, run_sync


def main() -> None:
    url, folder = sys.argv[1], Path(sys.argv[2])
    dashboards = [
        WantedDashboard.of(parse_dashboard(path.read_text(), str(path), locate_panels=False))
        for path in sorted(folder.glob("*.json"))
    ]
    context = Context(name="bench", grafana_url=url, grafana_auth=os.environ["BENCH_GRAFANA_TOKEN"])
    options = SyncOptions(only=("grafana",), revision="bench")
    started = time.perf_counter()
    report = run_sync(Bundle(), context, options, dashboards=dashboards)
    seconds = time.perf_counter() - started
    if not report.ok:
        sys.exit(f"sync failed: {report.failures}")
    writes = sum(1 for outcome in report.outcomes if outcome.ok)
    print(json.dumps({"seconds": seconds, "writes": writes, "workers": options.transport.workers}))


if __name__ == "__main__":
    main()
