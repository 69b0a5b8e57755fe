"""Floor of the no-op sync against the double: the same reads as ``toolkit sync`` (the search, the folder
list, then every dashboard) with the standard library's ``http.client`` on 8 keep-alive connections, one
thread each, every answer parsed and nothing compared. What the double (a Python server) and the machine
leave of the network minimum for any client.

``python -m bench.peers.sync_floor URL FOLDER``; token from ``BENCH_GRAFANA_TOKEN``. Prints, as its last
line, JSON with the seconds spent in the reads and its connections.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import orjson

WORKERS = 8


def main() -> None:
    url, folder = urlsplit(sys.argv[1]), Path(sys.argv[2])
    headers = {"Authorization": f"Bearer {os.environ['BENCH_GRAFANA_TOKEN']}"}
    paths: queue.SimpleQueue[str | None] = queue.SimpleQueue()
    for path in ("/api/search?type=dash-db&limit=5000&page=1", "/api/folders"):
        paths.put(path)
    for file in sorted(folder.glob("*.json")):
        paths.put(f"/api/dashboards/uid/{file.stem}")
    for _ in range(WORKERS):
        paths.put(None)

    def read() -> None:
        connection = http.client.HTTPConnection(url.hostname, url.port)
        while (path := paths.get()) is not None:
            connection.request("GET", path, headers=headers)
            answer = connection.getresponse()
            if answer.status != 200:
                sys.exit(f"GET {path}: {answer.status}")
            orjson.loads(answer.read())
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=read) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"seconds": time.perf_counter() - started, "workers": WORKERS}))


if __name__ == "__main__":
    main()
