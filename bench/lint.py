"""``toolkit lint`` against ``promtool check rules`` on the same generated rule files, as whole processes.

100 files of 12 rules (1,200 rules, every expression different: alerts with templates, recording rules,
histograms). Each command runs once to warm up, then five times, taking turns; the best wall time of each
is compared. Target: lint within 1.5x of promtool.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILES, RULES_PER_FILE = 100, 12
RUNS = 5


def _rule_file(n: int) -> str:
    rules = []
    for r in range(RULES_PER_FILE // 2):
        rules.append(
            f"""      - record: job:http_requests_{n}_{r}:rate5m
        expr: sum by (job) (rate(http_requests_total{{shard="{n}", route=~"/v{r}/.*"}}[5m]))
      - alert: HighErrorRate{n}x{r}
        expr: |
          sum by (job) (rate(http_requests_total{{shard="{n}", status=~"5.."}}[5m]))
            / job:http_requests_{n}_{r}:rate5m > 0.05
          and histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket{{shard="{n}"}}[5m]))) > {r + 2}
        for: 5m
        labels: {{severity: critical, team: platform}}
        annotations:
          summary: Errors are high.
          description: "{{{{ $labels.job }}}} fails {{{{ $value | humanizePercentage }}}} of requests."
          runbook_url: https://runbooks.example/HighErrorRate
"""
        )
    return f"groups:\n  - name: shard-{n}\n    rules:\n" + "".join(rules)


def _run(command: list[str]) -> tuple[float, float]:
    """One run's wall time and CPU time (user + system), bytecode cached as for an installed package."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{command[0]} failed: {done.stderr[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _best(commands: list[list[str]]) -> list[tuple[float, float]]:
    """Each command's best (wall, CPU) of RUNS runs after a warm-up, the commands taking turns so that a
    passing load on the machine slows both alike."""
    runs: list[list[tuple[float, float]]] = [[] for _ in commands]
    for round_ in range(RUNS + 1):
        for command, times in zip(commands, runs, strict=True):
            measured = _run(command)
            if round_:
                times.append(measured)
    return [min(times) for times in runs]


def main() -> None:
    """Print lint's and promtool's wall time on the same files, and the ratio against the 1.5x target."""
    promtool = shutil.which("promtool")
    toolkit = str(Path(sys.executable).with_name("toolkit"))
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as tmp:
        folder = Path(tmp)
        for n in range(FILES):
            (folder / f"rules-{n:03}.yml").write_text(_rule_file(n))
        files = sorted(str(p) for p in folder.glob("*.yml"))
        if promtool is None:
            [(lint, _)] = _best([[toolkit, "lint", tmp]])
            print(f"   toolkit lint: {lint:.2f} s   (promtool not installed: no comparison)")
            return
        (lint, lint_cpu), (check, check_cpu) = _best(
            [[toolkit, "lint", tmp], [promtool, "check", "rules", *files]]
        )
    rules = FILES * RULES_PER_FILE
    print(
        f"   {rules} rules in {FILES} files:  toolkit lint {lint:.2f} s   promtool check rules {check:.2f} s   "
        f"ratio {lint / check:.2f}x   (target: <= 1.5x)\n"
        f"   CPU time (user + system): toolkit lint {lint_cpu:.2f} s   promtool {check_cpu:.2f} s   "
        f"on {os.cpu_count()} CPUs"
    )
