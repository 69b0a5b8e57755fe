"""No-op ``toolkit sync`` of N dashboards against the Grafana double at 20 ms per request, beside a plain
sequential grafana-client loop, each run a separate process; the double runs in a process of its own.

Scales: 64 dashboards per 1x (16x: 1,024). The network minimum is the requests the sync made times the
latency over its concurrency (8 workers). Targets (issue 17): the no-op sync within 1.2x the network
minimum at 16x; zero writes.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import urllib.request

from bench.harness import Contender, Plan, child_env, contest, median, python, ratio, target

DASHBOARDS, LATENCY, WORKERS = 64, 0.02, 8


class Double:
    """The double's process; ``url`` once it listens."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            python("bench.peers.grafana_double", str(LATENCY)),
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.url = self.process.stdout.readline().strip()

    def requests(self) -> int:
        """Requests served so far."""
        with urllib.request.urlopen(f"{self.url}/bench/requests") as answer:
            return json.load(answer)["requests"]

    def close(self) -> None:
        """Stop the double and wait for it."""
        self.process.stdin.close()
        self.process.wait(timeout=30)


def main(plan: Plan) -> None:
    """Print no-op sync times beside the loop's and the network minimum at each scale."""
    env = child_env(BENCH_GRAFANA_TOKEN=secrets.token_hex(16))
    for scale in plan.scales:
        count = DASHBOARDS * scale
        double = Double(env)
        try:
            ours = Contender(
                "toolkit sync (no-op)", python("bench.peers.sync_toolkit", double.url, str(count)), env=env
            )
            first = ours.run().reported()
            ours.runs.clear()
            loop = Contender(
                "sequential grafana-client loop",
                python("bench.peers.sync_loop", double.url, str(count)),
                env=env,
            )
            before = double.requests()
            ours.run()
            requests = double.requests() - before
            ours.runs.clear()
            contest([ours, loop], plan.rounds)
        finally:
            double.close()
        phase = median([r.reported()["seconds"] for r in ours.runs])
        loop_phase = median([r.reported()["seconds"] for r in loop.runs])
        writes = max(r.reported()["writes"] for r in ours.runs)
        minimum = requests * LATENCY / WORKERS
        wall = ratio([r.wall for r in ours.runs], [r.wall for r in loop.runs])
        inner = ratio(
            [r.reported()["seconds"] for r in ours.runs], [r.reported()["seconds"] for r in loop.runs]
        )
        print(
            f"-- {scale}x: {count} dashboards, {LATENCY * 1000:.0f} ms per request ({plan.rounds} rounds; first sync {first['seconds']:.2f} s, {first['writes']} writes)"
        )
        print(
            f"   toolkit sync no-op: sync {phase:6.2f} s, process {median([r.wall for r in ours.runs]):6.2f} s  "
            f"cpu {median([r.cpu for r in ours.runs]):5.2f} s  peak {median([r.peak_mib for r in ours.runs]):4.0f} MiB  "
            f"{requests} requests, {writes} writes  {target(f'sync no-op {scale}x writes', writes, 0, '')}"
        )
        print(
            f"   network minimum ({requests} x {LATENCY * 1000:.0f} ms / {WORKERS}): {minimum:.2f} s   sync/minimum {phase / minimum:.2f}x"
            + (
                f"   {target(f'sync no-op {count} dashboards vs network minimum', phase / minimum, 1.2)}"
                if scale == 16
                else ""
            )
        )
        print(
            f"   {loop.name}: loop {loop_phase:6.2f} s, process {median([r.wall for r in loop.runs]):6.2f} s  "
            f"cpu {median([r.cpu for r in loop.runs]):5.2f} s  peak {median([r.peak_mib for r in loop.runs]):4.0f} MiB   "
            f"toolkit/loop: sync {inner}  process {wall}"
        )
