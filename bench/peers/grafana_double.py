"""The tests' Grafana double in a process of its own, so its work is not counted as the client's.

``python -m bench.peers.grafana_double LATENCY``: the token comes from ``BENCH_GRAFANA_TOKEN``; prints
the URL, serves until its standard input closes. ``GET /bench/requests`` (no auth) answers the number
of API requests served so far (not counting itself).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.doubles.grafana import GrafanaDouble  # noqa: E402  (the double lives with the tests)


class CountingDouble(GrafanaDouble):
    """The double, with its request counter readable over HTTP."""

    exempt_paths = frozenset({"/api/health", "/bench/requests"})
    counted = 0  # reads of the counter, which the server counted as requests too

    def handle(self, request):
        if request.path == "/bench/requests":
            self.counted += 1
            return 200, {"requests": self.requests - self.counted}, {}
        return super().handle(request)


def main() -> None:
    double = CountingDouble(token=os.environ["BENCH_GRAFANA_TOKEN"])
    double.latency = float(sys.argv[1])
    print(double.url, flush=True)
    sys.stdin.read()
    double.close()


if __name__ == "__main__":
    main()
