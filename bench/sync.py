"""No-op ``toolkit sync`` of N dashboards against the Grafana double at 20 ms per request, beside a plain
sequential grafana-client loop (at 1x and 4x; at 16x too with --full), each run a separate process; the
double runs in a process of its own.

Scales: 64 dashboards per 1x (16x: 1,024). The network minimum is the requests the sync made (as the
double counted them) times the latency over the concurrency the sync reports (its workers, 8 by
default): no client can do the same requests in less. Beside it, the floor this double and machine
leave: the same reads with the standard library's http.client on as many connections, nothing compared
(bench/peers/sync_floor.py). Targets (issue 17): the no-op sync within 1.2x the network minimum at 16x;
zero writes (said when not).
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from bench.harness import FULL, Contender, Plan, child_env, contest, median, python, ratio, target
from bench.workloads import board
from toolkit.output.build import dump_json
from toolkit.sources.files import parse_dashboard

DASHBOARDS, LATENCY = 64, 0.02


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


def dashboard_files(folder: Path, count: int) -> Path:
    """``count`` dashboards in ``folder`` as the toolkit builds them (normalized), so that the loop, which
    compares raw JSON, finds the dashboards the toolkit synced unchanged too."""
    for n in range(count):
        data = board(n)
        entry = parse_dashboard(json.dumps(data), f"{data['uid']}.json")
        (folder / f"{entry.uid}.json").write_text(dump_json(entry.data))
    return folder


def _inner(contender: Contender) -> list[float]:
    return [run.reported()["seconds"] for run in contender.runs]


def main(plan: Plan) -> None:
    """Print no-op sync times beside the network minimum and the loop's at each scale."""
    env = child_env(BENCH_GRAFANA_TOKEN=secrets.token_hex(16))
    for scale in plan.scales:
        count = DASHBOARDS * scale
        double = Double(env)
        folder = dashboard_files(Path(tempfile.mkdtemp(prefix="bench-sync-")), count)
        try:
            ours = Contender(
                "toolkit sync", python("bench.peers.sync_toolkit", double.url, str(folder)), env=env
            )
            first = ours.run().reported()
            before = double.requests()
            ours.run()
            requests = double.requests() - before
            ours.runs.clear()
            loop = Contender("loop", python("bench.peers.sync_loop", double.url, str(folder)), env=env)
            floor = Contender("floor", python("bench.peers.sync_floor", double.url, str(folder)), env=env)
            contenders = [ours, floor, loop] if scale <= 4 or plan is FULL else [ours, floor]
            contest(contenders, plan.rounds)
        finally:
            double.close()
            shutil.rmtree(folder)
        writes = max(run.reported()["writes"] for run in ours.runs)
        workers = max(run.reported()["workers"] for run in ours.runs)
        minimum = requests * LATENCY / workers
        phase = median(_inner(ours))
        print(
            f"-- {scale}x: {count} dashboards, {LATENCY * 1000:.0f} ms per request ({plan.rounds} rounds; "
            f"the first sync wrote {first['writes']} in {first['seconds']:.2f} s)"
        )
        print(
            f"   toolkit sync, no-op: {phase:5.2f} s in the sync, {median([r.wall for r in ours.runs]):5.2f} s "
            f"the process  cpu {median([r.cpu for r in ours.runs]):5.2f} s  "
            f"peak {median([r.peak_mib for r in ours.runs]):4.0f} MiB  {requests} requests, {writes} writes"
            + ("" if writes == 0 else "  (a no-op must write nothing)")
        )
        verdict = (
            f"   {target(f'sync no-op {count} vs network minimum', phase / minimum, 1.2)}"
            if scale == 16
            else ""
        )
        print(
            f"   network minimum ({requests} x {LATENCY * 1000:.0f} ms / {workers} workers): {minimum:5.2f} s   "
            f"sync/minimum {phase / minimum:.2f}x{verdict}"
        )
        print(
            f"   floor, the same reads with http.client ({floor.runs[0].reported()['workers']} connections): {median(_inner(floor)):5.2f} s  "
            f"floor/minimum {median(_inner(floor)) / minimum:.2f}x   toolkit/floor: {ratio(_inner(ours), _inner(floor))}"
        )
        if loop.runs:
            loop_writes = max(run.reported()["writes"] for run in loop.runs)
            print(
                f"   sequential grafana-client loop (GET, compare): {median(_inner(loop)):5.2f} s in the loop, "
                f"{median([r.wall for r in loop.runs]):5.2f} s the process  cpu {median([r.cpu for r in loop.runs]):5.2f} s  "
                f"peak {median([r.peak_mib for r in loop.runs]):4.0f} MiB   toolkit/loop: {ratio(_inner(ours), _inner(loop))}"
                f" in the sync, {ratio([r.wall for r in ours.runs], [r.wall for r in loop.runs])} the process"
                + (f"; the loop wrote {loop_writes} (it compares raw JSON)" if loop_writes else "")
            )
