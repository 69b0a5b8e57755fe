"""Peer of ``toolkit sync``: the plain sequential grafana-client loop a team writes first. For each
dashboard file, GET the dashboard and POST the file only when its content (without Grafana's ``id`` and
``version`` and the toolkit's marker tag) differs.

``python -m bench.peers.sync_loop URL FOLDER``; token from ``BENCH_GRAFANA_TOKEN``. Prints, as its last
line, JSON with the seconds spent in the loop and its writes.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from grafana_client import GrafanaApi
from grafana_client.client import GrafanaClientError

SERVER_KEYS = ("id", "version")


def main() -> None:
    url, folder = sys.argv[1], Path(sys.argv[2])
    api = GrafanaApi.from_url(url, credential=os.environ["BENCH_GRAFANA_TOKEN"])
    started, writes = time.perf_counter(), 0
    for path in sorted(folder.glob("*.json")):
        wanted = json.loads(path.read_text())
        try:
            live = api.dashboard.get_dashboard(wanted["uid"])["dashboard"]
        except GrafanaClientError:
            live = {}
        live = {k: v for k, v in live.items() if k not in SERVER_KEYS}
        live["tags"] = [t for t in live.get("tags", []) if t != "managed-by:toolkit"]
        if live != wanted:
            api.dashboard.update_dashboard({"dashboard": wanted, "overwrite": True})
            writes += 1
    print(json.dumps({"seconds": time.perf_counter() - started, "writes": writes}))


if __name__ == "__main__":
    main()
