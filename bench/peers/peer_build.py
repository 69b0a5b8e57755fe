"""What the build peers share: the command line, writing each dashboard as it is built, and the rule files,
written as a user of a dashboard-only library would (plain dicts, yaml)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bench.workloads import RULES_PER_GROUP


def write_rules(out: Path, rules: int) -> None:
    """Write ``rules`` alert rules, one file per group of RULES_PER_GROUP, each file as it is built."""
    folder = out / "prometheus"
    folder.mkdir(parents=True, exist_ok=True)
    for g in range(rules // RULES_PER_GROUP):
        group = {
            "name": f"bench-{g:04d}",
            "rules": [
                {
                    "alert": f"BenchAlert{g}x{i}",
                    "expr": f'sum by (job) (rate(http_requests_total{{status=~"5..", shard="{g}"}}[5m])) > {i}',
                    "for": "5m",
                    "labels": {"severity": "warning"},
                    "annotations": {
                        "summary": "Bench alert.",
                        "description": "{{ $labels.job }} is at {{ $value }}.",
                    },
                }
                for i in range(RULES_PER_GROUP)
            ],
        }
        (folder / f"bench-{g:04d}.yml").write_text(yaml.safe_dump({"groups": [group]}, sort_keys=False))


def run(build: Callable[[int], Any], text: Callable[[Any], str]) -> None:
    """``OUT DASHBOARDS RULES`` from the command line: build dashboard n with ``build``, write ``text`` of
    it to OUT/dashboards/<uid>.json before building the next, then the rules."""
    out, dashboards, rules = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    folder = out / "dashboards"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(dashboards):
        board = build(n)
        (folder / f"bench-{n:05d}.json").write_text(text(board) + "\n")
    write_rules(out, rules)
