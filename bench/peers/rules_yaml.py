"""The rule files every build peer writes, as a user of a dashboard-only library would: plain dicts, yaml."""

from __future__ import annotations

from pathlib import Path

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
