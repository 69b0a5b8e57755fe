"""``toolkit sync`` (Grafana only) of dashboard files, read and normalized by the toolkit's file source and
synced through the library as the CLI does.

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

from toolkit.clients.contexts import Context
from toolkit.sources.files import load_paths
from toolkit.sync.run import SyncOptions, run_sync


def main() -> None:
    url, folder = sys.argv[1], Path(sys.argv[2])
    bundle = load_paths([folder]).bundle
    context = Context(name="bench", grafana_url=url, grafana_auth=os.environ["BENCH_GRAFANA_TOKEN"])
    options = SyncOptions(only=("grafana",), revision="bench")
    started = time.perf_counter()
    report = run_sync(bundle, context, options)
    seconds = time.perf_counter() - started
    if not report.ok:
        sys.exit(f"sync failed: {report.failures}")
    writes = sum(1 for outcome in report.outcomes if outcome.ok)
    print(json.dumps({"seconds": seconds, "writes": writes, "workers": options.transport.workers}))


if __name__ == "__main__":
    main()
